"""The priority picture: per theme who proposes which level, with what capacity and ambition.

Lesson 1 of Leiden's coordinator: keep linking ambitions to capacity and preconditions. This
module reads the questions by their role (``level``, ``capacity``, ``ambition``, ``partners``;
see :class:`conversations.template.QuestionRole`), so a template without some of them simply
gives a picture with fewer columns. Signals say in words where the coordinator should look:
priority proposed while capacity is short, colleagues who disagree on level or capacity, a
theme nobody proposes as priority, required questions nobody answered, no input at all. Pure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from enum import StrEnum

from msgspec import Struct

from conversations.template import QuestionRole
from reports.sections import AnswerEntry, QuestionSection, ThemeRef, ThemeSection

# Ambitions in the picture are cut at the end of the first sentence, or at this many characters.
AMBITION_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class SignalKind(StrEnum):
    """What a signal is about; each has the label ``signal_<value>`` in the catalogue."""

    PRIORITY_WITHOUT_CAPACITY = "priority_without_capacity"
    LEVEL_DISAGREEMENT = "level_disagreement"
    CAPACITY_DISAGREEMENT = "capacity_disagreement"
    NO_PRIORITY = "no_priority"
    REQUIRED_UNANSWERED = "required_unanswered"
    NO_INPUT = "no_input"


class NamedGroup(Struct, frozen=True):
    """A label (an option word, a question) and the colleagues it concerns."""

    label: str
    names: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.names)


class ChoiceTally(Struct, frozen=True):
    """The answers to one choice question for one theme, grouped by the option picked."""

    question_key: str
    question_text: str
    first_option: str  # level: the priority; capacity: enough
    choices: tuple[NamedGroup, ...]  # options picked by someone, in the template's order

    @property
    def agreed(self) -> bool:
        """True when everyone who answered picked the same option."""
        return len(self.choices) <= 1

    def names_for(self, option: str) -> tuple[str, ...]:
        """Who picked this option."""
        return next((c.names for c in self.choices if c.label == option), ())


class Ambition(Struct, frozen=True):
    """A colleague's ambition for a theme, cut short."""

    colleague: str
    short: str


class Signal(Struct, frozen=True):
    """Something the coordinator should look at, about one theme, in words."""

    kind: SignalKind
    theme: ThemeRef
    groups: tuple[NamedGroup, ...] = ()


class ThemePriority(Struct, frozen=True):
    """One row of the priority picture."""

    theme: ThemeRef
    level: ChoiceTally | None  # None: the template asks no level question for this theme
    capacity: ChoiceTally | None
    ambitions: tuple[Ambition, ...]
    partner_count: int | None  # distinct partners named; None without a partners question
    signals: tuple[Signal, ...]
    answer_count: int = 0


class PriorityPicture(Struct, frozen=True):
    """The priority picture of a round: one row per theme of the template, in its order."""

    themes: tuple[ThemePriority, ...]
    has_level: bool
    has_capacity: bool
    has_ambition: bool
    has_partners: bool

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Every signal, theme by theme."""
        return tuple(s for t in self.themes for s in t.signals)

    def for_theme(self, key: str) -> ThemePriority | None:
        """The row of one theme."""
        return next((t for t in self.themes if t.theme.key == key), None)


class CapacitySignal(Struct, frozen=True):
    """A colleague proposes a theme as priority but says capacity falls short."""

    theme: ThemeRef
    colleague: str
    level_question: str
    level_answer: str
    capacity_question: str
    capacity_answer: str


def shorten(text: str, limit: int = AMBITION_CHARS) -> str:
    """The first sentence of a text (its first line), cut at ``limit`` characters with "…"."""
    first = " ".join(text.strip().split("\n", 1)[0].split())
    first = _SENTENCE_END.split(first, 1)[0]
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0] if " " in first[: limit - 1] else first[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _with_role(section: ThemeSection, role: QuestionRole) -> QuestionSection | None:
    return next((q for q in section.questions if q.role is role), None)


def _tally(question: QuestionSection) -> ChoiceTally:
    picked: dict[str, list[str]] = defaultdict(list)
    for answer in question.answers:
        picked[answer.option or answer.text].append(answer.colleague)
    order = {option: i for i, option in enumerate(question.options)}
    choices = sorted(picked.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return ChoiceTally(
        question.key,
        question.text,
        question.options[0] if question.options else "",
        tuple(NamedGroup(option, tuple(names)) for option, names in choices),
    )


def capacity_signals(section: ThemeSection) -> tuple[CapacitySignal, ...]:
    """Per colleague: priority proposed (level: first option) while capacity is short (other)."""
    level = _with_role(section, QuestionRole.LEVEL)
    capacity = _with_role(section, QuestionRole.CAPACITY)
    if level is None or capacity is None or not level.options or not capacity.options:
        return ()
    short: dict[int, AnswerEntry] = {
        a.participant_id: a for a in capacity.answers if a.option != capacity.options[0]
    }
    return tuple(
        CapacitySignal(
            theme=section.ref,
            colleague=priority.colleague,
            level_question=level.text,
            level_answer=priority.text,
            capacity_question=capacity.text,
            capacity_answer=short[priority.participant_id].text,
        )
        for priority in level.answers
        if priority.option == level.options[0] and priority.participant_id in short
    )


def _signals(
    section: ThemeSection,
    level: ChoiceTally | None,
    capacity: ChoiceTally | None,
    short: tuple[CapacitySignal, ...],
) -> list[Signal]:
    ref = section.ref
    if not section.answer_count:
        return [Signal(SignalKind.NO_INPUT, ref, (NamedGroup("", section.assigned),))]
    signals: list[Signal] = []
    if short:
        by_answer: dict[str, list[str]] = defaultdict(list)
        for s in short:
            by_answer[s.capacity_answer].append(s.colleague)
        groups = tuple(NamedGroup(answer, tuple(names)) for answer, names in by_answer.items())
        signals.append(Signal(SignalKind.PRIORITY_WITHOUT_CAPACITY, ref, groups))
    if level is not None and not level.agreed:
        signals.append(Signal(SignalKind.LEVEL_DISAGREEMENT, ref, level.choices))
    if capacity is not None and not capacity.agreed:
        signals.append(Signal(SignalKind.CAPACITY_DISAGREEMENT, ref, capacity.choices))
    if level is not None and level.choices and not level.names_for(level.first_option):
        signals.append(Signal(SignalKind.NO_PRIORITY, ref, level.choices))
    required = tuple(NamedGroup(q.text) for q in section.open_questions if q.required)
    if required:
        signals.append(Signal(SignalKind.REQUIRED_UNANSWERED, ref, required))
    return signals


def theme_priority(section: ThemeSection, partner_count: int | None) -> ThemePriority:
    """The priority picture of one theme (``partner_count``: distinct partners named)."""
    level_q = _with_role(section, QuestionRole.LEVEL)
    capacity_q = _with_role(section, QuestionRole.CAPACITY)
    ambition_q = _with_role(section, QuestionRole.AMBITION)
    level = _tally(level_q) if level_q is not None else None
    capacity = _tally(capacity_q) if capacity_q is not None else None
    ambitions = (
        tuple(Ambition(a.colleague, shorten(a.text)) for a in ambition_q.answers)
        if ambition_q is not None
        else ()
    )
    signals = _signals(section, level, capacity, capacity_signals(section))
    return ThemePriority(
        section.ref,
        level,
        capacity,
        ambitions,
        partner_count,
        tuple(signals),
        section.answer_count,
    )


def priority_picture(
    sections: tuple[ThemeSection, ...], partner_counts: dict[str, int]
) -> PriorityPicture:
    """The picture of every theme; ``partner_counts``: theme key -> distinct partners named."""
    has_partners = any(_with_role(s, QuestionRole.PARTNERS) for s in sections)
    rows = tuple(
        theme_priority(
            s,
            partner_counts.get(s.key, 0) if _with_role(s, QuestionRole.PARTNERS) else None,
        )
        for s in sections
    )
    return PriorityPicture(
        themes=rows,
        has_level=any(r.level is not None for r in rows),
        has_capacity=any(r.capacity is not None for r in rows),
        has_ambition=any(_with_role(s, QuestionRole.AMBITION) for s in sections),
        has_partners=has_partners,
    )
