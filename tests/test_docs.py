"""The README documents what the code offers: every setting and every chat command."""

from __future__ import annotations

from pathlib import Path

from bot.app import COLLEAGUE_COMMANDS, COORDINATOR_COMMANDS
from bot.settings import Settings
from bot.texts import catalogue

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`THEMABOT_{name.upper()}`" in README, name


def test_every_command_is_documented_and_described_in_both_languages():
    for command in (*COLLEAGUE_COMMANDS, *COORDINATOR_COMMANDS):
        assert f"/{command}" in README, command
        for language in ("nl", "en"):
            assert catalogue(language)(f"command_{command}")


def test_catalogues_have_the_same_keys():
    assert catalogue("nl").keys() == catalogue("en").keys()
