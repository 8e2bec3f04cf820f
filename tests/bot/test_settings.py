"""Settings: the names of the contract, .env files, and one clear line for a bad value."""

from __future__ import annotations

import re

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings


def test_defaults_and_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("TOKEN", "DB", "COORDINATORS", "TIMEZONE", "LANGUAGE", "API_URL"):
        monkeypatch.delenv(f"THEMABOT_{name}", raising=False)
    s = load_settings()
    assert (s.db, s.timezone, s.language, s.coordinators) == (
        "themabot.db",
        "Europe/Amsterdam",
        "nl",
        [],
    )
    assert s.api_url == "https://api.telegram.org/bot"
    monkeypatch.setenv("THEMABOT_COORDINATORS", "12, 34")
    assert load_settings().coordinators == [12, 34]


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THEMABOT_LANGUAGE", raising=False)
    (tmp_path / ".env").write_text("THEMABOT_LANGUAGE=en\nTHEMABOT_DB=x.db\n", encoding="utf-8")
    settings = load_settings()
    assert (settings.language, settings.db) == ("en", "x.db")


@pytest.mark.parametrize(
    ("name", "value", "language", "message"),
    [
        ("THEMABOT_TIMEZONE", "Mars/Olympus", "en", "THEMABOT_TIMEZONE: unknown time zone"),
        ("THEMABOT_TIMEZONE", "Mars/Olympus", "nl", "THEMABOT_TIMEZONE: onbekende tijdzone"),
        ("THEMABOT_COORDINATORS", "12,abc", "en", "THEMABOT_COORDINATORS: 'abc' is not a numeric"),
        ("THEMABOT_COORDINATORS", "12,abc", "nl", "'abc' is geen Telegram-gebruikersnummer"),
        # A language that cannot be read is told in the default one, Dutch.
        ("THEMABOT_LANGUAGE", "de", None, "THEMABOT_LANGUAGE: onbekende taal 'de' (kies uit nl,"),
        ("THEMABOT_SEND_RATE", "abc", "en", "THEMABOT_SEND_RATE: 'abc' is not a number"),
        (
            "THEMABOT_SEND_RATE",
            "2000",
            "nl",
            "THEMABOT_SEND_RATE: '2000' is te groot (hoogstens 1000)",
        ),
        ("THEMABOT_SEND_RATE", "-1", "en", "'-1' is too small (at least 0)"),
    ],
)
def test_bad_value_stops_with_one_line(
    monkeypatch, tmp_path, capsys, name, value, language, message
):
    # One line naming the variable, in THEMABOT_LANGUAGE as far as that one can be read.
    monkeypatch.chdir(tmp_path)
    if language is not None:
        monkeypatch.setenv("THEMABOT_LANGUAGE", language)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings()
    assert main(["round", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_run_without_token_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "make demo" in err and "Traceback" not in err


def test_run_against_an_unreachable_bot_api_says_so_in_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEMABOT_TOKEN", "123:abc")
    monkeypatch.setenv("THEMABOT_API_URL", "http://127.0.0.1:9/bot")  # nothing listens there
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Bot API at http://127.0.0.1:9/bot" in err and "Traceback" not in err
