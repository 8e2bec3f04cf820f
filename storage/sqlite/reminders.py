"""Reminder claims in SQLite: a slot is claimed before it is sent, and its outcome recorded.

The primary key ``(participant_id, slot_key)`` lets exactly one process, before or after a
restart, win a slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from storage.contract import MAX_SEND_ATTEMPTS
from storage.records import ClaimHistory, ClaimOutcome
from storage.sqlite.base import Queries, req_dt, ts

# Outcomes that mean "the colleague was (or may have been) reminded at claimed_at".
_REMINDED = (ClaimOutcome.CLAIMED, ClaimOutcome.SENT, ClaimOutcome.UNCERTAIN)


class ReminderQueries(Queries):
    """Implements ReminderReads and ReminderWrites."""

    async def claim_history(self, participant_id: int) -> ClaimHistory:
        rows = await self._all(
            "SELECT slot_key, claimed_at, outcome, attempts FROM reminder_claims"
            " WHERE participant_id = ?",
            (participant_id,),
        )
        claimed = frozenset(
            r["slot_key"]
            for r in rows
            if r["outcome"] != ClaimOutcome.FAILED or r["attempts"] >= MAX_SEND_ATTEMPTS
        )
        reminded = [req_dt(r["claimed_at"]) for r in rows if r["outcome"] in _REMINDED]
        return ClaimHistory(
            claimed, max(reminded, default=None), await self._other_reminded_at(participant_id)
        )

    async def _other_reminded_at(self, participant_id: int) -> datetime | None:
        """Returns the last reminder (sent or in flight) to the same user in their other rounds."""
        row = await self._one(
            "SELECT MAX(c.claimed_at) FROM reminder_claims c"
            " JOIN participants other ON other.id = c.participant_id"
            " JOIN participants me ON me.user_id = other.user_id AND me.id != other.id"
            f" WHERE me.id = ? AND c.outcome IN ({', '.join('?' * len(_REMINDED))})",
            (participant_id, *(o.value for o in _REMINDED)),
        )
        return req_dt(row[0]) if row and row[0] else None

    async def reminder_outcomes(self, participant_id: int) -> dict[str, ClaimOutcome]:
        rows = await self._all(
            "SELECT slot_key, outcome FROM reminder_claims WHERE participant_id = ? ORDER BY rowid",
            (participant_id,),
        )
        return {r[0]: ClaimOutcome(r[1]) for r in rows}

    async def claim_reminder(self, participant_id: int, slot_key: str, now: datetime) -> int:
        # A failed slot with tries left is taken over again, atomically: of two processes that
        # race for it, the WHERE of the upsert lets only the first one through.
        row = await self._one(
            "INSERT INTO reminder_claims (participant_id, slot_key, claimed_at, outcome, attempts)"
            " VALUES (?, ?, ?, ?, 1)"
            " ON CONFLICT(participant_id, slot_key) DO UPDATE SET"
            " outcome = excluded.outcome, claimed_at = excluded.claimed_at,"
            " attempts = reminder_claims.attempts + 1"
            " WHERE reminder_claims.outcome = ? AND reminder_claims.attempts < ?"
            " RETURNING attempts",
            (
                participant_id,
                slot_key,
                ts(now),
                ClaimOutcome.CLAIMED.value,
                ClaimOutcome.FAILED.value,
                MAX_SEND_ATTEMPTS,
            ),
        )
        return int(row[0]) if row else 0

    async def supersede_reminders(
        self, participant_id: int, slot_keys: Iterable[str], now: datetime
    ) -> None:
        await self._many(
            "INSERT INTO reminder_claims (participant_id, slot_key, claimed_at, outcome)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT(participant_id, slot_key) DO UPDATE SET outcome = excluded.outcome"
            " WHERE reminder_claims.outcome = ?",
            [
                (
                    participant_id,
                    key,
                    ts(now),
                    ClaimOutcome.SUPERSEDED.value,
                    ClaimOutcome.FAILED.value,
                )
                for key in slot_keys
            ],
        )

    async def record_reminder(
        self, participant_id: int, slot_key: str, outcome: ClaimOutcome
    ) -> None:
        await self._run(
            "UPDATE reminder_claims SET outcome = ? WHERE participant_id = ? AND slot_key = ?",
            (outcome.value, participant_id, slot_key),
        )

    async def snooze(self, participant_id: int, until: datetime) -> None:
        await self._run(
            "UPDATE participants SET snoozed_until = ? WHERE id = ?", (ts(until), participant_id)
        )

    async def pause(self, participant_id: int, until: date) -> None:
        await self._run(
            "UPDATE participants SET paused_until = ? WHERE id = ?",
            (until.isoformat(), participant_id),
        )
