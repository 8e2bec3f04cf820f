"""The invites made from a list: a spreadsheet for the coordinator and a printable sheet.

The spreadsheet (.xlsx or .csv) has a row per new invite: name, themes, and the personal link
(or the token, while the bot's username is unknown). The HTML sheet has a card per colleague
with their name, themes, link and a QR code of the link (segno), to print or to show on a
screen. Names and themes are user text: the sheet escapes them (Jinja autoescape), the
spreadsheets never let them become a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from types import MappingProxyType

import segno
from msgspec import Struct
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

from conversations.answers import clean_text
from conversations.texts import catalogue
from reports.html import environment
from reports.spreadsheet import csv_delimiter, csv_safe, looks_like_formula

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B5394")
_WIDTHS = {"A": 30, "B": 50, "C": 62, "D": 14}


class IssuedInvite(Struct, frozen=True):
    """One invite as the coordinator hands it out."""

    name: str
    themes: tuple[str, ...]  # titles; empty: the colleague picks
    token: str
    link: str | None  # None while the bot's username is unknown
    coordinator: bool = False


class InviteList(Struct, frozen=True):
    """The invites made in one go for one round."""

    round_name: str
    deadline: date | None
    invites: tuple[IssuedInvite, ...]
    bot_username: str | None = None


def _columns(language: str, with_links: bool) -> list[str]:
    lab = catalogue(language).labels
    link = lab["invite_list_link"] if with_links else lab["invite_list_token"]
    return [lab["invite_list_name"], lab["invite_list_themes"], link, lab["invite_list_role"]]


def _rows(invites: InviteList, language: str) -> list[list[str]]:
    lab = catalogue(language).labels
    rows = []
    for invite in invites.invites:
        themes = ", ".join(invite.themes) or lab["invite_list_free_themes"]
        role = (
            lab["invite_list_coordinator"] if invite.coordinator else lab["invite_list_colleague"]
        )
        rows.append(
            [invite.name, "" if invite.coordinator else themes, invite.link or invite.token, role]
        )
    return rows


def _with_links(invites: InviteList) -> bool:
    return all(i.link for i in invites.invites)


def render_invites_csv(invites: InviteList, language: str) -> bytes:
    """The invites as CSV: UTF-8 with BOM and the separator Excel expects in ``language``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=csv_delimiter(language))
    writer.writerow(_columns(language, _with_links(invites)))
    for row in _rows(invites, language):
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def render_invites_xlsx(invites: InviteList, language: str) -> bytes:
    """The invites as an Excel sheet, links clickable, header frozen with filters."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook has one sheet
    sheet.title = catalogue(language).label("invite_list_sheet")
    sheet.append(_columns(language, _with_links(invites)))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for row, invite in zip(_rows(invites, language), invites.invites, strict=True):
        sheet.append([clean_text(value) for value in row])
        cells = [cell for cell in sheet[sheet.max_row] if isinstance(cell, Cell)]
        for cell in cells:
            _as_text(cell)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        if invite.link:
            cells[2].hyperlink = invite.link
            cells[2].style = "Hyperlink"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{sheet.max_row}"
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    workbook.properties.creator = "themabot"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _as_text(cell: Cell) -> None:
    # openpyxl makes a formula of any string starting with "="; a name is never one.
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


class QrCode(Struct, frozen=True):
    """A QR code as inline SVG, for the template to place as is.

    Not a ``str`` (nor a Markup, which is one): the environment's finalize cleans every
    string it prints, and would turn markup back into text to escape.
    """

    svg: str

    def __html__(self) -> str:
        return self.svg  # segno's own markup of a t.me link: no user text in it


def qr_svg(link: str) -> QrCode:
    """Returns an inline SVG QR code of a link (error correction M: survives a crease)."""
    return QrCode(segno.make(link, error="m").svg_inline(scale=4, border=2, svgclass="qr"))


def render_invite_sheet(invites: InviteList, language: str) -> bytes:
    """The printable HTML sheet: a card per colleague with name, themes, link and QR code."""
    t = catalogue(language)
    cards = [
        {
            "invite": invite,
            "themes": ", ".join(invite.themes),
            "qr": qr_svg(invite.link) if invite.link else None,
        }
        for invite in invites.invites
    ]
    page = environment.get_template("invite_sheet.html.j2").render(
        invites=invites,
        cards=cards,
        L=t.labels,
        label=t.label,
        deadline=t.date(invites.deadline) if invites.deadline else None,
        language=language,
    )
    return page.encode("utf-8")


# The formats of the invite list by file extension; the HTML sheet always goes beside it.
LIST_FORMATS: MappingProxyType[str, Callable[[InviteList, str], bytes]] = MappingProxyType(
    {".xlsx": render_invites_xlsx, ".csv": render_invites_csv}
)
SHEET_SUFFIX = ".html"
