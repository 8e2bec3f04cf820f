"""SQL for reminders: durable claims and their outcomes, snooze and pause.

Every function takes a ``Tx`` from ``Store.write()`` (or ``read()`` for queries), so a claim and
the decision that led to it commit together. A slot is claimed *before* it is sent: the primary
key ``(participant_id, slot_key)`` lets exactly one process, before or after a restart, win it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from storage.store import Tx, _ts

# A failed send is claimed again at a later check, up to this many tries in all.
MAX_SEND_ATTEMPTS = 3


class ClaimOutcome(StrEnum):
    """What became of a claimed slot."""

    CLAIMED = "claimed"  # won, being sent; stays so when the process died mid-send
    SENT = "sent"
    SUPERSEDED = "superseded"  # due but not sent: a newer slot, a pause, or already reminded
    UNREACHABLE = "unreachable"  # Telegram said 403: the colleague blocked the bot
    FAILED = "failed"  # network or flood control: may be claimed again (MAX_SEND_ATTEMPTS)
    UNCERTAIN = "uncertain"  # timed out: Telegram may have delivered it, so never again


# Outcomes that mean "the colleague was (or may have been) reminded at claimed_at".
_REMINDED = (ClaimOutcome.CLAIMED, ClaimOutcome.SENT, ClaimOutcome.UNCERTAIN)


@dataclass(frozen=True)
class ClaimHistory:
    """What the schedule needs to know about one colleague's past reminders."""

    claimed: frozenset[str]  # keys that must not be sent (again)
    last_reminded_at: datetime | None
    # The last reminder to the same Telegram user in any *other* round they take part in.
    other_reminded_at: datetime | None = None


async def history(tx: Tx, participant_id: int) -> ClaimHistory:
    """Returns the keys that are settled and the moment of the last reminder (sent or in flight).

    A failed key with tries left is not settled: the schedule may pick it again.
    """
    async with tx.db.execute(
        "SELECT slot_key, claimed_at, outcome, attempts FROM reminder_claims"
        " WHERE participant_id = ?",
        (participant_id,),
    ) as cur:
        rows = list(await cur.fetchall())
    claimed = frozenset(
        r["slot_key"]
        for r in rows
        if r["outcome"] != ClaimOutcome.FAILED or r["attempts"] >= MAX_SEND_ATTEMPTS
    )
    reminded = [datetime.fromisoformat(r["claimed_at"]) for r in rows if r["outcome"] in _REMINDED]
    return ClaimHistory(
        claimed, max(reminded, default=None), await _other_reminded_at(tx, participant_id)
    )


async def _other_reminded_at(tx: Tx, participant_id: int) -> datetime | None:
    """Returns the last reminder (sent or in flight) to the same user in their other rounds."""
    async with tx.db.execute(
        "SELECT MAX(c.claimed_at) FROM reminder_claims c"
        " JOIN participants other ON other.id = c.participant_id"
        " JOIN participants me ON me.user_id = other.user_id AND me.id != other.id"
        f" WHERE me.id = ? AND c.outcome IN ({', '.join('?' * len(_REMINDED))})",
        (participant_id, *(o.value for o in _REMINDED)),
    ) as cur:
        row = await cur.fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


async def claim(tx: Tx, participant_id: int, slot_key: str, now: datetime) -> int:
    """Claims a slot for sending; returns this try's number (1, 2, ...), or 0 when it is taken
    (sent, in flight, or out of tries). ``MAX_SEND_ATTEMPTS`` means the last try.

    A failed slot with tries left is taken over again, atomically: of two processes that race
    for it, the ``WHERE`` of the upsert lets only the first one through.
    """
    async with tx.db.execute(
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
            _ts(now),
            ClaimOutcome.CLAIMED.value,
            ClaimOutcome.FAILED.value,
            MAX_SEND_ATTEMPTS,
        ),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def supersede(tx: Tx, participant_id: int, slot_keys: Iterable[str], now: datetime) -> None:
    """Settles due slots that will not be sent, so downtime never leads to a burst later."""
    await tx.db.executemany(
        "INSERT INTO reminder_claims (participant_id, slot_key, claimed_at, outcome)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT(participant_id, slot_key) DO UPDATE SET outcome = excluded.outcome"
        " WHERE reminder_claims.outcome = ?",
        [
            (
                participant_id,
                key,
                _ts(now),
                ClaimOutcome.SUPERSEDED.value,
                ClaimOutcome.FAILED.value,
            )
            for key in slot_keys
        ],
    )


async def record(tx: Tx, participant_id: int, slot_key: str, outcome: ClaimOutcome) -> None:
    """Stores what became of a claimed slot."""
    await tx.db.execute(
        "UPDATE reminder_claims SET outcome = ? WHERE participant_id = ? AND slot_key = ?",
        (outcome.value, participant_id, slot_key),
    )


async def outcomes(tx: Tx, participant_id: int) -> dict[str, str]:
    """Returns slot key -> outcome of one colleague (for tests and diagnostics)."""
    async with tx.db.execute(
        "SELECT slot_key, outcome FROM reminder_claims WHERE participant_id = ? ORDER BY rowid",
        (participant_id,),
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}


async def snooze(tx: Tx, participant_id: int, until: datetime) -> None:
    """Stores "remind me later": no reminder before ``until``."""
    await tx.db.execute(
        "UPDATE participants SET snoozed_until = ? WHERE id = ?", (_ts(until), participant_id)
    )


async def pause(tx: Tx, participant_id: int, until: date) -> None:
    """Stores "I'm away": no reminder up to and including local day ``until``."""
    await tx.db.execute(
        "UPDATE participants SET paused_until = ? WHERE id = ?", (until.isoformat(), participant_id)
    )
