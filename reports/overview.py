"""The compiled overview (*overzichtsbeeld*) of a round: aggregation only, no I/O.

``build_overview`` turns a ``RoundSnapshot`` into an ``Overview``: frozen data every renderer
(HTML, Word, Markdown, Excel, CSV, the chat summary) reads the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from conversations.answers import match_option, split_items
from conversations.template import Question, QuestionKind, QuestionRole, Template, Theme
from reports.partners import PartnerRegistry
from storage.records import Answer, Participant, RoundSnapshot

SUBMITTED = "submitted"
DRAFT = "draft"

# Converts a stored time to the zone the overview is written in.
_ToLocal = Callable[[datetime], datetime]


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


@dataclass(frozen=True)
class PartnerCell:
    """Who named one partner for one theme."""

    theme_key: str
    named_by: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many colleagues named the partner for this theme."""
        return len(self.named_by)


@dataclass(frozen=True)
class PartnerRow:
    """One partner and, per theme of the matrix, who named it."""

    name: str
    cells: tuple[PartnerCell, ...]  # aligned with PartnerMatrix.themes

    @property
    def total(self) -> int:
        """Mentions over all themes (a colleague counts once per theme)."""
        return sum(cell.count for cell in self.cells)

    @property
    def named_by(self) -> tuple[str, ...]:
        """Everyone who named this partner, each once, in order of first appearance."""
        return tuple(dict.fromkeys(name for cell in self.cells for name in cell.named_by))

    def cell(self, theme_key: str) -> PartnerCell:
        """Returns the cell for a theme (empty when the theme is not in the matrix)."""
        return next((c for c in self.cells if c.theme_key == theme_key), PartnerCell(theme_key, ()))


@dataclass(frozen=True)
class PartnerMatrix:
    """Partners x themes, from the answers to questions with role ``partners``."""

    themes: tuple[ThemeRef, ...]  # themes where at least one partner was named
    rows: tuple[PartnerRow, ...]  # most mentioned first


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


@dataclass(frozen=True)
class Progress:
    """Where the colleagues of the round stand. Withdrawn colleagues are not counted."""

    participants: int  # colleagues who accepted their invite
    submitted: int
    in_progress: int  # answered something, not submitted
    not_started: int  # accepted, no answer yet, not submitted
    pending_invites: int  # invited, link not opened yet


@dataclass(frozen=True)
class Overview:
    """The compiled overview of one round at one moment."""

    round_id: int
    round_name: str
    template_key: str
    template_title: str
    language: str  # "nl" or "en": the language of the document's labels
    deadline: date | None
    generated_at: datetime
    theme_count: int  # themes in the template, with or without input
    themes: tuple[ThemeSection, ...]
    partners: PartnerMatrix
    gaps: Gaps
    progress: Progress

    def answers(self) -> list[tuple[ThemeSection, QuestionSection, AnswerEntry]]:
        """Every answer with its theme and question, in document order."""
        return [(t, q, a) for t in self.themes for q in t.questions for a in q.answers]

    @property
    def answer_count(self) -> int:
        """How many answers the overview holds."""
        return sum(t.answer_count for t in self.themes)

    @property
    def submitted_answer_count(self) -> int:
        """How many answers come from colleagues who submitted."""
        return sum(1 for _, _, a in self.answers() if a.submitted)

    @property
    def themes_with_input(self) -> tuple[ThemeSection, ...]:
        """Themes with at least one answer."""
        return tuple(t for t in self.themes if t.answer_count)


def build_overview(snapshot: RoundSnapshot, now: datetime) -> Overview:
    """Compiles a round's snapshot into an Overview.

    Themes and questions keep template order; a theme appears when it was assigned to someone
    or has answers. Answers of withdrawn colleagues, and answers to themes or questions the
    template does not know, are left out. When ``now`` carries a time zone, every time in the
    overview is expressed in that zone.
    """
    template = snapshot.round.template
    people = {p.id: p for p in snapshot.participants if not p.withdrawn}
    answers = [a for a in snapshot.answers if a.participant_id in people]
    by_slot: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    for answer in answers:
        by_slot[(answer.theme_key, answer.question_key)].append(answer)

    def local(moment: datetime) -> datetime:
        return _in_zone_of(moment, now)

    sections: list[ThemeSection] = []
    for theme in template.themes:
        section = _theme_section(template, theme, people, by_slot, snapshot, local)
        if section.assigned or section.answer_count:
            sections.append(section)

    return Overview(
        round_id=snapshot.round.id,
        round_name=snapshot.round.name,
        template_key=template.key,
        template_title=template.title,
        language=template.language,
        deadline=snapshot.round.deadline,
        generated_at=now,
        theme_count=len(template.themes),
        themes=tuple(sections),
        partners=_partner_matrix(template, sections, snapshot.partner_merges),
        gaps=_gaps(template, sections, people, answers, snapshot, local),
        progress=_progress(people, answers, snapshot),
    )


def _in_zone_of(moment: datetime, now: datetime) -> datetime:
    # Mixing naive and aware times would raise; convert only when both carry a zone.
    if moment.tzinfo is not None and now.tzinfo is not None:
        return moment.astimezone(now.tzinfo)
    return moment


def _sort_key(name: str, ident: int) -> tuple[str, int]:
    return (name.casefold(), ident)


def _theme_section(
    template: Template,
    theme: Theme,
    people: dict[int, Participant],
    by_slot: dict[tuple[str, str], list[Answer]],
    snapshot: RoundSnapshot,
    local: _ToLocal,
) -> ThemeSection:
    questions: list[QuestionSection] = []
    contributor_ids: set[int] = set()
    for question in template.questions_for(theme.key):
        entries = [
            _entry(question, answer, people[answer.participant_id], local)
            for answer in by_slot.get((theme.key, question.key), [])
        ]
        entries.sort(key=lambda e: _sort_key(e.colleague, e.participant_id))
        contributor_ids.update(e.participant_id for e in entries)
        questions.append(
            QuestionSection(
                key=question.key,
                text=question.text,
                kind=question.kind,
                role=question.role,
                required=question.required,
                options=tuple(question.options),
                answers=tuple(entries),
            )
        )
    assigned_people = sorted(
        (p for p in people.values() if theme.key in p.theme_keys),
        key=lambda p: _sort_key(p.name, p.id),
    )
    invited = sorted(
        (i for i in snapshot.pending_invites if theme.key in i.theme_keys),
        key=lambda i: _sort_key(i.name, i.id),
    )
    contributors = sorted(
        (people[i] for i in contributor_ids), key=lambda p: _sort_key(p.name, p.id)
    )
    return ThemeSection(
        key=theme.key,
        title=theme.title,
        description=theme.description,
        assigned=tuple(p.name for p in assigned_people) + tuple(i.name for i in invited),
        contributors=tuple(p.name for p in contributors),
        questions=tuple(questions),
    )


def _entry(question: Question, answer: Answer, person: Participant, local: _ToLocal) -> AnswerEntry:
    items: tuple[str, ...] = ()
    if question.kind is QuestionKind.LIST:
        # Parts are the messages an answer came in; items come from splitting the whole text.
        items = tuple(split_items(answer.text))
    return AnswerEntry(
        participant_id=person.id,
        colleague=person.name,
        text=answer.text,
        items=items,
        created_at=local(answer.created_at),
        updated_at=local(answer.updated_at),
        status=SUBMITTED if person.submitted_at is not None else DRAFT,
    )


def _partner_matrix(
    template: Template, sections: list[ThemeSection], merges: dict[str, str]
) -> PartnerMatrix:
    registry = PartnerRegistry(template.partner_aliases, merges)
    # First pass: record every spelling, so display names are the most common spelling.
    mentions: list[tuple[str, AnswerEntry, str]] = []
    for section in sections:
        for question in section.questions:
            if question.role is not QuestionRole.PARTNERS:
                continue
            for answer in question.answers:
                for item in answer.items:
                    if registry.observe(item):
                        mentions.append((section.key, answer, item))

    # key -> theme -> participant id -> name; a colleague counts once per partner and theme.
    named: dict[str, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    display: dict[str, str] = {}
    for theme_key, answer, item in mentions:
        key = registry.key(item)
        display.setdefault(key, registry.canonical(item))
        named[key][theme_key][answer.participant_id] = answer.colleague

    themes = tuple(
        ThemeRef(s.key, s.title) for s in sections if any(s.key in t for t in named.values())
    )
    rows = [
        PartnerRow(
            name=display[key],
            cells=tuple(
                PartnerCell(
                    t.key, tuple(sorted(per_theme.get(t.key, {}).values(), key=str.casefold))
                )
                for t in themes
            ),
        )
        for key, per_theme in named.items()
    ]
    rows.sort(key=lambda r: (-r.total, r.name.casefold()))
    return PartnerMatrix(themes=themes, rows=tuple(rows))


def _gaps(
    template: Template,
    sections: list[ThemeSection],
    people: dict[int, Participant],
    answers: list[Answer],
    snapshot: RoundSnapshot,
    local: _ToLocal,
) -> Gaps:
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
    started = {a.participant_id for a in answers}
    idle = [
        NotStarted(p.name, local(p.invited_at), joined=True)
        for p in people.values()
        if p.id not in started and p.submitted_at is None
    ]
    idle += [
        NotStarted(i.name, local(i.created_at), joined=False) for i in snapshot.pending_invites
    ]
    idle.sort(key=lambda n: (n.name.casefold(), n.invited_at))
    return Gaps(
        themes_without_input=themes_without_input,
        unanswered=unanswered,
        not_started=tuple(idle),
        capacity_signals=_capacity_signals(template, sections),
    )


def _progress(
    people: dict[int, Participant], answers: list[Answer], snapshot: RoundSnapshot
) -> Progress:
    started = {a.participant_id for a in answers}
    submitted = sum(1 for p in people.values() if p.submitted_at is not None)
    in_progress = sum(1 for p in people.values() if p.submitted_at is None and p.id in started)
    return Progress(
        participants=len(people),
        submitted=submitted,
        in_progress=in_progress,
        not_started=len(people) - submitted - in_progress,
        pending_invites=len(snapshot.pending_invites),
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
