"""The README documents what the code offers: every setting and every chat command."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from string import Formatter

from bot.app import COLLEAGUE_COMMANDS, COORDINATOR_COMMANDS
from bot.settings import Settings
from conversations.texts import LANGUAGES, catalogue

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`THEMABOT_{name.upper()}`" in README, name


def test_every_command_is_documented_and_described_in_both_languages():
    for command in (*COLLEAGUE_COMMANDS, *COORDINATOR_COMMANDS):
        assert f"/{command}" in README, command
        for language in ("nl", "en"):
            assert catalogue(language)(f"command_{command}")


def test_catalogues_have_the_same_keys_and_fields():
    nl, en = catalogue("nl"), catalogue("en")
    assert nl.keys() == en.keys()
    for key in sorted(nl.keys()):
        assert _fields(nl.text(key)) == _fields(en.text(key)), key


def _fields(text: str) -> set[tuple[str, str]]:
    """The {name} and {name:spec} fields of a text."""
    return {(name, spec or "") for _, name, spec, _ in Formatter().parse(text) if name is not None}


def test_every_language_has_a_catalogue_file():
    files = resources.files("conversations.texts").iterdir()
    assert sorted(f.name for f in files if f.name.endswith(".toml")) == sorted(
        f"{language}.toml" for language in LANGUAGES
    )


def test_counted_texts_pick_singular_and_plural():
    for language in ("nl", "en"):
        keys = catalogue(language).keys()
        for key in keys:
            if key.endswith("_one") and key != "pick_at_least_one":
                assert key.removesuffix("_one") + "_many" in keys, key
    t, en = catalogue("nl"), catalogue("en")
    assert t("status", answered=2, total=3, themes=1, open_required=1) == (
        "Je hebt 2 van de 3 vragen beantwoord (1 thema). Nog 1 verplichte vraag open."
    )
    assert t("themes_chosen", count=2) == "Top, 2 thema's gekozen."
    assert t.button("remind_send", count=1) == "Stuur 1 herinnering"
    assert t.button("remind_send", count=3) == "Stuur 3 herinneringen"
    assert t("count_questions", count=0) == "0 vragen"
    assert t("count_open_required", count=0) == "Alle verplichte vragen zijn beantwoord."
    assert t.label("answers", count=1) == "1 antwoord"
    assert en.label("progress_invited", count=2) == "2 invitations not opened yet"
    assert en.button("reminder_away_until", date="Friday") == "Until Friday"
    assert en("review_footer", open_required=0).startswith("All required questions are answered.")
    assert en("progress_theme", theme="<A>", contributors=1) == "• &lt;A&gt;: 1 contributor"
