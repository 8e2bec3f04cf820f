"""The bot's HTTP client (aiohttp under PTB): real calls over loopback, and timeouts that say
whether a request may have reached Telegram."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from bot.http import AiohttpRequest, NotSent
from bot.sending import maybe_delivered
from devtools.standin import FakeBotAPI, serve_http
from devtools.transports import TOKEN


async def test_messages_and_files_go_through_the_stand_in_over_http() -> None:
    api = FakeBotAPI()
    chat = api.register_chat({"id": 5, "type": "private", "first_name": "A"}).chat
    runner, base_url = await serve_http(api)
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest())
    try:
        async with bot:
            sent = await bot.send_message(chat["id"], "<b>Hallo</b> daar", parse_mode="HTML")
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Één ✓", callback_data="a:1")]])
            await bot.send_message(chat["id"], "Café & co — “ja”", reply_markup=keyboard)
            await bot.send_document(chat["id"], b"inhoud", filename="overzicht.html")
    finally:
        await runner.cleanup()
    assert sent.text == "Hallo daar"
    (message, with_buttons, document) = api.messages(5)
    assert message.plain_text == "Hallo daar"
    # Sent as JSON: non-ASCII text and the nested keyboard arrive as they were.
    assert with_buttons.plain_text == "Café & co — “ja”"
    assert with_buttons.reply_markup == {
        "inline_keyboard": [[{"text": "Één ✓", "callback_data": "a:1"}]]
    }
    assert document.document == ("overzicht.html", b"inhoud")


@pytest.fixture
async def slow_server() -> AsyncIterator[str]:
    """A Bot API that takes two seconds to answer anything."""

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def test_a_read_timeout_may_have_arrived(slow_server: str) -> None:
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut) as raised:
            await request.post(f"{slow_server}{TOKEN}/sendMessage")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, NotSent)
    assert maybe_delivered(raised.value)  # the whole request went out: do not send it again


async def test_waiting_for_a_free_connection_too_long_was_never_sent(slow_server: str) -> None:
    request = AiohttpRequest(connections=1, read_timeout=5, connect_timeout=0.1, pool_timeout=0.1)
    await request.initialize()
    try:
        busy = asyncio.ensure_future(request.post(f"{slow_server}{TOKEN}/getMe"))
        await asyncio.sleep(0.1)  # the one connection is taken
        with pytest.raises(NotSent) as raised:
            await request.post(f"{slow_server}{TOKEN}/sendMessage")
        busy.cancel()
    finally:
        await request.shutdown()
    assert not maybe_delivered(raised.value)  # safe to send again


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
