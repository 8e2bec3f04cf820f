"""Polling confirms an update to Telegram only after it was handled and committed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.polling import poll

SMALL = str(Path(__file__).parent / "data" / "small.toml")


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
    real = bot.app.process_update

    async def crash_after_two(update):
        nonlocal handled
        if handled == 2:
            raise asyncio.CancelledError  # kill -9 while the third is being handled
        await real(update)
        handled += 1

    monkeypatch.setattr(bot.app, "process_update", crash_after_two)
    with pytest.raises(asyncio.CancelledError):
        await poll(bot.app, asyncio.Event(), hold=0)
    assert await stored(bot, 1001) == ["een", "Politie"]
    # Nothing was confirmed to Telegram yet: all five are still waiting there.
    assert len(bot.tg.api.pending_updates()) == 5

    monkeypatch.undo()
    await bot.restart()
    stop = asyncio.Event()
    real = bot.app.process_update
    redelivered = []

    async def count(update):
        await real(update)
        redelivered.append(update.update_id)
        if len(redelivered) == len(answers):
            stop.set()

    monkeypatch.setattr(bot.app, "process_update", count)
    await asyncio.wait_for(poll(bot.app, stop, hold=0), 10)
    assert await stored(bot, 1001) == answers  # each once, in order
    assert "Regie op jeugd — vraag 3/3" in alice.last_reply


async def test_stop_ends_a_waiting_long_poll(bot):
    stop = asyncio.Event()
    task = asyncio.ensure_future(poll(bot.app, stop, hold=30))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 2)
