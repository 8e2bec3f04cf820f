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


@dataclass(frozen=True)
class ColleagueProgress:
    name: str
    state: State
    answered: int
    total: int
    open_required: int
    unreachable: bool
    invited_only: bool = False  # the invite was never opened

    @property
    def done(self) -> bool:
        """Every required question answered (submitted or not), as reminders understand it."""
        return not self.invited_only and self.total > 0 and self.open_required == 0


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
    # Per theme: two themes may each add an extra question with the same key.
    required = {
        SlotRef(t, q.key)
        for t in participant.theme_keys
        for q in template.questions_for(t)
        if q.required
    }
    open_required = sum(1 for s in slots if s in required and s not in answered_slots)
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
        open_required,
        participant.unreachable_at is not None,
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
        required = sum(
            1 for k in invite.theme_keys for q in template.questions_for(k) if q.required
        )
        colleagues.append(
            ColleagueProgress(invite.name, State.NOT_STARTED, 0, total, required, False, True)
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
