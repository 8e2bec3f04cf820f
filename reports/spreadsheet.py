"""The overview as rows: an Excel workbook (openpyxl) and a CSV file of the answers.

Spreadsheets execute what looks like a formula. User text starting with = + - @ (or a tab or
carriage return) is therefore always stored as text: in .xlsx as a string cell with Excel's
quote prefix, in CSV behind a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from conversations.answers import clean_text
from conversations.texts import catalogue
from reports.formatting import format_datetime
from reports.overview import Overview
from reports.sections import AnswerEntry

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses longer cell texts.
_MAX_CELL = 32_767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B5394")
_WRAP = Alignment(wrap_text=True, vertical="top")
# Column widths in characters for the answers sheet, in column order.
_ANSWER_WIDTHS = (22, 28, 40, 22, 80, 12, 17)


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    return text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START[:4])


def csv_safe(text: str) -> str:
    """Returns the text for a CSV cell: cleaned, and behind an apostrophe if formula-like."""
    cleaned = clean_text(text)
    return "'" + cleaned if looks_like_formula(cleaned) else cleaned


def csv_delimiter(language: str) -> str:
    """The separator Excel expects: ";" where the decimal comma is used (nl), else ","."""
    return ";" if language == "nl" else ","


def answer_header(overview: Overview) -> list[str]:
    """Column titles of the answers sheet (and the CSV)."""
    lab = catalogue(overview.language).labels
    return [
        lab["round"],
        lab["theme"],
        lab["question"],
        lab["colleague"],
        lab["answer"],
        lab["status"],
        lab["last_edited"],
    ]


def _answer_text(answer: AnswerEntry) -> str:
    return "\n".join(answer.items) if answer.items else answer.text


def answer_rows(overview: Overview) -> list[list[str | datetime]]:
    """One row per answer, in document order; the last column is the time of the last edit."""
    lab = catalogue(overview.language).labels
    return [
        [
            overview.round_name,
            theme.title,
            question.text,
            answer.colleague,
            _answer_text(answer),
            lab[answer.status],
            answer.updated_at,
        ]
        for theme, question, answer in overview.answers()
    ]


def render_csv(overview: Overview) -> bytes:
    """Renders the answers sheet as CSV: UTF-8 with BOM, so Excel detects the encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=csv_delimiter(overview.language))
    writer.writerow([csv_safe(h) for h in answer_header(overview)])
    for row in answer_rows(overview):
        writer.writerow(
            [
                format_datetime(v, overview.language) if isinstance(v, datetime) else csv_safe(v)
                for v in row
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(overview: Overview) -> bytes:
    """Renders an .xlsx workbook: the answers (one row each) and the partner matrix."""
    lab = catalogue(overview.language).labels
    workbook = Workbook()
    answers = workbook.active
    answers.title = lab["sheet_answers"]
    _header(answers, answer_header(overview))
    date_format = "dd-mm-yyyy hh:mm" if overview.language == "nl" else "yyyy-mm-dd hh:mm"
    for row in answer_rows(overview):
        answers.append([_value(v) for v in row])
        for cell in answers[answers.max_row]:
            _guard(cell)
            cell.alignment = _WRAP
            if isinstance(cell.value, datetime):
                cell.number_format = date_format
    _finish(answers, _ANSWER_WIDTHS)

    matrix = overview.partners
    partners = workbook.create_sheet(lab["sheet_partners"])
    _header(
        partners,
        [lab["partner"], *(t.title for t in matrix.themes), lab["total"], lab["named_by"]],
    )
    for partner in matrix.rows:
        counts = [cell.count or None for cell in partner.cells]
        partners.append(
            [_value(partner.name), *counts, partner.total, _value(", ".join(partner.named_by))]
        )
        for cell in partners[partners.max_row]:
            _guard(cell)
            cell.alignment = _WRAP
    _finish(partners, (28, *(16 for _ in matrix.themes), 10, 50))

    workbook.properties.title = clean_text(f"{lab['document_title']} – {overview.round_name}")
    workbook.properties.creator = "themabot"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _value(value: str | datetime) -> str | datetime:
    if isinstance(value, datetime):
        # Excel has no time zones; the overview's times are already local.
        return value.replace(tzinfo=None)
    return clean_text(value)[:_MAX_CELL]


def _guard(cell: Cell) -> None:
    # openpyxl turns a string starting with "=" into a formula; force text and mark it like a
    # typed apostrophe, so editing the cell in Excel keeps it text as well.
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append([clean_text(t)[:_MAX_CELL] for t in titles])
    for cell in sheet[1]:
        _guard(cell)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _finish(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
