"""The overview as a Word document (.docx), written with python-docx.

Real "Heading 1" per theme and "Heading 2" per question, so Word's navigation pane and any
table of contents the coordinator inserts work; a clickable contents list up front (bookmarks
and internal links, which need no field update when the file is opened).
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from conversations.answers import clean_text
from conversations.texts import Section, catalogue
from reports.formatting import format_date, format_datetime
from reports.overview import Overview, PartnerMatrix
from reports.progress import progress_line
from reports.sections import AnswerEntry, ThemeSection

_ACCENT = RGBColor(0x0B, 0x53, 0x94)
_MUTED = RGBColor(0x5B, 0x66, 0x75)
_TABLE_STYLE = "Light Grid Accent 1"
# More theme columns than this do not fit across a portrait A4 page.
_PORTRAIT_COLUMNS = 4


def render_docx(overview: Overview) -> bytes:
    """Renders the overview as a .docx file: A4, headings per theme and question, tables."""
    labels = catalogue(overview.language).labels
    doc = Document()
    _set_up(doc, overview, labels)
    _front_matter(doc, overview, labels)
    for index, theme in enumerate(overview.themes_with_input):
        _theme(doc, overview, theme, index, labels)
    _partners(doc, overview.partners, labels)
    _gaps(doc, overview, labels)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# python-docx resolves a style name by scanning every style and the default each time: half
# the render time of a large round. The default template's ids never change, so look up once.
_STYLE_IDS: dict[str, str] = {}


def _add(doc: DocumentObject, text: str = "", style: str | None = None) -> Paragraph:
    """Adds a paragraph with ``text`` in the named paragraph style."""
    paragraph = doc.add_paragraph(text)
    if style is not None:
        if style not in _STYLE_IDS:
            _STYLE_IDS[style] = doc.styles[style].style_id
        paragraph._p.style = _STYLE_IDS[style]
    return paragraph


def _text(value: str) -> str:
    # python-docx refuses strings XML cannot hold; drop those characters instead of crashing.
    return clean_text(value)


def _set_up(doc: DocumentObject, overview: Overview, labels: Section) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 12)):
        styles[name].font.color.rgb = _ACCENT
        styles[name].font.size = Pt(size)
    styles["Heading 2"].paragraph_format.space_before = Pt(12)

    section = doc.sections[0]
    # Dutch municipalities print on A4; python-docx's default template is US Letter.
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2.0)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(
        _text(f"{labels['document_title']} · {overview.round_name} · {labels['page']} ")
    )
    run.font.size = Pt(8)
    run.font.color.rgb = _MUTED
    _add_field(footer, "PAGE", size=Pt(8))

    props = doc.core_properties
    props.title = _text(f"{labels['document_title']} – {overview.round_name}")[:255]
    props.subject = _text(overview.template_title)[:255]
    props.author = "themabot"
    created = overview.generated_at
    # The OOXML timestamp is written with a "Z": give it UTC, not local time.
    props.created = created.astimezone(UTC) if created.tzinfo else created


def _front_matter(doc: DocumentObject, overview: Overview, labels: Section) -> None:
    kicker = _add(doc, style="Subtitle")
    kicker.add_run(_text(f"{labels['document_title']} · {overview.template_title}"))
    _add(doc, _text(overview.round_name), "Title")

    meta = doc.add_paragraph()
    deadline = format_date(overview.deadline, overview.language) or labels["no_deadline"]
    generated = format_datetime(overview.generated_at, overview.language)
    _muted(
        meta,
        f"{labels['template']}: {overview.template_title} · {labels['deadline']}: {deadline}"
        f" · {labels['generated']}: {generated}",
    )

    line = progress_line(overview.progress, catalogue(overview.language))
    progress = doc.add_paragraph()
    progress.add_run(line.head).bold = True
    if line.counts:
        progress.add_run(" — " + " · ".join(line.counts))

    heading = _add(doc, style="TOC Heading")
    heading.add_run(labels["contents"])
    entries = [(theme.title, _bookmark(i)) for i, theme in enumerate(overview.themes_with_input)]
    entries += [(labels["partners"], "partners"), (labels["gaps"], "gaps")]
    for title, bookmark in entries:
        _add_internal_link(_add(doc, style="List Number"), _text(title), bookmark)


def _bookmark(index: int) -> str:
    # Bookmark names must start with a letter and hold no spaces; theme keys may not qualify.
    return f"theme_{index + 1}"


def _theme(
    doc: DocumentObject, overview: Overview, theme: ThemeSection, index: int, labels: Section
) -> None:
    heading = _add(doc, _text(theme.title), "Heading 1")
    heading.paragraph_format.page_break_before = index > 0
    _add_bookmark(heading, _bookmark(index), index + 1)
    if theme.description:
        doc.add_paragraph().add_run(_text(theme.description)).italic = True
    for label, names in (
        (labels["contributors"], theme.contributors),
        (labels["assigned"], theme.assigned),
    ):
        line = doc.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        line.add_run(f"{label}: ").bold = True
        line.add_run(_text(", ".join(names) or labels["nobody"]))

    for question in theme.questions:
        _add(doc, _text(question.text), "Heading 2")
        if not question.answers:
            _muted(doc.add_paragraph(), labels["no_answers"])
        for answer in question.answers:
            _answer(doc, overview, answer, labels)


def _answer(doc: DocumentObject, overview: Overview, answer: AnswerEntry, labels: Section) -> None:
    byline = doc.add_paragraph()
    byline.paragraph_format.keep_with_next = True
    byline.paragraph_format.space_before = Pt(6)
    byline.paragraph_format.space_after = Pt(1)
    who = byline.add_run(_text(answer.colleague))
    who.italic = who.bold = True
    when = format_datetime(answer.updated_at, overview.language)
    _muted(byline, f" — {when} — {labels[answer.status]}").italic = True
    if answer.items:
        for item in answer.items:
            _add(doc, _text(item), "List Bullet")
    else:
        # A "\n" becomes a line break in python-docx, so multi-line answers keep their shape.
        doc.add_paragraph(_text(answer.text))


def _partners(doc: DocumentObject, matrix: PartnerMatrix, labels: Section) -> None:
    wide = len(matrix.themes) > _PORTRAIT_COLUMNS
    if wide:
        _new_section(doc, landscape=True)
    heading = _add(doc, labels["partners"], "Heading 1")
    heading.paragraph_format.page_break_before = not wide
    _add_bookmark(heading, "partners", 10_001)
    if not matrix.rows:
        _muted(doc.add_paragraph(), labels["no_partners"])
    else:
        _partner_table(doc, matrix, labels)
    if wide:
        _new_section(doc, landscape=False)


def _partner_table(doc: DocumentObject, matrix: PartnerMatrix, labels: Section) -> None:
    headers = [labels["partner"], *(t.title for t in matrix.themes), labels["total"]]
    table = doc.add_table(rows=1, cols=len(headers))
    section = doc.sections[-1]
    # python-docx types page sizes as optional; this document sets them all (see _set_up).
    usable = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    # A wide first column keeps partner names on one line; the counts need little room.
    first, last = Cm(4.5), Cm(1.8)
    middle = int((usable - first - last) / max(len(matrix.themes), 1))
    widths = [first, *(middle for _ in matrix.themes), last]
    table.style = doc.styles[_TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_as_header(header._tr)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].add_run(_text(text)).bold = True
    for row in matrix.rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(_text(row.name)).bold = True
        for cell, partner_cell in zip(cells[1:-1], row.cells, strict=True):
            if partner_cell.count:
                _count_cell(cell, str(partner_cell.count), ", ".join(partner_cell.named_by))
        _count_cell(cells[-1], str(row.total), "")
    table.autofit = False
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width


def _count_cell(cell: _Cell, count: str, names: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(count).bold = True
    if names:
        small = cell.add_paragraph()
        small.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = small.add_run(_text(names))
        run.font.size = Pt(7.5)
        run.font.color.rgb = _MUTED


def _gaps(doc: DocumentObject, overview: Overview, labels: Section) -> None:
    heading = _add(doc, labels["gaps"], "Heading 1")
    _add_bookmark(heading, "gaps", 10_002)
    gaps = overview.gaps
    if gaps.empty:
        _muted(doc.add_paragraph(), labels["no_gaps"])
    if gaps.capacity_signals:
        _add(doc, labels["capacity_signals"], "Heading 2")
        for signal in gaps.capacity_signals:
            p = _add(doc, style="List Bullet")
            p.add_run(_text(f"{signal.theme.title}: "))
            p.add_run(_text(signal.colleague)).bold = True
            p.add_run(f" {labels['capacity_signal']} ")
            p.add_run(_text(signal.capacity_answer)).italic = True
    if gaps.themes_without_input:
        _add(doc, labels["themes_without_input"], "Heading 2")
        for gap in gaps.themes_without_input:
            who = (
                f"{labels['assigned'].lower()} {', '.join(gap.assigned)}"
                if gap.assigned
                else labels["unassigned"]
            )
            _add(doc, _text(f"{gap.theme.title} — {who}"), "List Bullet")
    if gaps.unanswered:
        _add(doc, labels["unanswered"], "Heading 2")
        for q in gaps.unanswered:
            optional = "" if q.required else f" ({labels['optional']})"
            text = f"{q.theme.title}: {q.question_text}{optional}"
            _add(doc, _text(text), "List Bullet")
    if gaps.not_started:
        _add(doc, labels["not_started_heading"], "Heading 2")
        for person in gaps.not_started:
            state = labels["joined_no_answers"] if person.joined else labels["invite_not_opened"]
            p = _add(doc, style="List Bullet")
            p.add_run(_text(person.name))
            _muted(p, f" ({state})")


def _muted(paragraph: Paragraph, text: str) -> Run:
    run = paragraph.add_run(_text(text))
    run.font.color.rgb = _MUTED
    return run


def _new_section(doc: DocumentObject, *, landscape: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    short, long = sorted((section.page_width, section.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _repeat_as_header(tr: CT_Row) -> None:
    # Marks the row as a header row: Word repeats it on every page the table spans.
    tr_pr = tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)


def _add_bookmark(paragraph: Paragraph, name: str, ident: int) -> None:
    p = paragraph._p
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    # w:pPr must stay the paragraph's first child.
    p.insert(1 if p.pPr is not None else 0, start)
    p.append(end)


def _add_internal_link(paragraph: Paragraph, text: str, bookmark: str) -> None:
    run = paragraph.add_run(text)
    run.font.color.rgb = _ACCENT
    run.font.underline = True
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    run._r.addprevious(link)
    link.append(run._r)


def _add_field(paragraph: Paragraph, instruction: str, *, size: Pt) -> None:
    """Appends a simple field (e.g. PAGE) that Word and LibreOffice fill in when showing it."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    size_el = OxmlElement("w:sz")
    size_el.set(qn("w:val"), str(int(size.pt * 2)))
    props.append(size_el)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
