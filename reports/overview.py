"""The compiled overview (*overzichtsbeeld*) of a round: aggregation only, no I/O.

``build_overview`` turns a ``RoundSnapshot`` into an ``Overview``: frozen data every renderer
(HTML, Word, Markdown, Excel, CSV, the chat summary) reads the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from conversations.answers import split_items
from conversations.template import Question, QuestionKind, QuestionRole, Template, Theme
from reports.gaps import Gaps, find_gaps
from reports.partners import PartnerRegistry
from reports.progress import RoundProgress, round_progress
from reports.sections import (
    DRAFT,
    SUBMITTED,
    AnswerEntry,
    QuestionSection,
    ThemeRef,
    ThemeSection,
)
from storage.records import Answer, Participant, RoundSnapshot

# Converts a stored time to the zone the overview is written in.
_ToLocal = Callable[[datetime], datetime]


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
    progress: RoundProgress  # the round's count, as /progress shows it

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

    progress = round_progress(snapshot)
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
        gaps=find_gaps(template, sections, progress, local),
        progress=progress,
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
