"""Settings: the names of the contract, .env files, and one clear line for a bad value."""

from __future__ import annotations

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
    ("name", "value", "message"),
    [
        ("THEMABOT_TIMEZONE", "Mars/Olympus", "THEMABOT_TIMEZONE: unknown time zone"),
        ("THEMABOT_COORDINATORS", "12,abc", "THEMABOT_COORDINATORS: 'abc' is not a numeric"),
        ("THEMABOT_LANGUAGE", "de", "THEMABOT_LANGUAGE: unsupported language"),
    ],
)
def test_bad_value_stops_with_one_line(monkeypatch, tmp_path, capsys, name, value, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
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
