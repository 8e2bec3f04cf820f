"""The Word overview's tables: the priority picture, the partner matrix and the coverage.

Rows never split across pages and header rows repeat; theme titles in the narrow columns of
the matrix and the coverage read bottom to top, so "brandveiligheid" never breaks mid-word.
"""

from __future__ import annotations

from conversations.texts import Catalogue
from reports import wordml as x
from reports.coverage import CATEGORY_STATE, CellState, Coverage
from reports.overview import PartnerMatrix
from reports.priorities import PriorityPicture, ThemePriority
from reports.word_package import ACCENT, MUTED, WARN
from reports.wording import (
    NAME_LIMIT,
    group_head,
    name_list,
    signal_details,
    signal_head,
    state_label,
)

# Fill and text colour per coverage state (Word shading, no images).
STATE_COLOURS: dict[CellState, tuple[str, str]] = {
    CellState.SUBMITTED: ("C6EFCE", "1E6B3A"),
    CellState.COMPLETE: ("DDEBF7", "1F4E79"),
    CellState.PARTIAL: ("FFEB9C", "7A4B00"),
    CellState.NOT_STARTED: ("F8CBAD", "8A1C1C"),
    CellState.INVITED: ("E7E6E6", "404040"),
    CellState.NOT_ASSIGNED: ("FFFFFF", "9AA3AE"),
}
_HEADER_FILL = ACCENT
_SMALL = 7.5
# Rough width of a character of 8 pt bold text, for the height of rotated header cells.
_CHAR_CM = 0.17


def _header_cell(label: str, width: int, *, rotate: bool = False) -> str:
    content = x.paragraph(x.run(label, bold=True, color="FFFFFF", size=8), space_after=0)
    return x.cell(content, width, fill=_HEADER_FILL, rotate=rotate, v_align="bottom")


def _rotated_height(titles: list[str]) -> int:
    """Tall enough for the longest word on one line and the longest title on two lines."""
    longest_word = max((len(w) for t in titles for w in t.split()), default=4)
    longest = max((len(t) for t in titles), default=4)
    cm = max(longest_word, (longest + 1) // 2) * _CHAR_CM + 0.3
    return x.twips(min(max(cm, 1.6), 5.5))


def _small(text: str, color: str = MUTED) -> str:
    return x.paragraph(x.run(text, size=_SMALL, color=color), space_after=0)


def _line(runs: str) -> str:
    return x.paragraph(runs, space_after=0)


def _choice_cell(row: ThemePriority, which: str, t: Catalogue) -> str:
    tally = row.level if which == "level" else row.capacity
    if tally is None or not tally.choices:
        return _small("—")
    parts = []
    for choice in tally.choices:
        strong = choice.label == tally.first_option
        parts.append(_line(x.run(group_head(choice), bold=strong, size=8.5)))
        parts.append(_small(name_list(choice.names, t)))
    return "".join(parts)


def _ambition_cell(row: ThemePriority, t: Catalogue) -> str:
    if not row.ambitions:
        return _small("—")
    shown = row.ambitions[:3]
    parts = [
        _line(x.run(f"{a.colleague}: ", bold=True, size=8) + x.run(a.short, size=8)) for a in shown
    ]
    if len(row.ambitions) > len(shown):
        parts.append(_small(t.label("and_others", count=len(row.ambitions) - len(shown))))
    return "".join(parts)


def _signals_cell(row: ThemePriority, t: Catalogue) -> str:
    if not row.signals:
        return _small(t.label("no_signals"))
    parts = []
    for signal in row.signals:
        parts.append(_line(x.run(signal_head(signal, t), bold=True, color=WARN, size=8)))
        details = signal_details(signal, t)
        if details:
            parts.append(_small(details))
    return "".join(parts)


def priority_table(picture: PriorityPicture, t: Catalogue, width: int) -> str:
    """Theme x (level, capacity, ambition, partners, signals): the columns the template has."""
    lab = t.labels
    columns: list[tuple[str, float]] = [(lab["theme"], 4.0)]
    if picture.has_level:
        columns.append((lab["level"], 4.6))
    if picture.has_capacity:
        columns.append((lab["capacity"], 3.8))
    if picture.has_ambition:
        columns.append((lab["ambition"], 6.0))
    if picture.has_partners:
        columns.append((lab["partner_count"], 1.7))
    fixed = sum(x.twips(cm) for _, cm in columns)
    widths = [x.twips(cm) for _, cm in columns] + [max(width - fixed, x.twips(4.0))]
    titles = [label for label, _ in columns] + [lab["signals"]]
    rows = [x.row((_header_cell(h, w) for h, w in zip(titles, widths, strict=True)), header=True)]
    for item in picture.themes:
        cells = [_line(x.run(item.theme.title, bold=True, size=9))]
        if picture.has_level:
            cells.append(_choice_cell(item, "level", t))
        if picture.has_capacity:
            cells.append(_choice_cell(item, "capacity", t))
        if picture.has_ambition:
            cells.append(_ambition_cell(item, t))
        if picture.has_partners:
            count = "—" if item.partner_count is None else str(item.partner_count)
            cells.append(x.paragraph(x.run(count, bold=True), align="center", space_after=0))
        cells.append(_signals_cell(item, t))
        rows.append(x.row(x.cell(c, w) for c, w in zip(cells, widths, strict=True)))
    return x.table(rows, widths)


def _theme_matrix_head(
    titles: list[str],
    first: tuple[str, int],
    last: tuple[str, int],
    width: int,
    narrowest: int,
) -> tuple[list[int], str]:
    """The widths and the header row of a table with one rotated column per theme between a
    first and a last column (label, width): the themes share what the two leave."""
    middle = max((width - first[1] - last[1]) // max(len(titles), 1), narrowest)
    widths = [first[1], *(middle for _ in titles), last[1]]
    header = [_header_cell(first[0], first[1])]
    header += [_header_cell(title, middle, rotate=True) for title in titles]
    header.append(_header_cell(last[0], last[1]))
    return widths, x.row(header, header=True, height=_rotated_height(titles))


def partner_table(matrix: PartnerMatrix, t: Catalogue, width: int) -> str:
    """Partner x theme, who named it (capped), and the total; rotated theme headers."""
    lab = t.labels
    first, last = x.twips(4.6), x.twips(1.5)
    widths, head = _theme_matrix_head(
        [theme.title for theme in matrix.themes],
        (lab["partner"], first),
        (lab["total"], last),
        width,
        x.twips(1.2),
    )
    middle = widths[1] if matrix.themes else 0
    rows = [head]
    for partner in matrix.rows:
        name = _line(x.run(partner.name, bold=True, size=9))
        if partner.spellings:
            name += _small(f"{lab['spellings']}: {name_list(partner.spellings, t, 6)}")
        cells = [x.cell(name, first)]
        for cell in partner.cells:
            content = ""
            if cell.count:
                content = x.paragraph(
                    x.run(str(cell.count), bold=True), align="center", space_after=0
                )
                content += x.paragraph(
                    x.run(name_list(cell.named_by, t, NAME_LIMIT), size=7, color=MUTED),
                    align="center",
                    space_after=0,
                )
            cells.append(x.cell(content, middle))
        total = x.paragraph(x.run(str(partner.total), bold=True), align="center", space_after=0)
        cells.append(x.cell(total, last))
        rows.append(x.row(cells))
    return x.table(rows, widths)


def legend_table(t: Catalogue, width: int) -> str:
    """One row of coloured cells naming each coverage state."""
    states = list(STATE_COLOURS)
    cell_width = width // len(states)
    cells = []
    for state in states:
        fill, ink = STATE_COLOURS[state]
        label = x.paragraph(
            x.run(state_label(state, t), size=8, color=ink), align="center", space_after=0
        )
        cells.append(x.cell(label, cell_width, fill=fill))
    return x.table([x.row(cells)], [cell_width] * len(states))


def coverage_table(coverage: Coverage, t: Catalogue, width: int) -> str:
    """Colleague x theme: answered/total per cell, shaded by state; the colleague's category."""
    lab = t.labels
    first, last = x.twips(4.8), x.twips(3.6)
    widths, head = _theme_matrix_head(
        [theme.title for theme in coverage.themes],
        (lab["colleague"], first),
        (lab["status"], last),
        width,
        x.twips(1.0),
    )
    middle = widths[1] if coverage.themes else 0
    rows = [head]
    for person in coverage.rows:
        cells = [x.cell(_line(x.run(person.name, size=8.5)), first)]
        for cell in person.cells:
            fill, ink = STATE_COLOURS[cell.state]
            shown = cell.fraction
            content = x.paragraph(x.run(shown, size=8, color=ink), align="center", space_after=0)
            cells.append(x.cell(content, middle, fill=fill))
        category = state_label(CATEGORY_STATE[person.category], t)
        cells.append(x.cell(_line(x.run(category, size=8)), last))
        rows.append(x.row(cells))
    return x.table(rows, widths)


def plain_table(header: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A table of plain texts under a header row that repeats on every page (the audit
    appendix, a purged round's counts)."""
    head = [_header_cell(title, w) for title, w in zip(header, widths, strict=True)]
    body = [x.row(head, header=True)]
    # The audit appendix has a row per answer, and its themes, questions, names, counts and
    # minutes repeat from row to row: each distinct cell is written once.
    written: dict[tuple[str, int], str] = {}
    for values in rows:
        cells = []
        for value, w in zip(values, widths, strict=True):
            cell = written.get((value, w))
            if cell is None:
                cell = written[(value, w)] = x.cell(_line(x.run(value, size=8.5)), w)
            cells.append(cell)
        body.append(x.row(cells))
    return x.table(body, widths)
