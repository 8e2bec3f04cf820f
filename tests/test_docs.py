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


def test_counted_texts_pick_singular_and_plural():
    for language in ("nl", "en"):
        keys = catalogue(language).keys()
        for key in keys:
            if key.endswith("_one") and key != "pick_at_least_one":
                assert key.removesuffix("_one") + "_many" in keys, key
    t = catalogue("nl")
    assert t("status", answered=2, total=3, themes=1, open_required=1) == (
        "Je hebt 2 van de 3 vragen beantwoord (1 thema). Nog 1 verplichte vraag open."
    )
    assert t("themes_chosen", count=2) == "Top, 2 thema's gekozen."
    assert t.count("button_remind_send", 1) == "Stuur 1 herinnering"
    en = catalogue("en")
    assert en("review_footer", open_required=0).startswith("All required questions are answered.")
    assert en("progress_theme", theme="<A>", contributors=1) == "• &lt;A&gt;: 1 contributor"
