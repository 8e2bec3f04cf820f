"""The answers of a round, theme by theme and question by question, as the overview holds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.template import QuestionKind, QuestionRole

SUBMITTED = "submitted"
DRAFT = "draft"


@dataclass(frozen=True)
class ThemeRef:
    """A theme named by key and title, for lists outside the theme sections."""

    key: str
    title: str

    @property
    def anchor(self) -> str:
        """The id of the theme's section in HTML (and bookmark base in Word)."""
        return f"theme-{self.key}"


@dataclass(frozen=True)
class AnswerEntry:
    """One colleague's current answer to one question for one theme."""

    participant_id: int
    colleague: str
    text: str
    items: tuple[str, ...]  # list answers split into items; empty for other kinds
    created_at: datetime
    updated_at: datetime
    status: str  # SUBMITTED or DRAFT

    @property
    def submitted(self) -> bool:
        """True when the colleague has submitted their input."""
        return self.status == SUBMITTED


@dataclass(frozen=True)
class QuestionSection:
    """A question of a theme with every answer given to it."""

    key: str
    text: str
    kind: QuestionKind
    role: QuestionRole | None
    required: bool
    options: tuple[str, ...]  # choice questions only
    answers: tuple[AnswerEntry, ...]


@dataclass(frozen=True)
class ThemeSection:
    """A theme with its colleagues and, per question, the answers."""

    key: str
    title: str
    description: str
    assigned: tuple[str, ...]  # colleagues (and open invites) this theme was given to
    contributors: tuple[str, ...]  # colleagues who answered at least one question
    questions: tuple[QuestionSection, ...]

    @property
    def anchor(self) -> str:
        """The id of this section in HTML (and bookmark base in Word)."""
        return f"theme-{self.key}"

    @property
    def answer_count(self) -> int:
        """How many answers this theme has."""
        return sum(len(q.answers) for q in self.questions)
