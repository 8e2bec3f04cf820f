"""`themabot demo`: the real bot against the HTTP stand-in writes five readable documents."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest

from conversations.template import load_template
from devtools.demo import DemoError, DemoScript, load_script, play, run_demo

# Every spelling of the police the sample answers use; the overview must show one partner.
POLICE = re.compile(r"politie|wijkagent", re.IGNORECASE)


@dataclass(frozen=True)
class DemoRun:
    exit_code: int
    printed: str
    output: Path
    script: DemoScript

    def file(self, suffix: str) -> Path:
        (path,) = self.output.glob(f"*{suffix}")
        return path


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One demo run shared by the tests below: it takes about a second."""
    output = tmp_path_factory.mktemp("demo-output")
    printed = io.StringIO()
    exit_code = asyncio.run(run_demo(output, printed))
    return DemoRun(exit_code, printed.getvalue(), output, load_script(load_template("ivp")))


def police_mentions(script: DemoScript) -> int:
    """How often the sample answers name the police, however spelled."""
    names = [
        name
        for colleague in script.colleagues
        for theme, answers in colleague.answers.items()
        if "partners" in answers and theme in colleague.themes
        for name in re.split(r"[,;\n]", answers["partners"])
    ]
    return sum(1 for name in names if POLICE.search(name))


def test_demo_exits_zero_and_prints_progress_and_paths(demo_run: DemoRun) -> None:
    assert demo_run.exit_code == 0, demo_run.printed
    total = demo_run.script.planned_answers()
    assert f"] {total}/{total} antwoorden" in demo_run.printed
    for colleague in demo_run.script.colleagues:
        assert colleague.name in demo_run.printed  # the /progress reply names everyone
    assert "ingestuurd" in demo_run.printed and "bezig" in demo_run.printed
    for suffix in (".html", ".docx", ".md", ".xlsx", ".csv"):
        assert str(demo_run.file(suffix)) in demo_run.printed
    assert not (demo_run.output / "demo.log").exists()


def test_script_has_an_unfinished_colleague_and_differently_named_police(
    demo_run: DemoRun,
) -> None:
    script = demo_run.script
    assert len(script.colleagues) == 5
    assert any(c.stop_after is not None for c in script.colleagues)
    assert any(c.submit for c in script.colleagues)
    spellings = {
        name.strip().casefold()
        for c in script.colleagues
        for answers in c.answers.values()
        for name in re.split(r"[,;\n]", answers.get("partners", ""))
        if POLICE.search(name)
    }
    assert len(spellings) >= 3, spellings


def test_docx_has_a_heading_per_theme_with_input_and_the_answers(demo_run: DemoRun) -> None:
    document = docx.Document(str(demo_run.file(".docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    answered = {
        theme
        for colleague in demo_run.script.colleagues
        for theme, answers in colleague.answers.items()
        if answers
    }
    template = load_template("ivp")
    for key in answered:
        assert template.theme(key).title in headings
    text = "\n".join(p.text for p in document.paragraphs)
    sanne = demo_run.script.colleagues[0]
    assert sanne.answer("ondermijning", "inhoud").split(".")[0] in text
    assert document.tables, "the partner matrix is a Word table"


def test_xlsx_has_one_row_per_answer_and_one_police_row(demo_run: DemoRun) -> None:
    workbook = openpyxl.load_workbook(demo_run.file(".xlsx"))
    answers, partners = workbook.worksheets[:2]
    assert answers.max_row - 1 == demo_run.script.planned_answers()
    assert answers.freeze_panes == "A2"
    colleagues = {row[3] for row in answers.iter_rows(min_row=2, values_only=True)}
    assert colleagues == {c.name for c in demo_run.script.colleagues}

    rows = list(partners.iter_rows(min_row=2, values_only=True))
    police = [row for row in rows if row[0] and POLICE.search(str(row[0]))]
    assert [row[0] for row in police] == ["Politie"]
    total_column = [cell.value for cell in partners[1]].index("Totaal")
    assert police[0][total_column] == police_mentions(demo_run.script)


def test_html_names_every_colleague_escaped(demo_run: DemoRun) -> None:
    page = demo_run.file(".html").read_text("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    for colleague in demo_run.script.colleagues:
        assert html.escape(colleague.name) in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "the page must be self-contained"


def test_csv_parses_with_one_row_per_answer(demo_run: DemoRun) -> None:
    text = demo_run.file(".csv").read_text("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,")
    rows = list(csv.reader(io.StringIO(text), dialect))
    assert len(rows) - 1 == demo_run.script.planned_answers()
    assert len({len(row) for row in rows}) == 1


def test_markdown_has_the_themes(demo_run: DemoRun) -> None:
    text = demo_run.file(".md").read_text("utf-8")
    assert "## Aanpak ondermijning" in text


def test_bad_sample_answers_are_refused_up_front() -> None:
    template = load_template("ivp")
    bad = """
round_name = "R"
coordinator = "C"
[[colleagues]]
name = "A"
themes = ["jeugd"]
[colleagues.answers.jeugd]
niveau = "heel belangrijk"
"""
    with pytest.raises(DemoError, match="not an option"):
        load_script(template, bad)


async def test_a_reply_without_document_fails_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(play, "FORMATS", ("html", "pdf"))
    exit_code = await run_demo(tmp_path, io.StringIO())
    assert exit_code == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("themabot demo failed: /overview pdf sent no document")
    assert "\n" not in error
    assert (tmp_path / "demo.log").exists()
