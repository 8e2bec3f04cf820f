"""The privacy part of the store contract (storage.contract includes it in Reader and Writer).

A colleague's rights and a round's end, as the store keeps them:

* withdrawing erases a colleague's input (answers, every version, the message links, their
  reminder claims) and keeps only that they took part and withdrew;
* closing a round ends it: the shell stores no answer for a closed round any more;
* purging a closed round erases every name, Telegram id, chat id and answer text of it in
  every table (``Store.purge`` also scrubs the file itself), keeping anonymous counts;
* the audit trail records withdrawals, closes, purges and retention changes: who, when, what;
* ``personal_data`` returns everything held about one person and nothing of anyone else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from storage.records import Actor, AuditAction, AuditEntry, Erased, Kept, PersonalData, Purge


class PrivacyReads(Protocol):
    """The audit trail, what is left of a purged round, and everything about one person."""

    async def audit_trail(self, round_id: int) -> list[AuditEntry]:
        """Returns the recorded actions on a round, oldest first."""
        ...

    async def kept(self, round_id: int) -> Kept | None:
        """Returns the anonymous counts of a purged round; None for a round not purged."""
        ...

    async def personal_data(self, user_id: int) -> PersonalData:
        """Returns everything stored about a Telegram user: every participation (invite,
        themes, answers with their history and message ids, reminders, where they are, what
        was recorded about them), their coordinator record and what they did as one, and how
        many updates and messages of their chat are kept. Of others it holds nothing: who
        acted on them is given as a role, whom they acted on is left out."""
        ...


class PrivacyWrites(PrivacyReads, Protocol):
    """Withdrawing, closing, retention, purging and recording what was done."""

    async def withdraw_participant(self, participant_id: int, now: datetime) -> Erased | None:
        """Withdraws a participant and erases their input (answers, versions, message links,
        reminder claims, and the replies to their chat still in the outbox, which may quote
        answers); returns what was erased, or None when they had withdrawn already (or do
        not exist). ``withdraw_by_invite`` and ``withdraw`` erase the same way."""
        ...

    async def close_round(self, round_id: int, now: datetime) -> bool:
        """Closes a round; False when it was closed already."""
        ...

    async def set_retention(self, round_id: int, days: int | None) -> None:
        """Sets how many days after closing a round is purged; None: only by hand."""
        ...

    async def record_action(
        self,
        round_id: int,
        action: AuditAction,
        actor: Actor,
        now: datetime,
        *,
        subject_name: str | None = None,
        subject_invite: int | None = None,
        detail: Mapping[str, int] | None = None,
    ) -> None:
        """Adds an entry to the round's audit trail."""
        ...

    async def purge_round(self, round_id: int, now: datetime) -> Purge:
        """Erases a closed round's personal data in this transaction: participants, invites,
        themes, answers with their history and message links, reminder claims, partner
        merges, the round's chats in the inbox and (where nobody else uses the chat) the
        outbox, names in its audit trail, coordinators' pointers to it. Keeps the round, its
        template, per theme and question how many answered, and how many took part.

        Refuses (changes nothing) for an open round, a purged one or none. The caller records
        the purge; ``Store.purge`` does all of it and scrubs the file.
        """
        ...


class Scrubbing(Protocol):
    """What a store does beyond transactions so that erased data is gone from its files."""

    async def scrub(self) -> bool:
        """Makes sure nothing erased is left in the database's files: deleted content is
        overwritten as it is deleted, and this writes every change into the main file and
        empties the write-ahead log. False when a reader kept it from finishing (it is then
        finished by a later scrub); never waits for long."""
        ...

    async def purge(self, round_id: int, now: datetime, actor: Actor) -> Purge:
        """Purges a closed round (``Writer.purge_round``), records it in its audit trail in
        the same transaction, then scrubs; ``Purge.scrubbed`` says whether that finished."""
        ...
