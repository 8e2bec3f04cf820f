"""Progress of a round: per colleague and per theme. Pure: a RoundSnapshot in, a model out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.engine import SlotRef, slots_for
from conversations.template import Template
from storage.records import Participant, RoundSnapshot


class State(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Category(StrEnum):
    """Where a colleague stands, as every progress count shows it (/progress, digest, summary)."""

    SUBMITTED = "submitted"
    DONE = "done"  # every required question answered, not submitted
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"  # joined, nothing answered yet
    INVITED = "invited"  # the invitation was not opened yet


@dataclass(frozen=True)
class ColleagueProgress:
    name: str
    state: State
    answered: int
    total: int
    open_required: int
    unreachable: bool
    invited_only: bool = False  # the invite was never opened
    # (theme key, open required questions) per theme of the colleague, in their order.
    open_by_theme: tuple[tuple[str, int], ...] = ()

    @property
    def done(self) -> bool:
        """Every required question answered (submitted or not), as reminders understand it."""
        return not self.invited_only and self.total > 0 and self.open_required == 0

    @property
    def category(self) -> Category:
        """Returns the colleague's progress category."""
        if self.state is State.SUBMITTED:
            return Category.SUBMITTED
        if self.invited_only:
            return Category.INVITED
        if self.state is State.NOT_STARTED:
            return Category.NOT_STARTED
        return Category.DONE if self.done else Category.IN_PROGRESS

    @property
    def open_themes(self) -> int:
        """Returns how many of the colleague's themes still have an open required question."""
        return sum(1 for _, n in self.open_by_theme if n)


@dataclass(frozen=True)
class ThemeProgress:
    key: str
    title: str
    contributors: int
    unanswered: tuple[str, ...]  # texts of questions nobody answered yet


@dataclass(frozen=True)
class RoundProgress:
    round_id: int
    round_name: str
    colleagues: tuple[ColleagueProgress, ...]
    themes: tuple[ThemeProgress, ...]

    def count(self, state: State) -> int:
        return sum(1 for c in self.colleagues if c.state is state)

    def counts(self) -> dict[Category, int]:
        """Returns how many colleagues are in each category, in Category order, non-zero only."""
        found = [c.category for c in self.colleagues]
        return {k: n for k in Category if (n := found.count(k))}

    def to_json(self) -> dict:
        return {
            "round": self.round_id,
            "name": self.round_name,
            "colleagues": [
                {
                    "name": c.name,
                    "state": c.state.value,
                    "answered": c.answered,
                    "total": c.total,
                    "open_required": c.open_required,
                    "unreachable": c.unreachable,
                    "invite_opened": not c.invited_only,
                }
                for c in self.colleagues
            ],
            "themes": [
                {
                    "key": t.key,
                    "title": t.title,
                    "contributors": t.contributors,
                    "unanswered": list(t.unanswered),
                }
                for t in self.themes
            ],
        }


def colleague_progress(
    template: Template, participant: Participant, answered_slots: set[SlotRef]
) -> ColleagueProgress:
    """Returns one colleague's state from their themes and answered slots."""
    slots = slots_for(template, participant.theme_keys)
    answered = sum(1 for s in slots if s in answered_slots)
    open_by_theme = tuple(
        (key, _open_required(template, key, answered_slots)) for key in participant.theme_keys
    )
    if participant.submitted_at:
        state = State.SUBMITTED
    elif answered:
        state = State.IN_PROGRESS
    else:
        state = State.NOT_STARTED
    return ColleagueProgress(
        participant.name,
        state,
        answered,
        len(slots),
        sum(n for _, n in open_by_theme),
        participant.unreachable_at is not None,
        open_by_theme=open_by_theme,
    )


def _open_required(template: Template, theme_key: str, answered_slots: set[SlotRef]) -> int:
    """Returns how many required questions of one theme are not answered yet."""
    required = {SlotRef(theme_key, q.key) for q in template.questions_for(theme_key) if q.required}
    return sum(
        1 for s in slots_for(template, (theme_key,)) if s in required and s not in answered_slots
    )


def round_progress(snapshot: RoundSnapshot) -> RoundProgress:
    """Returns progress per colleague (invites not yet opened included) and per theme."""
    template = snapshot.round.template
    active = [p for p in snapshot.participants if not p.withdrawn]
    answered: dict[int, set[SlotRef]] = {p.id: set() for p in active}
    for a in snapshot.answers:
        if a.participant_id in answered:
            answered[a.participant_id].add(SlotRef(a.theme_key, a.question_key))
    colleagues = [colleague_progress(template, p, answered[p.id]) for p in active]
    for invite in snapshot.pending_invites:
        total = sum(len(template.questions_for(k)) for k in invite.theme_keys)
        open_by_theme = tuple(
            (k, sum(1 for q in template.questions_for(k) if q.required)) for k in invite.theme_keys
        )
        required = sum(n for _, n in open_by_theme)
        colleagues.append(
            ColleagueProgress(
                invite.name, State.NOT_STARTED, 0, total, required, False, True, open_by_theme
            )
        )
    themes = []
    for theme in template.themes:
        contributors = {
            pid for pid, slots in answered.items() if any(s.theme_key == theme.key for s in slots)
        }
        given = {
            s.question_key for slots in answered.values() for s in slots if s.theme_key == theme.key
        }
        assigned = any(theme.key in p.theme_keys for p in active) or any(
            theme.key in i.theme_keys for i in snapshot.pending_invites
        )
        if not assigned and not contributors:
            continue
        unanswered = tuple(q.text for q in template.questions_for(theme.key) if q.key not in given)
        themes.append(ThemeProgress(theme.key, theme.title, len(contributors), unanswered))
    return RoundProgress(snapshot.round.id, snapshot.round.name, tuple(colleagues), tuple(themes))
