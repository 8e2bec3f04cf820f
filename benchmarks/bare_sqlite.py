"""The references' SQLite: a bare aiosqlite connection configured exactly like our store's.

The PRAGMAs are the store's own (:data:`storage.sqlite.store.WRITER_PRAGMAS`), not copies, so
a change to the store's durability settings (``synchronous=FULL`` is what makes each commit
cost an fsync) changes the reference with it and the ratio stays a like-for-like comparison.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.sqlite.store import WRITER_PRAGMAS

__all__ = ["REFERENCE_SCHEMA", "open_bare", "pragmas_of"]

#: The smallest table that holds an answer; one row per text message.
REFERENCE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS answers ("
    " id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL,"
    " text TEXT NOT NULL, created_at TEXT NOT NULL)"
)


def pragmas_of() -> dict[str, str]:
    """Returns the PRAGMAs that decide what a write and a commit of the store cost."""
    return dict(WRITER_PRAGMAS)


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
