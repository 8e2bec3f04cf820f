"""Plain records the store hands out. Frozen dataclasses: safe to pass to pure code.

Every store backend returns these and nothing else (never a driver's row), so the shell,
the reports and the tests read the same shapes whatever database sits behind the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from conversations.engine import AnswerSource, Mode
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
    revoked_at: datetime | None = None


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
    mode: Mode
    cursor: tuple[str, str] | None  # (theme key, question key) of the slot last asked
    submitted_at: datetime | None
    joined_at: datetime
    last_active_at: datetime
    invited_at: datetime
    paused_until: date | None = None
    snoozed_until: datetime | None = None
    unreachable_at: datetime | None = None
    withdrawn: bool = False
    invite_id: int | None = None  # the invite they joined with (``#id`` in progress)


@dataclass(frozen=True)
class RosterEntry:
    """One person's place in a round: an invite, and the participant it made once opened.

    A round's roster holds every colleague invited or taking part (not withdrawn, not revoked)
    and every coordinator invite; the invite id is how commands tell two equal names apart.
    """

    invite_id: int
    round_id: int
    name: str  # as invited; a participant keeps the name of the invite they joined with
    theme_keys: tuple[str, ...]  # the participant's themes once joined, else the invite's
    coordinator: bool
    invited_at: datetime
    opened: bool = False  # the invite link was used
    participant_id: int | None = None  # set once a colleague joined
    chat_id: int | None = None
    language: str | None = None

    @property
    def joined(self) -> bool:
        """True when a colleague opened the invite and takes part."""
        return self.participant_id is not None


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
class AnswerVersion:
    """One version in an answer's history."""

    text: str
    source: AnswerSource
    created_at: datetime


@dataclass(frozen=True)
class AnswerLink:
    """Which answer (and which of its parts) a Telegram message gave."""

    participant_id: int
    theme_key: str
    question_key: str
    part: int


@dataclass(frozen=True)
class Coordinator:
    """A coordinator known to the store: joined through an invite, or picked a round in chat."""

    user_id: int
    chat_id: int
    name: str
    active_round_id: int | None
    invite_id: int | None
    joined_at: datetime


class ClaimOutcome(StrEnum):
    """What became of a claimed reminder slot."""

    CLAIMED = "claimed"  # won, being sent; stays so when the process died mid-send
    SENT = "sent"
    SUPERSEDED = "superseded"  # due but not sent: a newer slot, a pause, or already reminded
    UNREACHABLE = "unreachable"  # Telegram said 403: the colleague blocked the bot
    FAILED = "failed"  # network or flood control: may be claimed again (MAX_SEND_ATTEMPTS)
    UNCERTAIN = "uncertain"  # timed out: Telegram may have delivered it, so never again


@dataclass(frozen=True)
class ClaimHistory:
    """What the reminder schedule needs to know about one colleague's past reminders."""

    claimed: frozenset[str]  # slot keys that must not be sent (again)
    last_reminded_at: datetime | None
    # The last reminder to the same Telegram user in any *other* round they take part in.
    other_reminded_at: datetime | None = None


@dataclass(frozen=True)
class RoundSnapshot:
    """Everything the overview and progress need about one round, read in one go."""

    round: Round
    participants: tuple[Participant, ...]
    answers: tuple[Answer, ...]
    pending_invites: tuple[Invite, ...] = ()  # colleague invites nobody has opened yet
    partner_merges: dict[str, str] = field(default_factory=dict)  # normalised name -> canonical


@dataclass(frozen=True)
class Arrival:
    """An update as Telegram handed it over, before it is in the inbox."""

    update_id: int
    fingerprint: str  # what identifies it besides its id, which Telegram may reuse
    chat_id: int | None
    payload: str  # the update's JSON as received


@dataclass(frozen=True)
class InboxEntry:
    """An update in the inbox, waiting to be handled (or being handled)."""

    id: int  # arrival order
    update_id: int
    fingerprint: str
    chat_id: int | None
    payload: str
    received_at: datetime


class Lane(StrEnum):
    """Which messages go first: replies never wait behind bulk messages."""

    REPLY = "reply"
    BULK = "bulk"


# Inline buttons as stored: rows of (label, callback data). No Telegram types below the shell.
Keyboard = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class Letter:
    """A message to queue: Telegram HTML and its buttons."""

    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class OutboxMessage:
    """A queued message, sent in ``id`` order within its chat."""

    id: int
    chat_id: int
    lane: Lane
    text: str
    keyboard: Keyboard | None
    created_at: datetime
    not_before: datetime | None = None
    attempts: int = 0


@dataclass(frozen=True)
class DatabaseCheck:
    """What a look at a database file (a backup) found: whether SQLite finds it sound, and
    what it holds."""

    ok: bool
    problems: tuple[str, ...] = ()
    schema_version: int = 0
    counts: tuple[tuple[str, int], ...] = ()  # (what, how many): rounds, participants, answers
