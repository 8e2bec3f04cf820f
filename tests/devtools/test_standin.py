"""The Bot API stand-in and the conversation driver, exercised through real PTB objects."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devtools.standin import BOT_ID, FakeBotAPI, file_base_url, serve_http
from tests.auxil.chat import DEFAULT_GROUP, TOKEN, FakeTelegram

# ---------------------------------------------------------------------- a tiny echo bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with the invite token and offers a Skip button and a link button."""
    token = context.args[0] if context.args else "none"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Skip", callback_data="v1:skip")],
            [InlineKeyboardButton("Docs", url="https://example.org")],
        ]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"<b>Welcome</b> &amp; token {token}", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers a button whose press is deliberately never answered."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Mute?",
        reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("Mute", callback_data="v1:mute")
        ),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a known button and edits its message; calls anything else expired."""
    query = update.callback_query
    assert query is not None
    if query.data == "v1:skip":
        await query.answer("Skipped")
        await query.edit_message_text("Skipped it")
    else:
        await query.answer("This button has expired", show_alert=True)


async def ignore_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Does nothing, so the query stays unanswered."""


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a small HTML document with a caption."""
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"<h1>Overview</h1>",
        filename="overview.html",
        caption="The <i>overview</i>",
        parse_mode=ParseMode.HTML,
    )


async def crash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fails, to show that the driver surfaces handler errors."""
    raise ValueError("boom")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats a private text message."""
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges an edited message."""
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says where a group message came from."""
    assert update.message is not None
    chat = update.message.chat
    await update.message.reply_text(f"group {chat.type} {chat.id}")


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Names the kind of media received."""
    message = update.message
    assert message is not None
    kind = "sticker" if message.sticker else "photo" if message.photo else "voice"
    await message.reply_text(f"got a {kind}")


def echo_app(tg: FakeTelegram) -> Application:  # type: ignore[type-arg]
    """An Application on the stand-in with the echo handlers above."""
    app = tg.builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("mute", mute))
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CommandHandler("crash", crash))
    app.add_handler(CallbackQueryHandler(ignore_button, pattern="^v1:mute$"))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT, in_group))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, echo))
    app.add_handler(MessageHandler(filters.Sticker.ALL | filters.PHOTO | filters.VOICE, describe))
    return app


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter is built without this opt-in; warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


# ---------------------------------------------------------------------- the driver


async def test_start_command_with_token_gets_html_reply_and_buttons(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        message = await alice.send("/start TOKEN123")

        assert message.entities[0].type == "bot_command"
        assert alice.last_reply == "Welcome & token TOKEN123"
        assert alice.replies[-1].text == "<b>Welcome</b> &amp; token TOKEN123"
        assert alice.replies[-1].parse_mode == "HTML"
        assert alice.keyboard == [["Skip"], ["Docs"]]
        assert alice.buttons == ["Skip", "Docs"]
        assert tg.api.calls[0][0] == "getMe"


async def test_message_ids_are_per_chat_and_shared_with_the_user(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice, bob = tg.user(1001, "Alice"), tg.user(1002, "Bob")
        first = await alice.send("one")
        await bob.send("hello")
        await alice.send("two")

        assert first.message_id == 1
        assert [m.message_id for m in alice.replies] == [2, 4]
        assert [m.message_id for m in bob.replies] == [2]
        assert bob.last_reply == "echo: hello"
        assert "Alice: two\nbot: echo: two" in alice.transcript()


async def test_press_answers_and_edit_drops_keyboard(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        await alice.send("/start T")
        await alice.press("Skip")

        assert alice.last_callback_answer == "Skipped"
        assert alice.last_reply == "Skipped it"
        assert alice.replies[-1].edited
        assert alice.replies[-1].earlier_texts == ["Welcome & token T"]
        # Telegram removes the inline keyboard when an edit does not repeat it.
        assert alice.buttons == []


async def test_press_data_reaches_the_bot_like_a_stale_button(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        await alice.send("/start T")
        await alice.press_data("v1:forged")

        assert alice.last_callback_answer == "This button has expired"
        answer = tg.api.calls_to("answerCallbackQuery")[-1]
        assert answer["show_alert"] is True


async def test_press_reports_missing_and_url_buttons_and_unanswered_queries(
    tg: FakeTelegram,
) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        await alice.send("/start T")
        with pytest.raises(AssertionError, match="no inline button 'Nope'"):
            await alice.press("Nope")
        with pytest.raises(AssertionError, match="sends no callback"):
            await alice.press("Docs")

        await alice.send("/mute")
        await alice.press("Mute")
        with pytest.raises(AssertionError, match="did not answer"):
            _ = alice.last_callback_answer


async def test_edits_media_and_groups(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        message = await alice.send("first answer")
        edited = await alice.edit(message, "better answer")
        assert edited.message_id == message.message_id
        assert alice.last_reply == "edited: better answer"

        for send, kind in [
            (alice.send_sticker, "sticker"),
            (alice.send_photo, "photo"),
            (alice.send_voice, "voice"),
        ]:
            await send()
            assert alice.last_reply == f"got a {kind}"

        group_message = await alice.send_in_group("hello")
        assert group_message.chat.type == "group"
        assert group_message.from_user is not None
        assert group_message.from_user.language_code == "nl"
        group_replies = tg.api.messages(DEFAULT_GROUP["id"])
        assert group_replies[-1].shown == f"group group {DEFAULT_GROUP['id']}"
        assert alice.last_reply == "got a voice"


async def test_handler_errors_are_raised_from_send(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)):
        alice = tg.user(1001, "Alice")
        with pytest.raises(ValueError, match="boom"):
            await alice.send("/crash")


async def test_running_calls_lifecycle_hooks(tg: FakeTelegram) -> None:
    seen: list[str] = []

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        seen.append("post_init")
        await app.bot.set_my_commands([("help", "Uitleg")])

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        seen.append("post_shutdown")

    app = tg.builder().post_init(post_init).post_shutdown(post_shutdown).build()
    async with tg.running(app, start=True):
        assert app.running
        assert [c.command for c in await app.bot.get_my_commands()] == ["help"]
    assert seen == ["post_init", "post_shutdown"]


# ---------------------------------------------------------------------- server behaviour


async def test_send_document_round_trip(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)) as app:
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
    async with tg.running(echo_app(tg)) as app:
        alice = tg.user(1001, "Alice")
        tg.api.block(alice.chat_id)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(alice.chat_id, "reminder")
        tg.api.unblock(alice.chat_id)
        await app.bot.send_message(alice.chat_id, "reminder")
        assert alice.last_reply == "reminder"


@pytest.mark.usefixtures("ptb_timedelta")
async def test_rate_limit_and_network_failure_injection(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg)) as app:
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
    async with tg.running(echo_app(tg)) as app:
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

    _, body = await api.call("getUpdates", {"offset": str(first + 1), "timeout": "0"})
    assert [u["message"]["text"] for u in body["result"]] == ["b"]
    assert len(api.pending_updates()) == 1

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
