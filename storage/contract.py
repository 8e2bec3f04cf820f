"""The store contract: what the bot, the CLI and the reports may ask of a database.

Each aggregate has a *reads* protocol and a *writes* protocol that extends it:

* rounds and invites (:class:`RoundReads`, :class:`RoundWrites`),
* participants and their answers (:class:`ParticipantReads`, :class:`ParticipantWrites`),
* reminder claims (:class:`ReminderReads`, :class:`ReminderWrites`),
* coordinators and partner merges (:class:`CoordinationReads`, :class:`CoordinationWrites`),
* meta: values the bot keeps about itself (:class:`MetaReads`, :class:`MetaWrites`),
* in storage/delivery.py: the inbox of received updates and the outbox of messages to send;
* in storage/privacy.py: withdrawing, closing, purging, the audit trail, one person's data.

``Store.read()`` hands out a :class:`Reader` (all reads, one consistent view, never waiting for
a writer); ``Store.write()`` a :class:`Writer` (reads and writes in one transaction that commits
only when the block succeeds, and is durable when the block has returned). Every method returns
records from :mod:`storage.records`. A backend implements :class:`Store`; the contract
test-suite (tests/storage/test_contract.py) is what any backend must pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from conversations.state import AnswerSource, Mode
from conversations.template import ReminderPolicy, Template
from storage.delivery import DeliveryReads, DeliveryWrites
from storage.privacy import PrivacyReads, PrivacyWrites, Scrubbing
from storage.records import (
    Answer,
    AnswerLink,
    AnswerVersion,
    AsideText,
    ClaimHistory,
    ClaimOutcome,
    Coordinator,
    Invite,
    Participant,
    RosterEntry,
    Round,
    RoundSnapshot,
)

# A failed reminder send is claimed again at a later check, up to this many tries in all.
MAX_SEND_ATTEMPTS = 3


class StoreUnavailable(Exception):
    """The database cannot take the write (or read) now: disk full, I/O error, locked, gone.

    Nothing of the failed transaction is stored. The caller keeps what it was handling and
    tries again later; it is not a bug in the caller.
    """


class RoundReads(Protocol):
    """Rounds and their invites, read."""

    async def get_round(self, round_id: int) -> Round | None:
        """Returns the round, or None."""
        ...

    async def list_rounds(self) -> list[Round]:
        """Returns every round, oldest first."""
        ...

    async def invite_by_token(self, token: str) -> Invite | None:
        """Returns the invite a token opens (not one that was withdrawn), or None."""
        ...

    async def invites(self, round_id: int) -> list[Invite]:
        """Returns every invite of a round, used or not, withdrawn or not, oldest first."""
        ...

    async def pending_invites(self, round_id: int) -> list[Invite]:
        """Returns the colleague invites of a round nobody has opened yet (not withdrawn)."""
        ...

    async def roster(self, round_id: int) -> list[RosterEntry]:
        """Returns who has a place in a round, in invite order: each colleague invite nobody
        opened yet, each participant (with their themes now), each coordinator invite.

        Left out: withdrawn participants, revoked invites, and a colleague's second invite
        that was used by someone already taking part (its themes became theirs).
        """
        ...


class RoundWrites(RoundReads, Protocol):
    """Rounds and their invites, changed."""

    async def create_round(
        self,
        name: str,
        template: Template,
        deadline: date | None,
        now: datetime,
        *,
        reminders_enabled: bool = True,
    ) -> Round:
        """Creates a round with a snapshot of its template."""
        ...

    async def set_reminders_enabled(self, round_id: int, enabled: bool) -> None:
        """Switches a round's scheduled reminders on or off."""
        ...

    async def rename_round(self, round_id: int, name: str) -> None:
        """Gives a round another name."""
        ...

    async def set_deadline(self, round_id: int, deadline: date | None) -> None:
        """Moves a round's deadline (the last day to answer); None: no deadline."""
        ...

    async def set_reminder_policy(self, round_id: int, policy: ReminderPolicy) -> None:
        """Replaces the reminder policy in the round's template snapshot.

        The snapshot is the round's own copy, so this changes no other round and no file;
        everything that reads ``round.template.reminders`` follows the new policy.
        """
        ...

    async def create_invite(
        self,
        round_id: int,
        name: str,
        theme_keys: Iterable[str],
        now: datetime,
        *,
        coordinator: bool = False,
    ) -> tuple[Invite, str]:
        """Creates an invite and returns it with its token (the only time the token exists)."""
        ...

    async def mark_invite_used(self, invite_id: int, user_id: int, now: datetime) -> None:
        """Records who opened an invite (once: a used invite keeps its first user)."""
        ...

    async def set_invite_themes(self, invite_id: int, theme_keys: Iterable[str]) -> None:
        """Replaces the themes of an invite (those a colleague gets on opening it), in order."""
        ...

    async def withdraw_by_invite(self, invite_id: int, now: datetime) -> bool:
        """Takes out whoever holds this colleague invite: revokes it when nobody opened it,
        else withdraws the participant who joined with it and erases their input (as
        ``withdraw_participant``). False when there was nobody to take out (a coordinator
        invite, revoked, or withdrawn already)."""
        ...

    async def withdraw(self, round_id: int, name: str, now: datetime) -> list[str]:
        """Withdraws the colleague (or unopened invite) called ``name``; returns who matched.
        A withdrawn colleague's input is erased (as ``withdraw_participant``).

        Nothing changes unless exactly one matches: two colleagues may share a name.
        """
        ...


class ParticipantReads(Protocol):
    """Participants and their answers, read."""

    async def participant(self, participant_id: int) -> Participant | None:
        """Returns one participation, or None."""
        ...

    async def participant_in_round(self, round_id: int, user_id: int) -> Participant | None:
        """Returns a Telegram user's participation in a round, withdrawn or not."""
        ...

    async def active_participant(self, user_id: int) -> Participant | None:
        """Returns the user's participation they were last active in (a user may be in several),
        ignoring withdrawn ones; one in an open round before one in a closed round."""
        ...

    async def participants(self, round_id: int) -> list[Participant]:
        """Returns every participant of a round (withdrawn ones too), in joining order."""
        ...

    async def answers_of(self, participant_id: int) -> list[Answer]:
        """Returns one participant's current answers, oldest first."""
        ...

    async def round_answers(self, round_id: int) -> list[Answer]:
        """Returns every current answer in a round, oldest first."""
        ...

    async def answer_for_message(self, chat_id: int, message_id: int) -> AnswerLink | None:
        """Returns which answer (and part) a message gave, if it still gives one."""
        ...

    async def answer_history(
        self, participant_id: int, theme_key: str, question_key: str
    ) -> list[AnswerVersion]:
        """Returns every version of one answer, oldest first."""
        ...

    async def snapshot(self, round_id: int) -> RoundSnapshot | None:
        """Returns everything about one round that the overview and progress read."""
        ...

    async def aside_texts(self, participant_id: int) -> list[AsideText]:
        """Returns the participant's kept texts that wait for a place, oldest first."""
        ...


class ParticipantWrites(ParticipantReads, Protocol):
    """Participants and their answers, changed."""

    async def create_participant(
        self,
        invite: Invite,
        user_id: int,
        chat_id: int,
        language: str,
        mode: Mode,
        now: datetime,
    ) -> Participant:
        """Binds an invite to a Telegram user; the invite's themes become theirs."""
        ...

    async def set_themes(self, participant_id: int, theme_keys: Iterable[str]) -> None:
        """Replaces a participant's themes, in this order."""
        ...

    async def set_position(
        self,
        participant_id: int,
        mode: Mode,
        cursor: tuple[str, str] | None,
        now: datetime,
        chat_id: int | None = None,
    ) -> None:
        """Stores where the colleague is in the intake; records activity as ``touch`` does."""
        ...

    async def touch(self, participant_id: int, now: datetime, chat_id: int | None = None) -> None:
        """Records activity (and the chat to reach them in); clears a stale unreachable mark."""
        ...

    async def mark_submitted(self, participant_id: int, now: datetime) -> None:
        """Records that the participant submitted (again)."""
        ...

    async def set_reachable(self, user_id: int, reachable: bool, now: datetime) -> None:
        """Records that a Telegram user blocked (or unblocked) the bot, in all their rounds."""
        ...

    async def mark_unreachable(self, participant_id: int, now: datetime) -> None:
        """Marks one participation unreachable (a send failed for good); keeps an older mark."""
        ...

    async def keep_aside(
        self,
        participant_id: int,
        text: str,
        now: datetime,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> int:
        """Keeps a text that was no answer where it came; returns its id."""
        ...

    async def place_aside(self, participant_id: int, aside_id: int, now: datetime) -> None:
        """Records that a kept text of this participant found its place (others: no change)."""
        ...

    async def save_answer(
        self,
        participant_id: int,
        theme_key: str,
        question_key: str,
        parts: tuple[str, ...],
        source: AnswerSource,
        now: datetime,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        part: int = 0,
    ) -> None:
        """Stores the answer's new parts, a version in its history, and which message gave it.

        A fresh answer (``source.replaces_parts``) forgets which messages gave the old parts.
        """
        ...


class ReminderReads(Protocol):
    """Reminder claims, read."""

    async def claim_history(self, participant_id: int) -> ClaimHistory:
        """Returns the settled slot keys and the moment of the last reminder (sent or in flight).

        A failed key with tries left is not settled: the schedule may pick it again.
        """
        ...

    async def reminder_outcomes(self, participant_id: int) -> dict[str, ClaimOutcome]:
        """Returns slot key -> outcome of one colleague, in claiming order."""
        ...


class ReminderWrites(ReminderReads, Protocol):
    """Reminder claims, changed. A slot is claimed *before* it is sent, so that exactly one
    process, before or after a restart, can win it."""

    async def claim_reminder(self, participant_id: int, slot_key: str, now: datetime) -> int:
        """Claims a slot for sending; returns this try's number (1, 2, ...), or 0 when it is taken
        (sent, in flight, or out of tries). ``MAX_SEND_ATTEMPTS`` means the last try."""
        ...

    async def supersede_reminders(
        self, participant_id: int, slot_keys: Iterable[str], now: datetime
    ) -> None:
        """Settles due slots that will not be sent, so downtime never leads to a burst later."""
        ...

    async def record_reminder(
        self, participant_id: int, slot_key: str, outcome: ClaimOutcome
    ) -> None:
        """Stores what became of a claimed slot."""
        ...

    async def snooze(self, participant_id: int, until: datetime) -> None:
        """Stores "remind me later": no reminder before ``until``."""
        ...

    async def pause(self, participant_id: int, until: date) -> None:
        """Stores "I'm away": no reminder up to and including local day ``until``."""
        ...


class CoordinationReads(Protocol):
    """Coordinators and the partner merges they made, read."""

    async def coordinator(self, user_id: int) -> Coordinator | None:
        """Returns the stored coordinator, or None (coordinators by setting may have no row)."""
        ...

    async def coordinator_chats(self) -> list[int]:
        """Returns the chats of every stored coordinator."""
        ...

    async def partner_merges(self, round_id: int) -> dict[str, str]:
        """Returns normalised partner name -> canonical name, oldest merge first."""
        ...


class CoordinationWrites(CoordinationReads, Protocol):
    """Coordinators and partner merges, changed."""

    async def add_coordinator(
        self,
        user_id: int,
        chat_id: int,
        name: str,
        invite_id: int | None,
        now: datetime,
        active_round_id: int | None = None,
    ) -> None:
        """Stores a coordinator (again: the chat and a new active round are updated)."""
        ...

    async def set_active_round(
        self, user_id: int, chat_id: int, name: str, round_id: int, now: datetime
    ) -> None:
        """Makes a round the coordinator's active one."""
        ...

    async def merge_partner(self, round_id: int, alias: str, canonical: str, now: datetime) -> None:
        """Stores that a normalised partner name means ``canonical`` in this round."""
        ...


class MetaReads(Protocol):
    """Values the bot keeps about itself, read."""

    async def get_meta(self, key: str) -> str | None:
        """Returns a stored value, or None."""
        ...


class MetaWrites(MetaReads, Protocol):
    """Values the bot keeps about itself, changed."""

    async def set_meta(self, key: str, value: str) -> None:
        """Stores a value under a key."""
        ...


class Reader(
    RoundReads,
    ParticipantReads,
    ReminderReads,
    CoordinationReads,
    MetaReads,
    DeliveryReads,
    PrivacyReads,
    Protocol,
):
    """Every read, in one consistent view of the database."""


class Writer(
    Reader,
    RoundWrites,
    ParticipantWrites,
    ReminderWrites,
    CoordinationWrites,
    MetaWrites,
    DeliveryWrites,
    PrivacyWrites,
    Protocol,
):
    """Every read and write, in one transaction."""


class Store(Scrubbing, Protocol):
    """A database behind the contract."""

    def read(self) -> AbstractAsyncContextManager[Reader]:
        """A consistent view for reading; never waits for a write transaction."""
        ...

    def write(self) -> AbstractAsyncContextManager[Writer]:
        """One write transaction: it commits only if the block succeeds, and the changes are
        durable once the block has returned. Raises StoreUnavailable when the database
        cannot take it (then nothing of the block is stored)."""
        ...

    async def schema_version(self) -> int:
        """Returns the number of the newest applied migration."""
        ...

    async def backup(self, target: str | Path) -> None:
        """Writes a consistent copy of the whole database to ``target`` (replacing it whole,
        or leaving it as it was), while reads and writes go on. Raises StoreUnavailable when
        the database cannot be read, OSError when ``target`` cannot be written."""
        ...

    async def close(self) -> None:
        """Closes every connection."""
        ...
