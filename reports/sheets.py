"""Sheets of the Excel overview: a streaming sheet that prints well, and the sheets beyond the
answers (partners, priority picture, coverage). See :mod:`reports.spreadsheet`."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from conversations.answers import clean_text
from conversations.texts import Catalogue
from reports.coverage import CATEGORY_STATE
from reports.overview import Overview
from reports.word_tables import STATE_COLOURS
from reports.wording import (
    NAME_LIMIT,
    choice_text,
    signal_text,
    state_label,
    version_text,
)

# Excel refuses longer cell texts, and taller rows.
MAX_CELL = 32_767
_MAX_ROW_POINTS = 409.0
_LINE_POINTS = 15.0
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B5394")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PAPER_A4 = 9


class _Text(NamedTuple):
    xml: str  # cleaned, cut to Excel's limit and escaped
    formula: bool  # stored with Excel's quote prefix (see looks_like_formula)
    lines: int  # how many lines it wraps to in its column


# A cell as written: its value (escaped text, number or None), its style index, and whether
# the value is text.
_Cell = tuple[str | int | float | None, int | None, bool]


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    return text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START[:4])


def _header_text(text: str) -> str:
    # "&" starts a code in Excel's page header; "&&" prints one.
    return clean_text(text).replace("&", "&&")[:120]


class Sheet:
    """A sheet set up to print: landscape A4, fit to width, header row repeated, the round in
    the page header and "Pagina X van Y" in the footer.

    openpyxl writes the sheet's settings and the styles; the rows themselves are written here
    as XML text and put into the saved package by :func:`save` (openpyxl's per-cell writer
    costs some 20 µs a cell: seconds for a round of a thousand colleagues).
    """

    def __init__(self, workbook: Workbook, title: str, overview: Overview, t: Catalogue) -> None:
        sheet = workbook.create_sheet(title[:31])
        assert isinstance(sheet, WriteOnlyWorksheet)
        self.workbook = workbook
        # A write-only sheet carries the same print settings as a normal one (openpyxl sets
        # them up with Worksheet._setup); its type stubs only do not say so.
        self.ws = cast(Worksheet, sheet)
        self.part = f"xl/worksheets/sheet{len(workbook.worksheets)}.xml"
        self.widths: tuple[int, ...] = ()
        self.rows: list[str] = []
        self.max_column = 1
        self._styles: dict[tuple[str, str, str, bool], int] = {}
        self._texts: dict[tuple[int, str], _Text] = {}
        lab = t.labels
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = _PAPER_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        header, footer = ws.oddHeader, ws.oddFooter
        assert header is not None and footer is not None
        header.left.text = _header_text(overview.round_name)
        header.left.size = 9
        header.right.text = _header_text(f"{lab['document_title']} · {version_text(overview, t)}")
        header.right.size = 9
        footer.center.text = f"{lab['page']} &P {lab['page_of']} &N"
        footer.center.size = 8

    def columns(self, widths: Sequence[int]) -> None:
        """Column widths in characters (before any row)."""
        self.widths = tuple(widths)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def header(self, titles: Sequence[str], *, filter_rows: int | None = None) -> None:
        """The header row: frozen, repeated on every printed page, optionally with filters."""
        self.ws.freeze_panes = "A2"
        self.ws.print_title_rows = "1:1"
        if filter_rows is not None:
            last = get_column_letter(len(titles))
            self.ws.auto_filter.ref = f"A1:{last}{filter_rows + 1}"
        style = self._style("header")
        cells: list[_Cell] = []
        lines = 2
        for index, title in enumerate(titles):
            text = self._text(index, title)
            cells.append((text.xml, style, True))
            lines = max(lines, text.lines)
        self._append(cells, lines * _LINE_POINTS)

    def row(
        self,
        values: Sequence[str | int | datetime | None],
        *,
        date_format: str = "",
        fills: Sequence[str | None] = (),
        centre: Sequence[int] = (),
    ) -> None:
        """One row; texts wrap and the row is as tall as its longest cell needs."""
        cells: list[_Cell] = []
        lines = 1
        for index, value in enumerate(values):
            fill = (fills[index] if index < len(fills) else None) or ""
            look = "centre" if index in centre else "wrap"
            if isinstance(value, datetime):
                cells.append((_serial(value), self._style(look, fill, date_format), False))
            elif isinstance(value, str):
                text = self._text(index, value)
                cells.append((text.xml, self._style(look, fill, quoted=text.formula), True))
                lines = max(lines, text.lines)
            else:
                empty = value is None and not fill
                cells.append((value, None if empty else self._style(look, fill), False))
        self._append(cells, min(lines * _LINE_POINTS, _MAX_ROW_POINTS))

    def _text(self, index: int, value: str) -> _Text:
        """A text cell's escaped content, whether it looks like a formula, and its lines.

        Themes, questions, names and statuses repeat on every row of a large round: each
        distinct text is cleaned, escaped and measured once per column.
        """
        found = self._texts.get((index, value))
        if found is None:
            text = clean_text(value)[:MAX_CELL]
            found = self._texts[(index, value)] = _Text(
                escape(text), looks_like_formula(text), self._lines(index, value)
            )
        return found

    def _style(
        self, look: str, fill: str = "", number_format: str = "", *, quoted: bool = False
    ) -> int:
        """The workbook's cell-format index for a look, registered once."""
        key = (look, fill, number_format, quoted)
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self.ws)
            if look == "header":
                cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
            else:
                cell.alignment = _CENTRE if look == "centre" else _WRAP
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if number_format:
                cell.number_format = number_format
            # A formula-like text is stored as text with Excel's quote prefix, as if typed with
            # an apostrophe: editing the cell keeps it text as well.
            cell.quotePrefix = quoted
            # openpyxl's registry of cell formats: no public API registers one without a cell.
            registry = self.workbook._cell_styles  # type: ignore[attr-defined]
            found = self._styles[key] = int(registry.add(cell._style))  # type: ignore[attr-defined]
        return found

    def _lines(self, index: int, value: str) -> int:
        """Lines a text wraps to in its column (a few characters of slack)."""
        if not value:
            return 1
        width = max((self.widths[index] if index < len(self.widths) else 10) - 2, 4)
        return sum(len(line) // width + 1 for line in value.split("\n"))

    def _append(self, cells: Sequence[_Cell], height: float) -> None:
        number = len(self.rows) + 1
        self.max_column = max(self.max_column, len(cells))
        xml = []
        for index, (value, style, is_text) in enumerate(cells):
            ref = f"{_column(index)}{number}"
            s = f' s="{style}"' if style else ""
            if is_text:
                xml.append(
                    f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                    f"{value}</t></is></c>"
                )
            elif value is None:
                if style:
                    xml.append(f'<c r="{ref}"{s}/>')
            else:
                xml.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
        self.rows.append(f'<row r="{number}" ht="{height:g}" customHeight="1">{"".join(xml)}</row>')

    def sheet_data(self) -> bytes:
        return f"<sheetData>{''.join(self.rows)}</sheetData>".encode()

    @property
    def dimension(self) -> str:
        return f"A1:{_column(self.max_column - 1)}{max(len(self.rows), 1)}"


_EPOCH = datetime(1899, 12, 30)


def _serial(moment: datetime) -> float:
    """Excel's day number; Excel has no time zones and the overview's times are local."""
    return round((moment.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400, 8)


def _column(index: int) -> str:
    return get_column_letter(index + 1)


def save(workbook: Workbook, sheets: Sequence[Sheet]) -> bytes:
    """Saves the workbook with every sheet's rows put into its (empty) sheetData."""
    saved = io.BytesIO()
    workbook.save(saved)
    by_part = {sheet.part: sheet for sheet in sheets}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            sheet = by_part.get(item.filename)
            if sheet is not None:
                content = content.replace(b"<sheetData></sheetData>", sheet.sheet_data(), 1)
                content = content.replace(b"<sheetData />", sheet.sheet_data(), 1)
                dimension = f'<dimension ref="{sheet.dimension}"/>'.encode()
                content = (
                    content.replace(b"<sheetPr>", dimension + b"<sheetPr>", 1)
                    if (b"<dimension" not in content)
                    else content
                )
            target.writestr(item, content)
    return out.getvalue()


def partner_sheet(sheet: Sheet, overview: Overview, t: Catalogue) -> None:
    """Partner x theme counts, the total, who named it and how else it was written."""
    lab, matrix = t.labels, overview.partners
    sheet.columns((28, *(14 for _ in matrix.themes), 9, 50, 30))
    sheet.header(
        [
            lab["partner"],
            *(x.title for x in matrix.themes),
            lab["total"],
            lab["named_by"],
            lab["spellings"],
        ],
        filter_rows=len(matrix.rows),
    )
    counted = range(1, len(matrix.themes) + 2)
    for partner in matrix.rows:
        sheet.row(
            [
                partner.name,
                *(cell.count or None for cell in partner.cells),
                partner.total,
                ", ".join(partner.named_by),
                ", ".join(partner.spellings),
            ],
            centre=counted,
        )


def priority_sheet(sheet: Sheet, overview: Overview, t: Catalogue) -> None:
    """The priority picture: per theme level, capacity, ambition, partners and signals."""
    lab, picture = t.labels, overview.priorities
    columns: list[tuple[str, int]] = [(lab["theme"], 26)]
    if picture.has_level:
        columns.append((lab["level"], 40))
    if picture.has_capacity:
        columns.append((lab["capacity"], 34))
    if picture.has_ambition:
        columns.append((lab["ambition"], 50))
    if picture.has_partners:
        columns.append((lab["partner_count"], 10))
    columns.append((lab["signals"], 60))
    sheet.columns([w for _, w in columns])
    sheet.header([h for h, _ in columns])
    for row in picture.themes:
        values: list[str | int | None] = [row.theme.title]
        if picture.has_level:
            values.append(choice_text(row.level, t).replace("; ", "\n"))
        if picture.has_capacity:
            values.append(choice_text(row.capacity, t).replace("; ", "\n"))
        if picture.has_ambition:
            shown = [f"{a.colleague}: {a.short}" for a in row.ambitions[:NAME_LIMIT]]
            if len(row.ambitions) > NAME_LIMIT:
                shown.append(t.label("and_others", count=len(row.ambitions) - NAME_LIMIT))
            values.append("\n".join(shown))
        if picture.has_partners:
            values.append(row.partner_count)
        values.append("\n".join(signal_text(s, t) for s in row.signals) or lab["no_signals"])
        sheet.row(values)


def coverage_sheet(sheet: Sheet, overview: Overview, t: Catalogue) -> None:
    """Colleague x theme: answered/total, shaded by state, and the colleague's state."""
    lab, cover = t.labels, overview.coverage
    sheet.columns((28, *(12 for _ in cover.themes), 26))
    sheet.header(
        [lab["colleague"], *(x.title for x in cover.themes), lab["status"]],
        filter_rows=len(cover.rows),
    )
    for person in cover.rows:
        fills: list[str | None] = [None, *(STATE_COLOURS[c.state][0] for c in person.cells)]
        sheet.row(
            [
                person.name,
                *(c.fraction or None for c in person.cells),
                state_label(CATEGORY_STATE[person.category], t),
            ],
            fills=fills,
            centre=range(1, len(cover.themes) + 1),
        )
    sheet.row(
        [f"{lab['legend']}:", *(state_label(s, t) for s in STATE_COLOURS)],
        fills=[None, *(fill for fill, _ in STATE_COLOURS.values())],
    )
