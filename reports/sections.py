"""The answers of a round, theme by theme and question by question, as the overview holds them."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct

from conversations.template import QuestionKind, QuestionRole

SUBMITTED = "submitted"
DRAFT = "draft"


class ThemeRef(Struct, frozen=True):
    """A theme named by key and title, for lists outside the theme sections."""

    key: str
    title: str

    @property
    def anchor(self) -> str:
        """The id of the theme's section in HTML (and bookmark base in Word)."""
        return f"theme-{self.key}"


class PartnerMention(Struct, frozen=True):
    """One partner named in a list answer: the registry's one name and the spelling typed."""

    name: str  # canonical: the same in the chapters, the matrix and every format
    typed: str  # as the colleague wrote it

    @property
    def differs(self) -> bool:
        """True when the typed spelling is more than the canonical name in another case."""
        return " ".join(self.typed.split()).casefold() != self.name.casefold()


class AnswerEntry(Struct, frozen=True):
    """One colleague's current answer to one question for one theme."""

    participant_id: int
    colleague: str
    text: str
    items: tuple[str, ...]  # list answers split into items, as typed; empty for other kinds
    created_at: datetime
    updated_at: datetime
    status: str  # SUBMITTED or DRAFT
    # Answers to a question with role "partners": one mention per item, in typed order.
    partners: tuple[PartnerMention, ...] = ()
    option: str | None = None  # choice questions: the template option the answer selects
    versions: int = 1  # versions in the answer's history: the first is created_at, the last
    # updated_at (the audit appendix summarises them; the texts stay with the colleague)

    @property
    def submitted(self) -> bool:
        """True when the colleague has submitted their input."""
        return self.status == SUBMITTED


class QuestionSection(Struct, frozen=True):
    """A question of a theme with every answer given to it."""

    key: str
    text: str
    kind: QuestionKind
    role: QuestionRole | None
    required: bool
    options: tuple[str, ...]  # choice questions only
    answers: tuple[AnswerEntry, ...]


class ThemeSection(Struct, frozen=True):
    """A theme of the template with its colleagues, its state and, per question, the answers.

    Every theme of the template has one, in template order, also without any input: the
    document's chapters do not move as answers come in.
    """

    key: str
    title: str
    description: str
    assigned: tuple[str, ...]  # colleagues (and open invites) this theme was given to
    contributors: tuple[str, ...]  # colleagues who answered at least one question
    questions: tuple[QuestionSection, ...]
    submitted_by: tuple[str, ...] = ()  # contributors who submitted
    drafting: tuple[str, ...] = ()  # contributors whose answers are still a draft
    not_started: tuple[str, ...] = ()  # assigned, without a single answer for this theme
    # Submitted-only version: colleagues whose draft answers to this theme were left out.
    drafts_left_out: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of this section in HTML (and bookmark base in Word)."""
        return f"theme-{self.key}"

    @property
    def ref(self) -> ThemeRef:
        """The theme by key and title."""
        return ThemeRef(self.key, self.title)

    @property
    def answer_count(self) -> int:
        """How many answers this theme has."""
        return sum(len(q.answers) for q in self.questions)

    @property
    def open_questions(self) -> tuple[QuestionSection, ...]:
        """Questions nobody answered yet for this theme, in template order."""
        return tuple(q for q in self.questions if not q.answers)
