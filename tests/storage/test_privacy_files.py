"""What an erasure leaves on disk in SQLite: nothing of it, in the file or in its WAL, also
while another process (the bot) has the database open; and every table is accounted for."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conversations.engine import AnswerSource, Mode
from conversations.template import load_template
from storage.records import Actor, ActorRole
from storage.sqlite import SqliteStore
from storage.sqlite import store as sqlite_store
from storage.sqlite.privacy import INVENTORY
from tests.auxil.database import stored_text

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SECRET = "Zeer-geheime-inbreng-over-de-haven"
NAME = "Alice van Oordt"


def on_disk(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def a_round_with_input(store: SqliteStore) -> tuple[int, int]:
    """A round where Alice answered (three versions, a long one too) and Bram did."""
    async with store.write() as tx:
        round_ = await tx.create_round("R", load_template("ivp"), None, NOW)
        people = []
        for user_id, name in ((1001, NAME), (1002, "Bram")):
            invite, _ = await tx.create_invite(round_.id, name, ["jeugd"], NOW)
            await tx.mark_invite_used(invite.id, user_id, NOW)
            people.append(
                await tx.create_participant(invite, user_id, user_id, "nl", Mode.ASKING, NOW)
            )
        alice, bram = people
        for version, text in enumerate((SECRET, SECRET + " (2)", SECRET * 200)):
            await tx.save_answer(
                alice.id,
                "jeugd",
                "inhoud",
                (text,),
                AnswerSource.EDIT if version else AnswerSource.ANSWER,
                NOW,
                chat_id=1001,
                message_id=10,
            )
        await tx.save_answer(
            bram.id, "jeugd", "inhoud", ("Bram zegt iets",), AnswerSource.ANSWER, NOW
        )
    return round_.id, alice.id


async def test_every_table_says_what_of_a_person_it_holds(tmp_path):
    # A table the purge does not know is a table it cannot erase: add it to INVENTORY (and
    # to the README's table for the privacy officer), saying what it holds and what a purge
    # and a withdrawal do with it.
    store = await SqliteStore.open(tmp_path / "t.db")
    await store.close()
    with sqlite3.connect(tmp_path / "t.db") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == set(INVENTORY)
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    for table, holds in INVENTORY.items():
        if holds:
            assert f"`{table}`" in readme, table


async def test_a_purge_leaves_nothing_in_the_file_or_the_wal_while_another_process_reads(
    tmp_path,
):
    path = tmp_path / "t.db"
    bot = await SqliteStore.open(path)  # the running bot: a writer and a pool of readers
    cli = await SqliteStore.open(path)  # the command line, another connection to the file
    try:
        round_id, _ = await a_round_with_input(bot)
        async with bot.read() as tx:  # the bot's reader pool has a connection open
            assert (await tx.snapshot(round_id)).answers
        assert SECRET.encode() in on_disk(path)
        async with cli.write() as tx:
            await tx.close_round(round_id, NOW)
        purged = await cli.purge(round_id, NOW, Actor(ActorRole.COMMAND_LINE, name="ops"))
        assert purged.done and purged.scrubbed
        raw = on_disk(path)
        assert SECRET.encode() not in raw and NAME.encode() not in raw
        assert b"Bram zegt iets" not in raw
        # The bot goes on writing: nothing erased comes back.
        async with bot.write() as tx:
            await tx.set_meta("after", "purge")
        assert SECRET.encode() not in on_disk(path)
        assert SECRET not in stored_text(path) and NAME not in stored_text(path)
    finally:
        await cli.close()
        await bot.close()
    assert SECRET.encode() not in path.read_bytes()


async def test_a_withdrawal_and_a_scrub_leave_nothing_of_the_answers_on_disk(tmp_path):
    path = tmp_path / "t.db"
    store = await SqliteStore.open(path)
    try:
        _, alice = await a_round_with_input(store)
        async with store.write() as tx:
            await tx.withdraw_participant(alice, NOW)
        assert await store.scrub()
        assert SECRET.encode() not in on_disk(path)
        assert b"Bram zegt iets" in on_disk(path)  # someone else's input stays
    finally:
        await store.close()


async def test_a_reader_holding_the_wal_makes_a_scrub_report_it_and_a_later_one_finish(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sqlite_store, "SCRUB_WAIT_MS", 50)
    path = tmp_path / "t.db"
    store = await SqliteStore.open(path)
    try:
        _, alice = await a_round_with_input(store)
        async with store.write() as tx:
            await tx.withdraw_participant(alice, NOW)
        reader = sqlite3.connect(path)  # another process in the middle of a long read
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM answers").fetchone()
        try:
            assert not await store.scrub()
        finally:
            reader.rollback()
            reader.close()
        assert await store.scrub()
        assert SECRET.encode() not in on_disk(path)
    finally:
        await store.close()
