"""Closing, purging and the audit trail from the command line, as an operator meets them: a
question on a terminal, --yes elsewhere, and after a purge nothing of anyone in any output."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from conversations.engine import AnswerSource
from reports.render import FORMATS
from storage.records import Lane
from tests.auxil.cli import Cli
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text, stored_values

ALICE_SAYS = "Alice-inbreng over ondermijning in de haven"
BRAM_SAYS = "Bram-inbreng over jeugd"


class Terminal(io.StringIO):
    """Standard input as a terminal where the operator types ``answer``."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    """Standard input that is no terminal (a script, cron, CI)."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("THEMABOT_DB", str(path))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", Pipe())
    return Cli(capsys, path)


def a_round(cli: Cli) -> None:
    """Round 1: Alice and Bram answered one question each (open ones left), Carla invited."""
    cli.json("round", "create", "--name", "R", "--template", SMALL, "--deadline", "2027-02-26")
    alice = cli.json("invite", "--round", "1", "--name", "Alice", "--theme", "ondermijning")
    bram = cli.json("invite", "--round", "1", "--name", "Bram", "--theme", "jeugd")
    cli.json("invite", "--round", "1", "--name", "Carla", "--theme", "jeugd")
    people = {1001: (cli.join(alice["invite"], 1001), "ondermijning", ALICE_SAYS)}
    people[1002] = (cli.join(bram["invite"], 1002), "jeugd", BRAM_SAYS)

    async def work(tx):
        for chat, (pid, theme, text) in people.items():
            await tx.save_answer(
                pid, theme, "inhoud", (text,), AnswerSource.ANSWER, cli.clock, chat_id=chat,
                message_id=7,
            )  # fmt: skip

    cli.store(work)


def pending(cli: Cli):
    async def work(tx):
        return await tx.pending_messages(Lane.BULK)

    return cli.store(work)


def test_close_asks_on_a_terminal_and_needs_yes_anywhere_else(cli, monkeypatch):
    a_round(cli)
    err = cli.fails("round", "close", "--round", "1")
    assert "cannot be undone" in err and "add --yes" in err
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, out, err = cli("round", "close", "--round", "1")
    assert code == 1 and "Nothing was done." in out
    assert "Close round 1 (R)?" in err and "2 colleagues with open questions are told" in err
    assert cli.json("round", "list")[0]["closed"] is None
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    out = cli.ok("round", "close", "--round", "1")
    assert "Round 1 (R) is closed." in out and "purge --round 1" in out
    assert "Deadline:" not in out  # a closed round takes no answers: its deadline is past news


def test_close_tells_colleagues_with_open_questions_once_through_the_running_bot(cli):
    a_round(cli)
    closed = cli.json("round", "close", "--round", "1", "--yes")
    assert closed["told"] == 2 and closed["closed"] and closed["reminders"] is False
    notices = pending(cli)  # Carla never opened her invite: she is not told
    assert sorted(n.chat_id for n in notices) == [1001, 1002]
    assert all(n.lane is Lane.BULK and "is gesloten" in n.text for n in notices)
    again = cli.json("round", "close", "--round", "1", "--yes")
    assert again["already"] and len(pending(cli)) == 2
    assert "is closed already" in cli.ok("round", "close", "--round", "1", "--yes")


def test_a_closed_round_takes_no_invites_themes_deadline_or_reminders(cli):
    a_round(cli)
    cli.ok("round", "close", "--round", "1", "--yes")
    for argv in (
        ("invite", "--round", "1", "--name", "Dirk"),
        ("assign", "--round", "1", "--name", "Alice", "--theme", "jeugd"),
        ("round", "update", "--round", "1", "--deadline", "2027-03-12"),
        ("round", "update", "--round", "1", "--reminders", "on"),
    ):
        assert "round 1 is closed" in cli.fails(*argv), argv
    assert cli.json("round", "update", "--round", "1", "--name", "R (klaar)")["name"] == (
        "R (klaar)"
    )


def test_purge_is_refused_for_an_open_round_and_erases_everyone_from_a_closed_one(cli, tmp_path):
    a_round(cli)
    assert "still open; close it first" in cli.fails("purge", "--round", "1", "--yes")
    cli.ok("withdraw", "--round", "1", "--name", "Bram")
    cli.ok("round", "close", "--round", "1", "--yes")
    purged = cli.json("purge", "--round", "1", "--yes")
    assert purged == {
        "round": 1,
        "purged": True,
        "colleagues": 2,
        "invites": 3,
        "answers": 1,  # Bram's went with his withdrawal
        "scrubbed": True,
        "already": False,
    }
    names_and_texts = ("Alice", "Bram", "Carla", ALICE_SAYS, BRAM_SAYS)

    progress = cli.json("progress", "--round", "1")
    assert progress["colleagues"] == [] and progress["withdrawn"] == []
    assert progress["kept"] == {"colleagues": 1, "submitted": 0} and progress["purged"]
    shown = cli.ok("progress", "--round", "1")
    assert "Erased on" in shown and "1 participant, 0 submitted" in shown
    for fmt, spec in FORMATS.items():
        path = tmp_path / f"report{spec.extension}"
        cli.ok("report", "--round", "1", "--output", str(path))
        content = readable(fmt, path)
        assert "Deze ronde is gewist" in content or fmt == "csv", fmt  # the round speaks nl
        assert "Aanpak ondermijning" in content, fmt  # the counts per theme and question
        for what in names_and_texts:
            assert what not in content, (fmt, what)

    stored = stored_text(cli.db)
    for what in names_and_texts:
        assert what not in stored, what
    assert 1001 not in stored_values(cli.db) and ":1001:" not in stored

    entries = cli.json("audit", "--round", "1")["entries"]
    assert [e["action"] for e in entries] == ["withdraw", "close", "purge"]
    assert all(e["subject"] is None for e in entries)
    assert [e["role"] for e in entries] == ["command_line"] * 3
    assert entries[0]["by"] is None and entries[2]["detail"] == {
        "colleagues": 2,
        "invites": 3,
        "answers": 1,
    }
    lines = cli.ok("audit", "--round", "1").splitlines()
    assert "(name erased) (#2)" not in lines[0] and "took (name erased) out" in lines[0]
    assert "erased the round: 2 participants, 3 invitations, 1 answer" in lines[2]

    again = cli.json("purge", "--round", "1", "--yes")
    assert again["already"] and again["scrubbed"]


def test_a_purge_says_who_of_those_it_erases_had_withdrawn(cli):
    # Their names go too, yet no report counts them: "2 participants" next to a report's
    # "1 participant" would read as a mistake.
    a_round(cli)
    cli.ok("withdraw", "--round", "1", "--name", "Bram")
    cli.ok("round", "close", "--round", "1", "--yes")
    said = cli.ok("purge", "--round", "1", "--yes")
    assert (
        "Round 1 is erased: 2 participants (1 of whom had withdrawn and no longer counts in "
        "the reports), 3 invitations and 1 answer removed."
    ) in " ".join(said.split())


def readable(fmt: str, path: Path) -> str:
    if fmt == "docx":
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(path)
        return "\n".join(
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
        )
    return path.read_text(encoding="utf-8-sig")


def test_the_audit_trail_names_who_did_what_until_a_purge(cli, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops-marja")
    a_round(cli)
    assert "Nothing is recorded for round 1" in cli.ok("audit", "--round", "1")
    cli.ok("withdraw", "--round", "1", "--name", "Bram")
    cli.ok("round", "update", "--round", "1", "--retention-days", "30")
    entries = cli.json("audit", "--round", "1")["entries"]
    assert [(e["action"], e["by"], e["subject"]) for e in entries] == [
        ("withdraw", "ops-marja", "Bram"),
        ("retention", "ops-marja", None),
    ]
    assert entries[0]["detail"] == {"answers": 1} and entries[1]["detail"] == {"days": 30}
    shown = cli.ok("audit", "--round", "1")
    assert "command line ops-marja: took Bram (#2) out of the round, 1 answer erased" in shown
    assert "retention period: 30 days after closing" in shown
    assert json.loads(json.dumps(entries))  # plain JSON


def test_a_retention_period_on_create_update_and_from_the_template(cli, tmp_path):
    made = cli.json("round", "create", "--name", "R", "--retention-days", "90")
    assert made["retention_days"] == 90
    assert "until 90 days after closing" in cli.ok("round", "update", "--round", "1",
                                                   "--reminder-hour", "10")  # fmt: skip
    assert (
        cli.json("round", "update", "--round", "1", "--retention-days", "off")["retention_days"]
        is None
    )
    assert "--retention-days soon" in cli.fails(
        "round", "update", "--round", "1", "--retention-days", "soon"
    )
    template = tmp_path / "kort.toml"
    template.write_text(
        Path(SMALL).read_text(encoding="utf-8") + "\n[privacy]\nretention_days = 14\n",
        encoding="utf-8",
    )
    assert (
        cli.json("round", "create", "--name", "R2", "--template", str(template))["retention_days"]
        == 14
    )
