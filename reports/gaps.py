"""Gaps and signals of a round: what is missing or needs the coordinator's attention. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from conversations.answers import match_option
from conversations.progress import Category
from conversations.template import Question, QuestionRole, Template
from reports.progress import RoundProgress
from reports.sections import AnswerEntry, QuestionSection, ThemeRef, ThemeSection


@dataclass(frozen=True)
class ThemeGap:
    """A theme without a single answer."""

    theme: ThemeRef
    assigned: tuple[str, ...]  # who it was given to; empty when nobody


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question nobody answered for a theme that does have other input."""

    theme: ThemeRef
    question_key: str
    question_text: str
    required: bool


@dataclass(frozen=True)
class NotStarted:
    """A colleague without any answer yet."""

    name: str
    invited_at: datetime
    joined: bool  # False: the invite link has not been opened


@dataclass(frozen=True)
class CapacitySignal:
    """A colleague proposes a theme as priority but says capacity falls short."""

    theme: ThemeRef
    colleague: str
    level_question: str
    level_answer: str
    capacity_question: str
    capacity_answer: str


@dataclass(frozen=True)
class Gaps:
    """What is missing or needs the coordinator's attention."""

    themes_without_input: tuple[ThemeGap, ...]
    unanswered: tuple[UnansweredQuestion, ...]
    not_started: tuple[NotStarted, ...]
    capacity_signals: tuple[CapacitySignal, ...]

    @property
    def empty(self) -> bool:
        """True when there is nothing to report."""
        return not (
            self.themes_without_input
            or self.unanswered
            or self.not_started
            or self.capacity_signals
        )


def find_gaps(
    template: Template,
    sections: list[ThemeSection],
    progress: RoundProgress,
    local: Callable[[datetime], datetime],
) -> Gaps:
    """Returns what is missing: empty themes, unanswered questions, who has not started (as
    /progress counts them, invited times through ``local``) and priority without capacity."""
    by_key = {s.key: s for s in sections}
    themes_without_input = tuple(
        ThemeGap(ThemeRef(t.key, t.title), by_key[t.key].assigned if t.key in by_key else ())
        for t in template.themes
        if t.key not in by_key or not by_key[t.key].answer_count
    )
    # Per-question gaps only where the theme has other input: an empty theme is one gap, not many.
    unanswered = tuple(
        UnansweredQuestion(ThemeRef(s.key, s.title), q.key, q.text, q.required)
        for s in sections
        if s.answer_count
        for q in s.questions
        if not q.answers
    )
    # The same colleagues /progress counts as not started or invited.
    idle = [
        NotStarted(c.name, local(c.invited_at), joined=not c.progress.invited_only)
        for c in progress.colleagues
        if c.progress.category in (Category.NOT_STARTED, Category.INVITED)
    ]
    idle.sort(key=lambda n: (n.name.casefold(), n.invited_at))
    return Gaps(
        themes_without_input=themes_without_input,
        unanswered=unanswered,
        not_started=tuple(idle),
        capacity_signals=_capacity_signals(template, sections),
    )


def _picks_first_option(question: Question, answer: AnswerEntry) -> bool:
    """Whether the answer is the question's first option: the top level, or enough capacity."""
    return match_option(question, answer.text) in question.options[:1]


def _capacity_signals(
    template: Template, sections: list[ThemeSection]
) -> tuple[CapacitySignal, ...]:
    """Priority proposed (level: first option) while capacity falls short (not first option)."""
    signals: list[CapacitySignal] = []
    for section in sections:
        asked = {q.key: q for q in template.questions_for(section.key)}
        short: dict[int, list[tuple[QuestionSection, AnswerEntry]]] = defaultdict(list)
        for capacity in section.questions:
            if capacity.role is QuestionRole.CAPACITY:
                for answer in capacity.answers:
                    if not _picks_first_option(asked[capacity.key], answer):
                        short[answer.participant_id].append((capacity, answer))
        ref = ThemeRef(section.key, section.title)
        for level in section.questions:
            if level.role is not QuestionRole.LEVEL:
                continue
            for priority in level.answers:
                if _picks_first_option(asked[level.key], priority):
                    signals.extend(
                        CapacitySignal(
                            theme=ref,
                            colleague=priority.colleague,
                            level_question=level.text,
                            level_answer=priority.text,
                            capacity_question=capacity.text,
                            capacity_answer=answer.text,
                        )
                        for capacity, answer in short[priority.participant_id]
                    )
    return tuple(signals)
