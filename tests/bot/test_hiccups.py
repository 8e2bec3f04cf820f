"""Sends that survive Telegram's hiccups: 5xx and flood control are retried with the same
message, what cannot go out waits in the outbox, tidying edits are best effort, polling never
stops, and the error handler logs ids, never what someone typed."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from telegram.error import TimedOut

from bot.polling import poll
from bot.sending import Sent, deliver
from storage.records import Lane
from tests.auxil.data import SMALL
from tests.auxil.waiting import Sleeps, quick

QUESTION_2 = "Thema 1/2 · Aanpak ondermijning — vraag 2/3"


@pytest.fixture
async def alice(bot):
    """Alice, invited for both themes of the small template, at her first question."""
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning', 'jeugd'])}")
    return alice


async def stored(bot, user_id: int) -> dict[str, str]:
    async with bot.store.read() as tx:
        participant = await tx.active_participant(user_id)
        return {a.question_key: a.text for a in await tx.answers_of(participant.id)}


def sends_to(bot, chat_id: int) -> list[str]:
    return [c["text"] for c in bot.tg.api.calls_to("sendMessage") if c["chat_id"] == chat_id]


async def test_a_500_on_the_next_question_is_retried_with_the_same_message(bot, alice):
    sleeps = quick(bot)
    bot.tg.api.fail_server_error(times=1, methods=["sendMessage"])
    await alice.send("Geldstromen")
    assert QUESTION_2 in alice.last_reply
    assert len(alice.replies) == 2  # the welcome, then this one: once
    first_try, second_try = sends_to(bot, alice.chat_id)[-2:]
    assert first_try == second_try  # the same message, not a new one
    assert sleeps.waits == [0.5]


async def test_flood_control_is_sat_out_for_that_chat_and_the_reply_arrives(bot, alice):
    sleeps = quick(bot)
    bot.tg.api.rate_limit(times=2, retry_after=7, methods=["sendMessage"])
    await alice.send("Geldstromen")
    assert QUESTION_2 in alice.last_reply and len(alice.replies) == 2
    assert sleeps.waits == [7.0, 7.0]


async def test_the_overview_arrives_when_its_first_send_gets_a_500(bot, alice):
    await alice.send("Geldstromen")
    coby = bot.coordinator()
    bot.tg.api.fail_server_error(times=1, methods=["sendDocument"])
    await coby.send("/overview")
    assert len(coby.documents) == 1
    filename, content, _caption = coby.last_document
    assert filename.endswith(".html") and "Geldstromen" in content.decode()
    assert len(bot.tg.api.calls_to("sendDocument")) == 2
    assert "niet versturen" not in coby.last_reply  # no "could not send" on top


async def test_an_undeliverable_reply_leaves_the_answer_saved_and_comes_with_the_next(bot, alice):
    sleeps = quick(bot)
    bot.tg.api.fail_server_error(times=6, methods=["sendMessage"])  # every try of one send
    await alice.send("Geldstromen")
    assert len(alice.replies) == 1 and sleeps.waits == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert await stored(bot, 1001) == {"inhoud": "Geldstromen"}
    await bot.services.postman.flush()  # sent messages leave the outbox in batches
    async with bot.store.read() as tx:
        (waiting,) = await tx.pending_messages(Lane.REPLY)
    assert "vraag 2/3" in waiting.text and waiting.attempts == 1

    # Telegram is back. Alice asks where she is: the missed question comes first, then this.
    await alice.send("/status")
    missed, status = alice.new_replies
    assert QUESTION_2 in missed.shown and missed.inline_keyboard
    assert "Je hebt 1 van de 6 vragen beantwoord" in status.shown
    await bot.services.postman.flush()
    async with bot.store.read() as tx:
        assert await tx.pending_messages(Lane.REPLY) == []
    await bot.services.postman.drain(startup=True)  # nothing left to send twice
    assert len(alice.replies) == 3

    await alice.send("Politie")  # she goes on where she is
    assert await stored(bot, 1001) == {"inhoud": "Geldstromen", "partners": "Politie"}
    assert "vraag 3/3" in alice.last_reply


async def test_after_a_restart_a_failed_reply_still_comes_before_the_next(bot, alice):
    quick(bot)
    bot.tg.api.fail_server_error(times=6, methods=["sendMessage"])
    await alice.send("Geldstromen")
    await bot.restart()
    await bot.services.postman.drain(startup=True)  # its retry is not due yet: it waits
    assert len(alice.replies) == 1
    await alice.send("/status")
    assert [QUESTION_2 in m.shown for m in alice.new_replies] == [True, False]


async def test_removing_old_buttons_is_best_effort(bot, alice):
    quick(bot)
    await alice.send("Geldstromen")
    for fail in (
        lambda: bot.tg.api.fail_server_error(times=1, methods=["editMessageReplyMarkup"]),
        lambda: bot.tg.api.rate_limit(times=1, methods=["editMessageReplyMarkup"]),
        lambda: bot.tg.api.rate_limit(times=1, methods=["answerCallbackQuery"]),
        lambda: bot.tg.api.fail_server_error(times=1, methods=["answerCallbackQuery"]),
    ):
        fail()
        before = len(alice.replies)
        await alice.press("Terug" if "vraag 2/3" in alice.last_reply else "Overslaan")
        assert len(alice.replies) == before + 1  # the press did what it does
        assert "Sorry" not in alice.last_reply
    assert not bot.errors


async def test_get_updates_failures_never_stop_polling(bot, alice, monkeypatch):
    api = bot.tg.api
    for _ in range(2):
        api.fail_server_error(times=1, methods=["getUpdates"])
        api.fail_network(times=1, methods=["getUpdates"])
        api.rate_limit(times=1, retry_after=3, methods=["getUpdates"])
    api.fail_with(400, "Bad Request: something odd", methods=["getUpdates"])
    api.fail_with(409, "Conflict: terminated by other getUpdates request", methods=["getUpdates"])
    real = bot.tg.updates_request.do_request
    garbled = [True]

    async def once_not_json(*args, **kwargs):
        url = kwargs.get("url") or args[0]
        if garbled and url.endswith("getUpdates"):
            garbled.clear()
            return 200, b"<html>a proxy's error page</html>"
        return await real(*args, **kwargs)

    monkeypatch.setattr(bot.tg.updates_request, "do_request", once_not_json)
    sleeps = Sleeps()
    stop = asyncio.Event()
    pipeline = bot.services.pipeline
    task = asyncio.ensure_future(poll(bot.app, pipeline, stop, hold=0, sleep=sleeps))
    update_id = api.push_update({"message": api.user_message(alice.user, alice.chat, "Geld")})
    for _ in range(500):
        if api.confirmed(update_id) or task.done():
            break
        await asyncio.sleep(0.01)
    await pipeline.settled()
    stop.set()
    await asyncio.wait_for(task, 5)
    assert api.confirmed(update_id) and QUESTION_2 in alice.last_reply
    assert len(sleeps.waits) == 9 and sleeps.waits.count(3.0) == 2


async def test_the_error_handler_logs_ids_and_never_the_text(bot, alice, caplog, monkeypatch):
    from conversations import engine

    def broken(state, event):
        raise RuntimeError("a bug")

    monkeypatch.setattr(engine, "decide", broken)
    caplog.set_level(logging.INFO)
    message = await alice.send("Mijn vertrouwelijke antwoord 4711")
    update_errors = [r for r in caplog.records if r.name == "bot.app" and r.levelno >= 40]
    assert len(update_errors) == 1
    logged = update_errors[0].getMessage()
    assert "user 1001" in logged and "update " in logged
    assert str(message.chat_id) in logged
    assert "4711" not in caplog.text and "vertrouwelijke" not in caplog.text
    assert "Sorry, er ging iets mis" in alice.last_reply
    assert [type(e) for e in bot.errors] == [RuntimeError]
    bot.errors.clear()


class TimingOut:
    """A bot whose sends time out ``times`` times (with ``cause``), then go through."""

    def __init__(self, cause: Exception, times: int = 1) -> None:
        self.cause, self.times, self.tries = cause, times, 0

    async def do_api_request(self, method, api_kwargs=None, **_kwargs):
        self.tries += 1
        if self.tries <= self.times:
            raise TimedOut("Timed out") from self.cause
        return object()


@pytest.mark.parametrize(
    ("cause", "tries", "outcome"),
    [
        # Never written (no connection, none free, not all sent): Telegram cannot have it.
        (httpx.ConnectTimeout("connect"), 2, Sent.SENT),
        (httpx.PoolTimeout("pool"), 2, Sent.SENT),
        (httpx.WriteTimeout("write"), 2, Sent.SENT),
        # Sent whole, the answer never came: most likely shown already, so not sent again.
        (httpx.ReadTimeout("read"), 1, Sent.UNCERTAIN),
    ],
)
async def test_a_timeout_is_sent_again_only_when_telegram_cannot_have_it(cause, tries, outcome):
    sleeps = Sleeps()
    bot = TimingOut(cause)
    assert await deliver(bot, 1001, "vraag", sleep=sleeps) is outcome
    assert bot.tries == tries
