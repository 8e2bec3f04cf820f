"""What every SQLite query module shares: the connection, row helpers, time encoding.

Times are stored as ISO 8601 text in UTC; dates as ISO dates. Rows never leave this package:
each query module turns them into records (storage.records).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache

from conversations.template import Template
from storage.sqlite.connection import Link, Row

__all__ = ["Queries", "Row", "day", "dt", "req_dt", "template_snapshot", "ts"]


def ts(moment: datetime | None) -> str | None:
    """Encodes a moment for storage (UTC, ISO 8601)."""
    return moment.astimezone(UTC).isoformat() if moment else None


def dt(text: str | None) -> datetime | None:
    """Decodes a stored moment."""
    return datetime.fromisoformat(text) if text else None


def req_dt(text: str) -> datetime:
    """Decodes a stored moment that the schema says is always there."""
    return datetime.fromisoformat(text)


def day(text: str | None) -> date | None:
    """Decodes a stored date."""
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=64)
def template_snapshot(template_json: str) -> Template:
    """Parses a round's template snapshot once: it never changes, and Template is frozen.

    Validating the snapshot on every event cost more than the event's own SQL.
    """
    return Template.model_validate_json(template_json)


class Queries:
    """Runs SQL on one connection; the query modules mix their methods into one transaction."""

    def __init__(self, link: Link) -> None:
        self._link = link

    async def _one(self, sql: str, params: Iterable[object] = ()) -> Row | None:
        rows = await self._link.all(sql, tuple(params))
        return rows[0] if rows else None

    async def _all(self, sql: str, params: Iterable[object] = ()) -> list[Row]:
        return list(await self._link.all(sql, tuple(params)))

    async def _run(self, sql: str, params: Iterable[object] = ()) -> None:
        await self._link.run(sql, tuple(params))

    async def _many(self, sql: str, rows: Iterable[Iterable[object]]) -> None:
        await self._link.many(sql, [tuple(r) for r in rows])

    async def _insert(self, sql: str, params: Iterable[object]) -> int:
        return await self._link.insert(sql, tuple(params))
