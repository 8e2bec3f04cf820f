"""A commit that fails (disk full, I/O error, locked): the update stays unhandled and is tried
again, the colleague hears "not saved yet" once, it is logged, and once the store takes writes
again the update is handled as if nothing happened: stored once, answered once."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.polling import poll
from storage.contract import StoreUnavailable
from tests.auxil.data import SMALL
from tests.auxil.database import saved_versions
from tests.auxil.failing_store import FailingStore
from tests.auxil.harness import Harness
from tests.auxil.waiting import Sleeps, quick

# Writes that go through: the inbox taking updates, the postman noting what it sent.
SPARED = ("receive_updates", "messages_sent")
NOT_SAVED = "Je bericht is nog niet bewaard"
QUESTION_2 = "Thema 1/2 · Aanpak ondermijning — vraag 2/3"


@pytest.fixture
async def bot(tmp_path):
    """The whole bot on a store that fails on demand."""
    harness = Harness(tmp_path)
    harness.wrap_store = FailingStore
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def alice(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning', 'jeugd'])}")
    return alice


def texts(user) -> list[str]:
    return [m.shown for m in user.new_replies]


async def test_a_failed_commit_is_tried_again_and_told_once(bot, alice, caplog):
    store: FailingStore = bot.store
    sleeps = quick(bot, then=lambda waits: store.heal() if len(waits) == 3 else None)
    store.fail(sparing=SPARED)  # the inbox takes the update; the handler's commit fails
    bot.tg.api.fail_server_error(times=1, methods=["sendMessage"])  # and the notice hiccups
    caplog.set_level(logging.INFO)
    await alice.send("Geldstromen")

    (told, question) = texts(alice)
    assert NOT_SAVED in told and QUESTION_2 in question
    assert sleeps.waits == [1.0, 2.0, 5.0]  # the chat waits longer after each failure
    assert store.failures == 3
    assert saved_versions(bot.db_path) == [(1001, "ondermijning", "inhoud", "Geldstromen")]
    warnings = [r.getMessage() for r in caplog.records if "not saved yet" in r.getMessage()]
    assert len(warnings) == 3 and all("(user 1001, chat 1001)" in w for w in warnings)
    assert "Geldstromen" not in caplog.text
    assert all(isinstance(e, StoreUnavailable) for e in bot.errors)
    bot.errors.clear()

    await alice.send("Politie")  # and on she goes, nothing doubled
    assert [m.shown.count("vraag 3/3") for m in alice.new_replies] == [1]


async def test_an_update_whose_claim_cannot_be_committed_is_tried_again(bot, alice):
    """/help writes nothing itself; the pipeline's claim of it is the commit that fails."""
    store: FailingStore = bot.store
    quick(bot, then=lambda waits: store.heal())
    store.fail(sparing=SPARED)
    await alice.send("/help")
    assert len(alice.new_replies) == 1 and "/skip" in alice.last_reply
    assert store.failures == 1 and not bot.errors


async def test_a_batch_the_inbox_cannot_take_is_not_confirmed_and_comes_again(bot, alice, caplog):
    api, store = bot.tg.api, bot.store
    bram = bot.user(1002, "Bram")
    pushed = [
        api.push_update({"message": api.user_message(alice.user, alice.chat, "Geldstromen")}),
        api.push_update({"message": api.user_message(alice.user, alice.chat, "Politie")}),
        api.push_update({"message": api.user_message(bram.user, bram.chat, "hallo")}),
    ]
    seen_at_outage: list[bool] = []

    def heal_after_two(waits: list[float]) -> None:
        seen_at_outage.append(any(api.confirmed(u) for u in pushed))
        if len(waits) == 2:
            store.heal()

    store.fail()
    caplog.set_level(logging.INFO)
    stop = asyncio.Event()
    pipeline = bot.services.pipeline
    task = asyncio.ensure_future(
        poll(bot.app, pipeline, stop, hold=0, sleep=Sleeps(heal_after_two))
    )
    for _ in range(500):
        if all(api.confirmed(u) for u in pushed):
            break
        await asyncio.sleep(0.01)
    await pipeline.settled()
    stop.set()
    await asyncio.wait_for(task, 5)

    assert seen_at_outage == [False, False]  # Telegram kept the batch while the store was down
    offsets = [c.get("offset") for c in api.calls_to("getUpdates")]
    assert offsets[:3] == [None, None, None] and offsets[3] == pushed[-1] + 1
    _welcome, told, first, second = (m.shown for m in alice.replies)
    assert NOT_SAVED in told and "vraag 2/3" in first and "vraag 3/3" in second
    assert [NOT_SAVED in m.shown for m in bram.replies] == [True, False]  # told once; a refusal
    assert saved_versions(bot.db_path) == [
        (1001, "ondermijning", "inhoud", "Geldstromen"),
        (1001, "ondermijning", "partners", "Politie"),
    ]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        f"cannot store 3 updates (database or disk is full); trying again in {n} s" for n in (1, 2)
    ]
