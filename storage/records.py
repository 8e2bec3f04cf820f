"""Plain records the store hands out. Frozen structs (msgspec): safe to pass to pure code.

Every store backend returns these and nothing else (never a driver's row), so the shell,
the reports and the tests read the same shapes whatever database sits behind the contract.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from msgspec import Struct, field

from conversations.state import AnswerSource, Mode
from conversations.template import Template


class Round(Struct, frozen=True):
    """An intake round: a template snapshot, a deadline and its colleagues."""

    id: int
    name: str
    template: Template
    deadline: date | None
    created_at: datetime
    reminders_enabled: bool = True
    closed_at: datetime | None = None  # closed: nobody answers or edits any more
    retention_days: int | None = None  # purged this many days after closing (None: by hand)
    purged_at: datetime | None = None  # names, Telegram ids and answers erased

    @property
    def closed(self) -> bool:
        """True once the round is closed (a purged round is closed too)."""
        return self.closed_at is not None


class Invite(Struct, frozen=True):
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


class Participant(Struct, frozen=True):
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
    withdrawn_at: datetime | None = None  # when their input was erased (None before 2027)


class RosterEntry(Struct, frozen=True):
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


class Answer(Struct, frozen=True):
    """The current answer of one participant to one question for one theme."""

    participant_id: int
    theme_key: str
    question_key: str
    text: str
    parts: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    versions: int = 1  # how many versions the history holds


class AnswerVersion(Struct, frozen=True):
    """One version in an answer's history."""

    text: str
    source: AnswerSource
    created_at: datetime


class AsideText(Struct, frozen=True):
    """A text a colleague sent where it was no answer, kept until they say where it belongs."""

    id: int
    participant_id: int
    text: str
    message_id: int | None
    created_at: datetime
    placed_at: datetime | None = None


class AnswerLink(Struct, frozen=True):
    """Which answer (and which of its parts) a Telegram message gave."""

    participant_id: int
    theme_key: str
    question_key: str
    part: int


class Coordinator(Struct, frozen=True):
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


class ClaimHistory(Struct, frozen=True):
    """What the reminder schedule needs to know about one colleague's past reminders."""

    claimed: frozenset[str]  # slot keys that must not be sent (again)
    last_reminded_at: datetime | None
    # The last reminder to the same Telegram user in any *other* round they take part in.
    other_reminded_at: datetime | None = None


class RoundSnapshot(Struct, frozen=True):
    """Everything the overview and progress need about one round, read in one go."""

    round: Round
    participants: tuple[Participant, ...]
    answers: tuple[Answer, ...]
    pending_invites: tuple[Invite, ...] = ()  # colleague invites nobody has opened yet
    partner_merges: dict[str, str] = field(default_factory=dict)  # normalised name -> canonical
    aside: tuple[AsideText, ...] = ()  # kept texts that still wait for a place
    kept: Kept | None = None  # a purged round: the anonymous counts that are left


class Arrival(Struct, frozen=True):
    """An update as Telegram handed it over, before it is in the inbox."""

    update_id: int
    fingerprint: str  # what identifies it besides its id, which Telegram may reuse
    chat_id: int | None
    payload: str  # the update's JSON as received


class InboxEntry(Struct, frozen=True):
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


class Letter(Struct, frozen=True):
    """A message to queue: Telegram HTML and its buttons."""

    text: str
    keyboard: Keyboard | None = None


class OutboxMessage(Struct, frozen=True):
    """A queued message, sent in ``id`` order within its chat."""

    id: int
    chat_id: int
    lane: Lane
    text: str
    keyboard: Keyboard | None
    created_at: datetime
    not_before: datetime | None = None
    attempts: int = 0


class DatabaseCheck(Struct, frozen=True):
    """What a look at a database file (a backup) found: whether SQLite finds it sound, and
    what it holds."""

    ok: bool
    problems: tuple[str, ...] = ()
    schema_version: int = 0
    counts: tuple[tuple[str, int], ...] = ()  # (what, how many): rounds, participants, answers


# --- privacy: what is erased, what is kept, and who did what ---------------------------------


class KeptCount(Struct, frozen=True):
    """How many colleagues answered one question for one theme of a purged round."""

    theme_key: str
    question_key: str
    answers: int


class Kept(Struct, frozen=True):
    """All that is left of a purged round: anonymous counts, nobody's name."""

    colleagues: int  # took part (joined, not withdrawn) when it was purged
    submitted: int  # of them, submitted
    counts: tuple[KeptCount, ...]  # per theme and question, in no particular order

    def answers(self, theme_key: str, question_key: str) -> int:
        """Returns how many answered a question for a theme (0 when nobody did)."""
        for count in self.counts:
            if count.theme_key == theme_key and count.question_key == question_key:
                return count.answers
        return 0


class AuditAction(StrEnum):
    """What the audit trail records: everything that erases or ends something."""

    WITHDRAW = "withdraw"  # a coordinator (or the command line) took a colleague out
    WITHDRAW_SELF = "withdraw_self"  # a colleague withdrew their own input
    CLOSE = "close"
    PURGE = "purge"
    RETENTION = "retention"  # the retention period of a round was set or cleared


class ActorRole(StrEnum):
    """In which capacity someone acted. A purge keeps this, and erases the name."""

    COORDINATOR = "coordinator"  # in the chat
    COLLEAGUE = "colleague"  # in the chat, about their own input
    COMMAND_LINE = "command_line"  # an operator running `themabot`
    BOT = "bot"  # the bot itself: a retention period that passed


class Actor(Struct, frozen=True):
    """Who did something: a role, and (until a purge) who it was."""

    role: ActorRole
    user_id: int | None = None  # a Telegram user
    name: str | None = None  # their name, or the operator's login name


class AuditEntry(Struct, frozen=True):
    """One recorded action on a round."""

    id: int
    round_id: int
    at: datetime
    action: AuditAction
    actor: Actor
    subject_name: str | None = None  # whom it was about (erased by a purge)
    subject_invite: int | None = None  # their invite number, "#12"
    detail: tuple[tuple[str, int], ...] = ()  # numbers: ("answers", 7), ("told", 3), ...


class Erased(Struct, frozen=True):
    """What a withdrawal took out of the store."""

    answers: int
    versions: int
    message_links: int
    reminders: int


class PurgeOutcome(StrEnum):
    """What became of a request to purge a round."""

    PURGED = "purged"
    NO_ROUND = "no_round"
    NOT_CLOSED = "not_closed"  # refused: a round is closed before it is purged
    ALREADY = "already"  # purged before: nothing left to erase


class Purge(Struct, frozen=True):
    """A purge: the outcome, what was erased, and whether the file holds none of it."""

    outcome: PurgeOutcome
    colleagues: int = 0  # participants erased (withdrawn ones too)
    invites: int = 0
    answers: int = 0
    scrubbed: bool = False  # deleted content overwritten and the WAL emptied

    @property
    def done(self) -> bool:
        return self.outcome is PurgeOutcome.PURGED


class ReminderClaim(Struct, frozen=True):
    """One reminder slot of a colleague: when it was claimed and what became of it."""

    slot_key: str
    claimed_at: datetime
    outcome: ClaimOutcome
    attempts: int


class AnswerRecord(Struct, frozen=True):
    """One answer with every version it had and the messages that gave its parts."""

    answer: Answer
    history: tuple[AnswerVersion, ...]
    message_ids: tuple[int, ...]  # Telegram message ids in the colleague's own chat


class Participation(Struct, frozen=True):
    """Everything stored about one person in one round."""

    round: Round
    participant: Participant
    invite: Invite | None
    answers: tuple[AnswerRecord, ...]
    reminders: tuple[ReminderClaim, ...]
    audit: tuple[AuditEntry, ...]  # about them; who acted is given as a role only
    aside: tuple[AsideText, ...] = ()  # texts kept aside, placed or not


class PersonalData(Struct, frozen=True):
    """Everything the store holds about one Telegram user, and nothing of anyone else."""

    user_id: int
    participations: tuple[Participation, ...]
    coordinator: Coordinator | None = None
    coordinator_actions: tuple[AuditEntry, ...] = ()  # what they did; whom it was about left out
    recent_updates: int = 0  # handled updates remembered (chat and message number, no content)
    waiting_updates: int = 0  # received, not handled yet (content until handled)
    queued_messages: int = 0  # messages to them waiting in the outbox
