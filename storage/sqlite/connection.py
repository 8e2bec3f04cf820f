"""How statements reach SQLite: through a thread, or straight away inside a held write.

aiosqlite runs every statement in a thread of its own and hands the result back to the event
loop: two thread switches and a wake-up of the loop per statement. Profiled under 100
colleagues at once (docs/benchmarks.md), those hops cost about half the CPU of an answer: one
answer is some twenty statements. Most of them need no thread. Inside a write transaction that
holds SQLite's write lock (``BEGIN IMMEDIATE``, WAL mode), a statement never waits for a lock
nor for the disk's fsync: it reads and writes pages in memory, in microseconds. What can wait
is taking the lock (another process may hold it: ``busy_timeout``), the commit (the fsync), a
checkpoint and a migration. So the writer runs those in its own thread and everything else
directly (:class:`Direct`). Readers keep aiosqlite (:class:`Threaded`): a read may be an
overview of 20,000 answers, and it must not hold up the event loop.

One rule keeps the writer's connection safe: it is used by one party at a time. The store's
write lock serialises the coroutines; :meth:`WriterConnection.blocking` never lets a
cancelled caller go before the thread has finished with the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

import aiosqlite

Row = sqlite3.Row
T = TypeVar("T")


class Link(Protocol):
    """Runs one statement; the query modules know nothing else of the connection."""

    async def all(self, sql: str, params: tuple[object, ...]) -> Sequence[Row]: ...

    async def run(self, sql: str, params: tuple[object, ...]) -> None: ...

    async def many(self, sql: str, rows: list[tuple[object, ...]]) -> None: ...

    async def insert(self, sql: str, params: tuple[object, ...]) -> int: ...


class Threaded:
    """Statements on an aiosqlite connection: each in its thread, one hop per statement."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def all(self, sql: str, params: tuple[object, ...]) -> Sequence[Row]:
        # execute_fetchall: one hop where execute, fetch and close would cost three.
        return list(await self.db.execute_fetchall(sql, params))

    async def run(self, sql: str, params: tuple[object, ...]) -> None:
        await self.db.execute(sql, params)

    async def many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        await self.db.executemany(sql, rows)

    async def insert(self, sql: str, params: tuple[object, ...]) -> int:
        row = await self.db.execute_insert(sql, params)
        return int(row[0]) if row else 0


class Direct:
    """Statements run at once on the writer's connection: only inside a held write lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def all(self, sql: str, params: tuple[object, ...]) -> Sequence[Row]:
        return self.conn.execute(sql, params).fetchall()

    async def run(self, sql: str, params: tuple[object, ...]) -> None:
        self.conn.execute(sql, params)

    async def many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        self.conn.executemany(sql, rows)

    async def insert(self, sql: str, params: tuple[object, ...]) -> int:
        return int(self.conn.execute(sql, params).lastrowid or 0)


class InThread:
    """Statements on the writer's connection, each in the writer's thread.

    For a write that may touch many thousands of rows (a purge): it holds the write lock as
    long as ever, but the event loop answers colleagues meanwhile.
    """

    def __init__(self, writer: WriterConnection) -> None:
        self.writer = writer

    async def all(self, sql: str, params: tuple[object, ...]) -> Sequence[Row]:
        conn = self.writer.conn
        return await self.writer.blocking(lambda: conn.execute(sql, params).fetchall())

    async def run(self, sql: str, params: tuple[object, ...]) -> None:
        conn = self.writer.conn
        await self.writer.blocking(lambda: conn.execute(sql, params))

    async def many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        conn = self.writer.conn
        await self.writer.blocking(lambda: conn.executemany(sql, rows))

    async def insert(self, sql: str, params: tuple[object, ...]) -> int:
        conn = self.writer.conn
        return await self.writer.blocking(lambda: int(conn.execute(sql, params).lastrowid or 0))


class WriterConnection:
    """The one writing connection: plain sqlite3, plus a thread for what may wait."""

    def __init__(self, conn: sqlite3.Connection, thread: ThreadPoolExecutor) -> None:
        self.conn = conn
        self._thread = thread
        self.direct = Direct(conn)
        self.in_thread = InThread(self)

    @classmethod
    async def open(cls, path: str, pragmas: dict[str, str]) -> WriterConnection:
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

        def connect() -> sqlite3.Connection:
            # check_same_thread off: the event loop's thread and the writer's thread take
            # turns (never at once, see the module's docstring).
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            try:
                for name, value in pragmas.items():
                    conn.execute(f"PRAGMA {name}={value}")  # constants of ours, never user input
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            conn = await asyncio.get_running_loop().run_in_executor(thread, connect)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        return cls(conn, thread)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    async def blocking(self, work: Callable[[], T]) -> T:
        """Runs ``work`` (which may wait: lock, fsync, checkpoint) in the writer's thread.

        A caller cancelled meanwhile still waits for the thread to finish before it lets go
        of the write lock: the next block must not use the connection while the thread does.
        """
        done = asyncio.get_running_loop().run_in_executor(self._thread, work)
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            while not done.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([done])
            if not done.cancelled():
                done.exception()  # seen: the block it belonged to is gone, its outcome too
            raise

    async def execute(self, sql: str) -> None:
        """A statement that may wait (BEGIN IMMEDIATE, COMMIT, a checkpoint), in the thread."""
        await self.blocking(lambda: self.conn.execute(sql))

    async def fetch_one(self, sql: str) -> Row | None:
        row: Row | None = await self.blocking(lambda: self.conn.execute(sql).fetchone())
        return row

    async def script(self, sql: str) -> None:
        await self.blocking(lambda: self.conn.executescript(sql))

    def now(self, sql: str, params: Iterable[object] = ()) -> None:
        """A statement that cannot wait (ROLLBACK, SAVEPOINT), run straight away."""
        self.conn.execute(sql, tuple(params))

    async def close(self) -> None:
        try:
            await self.blocking(self.conn.close)
        finally:
            self._thread.shutdown(wait=True)
