"""Meta values and the record of handled updates in SQLite."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.sqlite.base import Queries, ts

# Telegram keeps undelivered updates for 24 hours: an older record can never see a redelivery.
UPDATE_MEMORY = timedelta(days=2)


class MetaQueries(Queries):
    """Implements MetaReads and MetaWrites."""

    async def get_meta(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row["value"]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self._run(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def claim_update(self, update_id: int, fingerprint: str, now: datetime) -> bool:
        row = await self._one(
            "SELECT fingerprint, processed_at FROM processed_updates WHERE update_id = ?",
            (update_id,),
        )
        recent = ts(now - UPDATE_MEMORY)
        if row is not None and row["fingerprint"] == fingerprint and row["processed_at"] >= recent:
            return False
        await self._run(
            "INSERT INTO processed_updates (update_id, fingerprint, processed_at) VALUES (?, ?, ?)"
            " ON CONFLICT(update_id) DO UPDATE SET fingerprint = excluded.fingerprint,"
            " processed_at = excluded.processed_at",
            (update_id, fingerprint, ts(now)),
        )
        if update_id % 100 == 0:
            await self._run("DELETE FROM processed_updates WHERE processed_at < ?", (recent,))
        return True
