"""The overview as rows: an Excel workbook (openpyxl) and a CSV file of the answers.

Spreadsheets execute what looks like a formula. User text starting with = + - @ (or a tab or
carriage return) is therefore always stored as text: in .xlsx as a string cell with Excel's
quote prefix, in CSV behind a leading apostrophe.

The workbook is written in openpyxl's write-only mode: rows stream to the file as they are
made, so time and memory grow with the answers and no more (the normal mode's ``max_row``
scans every cell, which made a large round quadratic). Every sheet prints landscape on A4,
fit to the page width, with its header row repeated and the round's name in the page header.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook

from conversations.answers import clean_text
from conversations.texts import catalogue
from reports.formatting import format_datetime
from reports.overview import Overview
from reports.sections import AnswerEntry
from reports.sheets import (
    Sheet,
    coverage_sheet,
    looks_like_formula,
    partner_sheet,
    priority_sheet,
    save,
)
from reports.wording import purged_notice

__all__ = ["csv_safe", "looks_like_formula", "render_csv", "render_xlsx"]

# Column widths in characters for the answers sheet, in column order.
_ANSWER_WIDTHS = (6, 26, 36, 20, 70, 24, 12, 16, 9, 16)
_KEPT_WIDTHS = (30, 60, 12)


def csv_safe(text: str) -> str:
    """Returns the text for a CSV cell: cleaned, and behind an apostrophe if formula-like."""
    cleaned = clean_text(text)
    return "'" + cleaned if looks_like_formula(cleaned) else cleaned


def csv_delimiter(language: str) -> str:
    """The separator Excel expects: ";" where the decimal comma is used (nl), else ","."""
    return ";" if language == "nl" else ","


def answer_header(overview: Overview) -> list[str]:
    """Column titles of the answers sheet: number, theme, question, colleague, answer, the
    spelling typed where partners were renamed, status, the time of the last edit, and the
    audit summary: how many versions the answer had and when the first came."""
    lab = catalogue(overview.language).labels
    return [
        lab["number"],
        lab["theme"],
        lab["question"],
        lab["colleague"],
        lab["answer"],
        lab["as_typed"],
        lab["status"],
        lab["last_edited"],
        lab["versions"],
        lab["first_version"],
    ]


def answer_text(answer: AnswerEntry) -> str:
    """The answer as a cell shows it: partners by their one name, list items one per line."""
    if answer.partners:
        return "\n".join(m.name for m in answer.partners)
    return "\n".join(answer.items) if answer.items else answer.text


def typed_text(answer: AnswerEntry) -> str:
    """The answer as typed, where the partner names shown differ from it ("" otherwise)."""
    if any(m.differs for m in answer.partners):
        return "\n".join(answer.items)
    return ""


def answer_rows(overview: Overview) -> list[list[str | int | datetime | None]]:
    """One row per answer, in document order, ending with the times of the last edit, the
    number of versions and the time of the first."""
    lab = catalogue(overview.language).labels
    return [
        [
            number,
            theme.title,
            question.text,
            answer.colleague,
            answer_text(answer),
            typed_text(answer) or None,
            lab[answer.status],
            answer.updated_at,
            answer.versions,
            answer.created_at,
        ]
        for number, (theme, question, answer) in enumerate(overview.answers(), start=1)
    ]


def render_csv(overview: Overview) -> bytes:
    """Renders the answers as CSV (UTF-8 with BOM, so Excel detects the encoding).

    A CSV file has no page header to carry the round, so its first column names it.
    """
    lab = catalogue(overview.language).labels
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=csv_delimiter(overview.language))
    if overview.purged:
        # Nothing but counts is left: the round, theme, question and how many answered.
        header = [lab["round"], lab["theme"], lab["question"], lab["answer_count"]]
        writer.writerow([csv_safe(h) for h in header])
        for kept in overview.kept:
            writer.writerow(
                [csv_safe(v) for v in (overview.round_name, kept.theme.title, kept.question)]
                + [kept.answers]
            )
        return buffer.getvalue().encode("utf-8-sig")
    writer.writerow([csv_safe(h) for h in [lab["round"], *answer_header(overview)[1:]]])
    round_name = csv_safe(overview.round_name)
    for row in answer_rows(overview):
        writer.writerow(
            [round_name]
            + [
                format_datetime(v, overview.language)
                if isinstance(v, datetime)
                else csv_safe(v)
                if isinstance(v, str)
                else v
                for v in row[1:]
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(overview: Overview) -> bytes:
    """Renders an .xlsx workbook: answers, partner matrix, priority picture and coverage."""
    t = catalogue(overview.language)
    lab = t.labels
    workbook = Workbook(write_only=True)
    workbook.properties.title = clean_text(f"{lab['document_title']} – {overview.round_name}")
    workbook.properties.creator = "themabot"
    if overview.purged:
        sheet = Sheet(workbook, lab["purged_heading"], overview, t)
        _kept(sheet, overview)
        return save(workbook, [sheet])
    sheets = [
        Sheet(workbook, lab[f"sheet_{name}"], overview, t)
        for name in ("answers", "partners", "priorities", "coverage")
    ]
    _answers(sheets[0], overview)
    partner_sheet(sheets[1], overview, t)
    priority_sheet(sheets[2], overview, t)
    coverage_sheet(sheets[3], overview, t)
    return save(workbook, sheets)


def _kept(sheet: Sheet, overview: Overview) -> None:
    """A purged round's one sheet: what was erased, then the counts per theme and question."""
    lab = catalogue(overview.language).labels
    sheet.columns(_KEPT_WIDTHS)
    sheet.header([lab["theme"], lab["question"], lab["answer_count"]])
    for kept in overview.kept:
        sheet.row([kept.theme.title, kept.question, kept.answers], centre=(2,))
    sheet.row([f"{lab['purged_heading']}. {purged_notice(overview, catalogue(overview.language))}"])


def _answers(sheet: Sheet, overview: Overview) -> None:
    sheet.columns(_ANSWER_WIDTHS)
    header = answer_header(overview)
    rows = answer_rows(overview)
    sheet.header(header, filter_rows=len(rows))
    date_format = "dd-mm-yyyy hh:mm" if overview.language == "nl" else "yyyy-mm-dd hh:mm"
    for row in rows:
        sheet.row(row, date_format=date_format)
