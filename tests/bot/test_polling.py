"""Polling writes every batch into the inbox before confirming it; the pipeline handles it."""

from __future__ import annotations

import asyncio

from bot.polling import poll
from tests.auxil.data import SMALL


async def stored(bot, user_id: int) -> list[str]:
    async with bot.store.read() as tx:
        participant = await tx.active_participant(user_id)
        return [a.text for a in await tx.answers_of(participant.id)]


async def test_a_crash_mid_batch_loses_no_message_and_answers_none_twice(bot, monkeypatch):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning', 'jeugd'])}")
    # Five answers arrive while the bot was down.
    answers = ["een", "Politie", "prioriteit", "vier", "OM"]
    for text in answers:
        bot.tg.api.push_update({"message": bot.tg.api.user_message(alice.user, alice.chat, text)})

    handled = 0
    two_done = asyncio.Event()
    hang = asyncio.Event()  # never set: the third update hangs until the "kill"
    real = bot.app.process_update

    async def stuck_after_two(update):
        nonlocal handled
        if handled == 2:
            two_done.set()
            await hang.wait()
        await real(update)
        handled += 1

    monkeypatch.setattr(bot.app, "process_update", stuck_after_two)
    polling = asyncio.ensure_future(poll(bot.app, bot.services.pipeline, asyncio.Event(), hold=0))
    await asyncio.wait_for(two_done.wait(), 10)
    # kill -9: nothing gets to finish; the batch is in the inbox, two of its answers stored.
    polling.cancel()
    await bot.services.pipeline.stop()
    assert await stored(bot, 1001) == ["een", "Politie"]
    messages_before = len(alice.replies)

    monkeypatch.undo()
    await bot.restart()
    pipeline = bot.services.pipeline
    assert await pipeline.recover() == 3  # the three not handled, from the inbox
    stop = asyncio.Event()
    polling = asyncio.ensure_future(poll(bot.app, pipeline, stop, hold=0))
    await asyncio.sleep(0.1)  # whatever Telegram still had (unconfirmed) comes back: not new
    await pipeline.settled()
    stop.set()
    await asyncio.wait_for(polling, 5)
    assert await stored(bot, 1001) == answers  # each once, in order
    assert "Regie op jeugd — vraag 3/3" in alice.last_reply
    # One reply per answer handled after the restart: none of the first two was answered again.
    assert len(alice.replies) - messages_before == 3
    assert bot.tg.api.pending_updates() == []


async def test_stop_ends_a_waiting_long_poll(bot):
    stop = asyncio.Event()
    task = asyncio.ensure_future(poll(bot.app, bot.services.pipeline, stop, hold=30))
    await asyncio.sleep(0.05)
    assert not task.done()  # holding a long poll: nothing arrived
    calls_before = len(bot.tg.api.calls_to("getUpdates"))
    stop.set()
    await asyncio.wait_for(task, 2)  # returns at once, not after the 30 s hold
    assert task.done() and task.exception() is None
    assert len(bot.tg.api.calls_to("getUpdates")) == calls_before  # no new poll after stop
