"""The compiled overview (*overzichtsbeeld*) of a round: aggregation only, no I/O.

``build_overview`` turns a ``RoundSnapshot`` into an ``Overview``: frozen, picklable data every
renderer (HTML, Word, Markdown, Excel, CSV, the chat summary) reads the same way, so a worker
process can render it while the bot keeps answering.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from msgspec import Struct

from conversations.answers import match_option, split_items
from conversations.template import Question, QuestionKind, QuestionRole, Template, Theme
from reports.coverage import Coverage, coverage
from reports.gaps import Gaps, UnplacedText, find_gaps
from reports.partners import PartnerRegistry
from reports.priorities import PriorityPicture, priority_picture
from reports.progress import RoundProgress, round_progress
from reports.sections import (
    DRAFT,
    SUBMITTED,
    AnswerEntry,
    PartnerMention,
    QuestionSection,
    ThemeRef,
    ThemeSection,
)
from storage.records import Answer, Participant, RoundSnapshot

# Converts a stored time to the zone the overview is written in.
_ToLocal = Callable[[datetime], datetime]


class PartnerCell(Struct, frozen=True):
    """Who named one partner for one theme."""

    theme_key: str
    named_by: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many colleagues named the partner for this theme."""
        return len(self.named_by)


class PartnerRow(Struct, frozen=True):
    """One partner and, per theme of the matrix, who named it."""

    name: str
    cells: tuple[PartnerCell, ...]  # aligned with PartnerMatrix.themes
    spellings: tuple[str, ...] = ()  # other ways colleagues wrote it, most used first

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


class PartnerMatrix(Struct, frozen=True):
    """Partners x themes, from the answers to questions with role ``partners``."""

    themes: tuple[ThemeRef, ...]  # themes where at least one partner was named
    rows: tuple[PartnerRow, ...]  # most mentioned first


class KeptRow(Struct, frozen=True):
    """A purged round's count for one question of one theme, as the documents list it."""

    theme: ThemeRef
    question: str  # the question's text
    answers: int


class Overview(Struct, frozen=True):
    """The compiled overview of one round at one moment."""

    round_id: int
    round_name: str
    template_key: str
    template_title: str
    language: str  # "nl" or "en": the language of the document's labels
    deadline: date | None
    generated_at: datetime
    theme_count: int  # themes in the template, with or without input
    themes: tuple[ThemeSection, ...]  # every theme of the template, in its order
    partners: PartnerMatrix
    gaps: Gaps
    progress: RoundProgress  # the round's count, as /progress shows it
    priorities: PriorityPicture
    coverage: Coverage
    submitted_only: bool = False  # True: drafts are left out of this version
    closed_at: datetime | None = None  # in the overview's zone
    purged_at: datetime | None = None  # a purged round: nothing but ``kept`` is left
    kept: tuple[KeptRow, ...] = ()  # per theme and question, in template order
    kept_colleagues: int = 0
    kept_submitted: int = 0

    @property
    def purged(self) -> bool:
        """True for a purged round: the documents say so and show only the counts."""
        return self.purged_at is not None

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


def _unplaced(
    snapshot: RoundSnapshot,
    people: dict[int, Participant],
    local: Callable[[datetime], datetime],
    *,
    submitted_only: bool,
) -> tuple[UnplacedText, ...]:
    """Kept texts still without a place, of colleagues the overview includes, oldest first."""
    return tuple(
        UnplacedText(people[a.participant_id].name, a.text, local(a.created_at))
        for a in snapshot.aside
        if a.participant_id in people
        and (not submitted_only or people[a.participant_id].submitted_at is not None)
    )


def build_overview(
    snapshot: RoundSnapshot, now: datetime, *, submitted_only: bool = False
) -> Overview:
    """Compiles a round's snapshot into an Overview.

    Every theme of the template gets a section, in template order, with or without input.
    A purged round has no answers and nobody in it: its overview carries what the purge kept.
    Answers of withdrawn colleagues, and answers to themes or questions the template does not
    know, are left out; with ``submitted_only`` so are the answers of colleagues who have not
    submitted (progress still counts everyone). When ``now`` carries a time zone, every time in
    the overview is expressed in that zone.
    """
    template = snapshot.round.template
    people = {p.id: p for p in snapshot.participants if not p.withdrawn}
    known = {(t.key, q.key): q for t in template.themes for q in template.questions_for(t.key)}
    # One pass over the answers (20,000 in a large round) for what the rest reads of them.
    answers: list[Answer] = []
    answered_themes: dict[int, set[str]] = defaultdict(set)
    by_slot: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    for a in snapshot.answers:
        person = people.get(a.participant_id)
        slot = (a.theme_key, a.question_key)
        if person is None or slot not in known:
            continue
        answered_themes[a.participant_id].add(a.theme_key)  # drafts too: "started" counts
        if submitted_only and person.submitted_at is None:
            continue
        answers.append(a)
        by_slot[slot].append(a)

    # Two moments per answer, many of them the same instant: convert each instant once. Equal
    # keys are one instant (aware) or one wall-clock time (naive), so one converted time.
    in_zone: dict[datetime, datetime] = {}

    def local(moment: datetime) -> datetime:
        found = in_zone.get(moment)
        if found is None:
            found = in_zone[moment] = _in_zone_of(moment, now)
        return found

    # Partner answers are split twice (every spelling first, then the sections), and many
    # colleagues type the same list: split each text once.
    items: dict[str, tuple[str, ...]] = {}

    def items_of(answer: Answer) -> tuple[str, ...]:
        found = items.get(answer.text)
        if found is None:
            found = items[answer.text] = tuple(split_items(answer.text))
        return found

    registry = _observe_partners(template, answers, known, snapshot.partner_merges, items_of)
    build = _SectionBuilder(template, people, answered_themes, snapshot, local, registry, items_of)
    sections = tuple(build.section(theme, by_slot) for theme in template.themes)
    matrix, partner_counts = _partner_matrix(sections, registry)
    progress = round_progress(snapshot)
    kept = snapshot.kept
    kept_rows = tuple(
        KeptRow(ThemeRef(theme.key, theme.title), q.text, kept.answers(theme.key, q.key))
        for theme in template.themes
        for q in template.questions_for(theme.key)
        if kept is not None
    )
    closed, purged = snapshot.round.closed_at, snapshot.round.purged_at
    return Overview(
        round_id=snapshot.round.id,
        round_name=snapshot.round.name,
        template_key=template.key,
        template_title=template.title,
        language=template.language,
        deadline=snapshot.round.deadline,
        generated_at=now,
        theme_count=len(template.themes),
        themes=sections,
        partners=matrix,
        gaps=find_gaps(
            template,
            sections,
            progress,
            local,
            build.started_elsewhere,
            _unplaced(snapshot, people, local, submitted_only=submitted_only),
        ),
        progress=progress,
        priorities=priority_picture(sections, partner_counts),
        coverage=coverage(template, progress),
        submitted_only=submitted_only,
        closed_at=local(closed) if closed else None,
        purged_at=local(purged) if purged else None,
        kept=kept_rows,
        kept_colleagues=kept.colleagues if kept else 0,
        kept_submitted=kept.submitted if kept else 0,
    )


def _in_zone_of(moment: datetime, now: datetime) -> datetime:
    # Mixing naive and aware times would raise; convert only when both carry a zone.
    if moment.tzinfo is not None and now.tzinfo is not None:
        return moment.astimezone(now.tzinfo)
    return moment


def _sort_key(name: str, ident: int) -> tuple[str, int]:
    return (name.casefold(), ident)


class _Partners:
    """The registry plus a cache: one normalisation per distinct spelling, not per mention."""

    def __init__(self, registry: PartnerRegistry) -> None:
        self.registry = registry
        self._resolved: dict[str, tuple[str, str]] = {}

    def resolve(self, item: str) -> tuple[str, str]:
        """(key, canonical name) of a typed item; key "" for an empty name."""
        found = self._resolved.get(item)
        if found is None:
            key = self.registry.key(item)
            found = self._resolved[item] = (key, self.registry.canonical(item) if key else "")
        return found


def _observe_partners(
    template: Template,
    answers: list[Answer],
    known: dict[tuple[str, str], Question],
    merges: dict[str, str],
    items_of: Callable[[Answer], tuple[str, ...]],
) -> _Partners:
    # Every spelling first, so a partner's display name is its most common spelling.
    registry = PartnerRegistry(template.partner_aliases, merges)
    for a in answers:
        if known[(a.theme_key, a.question_key)].role is QuestionRole.PARTNERS:
            registry.observe_all(items_of(a))
    return _Partners(registry)


class _SectionBuilder:
    """Builds the section of each theme; records who started elsewhere but not there."""

    def __init__(
        self,
        template: Template,
        people: dict[int, Participant],
        answered_themes: dict[int, set[str]],
        snapshot: RoundSnapshot,
        local: _ToLocal,
        partners: _Partners,
        items_of: Callable[[Answer], tuple[str, ...]],
    ) -> None:
        self.items_of = items_of
        self.template = template
        self.people = people
        self.answered_themes = answered_themes
        self.snapshot = snapshot
        self.local = local
        self.partners = partners
        self.started_elsewhere: dict[str, tuple[str, ...]] = {}
        # Per colleague once, not per answer or theme: where they sort, and their status.
        self.order = {p.id: _sort_key(p.name, p.id) for p in people.values()}
        self.by_name = sorted(people.values(), key=lambda p: self.order[p.id])
        self.invites_by_name = sorted(
            snapshot.pending_invites, key=lambda i: _sort_key(i.name, i.id)
        )
        self.status = {
            p.id: SUBMITTED if p.submitted_at is not None else DRAFT for p in people.values()
        }

    def section(self, theme: Theme, by_slot: dict[tuple[str, str], list[Answer]]) -> ThemeSection:
        questions: list[QuestionSection] = []
        status: dict[int, str] = {}
        for question in self.template.questions_for(theme.key):
            entries = self._entries(question, by_slot.get((theme.key, question.key), []))
            status.update((e.participant_id, e.status) for e in entries)
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
        # Every list below keeps the order of the names: filtered from lists sorted once.
        assigned = [p for p in self.by_name if theme.key in p.theme_keys]
        invited = [i for i in self.invites_by_name if theme.key in i.theme_keys]
        idle = [p for p in assigned if theme.key not in self.answered_themes.get(p.id, ())]
        self.started_elsewhere[theme.key] = tuple(
            p.name for p in idle if self.answered_themes.get(p.id)
        )
        contributors = [p for p in self.by_name if p.id in status]
        left_out = [
            p
            for p in assigned
            if p.submitted_at is None
            and p.id not in status
            and theme.key in self.answered_themes.get(p.id, ())
        ]
        return ThemeSection(
            key=theme.key,
            title=theme.title,
            description=theme.description,
            assigned=tuple(p.name for p in assigned) + tuple(i.name for i in invited),
            contributors=tuple(p.name for p in contributors),
            questions=tuple(questions),
            submitted_by=tuple(p.name for p in contributors if status[p.id] == SUBMITTED),
            drafting=tuple(p.name for p in contributors if status[p.id] == DRAFT),
            not_started=tuple(p.name for p in idle) + tuple(i.name for i in invited),
            drafts_left_out=tuple(p.name for p in left_out),
        )

    def _entries(self, question: Question, answers: list[Answer]) -> list[AnswerEntry]:
        """The entries of one question, in the order of the colleagues' names.

        What depends on the question is decided once, and what depends only on an answer's
        text (its items, partners and option) once per distinct text: 20,000 answers at
        1,000 colleagues, many of them alike.
        """
        people, status, local, order = self.people, self.status, self.local, self.order
        listed = question.kind is QuestionKind.LIST
        partners = listed and question.role is QuestionRole.PARTNERS
        mentions_of: dict[str, tuple[PartnerMention, ...]] = {}
        options: dict[str, str | None] = {}
        entries = []
        for answer in sorted(answers, key=lambda a: order[a.participant_id]):
            person = people[answer.participant_id]
            text = answer.text
            # Parts are the messages an answer came in; items come from splitting the text.
            items = self.items_of(answer) if listed else ()
            mentions: tuple[PartnerMention, ...] = ()
            if partners:
                found = mentions_of.get(text)
                if found is None:
                    resolved = ((self.partners.resolve(item)[1], item) for item in items)
                    found = mentions_of[text] = tuple(
                        PartnerMention(name, item) for name, item in resolved if name
                    )
                mentions = found
            option = None
            if question.options:
                option = options[text] if text in options else match_option(question, text)
                options[text] = option
            # By position, in the order of AnswerEntry's fields: a call by keyword costs twice
            # as much, and this one is made for every answer.
            entries.append(
                AnswerEntry(
                    person.id,  # participant_id
                    person.name,  # colleague
                    text,
                    items,
                    local(answer.created_at),
                    local(answer.updated_at),
                    status[person.id],
                    mentions,  # partners
                    option,
                    answer.versions,
                )
            )
        return entries


def _partner_matrix(
    sections: tuple[ThemeSection, ...], partners: _Partners
) -> tuple[PartnerMatrix, dict[str, int]]:
    """The matrix, and per theme how many distinct partners were named."""
    # key -> theme -> participant id -> name; a colleague counts once per partner and theme.
    named: dict[str, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    display: dict[str, str] = {}
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for section in sections:
        for question in section.questions:
            if question.role is not QuestionRole.PARTNERS:
                continue
            for answer in question.answers:
                for mention in answer.partners:
                    key, name = partners.resolve(mention.typed)
                    display.setdefault(key, name)
                    named[key][section.key][answer.participant_id] = answer.colleague
                    if mention.differs:
                        spellings[key][" ".join(mention.typed.split())] += 1

    themes = tuple(s.ref for s in sections if any(s.key in t for t in named.values()))
    rows = [
        PartnerRow(
            name=display[key],
            cells=tuple(
                PartnerCell(
                    t.key, tuple(sorted(per_theme.get(t.key, {}).values(), key=str.casefold))
                )
                for t in themes
            ),
            spellings=tuple(
                s for s, _ in sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        )
        for key, per_theme in named.items()
    ]
    rows.sort(key=lambda r: (-r.total, r.name.casefold()))
    counts = {s.key: sum(1 for per_theme in named.values() if s.key in per_theme) for s in sections}
    return PartnerMatrix(themes=themes, rows=tuple(rows)), counts
