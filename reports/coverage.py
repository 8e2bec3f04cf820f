"""Coverage: per colleague and theme, how far the input is. Pure, from the round's progress.

The picture that says more than text: a table colleague x theme, each cell coloured by its
state (and named in words, for print in black and white and for screen readers).
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

from conversations.progress import Category, ThemeCount
from conversations.template import Template
from reports.progress import RoundProgress
from reports.sections import ThemeRef


class CellState(StrEnum):
    """The state of one colleague's theme; each has the label ``coverage_<value>``."""

    SUBMITTED = "submitted"
    COMPLETE = "complete"  # every required question answered, not submitted
    PARTIAL = "partial"
    NOT_STARTED = "not_started"
    INVITED = "invited"  # the invitation was not opened yet
    NOT_ASSIGNED = "not_assigned"


# A colleague's category in the words of the coverage states.
CATEGORY_STATE = {
    Category.SUBMITTED: CellState.SUBMITTED,
    Category.DONE: CellState.COMPLETE,
    Category.IN_PROGRESS: CellState.PARTIAL,
    Category.NOT_STARTED: CellState.NOT_STARTED,
    Category.INVITED: CellState.INVITED,
}


class CoverageCell(Struct, frozen=True):
    theme_key: str
    state: CellState
    answered: int = 0
    total: int = 0

    @property
    def fraction(self) -> str:
        """ "3/7", or "" for a theme not assigned."""
        return "" if self.state is CellState.NOT_ASSIGNED else f"{self.answered}/{self.total}"


class CoverageRow(Struct, frozen=True):
    name: str
    category: Category
    cells: tuple[CoverageCell, ...]  # aligned with Coverage.themes


class Coverage(Struct, frozen=True):
    themes: tuple[ThemeRef, ...]  # every theme of the template, in its order
    rows: tuple[CoverageRow, ...]  # colleagues by name


def _state(count: ThemeCount, submitted: bool, invited_only: bool) -> CellState:
    if invited_only:
        return CellState.INVITED
    if submitted:
        return CellState.SUBMITTED
    if not count.answered:
        return CellState.NOT_STARTED
    return CellState.COMPLETE if count.open_required == 0 else CellState.PARTIAL


def coverage(template: Template, progress: RoundProgress) -> Coverage:
    """Colleague x theme, from the one progress count (invites not yet opened included)."""
    themes = tuple(ThemeRef(t.key, t.title) for t in template.themes)
    rows = []
    for colleague in sorted(progress.colleagues, key=lambda c: c.name.casefold()):
        p = colleague.progress
        counts = {t.theme_key: t for t in p.themes}
        cells = tuple(
            CoverageCell(
                ref.key,
                _state(counts[ref.key], p.submitted, p.invited_only),
                counts[ref.key].answered,
                counts[ref.key].total,
            )
            if ref.key in counts
            else CoverageCell(ref.key, CellState.NOT_ASSIGNED)
            for ref in themes
        )
        rows.append(CoverageRow(colleague.name, p.category, cells))
    return Coverage(themes, tuple(rows))
