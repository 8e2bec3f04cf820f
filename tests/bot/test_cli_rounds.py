"""Rounds and reports from the command line as a coordinator meets them: deadlines that cannot
be in the past, a round that changes while it runs, files written as named or not at all."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest

from storage.records import Lane
from tests.auxil.cli import MORNING, Cli
from tests.auxil.data import SMALL

EVENING = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # 18:30 in Amsterdam, a Friday


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("THEMABOT_DB", str(path))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return Cli(capsys, path)


# --- deadlines --------------------------------------------------------------------------


def test_a_deadline_in_the_past_is_refused_on_create(cli):
    err = cli.fails("round", "create", "--name", "R", "--deadline", "2020-01-01")
    assert "Wednesday 1 January 2020 is over already" in err
    assert cli.json("round", "list") == []


def test_today_is_a_deadline_in_the_morning_but_not_after_working_hours(cli):
    assert cli.json("round", "create", "--name", "R", "--deadline", "2026-11-27")["round"] == 1
    cli.clock = EVENING
    err = cli.fails("round", "create", "--name", "R2", "--deadline", "2026-11-27")
    assert "the working day is over (after 17:00)" in err
    assert cli.json("round", "create", "--name", "R2", "--deadline", "28-11-2026")["deadline"] == (
        "2026-11-28"
    )


def test_a_date_that_is_no_date_is_one_line(cli):
    err = cli.fails("round", "create", "--name", "R", "--deadline", "31-02-2027")
    assert err.count("\n") == 1 and "--deadline 31-02-2027: that is not a date" in err


def test_round_create_repeats_the_deadline_and_the_reminder_plan(cli):
    out = cli.ok("round", "create", "--name", "IVP", "--deadline", "2027-03-01")
    assert "Round 1 created: IVP (Input Integraal Veiligheidsplan)" in out
    assert "Deadline: Monday 1 March 2027 (the last day to answer)." in out
    assert (
        "Reminders: on working days at 9:00, to whoever has open questions: after 3 working "
        "days if someone has not started, every Monday, 3 and 1 working days before the "
        "deadline." in out
    )
    assert ".venv/bin/themabot invite --round 1 --from colleagues.xlsx --output links.xlsx" in out
    quiet = cli.ok("round", "create", "--name", "Stil", "--no-reminders")
    assert "No deadline." in quiet
    assert "Reminders: off. To switch them on: .venv/bin/themabot round update --round 2" in quiet


def test_messages_speak_themabot_language_dutch_by_default(cli, monkeypatch):
    monkeypatch.delenv("THEMABOT_LANGUAGE")
    out = cli.ok("round", "create", "--name", "IVP", "--deadline", "2027-03-01")
    assert "Ronde 1 gemaakt" in out and "Deadline: maandag 1 maart 2027" in out
    assert "elke maandag" in out
    assert "al voorbij" in cli.fails("round", "create", "--name", "X", "--deadline", "2020-1-1")


# --- changing a running round -----------------------------------------------------------


def pending(cli: Cli):
    async def work(tx):
        return await tx.pending_messages(Lane.BULK)

    return cli.store(work)


def test_round_update_moves_the_deadline_announces_it_once_and_round_list_shows_it(cli):
    cli.json("round", "create", "--name", "R", "--template", SMALL, "--deadline", "2027-02-26")
    alice = cli.json("invite", "--round", "1", "--name", "Alice", "--theme", "jeugd")["invite"]
    bram = cli.json("invite", "--round", "1", "--name", "Bram", "--theme", "jeugd")["invite"]
    cli.json("invite", "--round", "1", "--name", "Carla", "--theme", "jeugd")  # never opened
    alice_pid = cli.join(alice, 1001)
    cli.join(bram, 1002)
    cli.ok("withdraw", "--round", "1", "--name", "Bram")

    cli.clock = EVENING  # a Friday evening: the news waits for Monday morning
    moved = cli.json("round", "update", "--round", "1", "--deadline", "2027-03-12")
    assert moved["deadline"] == "2027-03-12" and moved["announced"] == 1
    assert cli.json("round", "list")[0]["deadline"] == "2027-03-12"
    (news,) = pending(cli)  # Alice has open questions; Bram is withdrawn, Carla not in yet
    assert news.chat_id == 1001 and news.lane is Lane.BULK
    assert "vrijdag 12 maart 2027" in news.text  # in the colleague's language
    assert news.not_before == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 local
    assert news.keyboard == (((("Verder", f"v1:go:{alice_pid}"),),))

    same = cli.ok("round", "update", "--round", "1", "--deadline", "2027-03-12")
    assert "nothing changed and nobody is told" in same
    assert len(pending(cli)) == 1  # once per change
    assert "is over already" in cli.fails(
        "round", "update", "--round", "1", "--deadline", "2026-11-01"
    )
    assert cli.json("round", "list")[0]["deadline"] == "2027-03-12"


def test_round_update_names_and_reminders(cli):
    cli.json("round", "create", "--name", "R")
    out = cli.ok("round", "update", "--round", "1", "--name", "IVP 2027", "--reminder-hour", "11")
    assert "Round 1 is now called IVP 2027." in out and "on working days at 11:00" in out
    off = cli.json("round", "update", "--round", "1", "--reminders", "off")
    assert off["reminders"] is False and off["reminder_hour"] == 11 and off["name"] == "IVP 2027"

    async def stored(tx):
        return await tx.get_round(1)

    round_ = cli.store(stored)
    assert round_.template.reminders.hour == 11 and not round_.reminders_enabled
    assert cli.json("round", "update", "--round", "1", "--reminders", "on")["reminders"] is True
    err = cli.fails("round", "update", "--round", "1", "--reminder-hour", "20")
    assert err.startswith("themabot: --reminder-hour 20: ")
    assert "nothing to change" in cli.fails("round", "update", "--round", "1")
    assert "no round 9 (see `.venv/bin/themabot round list`)" in cli.fails(
        "round", "update", "--round", "9", "--name", "X"
    )


# --- report: the file is what its name says ---------------------------------------------


@pytest.fixture
def a_round(cli):
    cli.json("round", "create", "--name", "Ronde 1", "--template", SMALL)
    cli.json("invite", "--round", "1", "--name", "Alice", "--theme", "jeugd")
    return cli


def test_the_format_follows_the_extension(a_round, tmp_path):
    written = a_round.json("report", "--round", "1", "--output", "x.docx")
    assert written["format"] == "docx"
    assert docx.Document(str(tmp_path / "x.docx")).paragraphs
    a_round.json("report", "--round", "1", "--output", "x.xlsx")
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").worksheets
    assert a_round.json("report", "--round", "1", "--output", "x.htm")["format"] == "html"
    assert "Wrote x.md (md, " in a_round.ok("report", "--round", "1", "--output", "x.md")


def test_a_format_that_contradicts_the_extension_is_refused(a_round, tmp_path):
    err = a_round.fails("report", "--round", "1", "--format", "csv", "--output", "a.xlsx")
    assert "--format csv does not fit --output a.xlsx (.xlsx is xlsx)" in err
    assert not (tmp_path / "a.xlsx").exists()
    assert a_round.json("report", "--round", "1", "--format", "XLSX", "--output", "a.xlsx")


def test_output_may_be_a_folder_but_a_missing_one_is_not_created(a_round, tmp_path):
    (tmp_path / "stukken").mkdir()
    written = a_round.json("report", "--round", "1", "--output", "stukken", "--format", "docx")
    assert written["output"] == str(Path("stukken") / "overzicht-Ronde-1.docx")
    assert docx.Document(written["output"]).paragraphs
    assert a_round.json("report", "--round", "1", "--output", "stukken/")["format"] == "html"
    for missing in ("stukkn/x.docx", "stukkn/"):
        err = a_round.fails("report", "--round", "1", "--output", missing)
        assert "the folder stukkn" in err and "does not exist" in err and err.count("\n") == 1
    assert not (tmp_path / "stukkn").exists()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("overzicht", "give the file an extension"),
        ("overzicht.pdf", ".pdf names no format"),
        ("x.docx/y.docx", "x.docx is not a folder"),
        ("x.docx/", "x.docx/ is not a folder"),  # a file where a folder was meant
    ],
)
def test_outputs_that_say_no_format_or_place(a_round, tmp_path, output, message):
    (tmp_path / "x.docx").write_bytes(b"")
    assert message in a_round.fails("report", "--round", "1", "--output", output)


def test_report_of_no_round(a_round):
    assert "no round 4" in a_round.fails("report", "--round", "4", "--output", "x.docx")


def test_no_log_lines_unless_verbose(cli):
    code, _out, err = cli("round", "create", "--name", "R")
    assert code == 0 and err == ""
    code, _out, err = cli("--verbose", "round", "list")
    assert code == 0 and "DEBUG" in err
    code, _out, err = cli("round", "list", "--verbose")
    assert code == 0 and "DEBUG" in err


def test_the_deadline_moves_within_a_deadline_day_rule_for_the_test_clock(cli):
    # The fixed clock matters: the same command on a later real date still behaves the same.
    assert cli.clock == MORNING and date(2027, 3, 1) > MORNING.date()
