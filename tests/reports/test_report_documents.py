"""The documents as a coordinator uses them: Word as is, Excel and HTML that print.

Structure only (chapters, table cells, language, page setup), never pixels or timing; the
visual check lives in devtools/look.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from report_fixtures import NOW, make_snapshot, make_template
from test_report_priorities import disagreeing_round

from reports import build_overview, render
from reports.render import DocxTemplateError, check_docx_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def word(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


def test_done_when_word_checked_from_outside() -> None:
    """Two colleagues disagree on a theme's level, one assigned colleague never starts it."""
    overview = build_overview(disagreeing_round(), NOW)
    data = render(overview, "docx")
    document = word(data)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for theme in ("Aanpak woonoverlast", "Aanpak ondermijning", "Digitale veiligheid"):
        assert theme in headings
    # The first table headed "Thema"; the audit appendix at the end has one too.
    priorities = next(t for t in document.tables if t.rows[0].cells[0].text == "Thema")
    woon = next(r for r in priorities.rows if r.cells[0].text == "Aanpak woonoverlast")
    signals = woon.cells[-1].text
    assert "Collega's verschillen van mening over het niveau" in signals
    assert "prioriteit (1): Anna de Vries" in signals
    assert "overig strategisch thema (1): Bram Jansen" in signals
    body = "\n".join(p.text for p in document.paragraphs)
    gaps = body[body.index("Lacunes en signalen\n") :]
    assert "Toegewezen thema nog niet begonnen" in gaps
    assert "Aanpak woonoverlast: Carla Bakker" in gaps
    styles = part(data, "word/styles.xml")
    assert 'w:lang w:val="nl-NL"' in styles and "en-US" not in styles
    assert document.core_properties.language == "nl-NL"
    assert "TOC \\o" in part(data, "word/document.xml")


def test_word_title_page_and_page_x_of_y() -> None:
    data = render(build_overview(make_snapshot(), NOW, submitted_only=True), "docx")
    document = word(data)
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("IVP 2027-2030")
    front = paragraphs[: paragraphs.index("Inhoud")]
    assert title < len(front)
    assert "Versie: alleen ingestuurde antwoorden" in front
    assert "Samengesteld op: 14-03-2025 16:30" in front
    assert any(p.startswith("Deelnemers: 4 — ") for p in front)
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Pagina" in footer and " van " in footer
    assert '<w:updateFields w:val="true"/>' in part(data, "word/settings.xml")


def test_word_in_english_is_british_english() -> None:
    data = render(build_overview(make_snapshot(make_template(language="en")), NOW), "docx")
    assert 'w:val="en-GB"' in part(data, "word/styles.xml")
    assert "Priority picture" in [p.text for p in word(data).paragraphs]


def test_word_chapter_without_input_says_so_with_who_has_it() -> None:
    snapshot = make_snapshot()
    only_anna = tuple(a for a in snapshot.answers if a.theme_key != "ondermijning")
    from msgspec.structs import replace

    document = word(render(build_overview(replace(snapshot, answers=only_anna), NOW), "docx"))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Aanpak ondermijning")
    chapter = texts[start : texts.index("Digitale veiligheid")]
    assert "Nog geen inbreng." in chapter
    assert "Toegewezen aan: Anna de Vries, Carla Bakker, Dirk Visser" in chapter
    assert "Nog niet begonnen: Anna de Vries, Carla Bakker, Dirk Visser" in chapter


def test_word_coverage_table_is_shaded_by_state() -> None:
    document = word(render(build_overview(make_snapshot(), NOW), "docx"))
    [coverage] = [t for t in document.tables if t.rows[0].cells[0].text == "Collega"]
    anna = next(r for r in coverage.rows if r.cells[0].text == "Anna de Vries")
    fills = [c._tc.tcPr.find(f"{W}shd").get(f"{W}fill") for c in anna.cells[1:4]]
    assert fills == ["C6EFCE", "C6EFCE", "FFFFFF"]
    assert [c.text for c in anna.cells[1:]] == ["4/4", "4/5", "", "ingestuurd"]


def house_style(tmp_path: Path, *, suffix: str = ".docx") -> Path:
    """A house style: its own footer text and a Dutch-Word style id for Heading 1."""
    template = docx.Document()
    template.sections[0].footer.paragraphs[0].text = "Gemeente Leiden — vertrouwelijk"
    template.add_paragraph("voorbeeldtekst die niet in het overzicht hoort")
    path = tmp_path / f"huisstijl{suffix}"
    template.save(str(path))
    return path


def test_word_house_style_keeps_its_footer_and_drops_its_body(tmp_path: Path) -> None:
    path = house_style(tmp_path)
    check_docx_template(path)
    data = render(build_overview(make_snapshot(), NOW), "docx", docx_template=path)
    document = word(data)
    assert "voorbeeldtekst" not in "\n".join(p.text for p in document.paragraphs)
    assert document.sections[0].footer.paragraphs[0].text == "Gemeente Leiden — vertrouwelijk"
    # Every section shows the house footer, the landscape ones too.
    assert len(re.findall(r"<w:footerReference", part(data, "word/document.xml"))) >= 4


def test_word_house_style_may_be_a_dotx(tmp_path: Path) -> None:
    path = house_style(tmp_path, suffix=".dotx")
    raw = path.read_bytes()
    document_type = b"wordprocessingml.document.main+xml"
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    content = content.replace(document_type, b"wordprocessingml.template.main+xml")
                target.writestr(item, content)
    path.write_bytes(out.getvalue())
    data = render(build_overview(make_snapshot(), NOW), "docx", docx_template=path)
    assert "Gemeente Leiden" in word(data).sections[0].footer.paragraphs[0].text


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_broken_house_style_is_one_clear_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kapot.docx"
    path.write_bytes(content)
    with pytest.raises(DocxTemplateError) as caught:
        render(build_overview(make_snapshot(), NOW), "docx", docx_template=path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    with pytest.raises(DocxTemplateError, match="no such file") as missing:
        check_docx_template(tmp_path / "missing.docx")
    assert missing.value.reason == "missing"


def test_word_footer_centred_and_templates_ignored_by_other_formats(tmp_path: Path) -> None:
    overview = build_overview(make_snapshot(), NOW)
    footer = word(render(overview, "docx")).sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert render(overview, "html", docx_template=tmp_path / "x.docx") == render(overview, "html")


def test_excel_prints_landscape_fit_to_width_with_repeated_header() -> None:
    overview = build_overview(disagreeing_round(), NOW)
    workbook = openpyxl.load_workbook(io.BytesIO(render(overview, "xlsx")))
    assert workbook.sheetnames == ["Antwoorden", "Partners", "Prioriteiten", "Dekking"]
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.left.text == "IVP 2027-2030"
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        assert sheet.freeze_panes == "A2"
    answers = workbook["Antwoorden"]
    # Readable row heights: as many lines as the answer needs (15 pt a line).
    heights = {r[0].row: answers.row_dimensions[r[0].row].height for r in answers.iter_rows()}
    assert (heights[2], heights[3], heights[5]) == (30, 15, 45)  # 2 lines, 1 line, 3 partners


def test_excel_priority_sheet_flags_the_disagreement() -> None:
    overview = build_overview(disagreeing_round(), NOW)
    workbook = openpyxl.load_workbook(io.BytesIO(render(overview, "xlsx")))
    rows = list(workbook["Prioriteiten"].iter_rows(values_only=True))
    assert rows[0] == ("Thema", "Voorgesteld niveau", "Capaciteit", "Partners", "Signalen")
    woon = rows[1]
    assert woon[1] == "prioriteit (1): Anna de Vries\noverig strategisch thema (1): Bram Jansen"
    assert "Collega's verschillen van mening over het niveau" in woon[4]
    assert [r[0] for r in rows[1:]] == ["Aanpak woonoverlast", "Aanpak ondermijning",
                                        "Digitale veiligheid"]  # fmt: skip
    coverage = workbook["Dekking"]
    assert coverage["B2"].fill.fgColor.rgb.endswith("C6EFCE")


def test_html_prints_without_clipping_and_with_landscape_pages_for_wide_tables() -> None:
    html = render(build_overview(disagreeing_round(), NOW), "html").decode()
    css = html[html.index("<style>") : html.index("</style>")]
    printing = css[css.index("@media print") :]
    assert "@page wide" in printing and "landscape" in printing
    assert "section.wide { page: wide; }" in printing
    assert ".table-wrap { overflow: visible; }" in printing
    assert "break-before: page" not in css  # no chapter forced onto a page of its own
    assert "overflow-x: auto" not in printing
    for section in ("priorities", "partners", "coverage"):
        assert f'<section id="{section}" class="wide">' in html
    priorities = html[html.index('id="priorities"') : html.index("<main>")]
    assert "Collega&#39;s verschillen van mening over het niveau" in priorities
    assert 'class="rot"' in html  # theme titles turned in the narrow columns


def test_html_says_which_version_and_leaves_drafts_out() -> None:
    snapshot = make_snapshot()
    html = render(build_overview(snapshot, NOW, submitted_only=True), "html").decode()
    assert "Versie: alleen ingestuurde antwoorden" in html
    assert "Veel meldingen over burenruzies" not in html  # Bram's draft
    assert "Concepten niet opgenomen van" in html
    full = render(build_overview(snapshot, NOW), "html").decode()
    assert "Veel meldingen over burenruzies" in full and "alle antwoorden, ook concepten" in full


def test_markdown_has_the_priority_picture_and_a_chapter_per_theme() -> None:
    md = render(build_overview(disagreeing_round(), NOW), "md").decode()
    assert "## Prioriteitenbeeld" in md and "## Dekking per collega" in md
    assert md.count("### Stand van zaken") == 3
    assert "Collega's verschillen van mening over het niveau" in md
