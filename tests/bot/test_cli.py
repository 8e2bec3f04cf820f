"""The `themabot` command line, as the README and design.md promise it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys

import docx
import pytest

from bot.cli import main
from storage import open_store
from tests.auxil.cli import MORNING
from tests.auxil.data import SMALL


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh database; messages in English (the default, Dutch, is tested on its own)."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("THEMABOT_DB", str(path))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def run(capsys, *argv: str) -> dict | list:
    # A fixed clock: "--deadline 2027-03-01" must stay a day to come, whenever this runs.
    assert main(list(argv), clock=lambda: MORNING) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_round_create_prints_round_and_themes(db, capsys):
    created = run(
        capsys, "round", "create", "--name", "IVP 2027", "--deadline", "2027-03-01", "--json"
    )
    assert created["round"] == 1 and created["deadline"] == "2027-03-01"
    assert {"key": "ondermijning", "title": "Aanpak ondermijning"} in created["themes"]
    from_file = run(capsys, "round", "create", "--name", "Klein", "--template", SMALL, "--json")
    assert [t["key"] for t in from_file["themes"]] == ["ondermijning", "jeugd"]
    assert [r["name"] for r in run(capsys, "round", "list", "--json")] == ["IVP 2027", "Klein"]


def test_invite_prints_token_and_link_once_the_username_is_known(db, capsys):
    run(capsys, "round", "create", "--name", "R", "--json")
    first = run(
        capsys,
        "invite",
        "--round",
        "1",
        "--name",
        "Alice",
        "--theme",
        "jeugd",
        "ondermijning",
        "--json",
    )
    assert len(first["token"]) >= 22 and "link" not in first
    assert first["themes"] == ["jeugd", "ondermijning"]

    async def remember_username() -> None:
        store = await open_store(db)
        async with store.write() as tx:
            await tx.set_meta("bot_username", "leiden_ivp_bot")
        await store.close()

    asyncio.run(remember_username())
    second = run(capsys, "invite", "--round", "1", "--name", "Bob", "--json")
    assert second["link"] == f"https://t.me/leiden_ivp_bot?start={second['token']}"
    assert second["token"] != first["token"]


def test_invite_mistakes_get_one_line(db, capsys):
    run(capsys, "round", "create", "--name", "R", "--json")
    assert main(["invite", "--round", "1", "--name", "A", "--theme", "nope"]) == 2
    assert "unknown theme nope" in capsys.readouterr().err
    assert main(["invite", "--round", "7", "--name", "A"]) == 2
    assert "no round 7" in capsys.readouterr().err
    # With --json the refusal is JSON on stdout as well, as the bulk invite's is.
    assert main(["invite", "--round", "1", "--name", "A", "--theme", "nope", "--json"]) == 2
    out, err = capsys.readouterr()
    refused = json.loads(out)
    assert refused["ok"] is False and "unknown theme nope" in refused["error"]
    assert "unknown theme nope" in err


def test_progress_and_report(db, capsys, tmp_path):
    run(capsys, "round", "create", "--name", "R", "--template", SMALL, "--json")
    run(capsys, "invite", "--round", "1", "--name", "Alice", "--theme", "jeugd", "--json")
    progress = run(capsys, "progress", "--round", "1", "--json")
    assert progress["colleagues"][0] == {
        "invite": 1,
        "name": "Alice",
        "state": "not_started",
        "category": "invited",
        "answered": 0,
        "total": 3,
        "open_required": 2,  # niveau is optional
        "unreachable": False,
        "invite_opened": False,
    }
    assert main(["progress", "--round", "1"]) == 0
    assert "Alice" in capsys.readouterr().out
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "overzicht.docx"
    written = run(
        capsys, "report", "--round", "1", "--format", "docx", "--output", str(out), "--json"
    )
    assert written["bytes"] == out.stat().st_size
    assert docx.Document(str(out)).paragraphs
    assert main(["report", "--round", "1", "--format", "pdf", "--output", str(out)]) == 2
    assert "unknown format 'pdf'" in capsys.readouterr().err


def test_python_dash_m_bot_and_help(db):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("run", "round", "invite", "progress", "report", "template", "demo"):
        assert command in done.stdout


def test_the_command_leaves_with_its_exit_code_and_all_its_output(db, capsys):
    # The console script skips Python's shutdown (bot.cli.entry): what it printed must still
    # all be there, and a refusal must still say 2.
    run(capsys, "round", "create", "--name", "IVP", "--deadline", "2027-03-01", "--json")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "round", "list", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [r["name"] for r in json.loads(done.stdout)] == ["IVP"]
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--round", "7", "--output", "x.html", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["ok"] is False
    assert "round 7" in refused.stderr


def test_a_command_leaves_its_large_objects_to_the_exit_only_when_the_process_ends_there(
    monkeypatch,
):
    # `themabot report` hands its round and overview to keep_until_exit: under the console
    # script (which ends with os._exit) they stay until the end; called as a library, and in
    # these tests, they are freed as usual.
    import gc
    import weakref

    from bot.cli import common

    class Big:
        pass

    freed = Big()
    gone = weakref.ref(freed)
    common.keep_until_exit(freed)
    del freed
    assert gone() is None
    monkeypatch.setattr(common, "leaving_at_once", True)
    monkeypatch.setattr(common, "_kept", [])
    kept = Big()
    stays = weakref.ref(kept)
    try:
        common.keep_until_exit(kept)
        del kept
        assert stays() is not None
    finally:
        gc.unfreeze()


def test_a_database_that_is_not_there_is_not_made_by_a_command_that_reads(db, capsys):
    # A mistyped THEMABOT_DB must not look like "there is no round 1" in a new empty file.
    assert main(["report", "--round", "1", "--output", "x.html"]) == 2
    assert "there is no database" in capsys.readouterr().err
    assert main(["round", "list"]) == 2
    assert not db.exists()
    run(capsys, "round", "create", "--name", "IVP", "--deadline", "2027-03-01", "--json")
    assert db.exists()


def test_a_reader_that_goes_away_ends_the_command_quietly(db, capsys):
    # `themabot progress | head -3`: head leaves, the rest of the output has nowhere to go.
    run(capsys, "round", "create", "--name", "IVP", "--deadline", "2027-03-01", "--json")
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "round", "list"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 0


@pytest.mark.parametrize(("language", "default"), [("en", "the default"), ("nl", "de standaard")])
def test_report_help_names_every_format_and_the_default(capsys, monkeypatch, language, default):
    from reports.render import DEFAULT_FORMAT, FORMATS

    monkeypatch.setenv("THEMABOT_LANGUAGE", language)
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert all(fmt in shown for fmt in FORMATS)
    assert f"{DEFAULT_FORMAT} ({default})" in shown


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text and description of a parser and its subcommands (argparse's insides)."""
    found = [parser.description] if parser.description else []
    for action in parser._actions:
        found += [action.help] if action.help and action.help != argparse.SUPPRESS else []
        if isinstance(action, argparse._SubParsersAction):
            found += [choice.help for choice in action._choices_actions if choice.help]
            for sub in action.choices.values():
                found += _help_texts(sub)
    return found


def test_every_help_text_has_its_dutch_and_english_entry(capsys, monkeypatch):
    # bot/cli writes the help in English; the [cli] help_* texts say it in each language. A
    # text without an entry would show in English to a Dutch user.
    from bot.cli import build_parser
    from conversations.texts import catalogue

    english = catalogue("en")
    entries = {english.cli(k[4:]) for k in english.keys() if k.startswith("cli.help_")}  # noqa: SIM118
    missing = sorted(set(_help_texts(build_parser())) - entries)
    assert missing == []
    monkeypatch.setenv("THEMABOT_LANGUAGE", "nl")
    for command in (["--help"], ["round", "create", "--help"], ["invite", "--help"]):
        with pytest.raises(SystemExit):
            main(command, prog="themabot")
        shown = capsys.readouterr().out
        assert shown.startswith("gebruik: themabot") and "toon deze hulp en stop" in shown
        assert "show this help" not in shown and "options:" not in shown


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["report", "--round", "abc", "--output", "x.html"], "--round takes a number, and 'abc'"),
        (["report", "--round", "1"], "missing: --output"),
        (["report", "--round"], "--round needs a value"),
        (["round", "frob"], "'frob' is not a command (choose from create, list, update, close)"),
        (["round", "list", "--bogus"], "not understood: --bogus; see `themabot round list --help`"),
        (["report", "--round", "1", "--output", "x.html", "-x"], "see `themabot report --help`"),
        ([], "give a command; see `themabot --help`"),
        (["round"], "give a command; see `themabot round --help`"),
    ],
)
def test_arguments_that_cannot_be_read_are_one_line_pointing_to_help(db, capsys, argv, said):
    # Not argparse's usage block and English message: one line in the user's language, and
    # with --json the same refusal as every other on stdout.
    assert main(argv, prog="themabot") == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("themabot: ") and said in err and "--help`" in err
    assert main([*argv, "--json"], prog="themabot") == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["ok"] is False and said in json.loads(out)["error"]
    assert not db.exists()


def test_arguments_that_cannot_be_read_are_told_in_dutch_by_default(db, capsys, monkeypatch):
    monkeypatch.delenv("THEMABOT_LANGUAGE")
    assert main(["report", "--round", "1"], prog="themabot") == 2
    err = capsys.readouterr().err
    assert err == "themabot: dit ontbreekt nog: --output; zie `themabot report --help`\n"


def test_a_reminder_hour_outside_office_hours_is_one_line(db, capsys):
    assert main(["round", "create", "--name", "R", "--reminder-hour", "20"]) == 2
    assert capsys.readouterr().err.strip().startswith("themabot: --reminder-hour 20: ")


def test_theme_keys_of_an_outside_template_are_typed_in_any_case(db, capsys, tmp_path):
    from tests.conversations.test_template import OWN_QUESTIONS_ONLY

    outside = tmp_path / "buiten.toml"
    outside.write_text(OWN_QUESTIONS_ONLY, encoding="utf-8")
    assert main(["template", "check", str(outside)]) == 0
    assert "2 themes, 1 question per theme" in capsys.readouterr().out
    created = run(capsys, "round", "create", "--name", "R", "--template", str(outside), "--json")
    assert [t["key"] for t in created["themes"]] == ["Thema1", "thema-2"]
    invited = run(
        capsys, "invite", "--round", "1", "--name", "A", "--theme", "THEMA-2", "thema1", "--json"
    )
    assert invited["themes"] == ["Thema1", "thema-2"]
    assert main(["invite", "--round", "1", "--name", "A", "--theme", "thema3"]) == 2
    assert "unknown theme thema3 (themes: Thema1, thema-2)" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["", "   ", "\u200b", "x" * 201])
def test_empty_or_huge_names_are_refused_in_one_line(db, capsys, name):
    assert main(["round", "create", "--name", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("themabot: --name ") and err.count("\n") == 1
    run(capsys, "round", "create", "--name", "R", "--json")
    for extra in ([], ["--coordinator"]):
        assert main(["invite", "--round", "1", "--name", name, *extra]) == 2
        assert capsys.readouterr().err.startswith("themabot: --name ")
    assert [r["name"] for r in run(capsys, "round", "list", "--json")] == ["R"]
    assert run(capsys, "progress", "--round", "1", "--json")["colleagues"] == []


def test_withdraw_a_colleague_or_an_unopened_invite(db, capsys):
    run(capsys, "round", "create", "--name", "R", "--template", SMALL, "--json")
    run(capsys, "invite", "--round", "1", "--name", "Alice", "--theme", "jeugd", "--json")
    assert run(capsys, "withdraw", "--round", "1", "--name", "alice", "--json") == {
        "round": 1,
        "withdrawn": "Alice",
        "invite": 1,
        "answers_erased": 0,
    }
    assert run(capsys, "progress", "--round", "1", "--json")["colleagues"] == []
    assert main(["withdraw", "--round", "1", "--name", "Alice"]) == 2
    assert "nobody called 'Alice'" in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["devtools", "devtools.demo"])
def test_demo_without_the_developer_tools_says_how_to_get_them(
    db, capsys, monkeypatch, missing: str
):
    # As in an installed bot without themabot-devtools: the import of the demo fails.
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delitem(sys.modules, "devtools.demo", raising=False)
    monkeypatch.setitem(sys.modules, missing, None)
    assert main(["demo", "--output", str(db.parent / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "developer tools" in err and "make demo" in err and "pip install -e ./devtools" in err
    assert not (db.parent / "out").exists()


def test_report_submitted_only_and_a_house_style(db, capsys, tmp_path):
    run(capsys, "round", "create", "--name", "R", "--template", SMALL, "--json")
    run(capsys, "invite", "--round", "1", "--name", "Alice", "--theme", "jeugd", "--json")
    out = tmp_path / "versie.md"
    written = run(
        capsys, "report", "--round", "1", "--output", str(out), "--submitted-only", "--json"
    )
    assert written["submitted_only"] is True and written["format"] == "md"
    assert "alleen ingestuurde antwoorden" in out.read_text(encoding="utf-8")

    house = docx.Document()
    house.styles["Heading 1"].font.name = "Comic Sans MS"  # a house style one can recognise
    house.save(str(tmp_path / "huisstijl.docx"))
    word = tmp_path / "met-huisstijl.docx"
    run(
        capsys, "report", "--round", "1", "--output", str(word),
        "--docx-template", str(tmp_path / "huisstijl.docx"), "--json",
    )  # fmt: skip
    assert docx.Document(str(word)).styles["Heading 1"].font.name == "Comic Sans MS"

    (tmp_path / "kapot.docx").write_bytes(b"geen zip")
    args = ["report", "--round", "1", "--output", str(word), "--docx-template"]
    assert main([*args, str(tmp_path / "kapot.docx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "kapot.docx" in err


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("nl", "kan {path} niet schrijven: de schijf is vol"),
        ("en", "cannot write {path}: the disk is full"),
    ],
)
def test_a_file_the_system_will_not_write_is_told_in_the_users_language(
    db, capsys, tmp_path, monkeypatch, language, reason
):
    # The system's own words (strerror) are English whatever the language.
    import errno
    import tempfile

    run(capsys, "round", "create", "--name", "R", "--template", SMALL, "--json")
    monkeypatch.setenv("THEMABOT_LANGUAGE", language)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    out = tmp_path / "x.html"
    assert main(["report", "--round", "1", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"themabot: {reason.format(path=out)}\n"
    assert not out.exists()


def test_a_reason_without_a_text_is_told_in_the_systems_words():
    import errno

    from conversations.texts import catalogue, os_reason

    t = catalogue("nl")
    assert os_reason(OSError(errno.EACCES, "Permission denied"), t) == "geen toestemming"
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link"), t) == (
        "Invalid cross-device link"
    )
    assert os_reason(OSError("no errno at all"), t) == "no errno at all"


def test_a_house_style_that_cannot_be_used_is_named_where_it_came_from(
    db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("THEMABOT_LANGUAGE", "nl")
    run(capsys, "round", "create", "--name", "IVP", "--deadline", "2027-03-01", "--json")
    (tmp_path / "kapot.docx").write_bytes(b"geen zip")
    word = str(tmp_path / "uit.docx")

    assert main(["report", "--round", "1", "--output", word, "--docx-template", "kapot.docx"]) == 2
    err = capsys.readouterr().err
    assert "--docx-template: kapot.docx is geen Word-document" in err
    assert main(["report", "--round", "1", "--output", word, "--docx-template", "weg.docx"]) == 2
    assert "het bestand weg.docx bestaat niet" in capsys.readouterr().err

    monkeypatch.setenv("THEMABOT_DOCX_TEMPLATE", "kapot.docx")
    assert main(["report", "--round", "1", "--output", word]) == 2
    assert "THEMABOT_DOCX_TEMPLATE: kapot.docx is geen Word-document" in capsys.readouterr().err
    assert not (tmp_path / "uit.docx").exists()
    # Only Word uses a house style: the other formats are written whatever it is.
    assert main(["report", "--round", "1", "--output", str(tmp_path / "uit.html")]) == 0
    assert (tmp_path / "uit.html").exists()
