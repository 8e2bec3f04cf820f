"""The store on its own: migrations, invites, answers with history, transactions."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from conversations.template import load_template
from storage.store import Store, hash_token, migrations

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    store = await Store.open(tmp_path / "t.db")
    yield store
    await store.close()


async def make_participant(store: Store, themes=("jeugd",)) -> int:
    async with store.write() as tx:
        round_ = await tx.create_round("R", load_template("ivp"), date(2027, 1, 31), NOW)
        invite, _ = await tx.create_invite(round_.id, "Alice", themes, NOW)
        await tx.mark_invite_used(invite.id, 1001, NOW)
        return await tx.create_participant(invite, 1001, 1001, "nl", "asking", NOW)


async def test_fresh_database_has_every_migration(store):
    assert await store.schema_version() == migrations()[-1][0]


async def test_upgrade_from_the_first_schema_keeps_data(tmp_path):
    path = tmp_path / "old.db"
    old = await Store.open(path, upto=1)
    assert await old.schema_version() == 1
    await old._db.execute(
        "INSERT INTO rounds (name, template_json, deadline, created_at) VALUES (?, ?, ?, ?)",
        ("Oude ronde", load_template("ivp").model_dump_json(), "2027-01-31", NOW.isoformat()),
    )
    await old.close()
    upgraded = await Store.open(path)
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
        assert (await tx.invite_by_token(token)).name == "Alice"
        assert await tx.invite_by_token(token + "x") is None
    assert len(token) >= 22
    raw = (tmp_path / "t.db").read_bytes() + (tmp_path / "t.db-wal").read_bytes()
    assert token.encode() not in raw and hash_token(token).encode() in raw


async def test_answers_keep_every_version_and_map_messages(store):
    pid = await make_participant(store)
    async with store.write() as tx:
        await tx.save_answer(
            pid, "jeugd", "inhoud", ("een",), "answer", NOW, chat_id=1, message_id=10
        )
        await tx.save_answer(
            pid, "jeugd", "inhoud", ("een", "twee"), "append", NOW, chat_id=1, message_id=11, part=1
        )
        assert await tx.answer_for_message(1, 11) == (pid, "jeugd", "inhoud", 1)
        await tx.save_answer(
            pid, "jeugd", "inhoud", ("nieuw",), "answer", NOW, chat_id=1, message_id=12
        )
        # A fresh answer replaces the parts: editing the old messages no longer applies.
        assert await tx.answer_for_message(1, 10) is None
        (answer,) = await tx.answers_of(pid)
        history = await tx.answer_history(pid, "jeugd", "inhoud")
    assert answer.text == "nieuw" and answer.versions == 3
    assert [h[0] for h in history] == ["een", "een\ntwee", "nieuw"]


async def test_a_failed_write_rolls_back_entirely(store):
    pid = await make_participant(store)
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.save_answer(pid, "jeugd", "inhoud", ("half",), "answer", NOW)
            raise RuntimeError("crash half-way")
    async with store.read() as tx:
        assert await tx.answers_of(pid) == []


async def test_concurrent_writes_do_not_interleave(store):
    pid = await make_participant(store)

    async def answer(i: int) -> None:
        async with store.write() as tx:
            await tx.save_answer(pid, "jeugd", f"q{i}", (str(i),), "answer", NOW)
            await asyncio.sleep(0)  # give another coroutine the chance to barge in
            await tx.set_position(pid, "asking", ("jeugd", f"q{i}"), NOW)

    await asyncio.gather(*(answer(i) for i in range(20)))
    async with store.read() as tx:
        assert len(await tx.answers_of(pid)) == 20


async def test_update_ids_are_claimed_once_but_a_reused_id_is_a_new_update(store):
    async with store.write() as tx:
        assert await tx.claim_update(5, "m:1:10:0", NOW)
        assert not await tx.claim_update(5, "m:1:10:0", NOW)  # a redelivery
        # Telegram picks ids at random after a quiet week: same id, another message.
        assert await tx.claim_update(5, "m:1:99:0", NOW)
        # The same id and message long after Telegram could redeliver it: new again.
        assert await tx.claim_update(5, "m:1:99:0", NOW + timedelta(days=3))
