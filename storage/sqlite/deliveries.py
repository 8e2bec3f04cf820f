"""The inbox and the outbox in SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from storage.records import Arrival, InboxEntry, Keyboard, Lane, Letter, OutboxMessage
from storage.sqlite.base import Queries, Row, dt, req_dt, ts

# Telegram keeps undelivered updates for 24 hours: an older record can never see a redelivery.
UPDATE_MEMORY = timedelta(days=2)


def _keyboard(text: str | None) -> Keyboard | None:
    if not text:
        return None
    return tuple(tuple((str(label), str(data)) for label, data in row) for row in json.loads(text))


def _message(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        lane=Lane(row["lane"]),
        text=row["text"],
        keyboard=_keyboard(row["keyboard"]),
        created_at=req_dt(row["created_at"]),
        not_before=dt(row["not_before"]),
        attempts=row["attempts"],
    )


class DeliveryQueries(Queries):
    """Implements DeliveryReads and DeliveryWrites."""

    async def receive_updates(self, arrivals: Sequence[Arrival], now: datetime) -> list[InboxEntry]:
        await self._run("DELETE FROM inbox WHERE handled_at < ?", (ts(now - UPDATE_MEMORY),))
        received = ts(now)
        new: list[InboxEntry] = []
        for arrival in arrivals:
            row = await self._one(
                "INSERT INTO inbox (update_id, fingerprint, chat_id, payload, received_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(update_id, fingerprint) DO NOTHING"
                " RETURNING id",
                (
                    arrival.update_id,
                    arrival.fingerprint,
                    arrival.chat_id,
                    arrival.payload,
                    received,
                ),
            )
            if row is not None:
                new.append(
                    InboxEntry(
                        row[0],
                        arrival.update_id,
                        arrival.fingerprint,
                        arrival.chat_id,
                        arrival.payload,
                        now,
                    )
                )
        return new

    async def pending_updates(self) -> list[InboxEntry]:
        rows = await self._all(
            "SELECT id, update_id, fingerprint, chat_id, payload, received_at FROM inbox"
            " WHERE handled_at IS NULL ORDER BY id"
        )
        return [InboxEntry(r[0], r[1], r[2], r[3], r[4] or "{}", req_dt(r[5])) for r in rows]

    async def claim_update(self, update_id: int, fingerprint: str, now: datetime) -> bool:
        # Received through the inbox (a row waiting) or handed straight to the application
        # (no row yet): either way the first claim wins; a handled row refuses the second.
        row = await self._one(
            "INSERT INTO inbox (update_id, fingerprint, received_at, handled_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(update_id, fingerprint) DO UPDATE SET"
            " handled_at = excluded.handled_at, payload = NULL"
            # Handled longer ago than Telegram could redeliver it: a new update, same id.
            " WHERE inbox.handled_at IS NULL OR inbox.handled_at < ?"
            " RETURNING id",
            (update_id, fingerprint, ts(now), ts(now), ts(now - UPDATE_MEMORY)),
        )
        return row is not None

    async def forget_update(self, update_id: int, fingerprint: str) -> None:
        await self._run(
            "DELETE FROM inbox WHERE update_id = ? AND fingerprint = ?", (update_id, fingerprint)
        )

    async def queue_messages(
        self,
        chat_id: int,
        letters: Sequence[Letter],
        lane: Lane,
        now: datetime,
        *,
        not_before: datetime | None = None,
    ) -> list[OutboxMessage]:
        queued: list[OutboxMessage] = []
        for letter in letters:
            keyboard = json.dumps(letter.keyboard, ensure_ascii=False) if letter.keyboard else None
            message_id = await self._insert(
                "INSERT INTO outbox (chat_id, lane, text, keyboard, created_at, not_before)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, lane.value, letter.text, keyboard, ts(now), ts(not_before)),
            )
            queued.append(
                OutboxMessage(
                    message_id, chat_id, lane, letter.text, letter.keyboard, now, not_before
                )
            )
        return queued

    async def pending_messages(
        self, lane: Lane, *, due: datetime | None = None, limit: int = 1000
    ) -> list[OutboxMessage]:
        if due is None:
            rows = await self._all(
                "SELECT * FROM outbox WHERE lane = ? ORDER BY id LIMIT ?", (lane.value, limit)
            )
        else:
            rows = await self._all(
                "SELECT * FROM outbox WHERE lane = ? AND (not_before IS NULL OR not_before <= ?)"
                " ORDER BY id LIMIT ?",
                (lane.value, ts(due), limit),
            )
        return [_message(r) for r in rows]

    async def chat_outbox(self, chat_id: int) -> list[OutboxMessage]:
        rows = await self._all("SELECT * FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
        return [_message(r) for r in rows]

    async def messages_sent(self, message_ids: Iterable[int]) -> None:
        await self._many("DELETE FROM outbox WHERE id = ?", [(i,) for i in message_ids])

    async def message_failed(self, message_id: int, retry_at: datetime | None) -> None:
        if retry_at is None:
            await self._run("DELETE FROM outbox WHERE id = ?", (message_id,))
        else:
            await self._run(
                "UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?",
                (ts(retry_at), message_id),
            )
