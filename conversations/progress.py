"""How far a colleague is: the one count behind /status, /progress, reminders and documents.

Pure: from the template, the colleague's themes, the slots they answered and whether they
submitted (or have not even opened their invite) to answered / total / open required per
theme, *done* and the colleague's :class:`Category`. A colleague is done when every required
question of their themes has an answer, submitted or not.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from msgspec import Struct

from conversations.slots import SlotRef, question_of, slots_for
from conversations.template import Template


class Category(StrEnum):
    """Where a colleague stands, as every view of progress counts and names it; in this order."""

    SUBMITTED = "submitted"
    DONE = "done"  # every required question answered, not submitted
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"  # joined, nothing answered yet
    INVITED = "invited"  # the invitation was not opened yet


class State(StrEnum):
    """The colleague's step as ``themabot progress --json`` names it in ``state``."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class ThemeCount(Struct, frozen=True):
    """One theme of a colleague: questions answered, asked, and required ones still open."""

    theme_key: str
    answered: int
    total: int
    open_required: int


class Progress(Struct, frozen=True):
    """One colleague's count, theme by theme in their order."""

    themes: tuple[ThemeCount, ...]
    submitted: bool = False
    invited_only: bool = False  # the invite was never opened

    @property
    def answered(self) -> int:
        return sum(t.answered for t in self.themes)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.themes)

    @property
    def open_required(self) -> int:
        return sum(t.open_required for t in self.themes)

    @property
    def open_themes(self) -> int:
        """Returns how many themes still have an open required question."""
        return sum(1 for t in self.themes if t.open_required)

    @property
    def started(self) -> bool:
        """Something answered, or submitted."""
        return self.submitted or self.answered > 0

    @property
    def done(self) -> bool:
        """Every required question answered (submitted or not); never without questions."""
        return not self.invited_only and self.total > 0 and self.open_required == 0

    @property
    def state(self) -> State:
        if self.submitted:
            return State.SUBMITTED
        return State.IN_PROGRESS if self.answered else State.NOT_STARTED

    @property
    def category(self) -> Category:
        if self.submitted:
            return Category.SUBMITTED
        if self.invited_only:
            return Category.INVITED
        if not self.answered:
            return Category.NOT_STARTED
        return Category.DONE if self.done else Category.IN_PROGRESS


def open_required(
    template: Template, theme_keys: tuple[str, ...], answered: Collection[SlotRef]
) -> list[SlotRef]:
    """Returns the required slots without an answer, in asking order."""
    return [
        s
        for s in slots_for(template, theme_keys)
        if s not in answered and question_of(template, s).required
    ]


def count_progress(
    template: Template,
    theme_keys: tuple[str, ...],
    answered: Collection[tuple[str, str]],
    *,
    submitted: bool = False,
    invited_only: bool = False,
) -> Progress:
    """Counts one colleague's progress; ``answered`` holds (at least) the slots with an answer.

    Themes the template does not know are left out, as they are never asked.
    """
    themes = []
    for key in theme_keys:
        # What slots_for and open_required would say, in one walk over the theme's questions:
        # a document counts this for every colleague of the round.
        if not template.theme(key):
            continue
        questions = template.questions_for(key)
        if not questions:
            continue
        # Plain (theme, question) pairs: a SlotRef is one, and equal to it.
        given = [(key, q.key) in answered for q in questions]
        themes.append(
            ThemeCount(
                key,
                answered=sum(given),
                total=len(questions),
                open_required=sum(
                    1 for q, g in zip(questions, given, strict=True) if q.required and not g
                ),
            )
        )
    return Progress(tuple(themes), submitted=submitted, invited_only=invited_only)
