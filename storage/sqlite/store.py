"""The SQLite store: one writer connection, a few reader connections, numbered migrations.

Writes run inside ``async with store.write() as tx:``. A lock (storage.sqlite.gate: it lets a
queue of blocks through in one turn of the loop) keeps coroutines (handlers and jobs on one
event loop) from interleaving inside a transaction, and
``BEGIN IMMEDIATE`` takes SQLite's write lock up front, so a second process (the CLI, or a
second bot) waits instead of failing half-way. Blocks that arrive together share one commit
(group commit): fewer fsyncs, the same durability, since a block returns only after the commit
that holds it.

Statements inside a held write run straight away on the event loop; taking the lock, the
commit, checkpoints and migrations run in the writer's thread (storage.sqlite.connection says
why).

Reads run on connections of their own. In WAL mode a reader sees the last committed state and
never waits for the writer (nor the writer for it), so progress, overviews and reminders'
listings go on while answers are being committed.

Erased data must leave the files, not only the tables: the writer runs with
``secure_delete``, so SQLite overwrites deleted content with zeros as it deletes it (in the
page and in freed pages), and :meth:`SqliteStore.scrub` checkpoints the write-ahead log into
the main file and truncates it, so no older copy of a page survives in the WAL either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite
from msgspec.structs import replace

from storage.contract import Reader, StoreUnavailable, Writer
from storage.records import Actor, AuditAction, Purge
from storage.sqlite.backup import copy_database
from storage.sqlite.connection import Threaded, WriterConnection
from storage.sqlite.gate import Gate
from storage.sqlite.transaction import SqliteTransaction

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "storage.sqlite.migrations"
READERS = 4  # reader connections at most; more concurrent reads wait for a free one
# A group commit closes after this many blocks or seconds, even while more are waiting.
MAX_BATCH = 128
MAX_BATCH_SECONDS = 0.025

# SQLite result codes that mean "the database cannot do it now", not "the SQL is wrong".
_UNAVAILABLE = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PROTOCOL,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_CORRUPT,
}

# How the writer connection is set up. FULL: an answer the bot confirmed must survive a power
# cut, not only a kill -9 (WAL makes that one fsync per commit). secure_delete: what is
# deleted (a withdrawal, a purge, a handled update's content) is overwritten, not left in
# free space; it costs a write of the freed pages, only when something is deleted.
WRITER_PRAGMAS = {
    "busy_timeout": "10000",
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "synchronous": "FULL",
    "secure_delete": "ON",
}
# A scrub waits this long (ms) per try for readers to let go of the WAL, and tries this often:
# it holds the write lock meanwhile, so it never waits long.
SCRUB_WAIT_MS = 1500
SCRUB_TRIES = 3


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    """A failure of the database itself (not of the SQL) becomes StoreUnavailable."""
    try:
        yield
    except sqlite3.Error as exc:
        if is_unavailable(exc):
            raise StoreUnavailable(str(exc)) from exc
        raise


def migrations() -> list[tuple[int, str, str]]:
    """Returns (number, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append((int(number), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(found)


def is_unavailable(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error means "the database cannot do it now" (disk full, I/O, locked),
    as opposed to a mistake in the SQL."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _UNAVAILABLE


async def _connect_reader(path: str) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    # A reader must never write; SQLite enforces it.
    for name, value in {"busy_timeout": "10000", "query_only": "ON"}.items():
        await db.execute(f"PRAGMA {name}={value}")  # constants of ours, never user input
    return db


class SqliteStore:
    """Implements storage.contract.Store on one SQLite file."""

    def __init__(self, writer: WriterConnection, path: str, readers: int = READERS) -> None:
        self.path = path
        self._writer = writer
        self._lock = Gate()
        self._queued = 0  # write blocks waiting for the lock
        self._batch: list[asyncio.Future[None]] = []  # finished blocks of the open transaction
        self._batch_started = 0.0
        self._background: set[asyncio.Future[None]] = set()
        self._idle: list[aiosqlite.Connection] = []
        self._open_readers: set[aiosqlite.Connection] = set()
        self._reader_slots = asyncio.Semaphore(readers)

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        upto: int | None = None,
        pragmas: Mapping[str, str] | None = None,
    ) -> SqliteStore:
        """Opens (creating if needed) the database and brings its schema up to date.

        ``upto`` stops at an older migration (tests of the upgrade path); ``pragmas`` are set
        on the writer after the usual ones (tuning, or a size limit in a test).
        """
        writer = await WriterConnection.open(str(path), {**WRITER_PRAGMAS, **(pragmas or {})})
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
        # Under the write lock: a block still writing runs its statements on this connection
        # in the event loop's thread, and closing it meanwhile in the writer's thread crashed
        # the process (a segmentation fault, seen in CI when a test closed the store under a
        # running reminder).
        async with self._lock:
            await self._writer.close()

    async def _migrate(self, upto: int | None) -> None:
        db = self._writer
        conn = db.conn

        def done_before() -> set[int]:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            return {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}

        def apply(number: int, name: str, sql: str) -> None:
            # The file and its record commit together, or not at all.
            try:
                conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, datetime.now(UTC).isoformat()),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        done = await db.blocking(done_before)
        for number, name, sql in migrations():
            if number in done or (upto is not None and number > upto):
                continue
            await db.blocking(lambda: apply(number, name, sql))  # noqa: B023  # awaited here
            log.debug("applied migration %04d_%s", number, name)

    async def schema_version(self) -> int:
        async with self._lock:
            row = self._writer.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0

    async def backup(self, target: str | Path) -> None:
        # In a thread of its own: a large database takes a while, the event loop goes on.
        await asyncio.to_thread(copy_database, self.path, target)

    def write(self) -> contextlib.AbstractAsyncContextManager[Writer]:
        return self._write(in_thread=False)

    @asynccontextmanager
    async def _write(self, *, in_thread: bool) -> AsyncIterator[Writer]:
        # Group commit: blocks that queue up while a transaction is open join it (each under
        # a savepoint, so a failing block undoes only itself); the last block of a burst
        # commits for all of them, and every block returns only once that commit is durable.
        # Under load that is one fsync for many answers; alone, a block commits at once.
        # ``in_thread``: each statement in the writer's thread, for a write of many thousand
        # rows (a purge) that must not hold up the event loop.
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[None] = loop.create_future()
        self._queued += 1
        entered = False
        try:
            async with self._lock:
                entered = True
                self._queued -= 1
                db = self._writer
                alone = not self._batch
                try:
                    if alone:
                        if db.in_transaction:
                            # Left open by a block cancelled while it began: nothing of it
                            # was ever handed back as committed.
                            db.now("ROLLBACK")
                        with _guarded():
                            await db.execute("BEGIN IMMEDIATE")  # may wait for another process
                        self._batch_started = loop.time()
                    else:
                        with _guarded():
                            db.now("SAVEPOINT block")
                except BaseException:
                    await self._abandon_batch()
                    raise
                try:
                    yield SqliteTransaction(db.in_thread if in_thread else db.direct)
                except sqlite3.Error as exc:
                    await self._undo_block(alone)
                    if is_unavailable(exc):
                        raise StoreUnavailable(str(exc)) from exc
                    raise
                except BaseException:
                    await self._undo_block(alone)
                    raise
                else:
                    if not alone:
                        with _guarded():
                            db.now("RELEASE block")
                    self._batch.append(committed)
                finally:
                    if self._batch and self._commit_now(loop):
                        await self._commit()
        finally:
            if not entered:
                self._queued -= 1
                if self._queued == 0 and self._batch:
                    # The block that would have committed was cancelled while waiting.
                    task = asyncio.ensure_future(self._commit_when_free())
                    self._background.add(task)
                    task.add_done_callback(self._background.discard)
        await committed

    def _commit_now(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether the open transaction commits now: nobody is waiting to join it, or it is
        big or old enough that waiting longer would delay the replies behind it."""
        if self._queued == 0 or len(self._batch) >= MAX_BATCH:
            return True
        return loop.time() - self._batch_started >= MAX_BATCH_SECONDS

    async def _undo_block(self, alone: bool) -> None:
        db = self._writer
        if not db.in_transaction:
            # SQLite rolled the transaction back itself (it does on some I/O errors and on a
            # full disk): the blocks before this one in the batch are lost too.
            await self._abandon_batch()
            return
        try:
            if alone:
                db.now("ROLLBACK")
            else:
                db.now("ROLLBACK TO block")
                db.now("RELEASE block")
        except sqlite3.Error:
            log.warning("could not undo a failed write block; the whole batch is lost")
            await self._abandon_batch()

    async def _commit(self) -> None:
        # Shielded: the blocks of the batch wait for its outcome whatever happens to the task
        # that happens to commit for them (a cancelled one must not leave them hanging). And
        # a cancelled one waits for the commit to end before it goes: it holds the write lock,
        # and the next block must not touch the connection while the writer's thread commits.
        batch, self._batch = self._batch, []
        done = asyncio.ensure_future(self._commit_batch(batch))
        try:
            await asyncio.shield(done)
        except asyncio.CancelledError:
            while not done.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([done])
            raise

    async def _commit_batch(self, batch: list[asyncio.Future[None]]) -> None:
        try:
            with _guarded():
                await self._writer.execute("COMMIT")  # the fsync: in the writer's thread
        except Exception as exc:  # nothing of the batch is stored: each of its blocks hears so
            with contextlib.suppress(sqlite3.Error):
                if self._writer.in_transaction:
                    self._writer.now("ROLLBACK")
            for waiting in batch:
                if not waiting.done():
                    waiting.set_exception(
                        exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(str(exc))
                    )
            return
        for waiting in batch:
            if not waiting.done():
                waiting.set_result(None)

    async def _abandon_batch(self) -> None:
        """Rolls back whatever is open and fails every block that waited for its commit."""
        with contextlib.suppress(sqlite3.Error):
            if self._writer.in_transaction:
                self._writer.now("ROLLBACK")
        batch, self._batch = self._batch, []
        for waiting in batch:
            if not waiting.done():
                waiting.set_exception(StoreUnavailable("the write transaction was lost"))

    async def _commit_when_free(self) -> None:
        async with self._lock:
            if self._batch:
                await self._commit()

    async def scrub(self) -> bool:
        # Under the write lock, outside any transaction: a checkpoint cannot run inside one.
        # TRUNCATE waits for readers (of any process) to leave the WAL, copies every page
        # into the main file and empties the WAL, so older versions of an erased page are in
        # neither. VACUUM would rewrite the whole file for every purge and, in WAL mode, still
        # leave the copies in the WAL until a checkpoint.
        db = self._writer
        async with self._lock:
            if self._batch:
                await self._commit()
            if db.in_transaction:
                db.now("ROLLBACK")  # left open by a block cancelled while it began
            with _guarded():
                db.now(f"PRAGMA busy_timeout={SCRUB_WAIT_MS:d}")
            try:
                for attempt in range(SCRUB_TRIES):
                    row = await db.fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")
                    if row is not None and row[0] == 0:
                        return True
                    await asyncio.sleep(0.05 * (attempt + 1))
            finally:
                db.now(f"PRAGMA busy_timeout={WRITER_PRAGMAS['busy_timeout']}")
        log.warning("could not empty the write-ahead log now: a reader held on to it")
        return False

    async def purge(self, round_id: int, now: datetime, actor: Actor) -> Purge:
        # Every answer of a round, overwritten (secure_delete): in the thread, off the loop.
        async with self._write(in_thread=True) as tx:
            purged = await tx.purge_round(round_id, now)
            if purged.done:
                erased = {
                    "colleagues": purged.colleagues,
                    "invites": purged.invites,
                    "answers": purged.answers,
                }
                await tx.record_action(round_id, AuditAction.PURGE, actor, now, detail=erased)
        if not purged.done:
            return purged
        return replace(purged, scrubbed=await self.scrub())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Reader]:
        async with self._reader_slots:
            db = self._idle.pop() if self._idle else await self._new_reader()
            healthy = False
            try:
                # One read transaction: every query in the block sees the same committed state.
                await db.execute("BEGIN")
                try:
                    yield SqliteTransaction(Threaded(db))
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
        db = await _connect_reader(self.path)
        self._open_readers.add(db)
        return db
