"""Plain records the store hands out. Frozen dataclasses: safe to pass to pure code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from conversations.template import Template


@dataclass(frozen=True)
class Round:
    """An intake round: a template snapshot, a deadline and its colleagues."""

    id: int
    name: str
    template: Template
    deadline: date | None
    created_at: datetime
    reminders_enabled: bool = True


@dataclass(frozen=True)
class Invite:
    """A single-use invitation. Only the hash of its token is stored."""

    id: int
    round_id: int
    name: str
    theme_keys: tuple[str, ...]
    coordinator: bool
    created_at: datetime
    used_at: datetime | None
    used_by: int | None  # Telegram user id


@dataclass(frozen=True)
class Participant:
    """A colleague in a round, bound to one Telegram user."""

    id: int
    round_id: int
    user_id: int
    chat_id: int
    name: str
    language: str
    theme_keys: tuple[str, ...]
    mode: str  # see conversations.engine.Mode
    cursor: tuple[str, str] | None  # (theme key, question key) of the slot last asked
    submitted_at: datetime | None
    joined_at: datetime
    last_active_at: datetime
    invited_at: datetime
    paused_until: date | None = None
    snoozed_until: datetime | None = None
    unreachable_at: datetime | None = None
    withdrawn: bool = False


@dataclass(frozen=True)
class Answer:
    """The current answer of one participant to one question for one theme."""

    participant_id: int
    theme_key: str
    question_key: str
    text: str
    parts: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    versions: int = 1  # how many versions the history holds


@dataclass(frozen=True)
class RoundSnapshot:
    """Everything the overview and progress need about one round, read in one go."""

    round: Round
    participants: tuple[Participant, ...]
    answers: tuple[Answer, ...]
    pending_invites: tuple[Invite, ...] = ()  # colleague invites nobody has opened yet
    partner_merges: dict[str, str] = field(default_factory=dict)  # normalised name -> canonical
