"""The references' SQLite: a bare aiosqlite connection configured exactly like our store's.

The PRAGMAs are read back from an open :class:`storage.store.Store` rather than copied here, so
a change to the store's durability settings (``synchronous=FULL`` is what makes each commit
cost an fsync) changes the reference with it and the ratio stays a like-for-like comparison.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.store import Store

__all__ = ["REFERENCE_SCHEMA", "open_bare", "pragmas_of"]

#: The PRAGMAs that decide what a write and a commit cost.
_COMPARED = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")

#: The smallest table that holds an answer; one row per text message.
REFERENCE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS answers ("
    " id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL,"
    " text TEXT NOT NULL, created_at TEXT NOT NULL)"
)


async def pragmas_of(store: Store) -> dict[str, str]:
    """Returns the values of the compared PRAGMAs on the store's own connection."""
    values: dict[str, str] = {}
    async with store.read() as tx:
        for name in _COMPARED:
            async with tx.db.execute(f"PRAGMA {name}") as cursor:
                row = await cursor.fetchone()
            values[name] = str(row[0]) if row else ""
    return values


async def open_bare(path: Path, pragmas: dict[str, str]) -> aiosqlite.Connection:
    """Opens ``path`` with aiosqlite's defaults plus ``pragmas``, and creates the answers table.

    aiosqlite's default isolation begins a transaction implicitly before the INSERT, so one
    ``execute`` + ``commit`` is the plainest durable write there is.
    """
    db = await aiosqlite.connect(str(path))
    try:
        for name, value in pragmas.items():
            await db.execute(f"PRAGMA {name}={value}")
        await db.execute(REFERENCE_SCHEMA)
        await db.commit()
    except BaseException:
        await db.close()
        raise
    return db
