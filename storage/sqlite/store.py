"""The SQLite store: one writer connection, a few reader connections, numbered migrations.

Writes run inside ``async with store.write() as tx:``. An ``asyncio.Lock`` keeps coroutines
(handlers and jobs on one event loop) from interleaving inside a transaction, and
``BEGIN IMMEDIATE`` takes SQLite's write lock up front, so a second process (the CLI, or a
second bot) waits instead of failing half-way.

Reads run on connections of their own. In WAL mode a reader sees the last committed state and
never waits for the writer (nor the writer for it), so progress, overviews and reminders'
listings go on while answers are being committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.contract import Reader, Writer
from storage.sqlite.transaction import SqliteTransaction

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "storage.sqlite.migrations"
READERS = 4  # reader connections at most; more concurrent reads wait for a free one

# How the writer connection is set up. FULL: an answer the bot confirmed must survive a power
# cut, not only a kill -9 (WAL makes that one fsync per commit).
WRITER_PRAGMAS = {
    "busy_timeout": "10000",
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "synchronous": "FULL",
}


def migrations() -> list[tuple[int, str, str]]:
    """Returns (number, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append((int(number), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(found)


async def _connect(path: str, *, reader: bool) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    # A reader must never write; SQLite enforces it.
    pragmas = {"busy_timeout": "10000", "query_only": "ON"} if reader else WRITER_PRAGMAS
    for name, value in pragmas.items():
        await db.execute(f"PRAGMA {name}={value}")  # constants above, never user input
    return db


class SqliteStore:
    """Implements storage.contract.Store on one SQLite file."""

    def __init__(self, writer: aiosqlite.Connection, path: str, readers: int = READERS) -> None:
        self.path = path
        self._writer = writer
        self._lock = asyncio.Lock()
        self._idle: list[aiosqlite.Connection] = []
        self._open_readers: set[aiosqlite.Connection] = set()
        self._reader_slots = asyncio.Semaphore(readers)

    @classmethod
    async def open(cls, path: str | Path, *, upto: int | None = None) -> SqliteStore:
        """Opens (creating if needed) the database and brings its schema up to date.

        ``upto`` stops at an older migration; only tests of the upgrade path use it.
        """
        writer = await _connect(str(path), reader=False)
        store = cls(writer, str(path))
        try:
            await store._migrate(upto)
        except BaseException:
            await writer.close()
            raise
        return store

    async def close(self) -> None:
        for db in [*self._open_readers]:
            await db.close()
        self._open_readers.clear()
        self._idle.clear()
        await self._writer.close()

    async def _migrate(self, upto: int | None) -> None:
        db = self._writer
        await db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with db.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        for number, name, sql in migrations():
            if number in done or (upto is not None and number > upto):
                continue
            try:
                # The file and its record commit together, or not at all.
                await db.executescript(f"BEGIN IMMEDIATE;\n{sql}")
                await db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, datetime.now(UTC).isoformat()),
                )
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            log.debug("applied migration %04d_%s", number, name)

    async def schema_version(self) -> int:
        async with self._writer.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return int(row[0] or 0) if row else 0

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Writer]:
        async with self._lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Reader]:
        async with self._reader_slots:
            db = self._idle.pop() if self._idle else await self._new_reader()
            healthy = False
            try:
                # One read transaction: every query in the block sees the same committed state.
                await db.execute("BEGIN")
                try:
                    yield SqliteTransaction(db)
                finally:
                    await db.execute("ROLLBACK")  # a reader has nothing to commit
                healthy = True
            finally:
                if healthy:
                    self._idle.append(db)
                else:
                    self._open_readers.discard(db)
                    await db.close()

    async def _new_reader(self) -> aiosqlite.Connection:
        db = await _connect(self.path, reader=True)
        self._open_readers.add(db)
        return db
