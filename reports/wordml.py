"""WordprocessingML written as text: paragraphs, runs, fields and tables for the Word overview.

python-docx costs about 0.2 ms per paragraph and 0.6 ms per table row through its object API;
a round of 1,000 colleagues has some 60,000 paragraphs. The body is therefore written here as
XML text (every user string escaped and cleaned) and parsed once into the python-docx package,
which still provides the styles, headers, footers, settings and the zip around it.

Measures are in twentieths of a point (twips) unless a name says otherwise; 1 cm = 567 twips.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from xml.sax.saxutils import escape

from conversations.answers import clean_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CM = 567  # twips per centimetre


def twips(cm: float) -> int:
    """Centimetres in twips."""
    return round(cm * CM)


def text(value: str) -> str:
    """User or catalogue text as the content of ``<w:t>``: cleaned and XML-escaped."""
    return escape(clean_text(value))


@cache
def run_properties(
    *,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    size: float | None = None,
    underline: bool = False,
) -> str:
    """``<w:rPr>`` for the given formatting ("" when plain); ``size`` in points."""
    parts = []
    if bold:
        parts.append("<w:b/>")
    if italic:
        parts.append("<w:i/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        half = round(size * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(
    value: str,
    *,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    size: float | None = None,
    underline: bool = False,
) -> str:
    """One run of text; line breaks become ``<w:br/>`` and tabs ``<w:tab/>``."""
    props = run_properties(bold=bold, italic=italic, color=color, size=size, underline=underline)
    body = text(value)
    if "\n" in body:
        body = body.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    if "\t" in body:
        body = body.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    return f'<w:r>{props}<w:t xml:space="preserve">{body}</w:t></w:r>'


def tab_run() -> str:
    return "<w:r><w:tab/></w:r>"


def paragraph(
    content: str = "",
    *,
    style: str | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    align: str | None = None,
    space_before: int | None = None,
    space_after: int | None = None,
    tabs: str = "",
    section: str = "",
) -> str:
    """A paragraph around already built runs; ``section`` is a ``<w:sectPr>`` ending a section."""
    props = []
    if style:
        props.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        props.append("<w:keepNext/>")
    if page_break_before:
        props.append("<w:pageBreakBefore/>")
    if tabs:
        props.append(f"<w:tabs>{tabs}</w:tabs>")
    if space_before is not None or space_after is not None:
        before = f' w:before="{space_before}"' if space_before is not None else ""
        after = f' w:after="{space_after}"' if space_after is not None else ""
        props.append(f"<w:spacing{before}{after}/>")
    if align:
        props.append(f'<w:jc w:val="{align}"/>')
    props.append(section)
    joined = "".join(props)
    return f"<w:p>{f'<w:pPr>{joined}</w:pPr>' if joined else ''}{content}</w:p>"


def bookmark(name: str, ident: int, content: str) -> str:
    """``content`` (runs) inside a bookmark the contents and PAGEREF fields point at."""
    return (
        f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{content}<w:bookmarkEnd w:id="{ident}"/>'
    )


def internal_link(anchor: str, content: str) -> str:
    """Runs that jump to a bookmark when clicked."""
    return f'<w:hyperlink w:anchor="{anchor}" w:history="1">{content}</w:hyperlink>'


def field_begin(instruction: str, props: str = "") -> str:
    """The runs that open a field and hold its instruction; its shown result follows."""
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
    )


def field_end(props: str = "") -> str:
    return f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'


def field(instruction: str, shown: str, props: str = "") -> str:
    """A complete field (PAGE, NUMPAGES, PAGEREF ...) showing ``shown`` until it is updated."""
    return (
        field_begin(instruction, props)
        + f'<w:r>{props}<w:t xml:space="preserve">{text(shown)}</w:t></w:r>'
        + field_end(props)
    )


def cell(
    content: str,
    width: int,
    *,
    fill: str | None = None,
    rotate: bool = False,
    v_align: str | None = None,
) -> str:
    """A table cell of ``width`` twips holding paragraphs; ``rotate``: text reads bottom to top."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    if rotate:
        props.append('<w:textDirection w:val="btLr"/>')
    if v_align:
        props.append(f'<w:vAlign w:val="{v_align}"/>')
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content or paragraph()}</w:tc>"


def row(cells: Iterable[str], *, header: bool = False, height: int | None = None) -> str:
    """A table row that never splits across pages; a header row repeats on every page."""
    props = ["<w:cantSplit/>"]
    if height is not None:
        props.append(f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>')
    if header:
        props.append("<w:tblHeader/>")
    return f"<w:tr><w:trPr>{''.join(props)}</w:trPr>{''.join(cells)}</w:tr>"


def table(rows: Iterable[str], widths: list[int], *, style: str | None = None) -> str:
    """A fixed-layout table with the given column widths (Word reads them, LibreOffice too)."""
    style_xml = f'<w:tblStyle w:val="{style}"/>' if style else ""
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="BFC7D1"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr>{style_xml}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def body(parts: Iterable[str], final_section: str) -> bytes:
    """The complete ``<w:body>`` element, ready for :func:`docx.oxml.parse_xml`."""
    return (
        f'<w:body xmlns:w="{W_NS}" xmlns:r="{R_NS}">{"".join(parts)}{final_section}</w:body>'
    ).encode()
