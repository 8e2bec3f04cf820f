"""Invites from the command line: one person, one place; a whole list checked first; links on
disk and on a printable sheet with QR codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
import segno

from storage.records import Lane
from tests.auxil.cli import Cli

THEMES = ["jeugd", "ondermijning", "digitaal; jeugd", "Aanpak woonoverlast", ""]


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("THEMABOT_DB", str(path))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = Cli(capsys, path)
    runner.json("round", "create", "--name", "IVP", "--deadline", "2027-02-26")
    return runner


def colleagues(count: int, start: int = 1) -> list[list[str]]:
    return [[f"Collega {n}", THEMES[n % len(THEMES)]] for n in range(start, start + count)]


def write_csv(path: Path, rows: list[list[str]], header=("naam", "thema's")) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";").writerows([list(header), *rows])
    return path


def round_people(cli: Cli) -> list[str]:
    return [c["name"] for c in cli.json("progress", "--round", "1")["colleagues"]]


# --- one person, one place --------------------------------------------------------------


def test_a_name_already_in_the_round_gets_no_second_invite(cli):
    cli.json("invite", "--round", "1", "--name", "Anna de Vries", "--theme", "jeugd")
    err = cli.fails("invite", "--round", "1", "--name", "anna  de VRIES", "--theme", "digitaal")
    assert "Anna de Vries is in round 1 already (#1, invitation not opened yet)" in err
    assert (
        "More themes: .venv/bin/themabot assign --round 1 --name 'Anna de Vries' --theme digitaal"
        in err
    )
    assert "first .venv/bin/themabot withdraw --round 1 --name 'Anna de Vries'" in err
    assert round_people(cli) == ["Anna de Vries"]
    cli.join(1, 1001)  # joined: still the same place
    assert "(#1, taking part)" in cli.fails("invite", "--round", "1", "--name", "Anna de Vries")
    # A coordinator of the same name is another role, and says what it is.
    out = cli.ok("invite", "--round", "1", "--name", "Anna de Vries", "--coordinator")
    assert "Coordinator invite for Anna de Vries in round 1" in out and "gets no questions" in out
    assert "is in round 1 already" in cli.fails(
        "invite", "--round", "1", "--name", "Anna de Vries", "--coordinator"
    )


def test_assign_adds_themes_and_tells_a_colleague_who_joined(cli):
    cli.json("invite", "--round", "1", "--name", "Anna", "--theme", "jeugd")
    cli.json("invite", "--round", "1", "--name", "Bram")
    anna = cli.join(1, 1001)
    added = cli.json("assign", "--round", "1", "--name", "anna", "--theme", "digitaal", "jeugd")
    assert added == {
        "round": 1,
        "invite": 1,
        "name": "Anna",
        "themes": ["jeugd", "digitaal"],
        "added": ["digitaal"],
        "told": True,
    }

    async def queued(tx):
        return await tx.pending_messages(Lane.BULK)

    (told,) = cli.store(queued)
    assert told.chat_id == 1001 and "Digitale veiligheid" in told.text
    assert told.keyboard == (((("Verder", f"v1:go:{anna}"),),))
    again = cli.ok("assign", "--round", "1", "--name", "Anna", "--theme", "digitaal")
    assert "Anna had those themes already; nothing changed." in again
    invite = cli.ok("assign", "--round", "1", "--name", "Bram", "--theme", "jeugd")
    assert "Bram's invite has not been opened yet: the themes come with the link." in invite
    assert len(cli.store(queued)) == 1
    totals = {c["name"]: c["total"] for c in cli.json("progress", "--round", "1")["colleagues"]}
    assert totals["Anna"] > totals["Bram"] > 0
    assert "nobody called 'Carla' in round 1" in cli.fails(
        "assign", "--round", "1", "--name", "Carla", "--theme", "jeugd"
    )
    assert "unknown theme sport" in cli.fails(
        "assign", "--round", "1", "--name", "Anna", "--theme", "sport"
    )


def test_names_that_still_clash_are_told_apart_by_the_invite_id(cli):
    async def twice(tx):  # as a list from before the rule could have made them
        await tx.create_invite(1, "Sam", ["jeugd"], cli.clock)
        await tx.create_invite(1, "sam", ["digitaal"], cli.clock)

    cli.store(twice)
    listed = cli.json("progress", "--round", "1")["colleagues"]
    assert [(c["name"], c["invite"]) for c in listed] == [("Sam", 1), ("sam", 2)]
    assert " · #2" in cli.ok("progress", "--round", "1")
    err = cli.fails("withdraw", "--round", "1", "--name", "Sam")
    assert "2 people in round 1 are called 'Sam': #1 (invitation not opened yet), #2 (" in err
    assert "for example --name 1" in err
    cli.ok("withdraw", "--round", "1", "--name", "2")
    assert cli.json("assign", "--round", "1", "--name", "#1", "--theme", "digitaal")["added"]
    assert [c["invite"] for c in cli.json("progress", "--round", "1")["colleagues"]] == [1]


# --- a whole list -----------------------------------------------------------------------


def test_thirty_colleagues_one_bad_row_then_fixed_then_two_more(cli, tmp_path):
    cli.remember_username()
    rows = colleagues(30)
    rows[16][1] = "jeugd, ondermijnig"  # row 18 of the file
    listed = write_csv(tmp_path / "collegas.csv", rows)
    err = cli.fails("invite", "--round", "1", "--from", str(listed), "--output", "links.xlsx")
    assert "Nobody was invited: 1 row of " in err
    assert 'row 18: unknown theme "ondermijnig"; did you mean ondermijning?' in err
    assert round_people(cli) == [] and not (tmp_path / "links.xlsx").exists()

    rows[16][1] = "jeugd, ondermijning"
    write_csv(listed, rows)
    out = cli.ok("invite", "--round", "1", "--from", str(listed), "--output", "links.xlsx")
    assert "30 new invites in round 1." in out and "links.html" in out
    assert len(round_people(cli)) == 30
    sheet = openpyxl.load_workbook(tmp_path / "links.xlsx").active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == ("Name", "Themes", "Personal link", "Role")
    assert len(table) == 31 and table[1][0] == "Collega 1"
    links = [row[2] for row in table[1:]]
    shape = r"https://t\.me/leiden_ivp_bot\?start=[\w-]{24}"
    assert all(re.fullmatch(shape, link) for link in links)
    assert sheet.cell(2, 3).hyperlink.target == links[0]
    page = (tmp_path / "links.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 30 and all(link in page for link in links)
    # The QR code on the page is the code of that very link.
    qr = segno.make(links[0], error="m").svg_inline(scale=4, border=2, svgclass="qr")
    assert qr in page

    both = write_csv(listed, [*rows, *colleagues(2, start=31)])
    again = cli.json("invite", "--round", "1", "--from", str(both), "--output", "links.xlsx")
    assert [c["name"] for c in again["created"]] == ["Collega 31", "Collega 32"]
    assert len(again["already"]) == 30 and again["already"][0] == {
        "row": 2,
        "name": "Collega 1",
        "invite": 1,
        "themes_differ": False,
    }
    # The first list holds 30 links that exist nowhere else: it is kept, the new one is beside it.
    assert again["output"] == "links-2.xlsx" and again["sheet"] == "links-2.html"
    assert len(list(openpyxl.load_workbook(tmp_path / "links.xlsx").active.iter_rows())) == 31
    assert len(list(openpyxl.load_workbook(tmp_path / "links-2.xlsx").active.iter_rows())) == 3
    assert len(round_people(cli)) == 32
    nothing = cli.ok("invite", "--round", "1", "--from", str(both), "--output", "links.xlsx")
    assert "Nobody new: all 32 on the list are in round 1 already" in nothing
    assert not (tmp_path / "links-3.xlsx").exists()


def test_every_bad_row_is_listed_and_the_json_says_the_same(cli, tmp_path):
    listed = write_csv(
        tmp_path / "l.csv",
        [["Anna", "jeugd"], ["", "jeugd"], ["anna", "digitaal"], ["Bram", "sport"]],
    )
    err = cli.fails("invite", "--round", "1", "--from", str(listed), "--output", "out.csv")
    lines = err.splitlines()
    assert lines[1:4] == [
        "  row 3: the name is empty (themes: jeugd)",
        "  row 4: anna is on row 2 already",
        '  row 5: unknown theme "sport"',
    ]
    assert lines[4].startswith("Themes (key or title): wijkaanpak (Integrale wijk- en buurtaanpak)")
    command = ["invite", "--round", "1", "--from", str(listed), "--output", "o.csv"]
    code, out, _ = cli(*command, "--json")
    assert code == 2
    assert [e["row"] for e in json.loads(out)["errors"]] == [3, 4, 5]
    assert round_people(cli) == []


def test_an_excel_list_with_a_coordinator_and_names_that_look_like_formulas(cli, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Name", "Themes", "Coördinator", "Afdeling"])
    book.active.append(['=HYPERLINK("x")', "jeugd", None, "VTH"])
    book.active["A2"].data_type = "s"  # text that looks like a formula, as a pasted name can
    book.active.append(["Coby", None, "ja", None])
    book.active.append(["<b>Dirk</b>", "Regie op jeugd en jeugdoverlast", None, None])
    book.save(tmp_path / "lijst.xlsx")
    done = cli.json("invite", "--round", "1", "--from", "lijst.xlsx", "--output", "uit.csv")
    assert [(c["name"], c["coordinator"]) for c in done["created"]] == [
        ('=HYPERLINK("x")', False),
        ("Coby", True),
        ("<b>Dirk</b>", False),
    ]
    assert "link" not in done["created"][0]  # no token, no username: tokens instead
    text = (tmp_path / "uit.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    assert rows[0][2] == "Token (send the bot: /start TOKEN)"
    assert rows[1][0] == '\'=HYPERLINK("x")' and rows[2][3] == "coordinator"
    page = (tmp_path / "uit.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Dirk&lt;/b&gt;" in page and "<b>Dirk" not in page
    assert "<svg" not in page and f"/start {done['created'][0]['token']}" in page
    sheet = cli.json("invite", "--round", "1", "--from", "lijst.xlsx", "--output", "x.xlsx")
    assert sheet["created"] == []


def test_a_list_written_out_as_xlsx_guards_formulas(cli, tmp_path):
    write_csv(tmp_path / "l.csv", [["=1+1", "jeugd"]])
    cli.json("invite", "--round", "1", "--from", "l.csv", "--output", "out.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx").active.cell(2, 1)
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 broken", "l.xlsx", "is not a readable Excel file"),
        (b"\xd0\xcf\x11\xe0", "l.xls", "is an old Excel file (.xls); save it as .xlsx or .csv"),
        (b"naam,afdeling\nAnna,VTH\n", "l.csv", "no column of themes"),
        (b"Anna;jeugd\n", "l.csv", "no column of names"),
        (b"", "l.csv", "the file is empty"),
        (b"\xff\xfe\x00n\x00a", "l.csv", "is no text file of names"),
        (b"x", "l.txt", "a list is a .csv or .xlsx file"),
    ],
)
def test_files_that_are_no_list_are_one_line_and_create_nothing(
    cli, tmp_path, content, name, message
):
    (tmp_path / name).write_bytes(content)
    err = cli.fails("invite", "--round", "1", "--from", name, "--output", "out.xlsx")
    assert message in err and err.count("\n") == 1
    assert round_people(cli) == [] and not (tmp_path / "out.xlsx").exists()


def test_a_windows_csv_with_commas_reads_too(cli, tmp_path):
    (tmp_path / "l.csv").write_bytes("Naam,Thema's\nJosé Müller,jeugd\n".encode("cp1252"))
    done = cli.json("invite", "--round", "1", "--from", "l.csv", "--output", ".")
    assert done["created"][0]["name"] == "José Müller"
    assert done["output"] == "invites-round-1.xlsx" and (tmp_path / "invites-round-1.html").exists()


def test_list_options_that_do_not_go_together(cli, tmp_path):
    write_csv(tmp_path / "l.csv", [["Anna", "jeugd"]])
    assert "--from needs --output" in cli.fails("invite", "--round", "1", "--from", "l.csv")
    assert "leave out --name" in cli.fails(
        "invite", "--round", "1", "--from", "l.csv", "--name", "A", "--output", "o.xlsx"
    )
    assert "does not exist" in cli.fails(
        "invite", "--round", "1", "--from", "weg.csv", "--output", "o.xlsx"
    )
    assert ".docx names no format; use .csv, .xlsx" in cli.fails(
        "invite", "--round", "1", "--from", "l.csv", "--output", "o.docx"
    )
    assert "name a colleague with --name NAME, or a list with --from FILE" in cli.fails(
        "invite", "--round", "1"
    )
    assert round_people(cli) == []
