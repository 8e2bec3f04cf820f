"""One SQLite transaction: every query module's methods on one connection."""

from __future__ import annotations

from storage.records import RoundSnapshot
from storage.sqlite.answers import AnswerQueries
from storage.sqlite.coordination import CoordinationQueries
from storage.sqlite.deliveries import DeliveryQueries
from storage.sqlite.meta import MetaQueries
from storage.sqlite.participants import ParticipantQueries
from storage.sqlite.privacy import PrivacyQueries
from storage.sqlite.reminders import ReminderQueries
from storage.sqlite.rounds import RoundQueries


class SqliteTransaction(
    RoundQueries,
    ParticipantQueries,
    AnswerQueries,
    ReminderQueries,
    CoordinationQueries,
    MetaQueries,
    DeliveryQueries,
    PrivacyQueries,
):
    """Implements storage.contract.Writer (and Reader, on a read-only connection)."""

    async def snapshot(self, round_id: int) -> RoundSnapshot | None:
        round_ = await self.get_round(round_id)
        if round_ is None:
            return None
        return RoundSnapshot(
            round=round_,
            participants=tuple(await self.participants(round_id)),
            answers=tuple(await self.round_answers(round_id)),
            pending_invites=tuple(await self.pending_invites(round_id)),
            partner_merges=await self.partner_merges(round_id),
            aside=tuple(await self._round_aside(round_id)),
            kept=await self.kept(round_id),
        )
