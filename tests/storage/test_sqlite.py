"""The SQLite backend's own promises: migrations, what lies on disk, readers that cannot write."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest

from conversations.template import load_template
from storage import hash_token
from storage.contract import StoreUnavailable
from storage.records import Actor, ActorRole
from storage.sqlite import SqliteStore, migrations
from storage.sqlite.store import is_unavailable

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    store = await SqliteStore.open(tmp_path / "t.db")
    yield store
    await store.close()


async def test_fresh_database_has_every_migration(store):
    assert await store.schema_version() == migrations()[-1][0]


async def test_upgrade_from_the_first_schema_keeps_data(tmp_path):
    path = tmp_path / "old.db"
    old = await SqliteStore.open(path, upto=1)
    assert await old.schema_version() == 1
    await old.close()
    with sqlite3.connect(path) as db:  # a round as the first version stored it
        db.execute(
            "INSERT INTO rounds (name, template_json, deadline, created_at) VALUES (?, ?, ?, ?)",
            ("Oude ronde", load_template("ivp").model_dump_json(), "2027-01-31", NOW.isoformat()),
        )
    upgraded = await SqliteStore.open(path)
    try:
        assert await upgraded.schema_version() == migrations()[-1][0]
        async with upgraded.read() as tx:
            (round_,) = await tx.list_rounds()
        assert round_.name == "Oude ronde" and round_.reminders_enabled
    finally:
        await upgraded.close()
    with sqlite3.connect(path) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
    assert versions == [number for number, _, _ in migrations()]


async def test_invite_token_is_stored_only_hashed(store, tmp_path):
    async with store.write() as tx:
        round_ = await tx.create_round("R", load_template("ivp"), None, NOW)
        _, token = await tx.create_invite(round_.id, "Alice", ["jeugd"], NOW)
    raw = (tmp_path / "t.db").read_bytes() + (tmp_path / "t.db-wal").read_bytes()
    assert token.encode() not in raw and hash_token(token).encode() in raw


async def test_a_reader_connection_refuses_to_write(store):
    async with store.read() as tx:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await tx.set_meta("x", "y")  # type: ignore[attr-defined]  # not on Reader
    async with store.read() as tx:  # the connection is still good for reading
        assert await tx.get_meta("x") is None


async def test_a_second_process_sees_what_was_committed(store, tmp_path):
    async with store.write() as tx:
        await tx.create_round("Gedeeld", load_template("ivp"), None, NOW)
    other = await SqliteStore.open(tmp_path / "t.db")
    try:
        async with other.read() as tx:
            assert [r.name for r in await tx.list_rounds()] == ["Gedeeld"]
    finally:
        await other.close()


async def test_a_full_disk_is_store_unavailable_and_keeps_what_was_committed(tmp_path):
    store = await SqliteStore.open(tmp_path / "full.db")
    async with store.write() as tx:
        round_ = await tx.create_round("Vol", load_template("ivp"), None, NOW)
    size = (tmp_path / "full.db").stat().st_size // 4096 + 8
    await store.close()
    # A page limit just above what is there: the next big write finds the "disk" full.
    store = await SqliteStore.open(tmp_path / "full.db", pragmas={"max_page_count": str(size)})
    try:
        with pytest.raises(StoreUnavailable):
            async with store.write() as tx:
                for i in range(500):
                    await tx.set_meta(f"k{i}", "x" * 2000)
        async with store.read() as tx:
            assert [r.id for r in await tx.list_rounds()] == [round_.id]
            assert await tx.get_meta("k0") is None
        async with store.write() as tx:  # a small write still fits
            await tx.set_meta("small", "ok")
    finally:
        await store.close()


async def test_blocks_that_arrive_together_share_a_commit_and_fail_alone(store):
    async with store.write() as tx:
        round_ = await tx.create_round("R", load_template("ivp"), None, NOW)

    async def block(i: int) -> None:
        async with store.write() as tx:
            await tx.set_meta(f"k{i}", str(i))
            if i == 7:
                raise ValueError("this block fails")

    results = await asyncio.gather(*(block(i) for i in range(20)), return_exceptions=True)
    assert [i for i, r in enumerate(results) if r is not None] == [7]
    assert isinstance(results[7], ValueError)
    async with store.read() as tx:
        stored = [await tx.get_meta(f"k{i}") for i in range(20)]
        assert [r.id for r in await tx.list_rounds()] == [round_.id]
    assert stored == [None if i == 7 else str(i) for i in range(20)]


async def test_a_block_cancelled_while_another_process_holds_the_lock_leaves_the_store_usable(
    tmp_path,
):
    # Taking the lock waits in the writer's thread; the cancelled block must not let the next
    # one use the connection before that thread is done with it.
    path = tmp_path / "t.db"
    store = await SqliteStore.open(path, pragmas={"busy_timeout": "300"})
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the CLI, say, in the middle of a write

        async def waits_for_the_lock() -> None:
            async with store.write() as tx:
                await tx.set_meta("cancelled", "yes")

        waiting = asyncio.ensure_future(waits_for_the_lock())
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        with pytest.raises(StoreUnavailable):  # still held: "locked" is not a mistake
            async with store.write() as tx:
                await tx.set_meta("while held", "no")
        other.execute("COMMIT")
        async with store.write() as tx:
            await tx.set_meta("after", "yes")
        async with store.read() as tx:
            found = [await tx.get_meta(k) for k in ("cancelled", "while held", "after")]
        assert found == [None, None, "yes"]
    finally:
        other.close()
        await store.close()


async def test_a_purge_runs_its_statements_off_the_event_loop(tmp_path, monkeypatch):
    # Erasing a whole round may take a while: the event loop keeps answering meanwhile.
    seen: set[str] = set()
    recording = False

    def trace(sql: str) -> None:
        # The statements that change data are what take time; the lock's own
        # bookkeeping (PRAGMA, SAVEPOINT) is instant and may run on the loop.
        if recording and sql.lstrip().upper().startswith(("DELETE", "UPDATE", "INSERT")):
            seen.add(threading.current_thread().name)

    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)  # every connection the store opens
    store = await SqliteStore.open(tmp_path / "purge.db")
    try:
        async with store.write() as tx:
            round_ = await tx.create_round("R", load_template("ivp"), None, NOW)
            await tx.close_round(round_.id, NOW)
        recording = True
        purged = await store.purge(round_.id, NOW, Actor(ActorRole.COMMAND_LINE, name="ops"))
        recording = False
    finally:
        await store.close()
    assert purged.done
    assert seen and all(name.startswith("sqlite-writer") for name in seen)


def test_sqlite_errors_of_the_database_itself_are_told_apart_from_mistakes():
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    typo = sqlite3.OperationalError("no such table: nope")
    typo.sqlite_errorcode = sqlite3.SQLITE_ERROR
    assert is_unavailable(full) and not is_unavailable(typo)


async def test_a_backup_taken_during_writes_is_one_committed_moment(tmp_path):
    store = await SqliteStore.open(tmp_path / "live.db")
    try:
        async with store.write() as tx:
            round_ = await tx.create_round("R", load_template("ivp"), None, NOW)

        async def writes() -> None:
            for i in range(40):
                async with store.write() as tx:
                    await tx.create_invite(round_.id, f"Collega {i}", ["jeugd"], NOW)

        target = tmp_path / "copy.db"
        target.write_bytes(b"yesterday's copy")
        await asyncio.gather(writes(), store.backup(target))
        copy = await SqliteStore.open(target)
        try:
            async with copy.read() as tx:
                names = [i.name for i in await tx.invites(round_.id)]
        finally:
            await copy.close()
        assert names == [f"Collega {i}" for i in range(len(names))]  # a prefix, in order
        assert list(tmp_path.glob(".copy.db.*")) == []  # no half-written file left behind
    finally:
        await store.close()


async def test_a_backup_that_cannot_be_written_leaves_the_old_one(tmp_path):
    store = await SqliteStore.open(tmp_path / "live.db")
    try:
        with pytest.raises(OSError):
            await store.backup(tmp_path / "missing-folder" / "copy.db")
    finally:
        await store.close()


def _watch_the_writer(store, monkeypatch) -> tuple[list[str], list[int]]:
    """Records every statement run in the event loop's thread while the writer's thread works,
    and counts the works the thread started.

    One sqlite3 connection used by two threads at once can crash the process (it did, in CI:
    a segmentation fault), so the statements must stay none.
    """
    writer = store._writer
    busy = threading.Event()
    overlaps: list[str] = []
    started: list[int] = []
    blocking = writer.blocking

    async def watched_blocking(work):
        def marked():
            started.append(len(started))
            busy.set()
            try:
                time.sleep(0.05)  # long enough for the event loop to try something meanwhile
                return work()
            finally:
                busy.clear()

        return await blocking(marked)

    monkeypatch.setattr(writer, "blocking", watched_blocking)
    for name in ("all", "run", "many", "insert"):
        direct = getattr(writer.direct, name)

        async def watched(sql, params, direct=direct):
            if busy.is_set():
                overlaps.append(sql)
            return await direct(sql, params)

        monkeypatch.setattr(writer.direct, name, watched)
    now = writer.now

    def watched_now(sql, params=()):
        if busy.is_set():
            overlaps.append(sql)
        now(sql, params)

    monkeypatch.setattr(writer, "now", watched_now)
    return overlaps, started


async def test_closing_the_store_waits_for_the_block_that_is_writing(tmp_path, monkeypatch):
    store = await SqliteStore.open(tmp_path / "t.db")
    overlaps, _ = _watch_the_writer(store, monkeypatch)

    async def keeps_writing() -> None:
        with contextlib.suppress(Exception):  # the store closes under it: that may fail
            for i in range(50):
                async with store.write() as tx:
                    for part in range(5):
                        await tx.set_meta(f"k{i}.{part}", "v")
                await asyncio.sleep(0)

    writing = asyncio.ensure_future(keeps_writing())
    await asyncio.sleep(0.12)
    await store.close()
    await writing
    assert overlaps == []


async def test_a_block_cancelled_during_its_commit_keeps_the_next_block_waiting(
    tmp_path, monkeypatch
):
    store = await SqliteStore.open(tmp_path / "t.db")
    overlaps, started = _watch_the_writer(store, monkeypatch)
    try:

        async def writes(key: str) -> None:
            async with store.write() as tx:
                await tx.set_meta(key, "yes")

        first = asyncio.ensure_future(writes("first"))
        # Its BEGIN IMMEDIATE, then its COMMIT, in the thread (counted there, not on the loop).
        while len(started) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        await writes("second")
        assert overlaps == []
        async with store.read() as tx:
            assert await tx.get_meta("second") == "yes"
    finally:
        await store.close()
