"""A user who floods the bot is slowed down politely; a colleague answering quickly never is,
and nobody else waits for the flood."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.throttle import FLOOD_BACKLOG, FLOOD_LIMIT, FLOOD_WINDOW
from conversations.template import load_template
from tests.auxil.database import saved_versions
from tests.auxil.waiting import quick

SLOWED = "Je stuurt veel berichten tegelijk"


@pytest.fixture
async def round_id(bot, tmp_path):
    """A round of two themes with 80 text questions each: room for many answers."""
    questions = "".join(f'[[questions]]\nkey = "q{i}"\ntext = "Vraag {i}?"\n\n' for i in range(80))
    themes = '[[themes]]\nkey = "ondermijning"\ntitle = "Ondermijning"\n\n' + (
        '[[themes]]\nkey = "jeugd"\ntitle = "Jeugd"\n'
    )
    path = tmp_path / "long.toml"
    path.write_text(f'key = "lang"\ntitle = "Lang"\nlanguage = "nl"\n\n{questions}{themes}')
    return await bot.create_round(load_template(str(path)))


async def join(bot, round_id: int, user_id: int, name: str):
    user = bot.user(user_id, name)
    await user.send(f"/start {await bot.invite(round_id, name, ['ondermijning', 'jeugd'])}")
    return user


async def test_a_quick_colleague_pasting_long_texts_is_never_slowed(bot, round_id):
    sleeps = quick(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    # Thirteen answers and a long paste that Telegram split into ten messages, all at the
    # same moment: 24 updates with the /start, below the limit.
    for i in range(13):
        await alice.send(f"antwoord {i}")
    for part in range(10):
        await alice.send(f"deel {part} " + "x" * 4000)
    assert sleeps.waits == []
    assert not any(SLOWED in m.shown for m in alice.replies)
    assert len(saved_versions(bot.db_path)) == 23


async def test_a_flood_is_slowed_with_one_notice_and_nothing_is_lost(bot, round_id, caplog):
    sleeps = quick(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    caplog.set_level(logging.INFO)
    for i in range(FLOOD_LIMIT + 9):  # 40 updates in no time, /start included
        await alice.send(f"antwoord {i}")
    assert sleeps.waits == [FLOOD_WINDOW] * 10  # the ten beyond the limit waited their turn
    assert sum(SLOWED in m.shown for m in alice.replies) == 1
    assert [v[3] for v in saved_versions(bot.db_path)] == [f"antwoord {i}" for i in range(39)]
    assert "user 1001 floods" in caplog.text and "antwoord" not in caplog.text

    bot.clock.advance(seconds=FLOOD_WINDOW)  # the window is empty again: a new episode
    await alice.send("later")
    assert sleeps.waits == [FLOOD_WINDOW] * 10 and "Je stuurt" not in alice.last_reply


async def test_a_flood_does_not_hold_up_anyone_else(bot, round_id):
    released = asyncio.Event()

    async def held(_seconds: float) -> None:
        await released.wait()  # the flooder's wait lasts until the test ends it

    alice = await join(bot, round_id, 1001, "Alice")
    mallory = await join(bot, round_id, 666, "Mallory")
    bot.services.pipeline.sleep = held
    api, pipeline = bot.tg.api, bot.services.pipeline
    flood = [
        api.make_update({"message": api.user_message(mallory.user, mallory.chat, f"spam {i}")})
        for i in range(FLOOD_LIMIT + 5)
    ]
    from telegram import Update

    await pipeline.receive([Update.de_json(u, bot.app.bot) for u in flood])
    update = api.make_update({"message": api.user_message(alice.user, alice.chat, "Mijn antwoord")})
    await pipeline.receive([Update.de_json(update, bot.app.bot)])
    for _ in range(1000):
        if "vraag 2/80" in alice.last_reply and pipeline.backlog == 6:
            break
        await asyncio.sleep(0.01)
    assert "vraag 2/80" in alice.last_reply  # answered while Mallory's flood waits
    assert pipeline.backlog == 6  # Mallory's beyond her /start and 29 more, waiting
    released.set()
    await pipeline.settled()
    assert pipeline.backlog == 0


async def test_a_flood_beyond_what_may_wait_is_dropped(bot, round_id, caplog):
    released = asyncio.Event()

    async def held(_seconds: float) -> None:
        await released.wait()

    mallory = await join(bot, round_id, 666, "Mallory")
    pipeline, api = bot.services.pipeline, bot.tg.api
    pipeline.sleep = held
    caplog.set_level(logging.INFO)
    from telegram import Update

    count = FLOOD_LIMIT - 1 + FLOOD_BACKLOG + 21  # after her /start, all in no time
    updates = [
        api.make_update({"message": api.user_message(mallory.user, mallory.chat, f"spam {i}")})
        for i in range(count)
    ]
    await pipeline.receive([Update.de_json(u, bot.app.bot) for u in updates])
    for _ in range(500):
        if pipeline.backlog <= FLOOD_BACKLOG:
            break
        await asyncio.sleep(0.01)
    released.set()
    await pipeline.settled()
    # 29 within the limit (her /start was the 30th), 21 dropped while more than the backlog
    # waited behind them, the last 100 slowed down and handled.
    assert [v[3] for v in saved_versions(bot.db_path)] == [
        f"spam {i}" for i in (*range(FLOOD_LIMIT - 1), *range(FLOOD_LIMIT + 20, count))
    ]
    async with bot.store.read() as tx:
        assert await tx.pending_updates() == []  # the dropped ones left the inbox too
    assert "dropping updates of user 666" in caplog.text
