"""Every renderer against a fixed Overview: structure, not bytes."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace
from report_fixtures import NOW, make_snapshot, make_template

from reports import FORMATS, Overview, UnknownFormatError, build_overview, filename, render
from reports.summary import summary_text


class _Collector(HTMLParser):
    """Collects ids, link targets, asset references and heading texts of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.assets: list[str] = []
        self.tags: list[str] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag in ("img", "script", "link", "iframe", "object", "embed") or values.get("src"):
            self.assets.append(tag)
        if tag in self.headings:
            self._open = tag
            self.headings[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.headings[self._open][-1] += data


def parse_html(data: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(data.decode("utf-8"))
    return collector


def test_formats_table() -> None:
    assert set(FORMATS) == {"html", "docx", "md", "xlsx", "csv"}
    assert FORMATS["docx"][0] == ".docx"
    assert FORMATS["html"][1] == "text/html"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_renders_bytes(overview: Overview, fmt: str) -> None:
    assert render(overview, fmt)
    assert filename(overview, fmt) == f"overzicht-IVP-2027-2030{FORMATS[fmt][0]}"


def test_unknown_format_names_the_known_ones(overview: Overview) -> None:
    with pytest.raises(UnknownFormatError, match="html, docx"):
        render(overview, "pdf")
    assert render(overview, ".MD") == render(overview, "markdown")


# HTML


def test_html_has_toc_linking_to_every_theme_and_section(overview: Overview) -> None:
    page = parse_html(render(overview, "html"))
    targets = ["#priorities", "#theme-woonoverlast", "#theme-ondermijning", "#theme-digitaal",
               "#gaps", "#partners", "#coverage"]  # fmt: skip
    for target in targets:
        assert target in page.hrefs
        assert target[1:] in page.ids
    assert page.headings["h1"] == ["IVP 2027-2030"]
    # Every theme of the template is a chapter, in template order, also without input.
    assert page.headings["h2"][1:6] == [
        "Prioriteitenbeeld",
        "Aanpak woonoverlast",
        "Aanpak ondermijning",
        "Digitale veiligheid",
        "Lacunes en signalen",
    ]
    assert "Hoe loopt de Bibob-toets?" in page.headings["h3"]


def test_html_is_self_contained_and_print_friendly(overview: Overview) -> None:
    html = render(overview, "html").decode()
    page = parse_html(render(overview, "html"))
    assert page.assets == []
    assert all(href.startswith("#") for href in page.hrefs)
    assert "@media print" in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "@import" not in html and "url(" not in html


def test_html_answers_show_name_date_and_badge(overview: Overview) -> None:
    html = render(overview, "html").decode()
    assert 'class="badge submitted">ingestuurd<' in html
    assert 'class="badge draft">concept<' in html
    assert "04-03-2025 10:00" in html
    # Partners by their one name; the typed spelling in a tooltip and a small note.
    assert '<span title="getypt als: wijkagent">Politie</span>' in html
    assert "Anna de Vries" in html and "Bram Jansen" in html


def test_html_partner_matrix_and_gaps(overview: Overview) -> None:
    html = render(overview, "html").decode()
    partners = html[html.index('id="partners"') : html.index('id="coverage"')]
    assert partners.count("<tr>") == 1 + 5
    assert "Anna de Vries, Bram Jansen" in partners
    gaps = html[html.index('id="gaps"') : html.index('id="partners"')]
    assert "Prioriteit voorgesteld terwijl de capaciteit tekortschiet" in gaps
    assert "Digitale veiligheid" in gaps
    assert "Carla Bakker" in gaps and "Dirk Visser" in gaps


def test_html_in_english_for_an_english_template() -> None:
    overview = build_overview(make_snapshot(make_template(language="en")), NOW)
    html = render(overview, "html").decode()
    assert '<html lang="en">' in html
    assert "Contents" in html and "Inhoud" not in html
    assert "2025-03-04 10:00" in html


# Word


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def styled(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_docx_headings_follow_themes_and_questions(overview: Overview) -> None:
    document = open_docx(render(overview, "docx"))
    assert styled(document, "Title") == ["IVP 2027-2030"]
    assert styled(document, "Heading 1") == [
        "Prioriteitenbeeld",
        "Aanpak woonoverlast",
        "Aanpak ondermijning",
        "Digitale veiligheid",
        "Lacunes en signalen",
        "Partners",
        "Dekking per collega",
        "Bewerkingsgeschiedenis",
    ]
    questions = styled(document, "Heading 2")
    assert questions[:5] == [
        "Stand van zaken",
        "Waar gaat dit thema over?",
        "Met welke partners werk je samen?",
        "Welk niveau stel je voor?",
        "Is er capaciteit?",
    ]
    assert "Hoe loopt de Bibob-toets?" in questions
    # The contents: a TOC field whose entries link to a bookmark on each chapter heading.
    entries = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "toc 1"]
    assert entries == styled(document, "Heading 1")
    xml = document.element.xml
    assert "TOC \\o" in xml and "PAGEREF theme_1" in xml
    assert 'w:anchor="theme_1"' in xml and 'w:name="theme_1"' in xml


def test_docx_answers_have_italic_byline(overview: Overview) -> None:
    document = open_docx(render(overview, "docx"))
    bylines = [p for p in document.paragraphs if p.text.startswith("Anna de Vries — ")]
    assert bylines
    assert all(run.italic for p in bylines for run in p.runs)
    assert "ingestuurd" in bylines[0].text and "04-03-2025 10:00" in bylines[0].text
    assert "Politie  (getypt als: wijkagent)" in styled(document, "List Bullet")


def test_docx_partner_table_has_header_row_and_style(overview: Overview) -> None:
    document = open_docx(render(overview, "docx"))
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "Partner"]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["Partner", "Aanpak woonoverlast", "Aanpak ondermijning", "Totaal"]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    # Rows never split across pages; theme titles read bottom to top, never broken mid-word.
    assert all(row._tr.trPr.xpath("./w:cantSplit") for row in table.rows)
    assert table.rows[0].cells[1]._tc.xpath("./w:tcPr/w:textDirection[@w:val='btLr']")
    politie = [cell.text for cell in table.rows[1].cells]
    assert politie[0] == "Politie\nOok geschreven als: de politie, wijkagent"
    assert politie[-1] == "3"
    assert politie[1].startswith("2") and "Bram Jansen" in politie[1]
    assert len(table.rows) == 1 + 5


def test_docx_wide_matrix_gets_a_landscape_section() -> None:
    themes = [{"key": f"t{i}", "title": f"Thema {i}"} for i in range(6)]
    template = make_template(themes=themes)
    snapshot = make_snapshot(template)
    people = tuple(replace(p, theme_keys=("t0",)) for p in snapshot.participants)
    answers = tuple(
        replace(a, theme_key=f"t{i}", question_key="partners", text="GGD", parts=())
        for i, a in enumerate(snapshot.answers[:6])
    )
    overview = build_overview(replace(snapshot, participants=people, answers=answers), NOW)
    document = open_docx(render(overview, "docx"))
    # Front matter portrait, priority picture landscape, chapters portrait, the matrix and
    # the coverage landscape.
    orientations = [s.page_width > s.page_height for s in document.sections]
    assert orientations == [False, True, False, True]


# Markdown


def test_markdown_structure(overview: Overview) -> None:
    md = render(overview, "md").decode()
    headings = re.findall(r"^(#{1,3}) (.+)$", md, flags=re.M)
    assert ("#", "IVP 2027-2030") in headings
    assert ("##", "Aanpak woonoverlast") in headings
    assert ("###", "Hoe loopt de Bibob-toets?") in headings
    assert "(#theme-woonoverlast)" in md and '<a id="theme-woonoverlast"></a>' in md
    assert "| **Politie** | 2 (Anna de Vries, Bram Jansen) | 1 (Anna de Vries) | **3** |" in md
    assert "**Bram Jansen** · *06-03-2025 10:00 · concept*" in md
    assert "- Politie *(getypt als: wijkagent)*" in md
    assert "## Digitale veiligheid" in md and "*Nog geen inbreng.*" in md


# Excel and CSV


def test_xlsx_one_row_per_answer_with_frozen_filtered_header(overview: Overview) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(overview, "xlsx")))
    assert workbook.sheetnames == ["Antwoorden", "Partners", "Prioriteiten", "Dekking"]
    sheet = workbook["Antwoorden"]
    rows = list(sheet.iter_rows(values_only=True))
    # The round is in the page header, not on every row.
    assert rows[0] == (
        "Nr.",
        "Thema",
        "Vraag",
        "Collega",
        "Antwoord",
        "Zoals getypt",
        "Status",
        "Laatst bewerkt",
        "Versies",
        "Eerste versie",
    )
    assert len(rows) == 1 + overview.answer_count
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{len(rows)}"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["G"].width
    assert sheet["E2"].alignment.wrap_text
    first = rows[1]
    assert first[:4] == (
        1,
        "Aanpak woonoverlast",
        "Waar gaat dit thema over?",
        "Anna de Vries",
    )
    assert first[6] == "ingestuurd"
    assert first[7].isoformat() == "2025-03-04T10:00:00"  # a real date cell, local time
    # Partners by their one name, the typed spelling beside it where it differs.
    bram = next(r for r in rows if r[3] == "Bram Jansen" and r[2].startswith("Met welke"))
    assert bram[4] == "Politie\nPolitie\nVeilig Thuis"
    assert bram[5] == "de politie\nwijkagent\nVeilig Thuis"


def test_xlsx_partner_sheet(overview: Overview) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(overview, "xlsx")))
    rows = list(workbook["Partners"].iter_rows(values_only=True))
    assert rows[0] == ("Partner", "Aanpak woonoverlast", "Aanpak ondermijning", "Totaal",
                       "Genoemd door", "Ook geschreven als")  # fmt: skip
    assert rows[1] == ("Politie", 2, 1, 3, "Anna de Vries, Bram Jansen", "de politie, wijkagent")
    assert len(rows) == 1 + 5


def test_csv_has_bom_and_the_rows_of_the_answers_sheet(overview: Overview) -> None:
    data = render(overview, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Ronde", "Thema", "Vraag", "Collega", "Antwoord", "Zoals getypt",
                       "Status", "Laatst bewerkt", "Versies", "Eerste versie"]  # fmt: skip
    assert len(rows) == 1 + overview.answer_count
    assert rows[1][0] == "IVP 2027-2030"  # no page header in CSV: the round is a column
    assert rows[1][4] == "We werken met een meldpunt.\nEn huisbezoeken."
    assert rows[1][7] == "04-03-2025 10:00"


def test_csv_in_english_uses_commas() -> None:
    overview = build_overview(make_snapshot(make_template(language="en")), NOW)
    rows = list(csv.reader(io.StringIO(render(overview, "csv").decode("utf-8-sig"))))
    assert rows[0][0] == "Round" and len(rows[0]) == 10


# Chat summary


def test_summary_text(overview: Overview) -> None:
    text = summary_text(overview)
    lines = text.splitlines()
    assert 3 <= len(lines) <= 6
    assert "IVP 2027-2030" in lines[0]
    assert "Thema's met inbreng: 2 van 3; 11 antwoorden (8 ingestuurd, 3 concept)" in text
    assert "Politie (3)" in text
    assert "prioriteit zonder capaciteit: 1" in text
    # The categories of /progress, non-zero only.
    assert (
        "Deelnemers: 4 — 1 ingestuurd · 1 klaar, nog niet ingestuurd · 1 nog niet begonnen"
        " · 1 uitnodiging nog niet geopend"
    ) in text
    assert "bezig" not in text


def test_summary_text_english() -> None:
    snapshot = make_snapshot(make_template(language="en"))
    text = summary_text(build_overview(snapshot, NOW))
    assert "Themes with input: 2 of 3" in text and "Politie (3)" in text
    assert "1 invitation not opened yet" in text


def test_the_collector_pause_ends_with_the_document_even_when_it_fails():
    import gc

    from reports.render import gc_paused

    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError("a broken document")
    assert gc.isenabled()
    gc.disable()  # someone else's pause is theirs to end
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_html_and_markdown_never_wait_for_the_word_and_excel_libraries():
    # python-docx and openpyxl take a third of a second to import: `themabot report` of an
    # HTML file and the bot's HTML overview load them only when Word or Excel is asked for.
    import subprocess
    import sys

    code = (
        "import sys; from reports.render import render, check_docx_template, FORMATS; "
        "print(sorted(m for m in ('docx', 'openpyxl') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_one_moment_in_two_zones_is_written_in_each_zones_own_time():
    # Moments are formatted once each and kept (a round shows tens of thousands); an aware
    # moment equals the same instant in another zone, so the kept text must not be shared.
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from reports.formatting import format_datetime

    noon = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
    amsterdam = noon.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert noon == amsterdam
    assert format_datetime(noon, "nl") == "15-01-2027 12:00"
    assert format_datetime(amsterdam, "nl") == "15-01-2027 13:00"
    assert format_datetime(amsterdam, "en") == "2027-01-15 13:00"


@settings(max_examples=300)
@given(moment=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_a_moment_reads_as_strftime_writes_it_in_each_language(moment):
    # format_datetime writes the fields itself, faster than strftime: the text is the same.
    from reports.formatting import MomentTexts, format_datetime

    assert format_datetime(moment, "nl") == moment.strftime("%d-%m-%Y %H:%M")
    assert format_datetime(moment, "en") == moment.strftime("%Y-%m-%d %H:%M")
    texts = MomentTexts("nl")
    assert texts[moment] == texts[moment] == format_datetime(moment, "nl")


def test_a_folder_for_compiled_templates_that_cannot_be_written_only_costs_time(tmp_path):
    from jinja2 import DictLoader, Environment

    from reports.html import _KeptCompiled

    env = Environment(
        loader=DictLoader({"page": "Hello {{ name }}"}),
        bytecode_cache=_KeptCompiled(str(tmp_path / "not-there")),
    )
    assert env.get_template("page").render(name="Leiden") == "Hello Leiden"
    kept = Environment(
        loader=DictLoader({"page": "Hello {{ name }}"}),
        bytecode_cache=_KeptCompiled(str(tmp_path)),
    )
    assert kept.get_template("page").render(name="Leiden") == "Hello Leiden"
    assert list(tmp_path.glob("__jinja2_*.cache"))  # kept for the next run
