"""The Bot API stand-in, exercised through real PTB objects: in memory and over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from echo_bot import echo_app
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from devtools.standin import BOT_ID, FakeBotAPI, file_base_url, serve_http
from devtools.transports import TOKEN, FakeTelegram


async def test_send_document_round_trip(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg.builder())) as app:
        alice = tg.user(1001, "Alice")
        await alice.send("/report")

        assert alice.last_document == ("overview.html", b"<h1>Overview</h1>", "The overview")
        message = alice.documents[-1]
        assert message.caption == "The <i>overview</i>"
        assert message.document_file_id is not None
        sent = tg.api.calls_to("sendDocument")[-1]
        assert sent["document"].filename == "overview.html"

        telegram_file = await app.bot.get_file(message.document_file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == b"<h1>Overview</h1>"


async def test_blocked_user_gives_forbidden(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg.builder())) as app:
        alice = tg.user(1001, "Alice")
        tg.api.block(alice.chat_id)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(alice.chat_id, "reminder")
        tg.api.unblock(alice.chat_id)
        await app.bot.send_message(alice.chat_id, "reminder")
        assert alice.last_reply == "reminder"


@pytest.mark.usefixtures("ptb_timedelta")
async def test_rate_limit_and_network_failure_injection(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg.builder())) as app:
        alice = tg.user(1001, "Alice")
        tg.api.rate_limit(times=1, retry_after=3)
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(alice.chat_id, "hi")
        assert caught.value.retry_after == dtm.timedelta(seconds=3)

        tg.api.fail_network(times=1)
        with pytest.raises(NetworkError):
            await app.bot.send_message(alice.chat_id, "hi")

        await app.bot.send_message(alice.chat_id, "hi")
        assert [m.shown for m in alice.replies] == ["hi"]


async def test_telegram_rejections_are_reproduced(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg.builder())) as app:
        alice = tg.user(1001, "Alice")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.send_message(alice.chat_id, "a <br> b", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.send_message(alice.chat_id, "1 < 2", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await app.bot.send_message(424242, "who?")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await app.bot.send_message(alice.chat_id, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await app.bot.set_my_commands([("Help", "capitals are not allowed")])

        sent = await app.bot.send_message(alice.chat_id, "same")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await sent.edit_text("same")
        assert await sent.delete()
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await sent.delete()
        assert alice.replies == []

    status, body = await FakeBotAPI().call("sendCarrierPigeon", {})
    assert (status, body["description"]) == (404, "Not Found: method not found")


async def test_get_updates_confirms_offsets_and_long_polls() -> None:
    api = FakeBotAPI()
    first = api.push_update({"message": api.user_message({"id": 5, "first_name": "E"}, text="a")})
    api.push_update({"message": api.user_message({"id": 5, "first_name": "E"}, text="b")})

    assert not api.confirmed(first)
    _, body = await api.call("getUpdates", {"offset": str(first + 1), "timeout": "0"})
    assert [u["message"]["text"] for u in body["result"]] == ["b"]
    assert len(api.pending_updates()) == 1
    assert api.confirmed(first) and not api.confirmed(first + 1)

    _, body = await api.call("getUpdates", {"offset": str(first + 2), "timeout": "0.05"})
    assert body["result"] == []

    poll = asyncio.create_task(api.call("getUpdates", {"offset": str(first + 2), "timeout": "5"}))
    await asyncio.sleep(0.01)
    assert not poll.done()
    api.push_update({"message": api.user_message({"id": 5, "first_name": "E"}, text="c")})
    _, body = await asyncio.wait_for(poll, 2)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]


async def test_polling_application_receives_pushed_update(tg: FakeTelegram) -> None:
    texts: list[str] = []
    received = asyncio.Event()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        texts.append(update.message.text)
        received.set()

    app = tg.builder().build()
    app.add_handler(MessageHandler(filters.TEXT, record))
    async with app:
        await app.updater.start_polling(timeout=dtm.timedelta(seconds=1))  # type: ignore[union-attr]
        await app.start()
        user = {"id": 1001, "is_bot": False, "first_name": "Alice"}
        tg.api.push_update({"message": tg.api.user_message(user, text="via polling")})
        await asyncio.wait_for(received.wait(), 5)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()

    assert texts == ["via polling"]
    # The last getUpdates on stop confirmed what was fetched.
    assert tg.api.pending_updates() == []


# ---------------------------------------------------------------------- over HTTP


@pytest.fixture
async def http_api() -> AsyncIterator[tuple[FakeBotAPI, str]]:
    api = FakeBotAPI()
    runner, base_url = await serve_http(api)
    try:
        yield api, base_url
    finally:
        await runner.cleanup()


async def test_http_bot_get_me_send_message_and_document(
    http_api: tuple[FakeBotAPI, str],
) -> None:
    api, base_url = http_api
    assert base_url.startswith("http://127.0.0.1:")
    api.register_chat({"id": 1001, "type": "private", "first_name": "Alice"})
    bot = Bot(TOKEN, base_url=base_url, base_file_url=file_base_url(base_url))
    async with bot:
        me = await bot.get_me()
        assert (me.id, me.username) == (BOT_ID, "themabot_test_bot")

        keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("42", callback_data="1"))
        sent = await bot.send_message(1001, "42", reply_markup=keyboard)
        assert sent.text == "42"
        assert sent.reply_markup == keyboard

        document = await bot.send_document(1001, b"a,b\n1,2\n", filename="t.csv", caption="CSV")
        assert document.document is not None
        assert document.document.file_name == "t.csv"
        downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
        assert bytes(downloaded) == b"a,b\n1,2\n"

    assert [m.shown for m in api.messages(1001)] == ["42", "CSV"]
    assert api.messages(1001)[-1].document == ("t.csv", b"a,b\n1,2\n")
    assert api.calls_to("sendMessage")[0]["text"] == "42"


async def test_http_polling_and_control_endpoints(http_api: tuple[FakeBotAPI, str]) -> None:
    api, base_url = http_api
    received = asyncio.Event()

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"got {update.message.text}")
        received.set()

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(base_url)
        .base_file_url(file_base_url(base_url))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, answer))
    control = base_url.removesuffix("/bot") + "/_standin"
    async with app, aiohttp.ClientSession() as http:
        await app.updater.start_polling(timeout=dtm.timedelta(seconds=1))  # type: ignore[union-attr]
        await app.start()
        pushed = {"user_id": 1001, "first_name": "Alice", "text": "over http"}
        async with http.post(f"{control}/messages", json=pushed) as response:
            assert response.status == 200
        await asyncio.wait_for(received.wait(), 5)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()

        async with http.get(f"{control}/chats/1001") as response:
            messages = await response.json()
        async with http.get(f"{control}/calls", params={"method": "sendMessage"}) as response:
            calls = await response.json()

    assert [m["plain_text"] for m in messages] == ["got over http"]
    assert api.messages(1001)[0].shown == "got over http"
    assert calls[0]["params"]["chat_id"] == 1001
    assert json.dumps(calls)  # plain JSON for outside scripts
