"""Invite links from the command line, and hints that name the command as it was run.

That a set token makes the very first invite print its link (getMe over HTTP) is checked from
outside, in tests/test_outside.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli.common import command_name
from tests.auxil.cli import Cli


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("THEMABOT_DB", str(path))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = Cli(capsys, path)
    runner.json("round", "create", "--name", "R")
    return runner


def test_without_a_token_the_invite_says_plainly_how_to_get_in(cli):
    out = cli.ok("invite", "--round", "1", "--name", "Alice", "--theme", "jeugd")
    token = out.split("Token: ")[1].split()[0]
    assert "because THEMABOT_TOKEN is not set" in out
    assert f"https://t.me/<your bot's name>?start={token}" in out
    assert f"sends: /start {token}" in out


def test_an_unreachable_bot_api_is_said_and_the_invite_still_made(cli, monkeypatch):
    monkeypatch.setenv("THEMABOT_TOKEN", "123:abc")
    monkeypatch.setenv("THEMABOT_API_URL", "http://127.0.0.1:9/bot")  # nothing listens there
    out = cli.ok("invite", "--round", "1", "--name", "Alice")
    assert "the Bot API could not be reached to ask the bot's name" in out
    assert "Once the bot has run, every invite names its link." in out
    assert [c["name"] for c in cli.json("progress", "--round", "1")["colleagues"]] == ["Alice"]


def test_a_stored_username_gives_the_link_without_asking(cli, monkeypatch):
    monkeypatch.setenv("THEMABOT_TOKEN", "123:abc")
    monkeypatch.setenv("THEMABOT_API_URL", "http://127.0.0.1:9/bot")
    cli.remember_username("leiden_ivp_bot")
    made = cli.json("invite", "--round", "1", "--name", "Alice")
    assert made["link"] == f"https://t.me/leiden_ivp_bot?start={made['token']}"


def test_hints_name_the_command_as_it_was_run(tmp_path, monkeypatch):
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    script, python = venv / "themabot", venv / "python"
    for program in (script, python):
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_name(".venv/bin/themabot", str(python), tmp_path) == ".venv/bin/themabot"
    assert command_name(str(script), str(python), tmp_path) == os.path.join(
        ".venv", "bin", "themabot"
    )
    main_py = str(Path("/somewhere/bot/__main__.py"))
    assert command_name(main_py, str(python), tmp_path) == ".venv/bin/python -m bot"
    elsewhere = tmp_path.parent / "other"
    assert command_name(str(script), str(python), elsewhere) == str(script)
    monkeypatch.setenv("PATH", f"{venv}:/usr/bin:/bin")  # activated: PATH finds that very file
    assert command_name(str(script), str(python), elsewhere) == "themabot"
    assert command_name(main_py, str(python), elsewhere) == "python -m bot"


def test_hints_follow_the_prog_given(cli):
    cli.prog = "python -m bot"
    assert "(see `python -m bot round list`)" in cli.fails("invite", "--round", "7", "--name", "A")
