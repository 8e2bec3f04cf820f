"""Meta values in SQLite."""

from __future__ import annotations

from storage.sqlite.base import Queries


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
