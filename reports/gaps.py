"""Gaps and signals of a round: what is missing or needs the coordinator's attention. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from msgspec import Struct

from conversations.progress import Category
from conversations.template import Template
from reports.priorities import CapacitySignal, capacity_signals
from reports.progress import RoundProgress
from reports.sections import ThemeRef, ThemeSection

__all__ = [
    "CapacitySignal",
    "Gaps",
    "NotStarted",
    "ThemeGap",
    "ThemeNotStarted",
    "UnansweredQuestion",
    "UnplacedText",
    "find_gaps",
]


class ThemeGap(Struct, frozen=True):
    """A theme without a single answer."""

    theme: ThemeRef
    assigned: tuple[str, ...]  # who it was given to; empty when nobody


class UnansweredQuestion(Struct, frozen=True):
    """A question nobody answered for a theme that does have other input."""

    theme: ThemeRef
    question_key: str
    question_text: str
    required: bool


class NotStarted(Struct, frozen=True):
    """A colleague without any answer yet."""

    name: str
    invited_at: datetime
    joined: bool  # False: the invite link has not been opened
    themes: tuple[str, ...] = ()  # titles of the themes they were given


class ThemeNotStarted(Struct, frozen=True):
    """Colleagues who answered for other themes but not yet for this one, assigned to them."""

    theme: ThemeRef
    names: tuple[str, ...]


class UnplacedText(Struct, frozen=True):
    """A text a colleague sent that has no place among the answers yet (kept, never lost)."""

    colleague: str
    text: str
    kept_at: datetime


class Gaps(Struct, frozen=True):
    """What is missing or needs the coordinator's attention."""

    themes_without_input: tuple[ThemeGap, ...]
    unanswered: tuple[UnansweredQuestion, ...]
    not_started: tuple[NotStarted, ...]
    capacity_signals: tuple[CapacitySignal, ...]
    theme_not_started: tuple[ThemeNotStarted, ...] = ()
    not_submitted: tuple[str, ...] = ()  # every required question answered, not submitted
    unplaced: tuple[UnplacedText, ...] = ()  # kept texts without a place yet

    @property
    def empty(self) -> bool:
        """True when there is nothing to report."""
        return not (
            self.themes_without_input
            or self.unanswered
            or self.not_started
            or self.capacity_signals
            or self.theme_not_started
            or self.not_submitted
            or self.unplaced
        )


def find_gaps(
    template: Template,
    sections: tuple[ThemeSection, ...],
    progress: RoundProgress,
    local: Callable[[datetime], datetime],
    started_elsewhere: Mapping[str, tuple[str, ...]],
    unplaced: tuple[UnplacedText, ...] = (),
) -> Gaps:
    """Returns what is missing: empty themes, unanswered questions, who has not started (as
    /progress counts them, invited times through ``local``), who has not started one of their
    themes (``started_elsewhere``: theme key -> names), who finished without submitting, and
    priority without capacity."""
    titles = {t.key: t.title for t in template.themes}
    themes_without_input = tuple(
        ThemeGap(s.ref, s.assigned) for s in sections if not s.answer_count
    )
    # Per-question gaps only where the theme has other input: an empty theme is one gap, not many.
    unanswered = tuple(
        UnansweredQuestion(s.ref, q.key, q.text, q.required)
        for s in sections
        if s.answer_count
        for q in s.open_questions
    )
    # The same colleagues /progress counts as not started or invited.
    idle = [
        NotStarted(
            c.name,
            local(c.invited_at),
            joined=not c.progress.invited_only,
            themes=tuple(titles[t.theme_key] for t in c.progress.themes),
        )
        for c in progress.colleagues
        if c.progress.category in (Category.NOT_STARTED, Category.INVITED)
    ]
    idle.sort(key=lambda n: (n.name.casefold(), n.invited_at))
    not_submitted = sorted(
        (c.name for c in progress.colleagues if c.progress.category is Category.DONE),
        key=str.casefold,
    )
    return Gaps(
        themes_without_input=themes_without_input,
        unanswered=unanswered,
        not_started=tuple(idle),
        capacity_signals=tuple(c for s in sections for c in capacity_signals(s)),
        theme_not_started=tuple(
            ThemeNotStarted(s.ref, started_elsewhere[s.key])
            for s in sections
            if started_elsewhere.get(s.key)
        ),
        not_submitted=tuple(not_submitted),
        unplaced=unplaced,
    )
