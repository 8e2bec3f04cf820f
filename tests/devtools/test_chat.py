"""The chat driver: the same transcript in memory and against a bot polling over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from echo_bot import echo_app
from telegram.ext import Application, ContextTypes

from devtools.chat import DEFAULT_GROUP, NoReply
from devtools.standin import FakeBotAPI, file_base_url, serve_http
from devtools.transports import TOKEN, FakeTelegram, PollingTelegram

Telegram = FakeTelegram | PollingTelegram


@asynccontextmanager
async def polling_echo_bot(api: FakeBotAPI) -> AsyncIterator[PollingTelegram]:
    """The echo bot long-polling ``api`` over HTTP with PTB's own Updater.

    PTB confirms a batch before handling it, so the transport waits for the bot's answer in
    the chat, as it does for a bot in another process.
    """
    runner, base_url = await serve_http(api)
    builder = Application.builder().token(TOKEN).base_url(base_url)
    app = echo_app(builder.base_file_url(file_base_url(base_url)))
    errors: list[BaseException] = []

    async def record(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            errors.append(context.error)

    app.add_error_handler(record)
    try:
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await app.start()
            try:
                yield PollingTelegram(api, timeout=10, errors=errors)
            finally:
                await app.updater.stop()
                await app.stop()
    finally:
        await runner.cleanup()
        await runner.cleanup()


@pytest.fixture(params=["in memory", "polling over HTTP"])
async def telegram(request: pytest.FixtureRequest) -> AsyncIterator[Telegram]:
    """The echo bot behind either transport; the tests below cannot tell them apart."""
    if request.param == "in memory":
        tg = FakeTelegram()
        async with tg.running(echo_app(tg.builder())):
            yield tg
    else:
        async with polling_echo_bot(FakeBotAPI()) as polling:
            yield polling


# ---------------------------------------------------------------------- either transport


async def test_start_command_with_token_gets_html_reply_and_buttons(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    message = await alice.send("/start TOKEN123")

    assert message.entities[0].type == "bot_command"
    assert alice.last_reply == "Welcome & token TOKEN123"
    assert alice.replies[-1].text == "<b>Welcome</b> &amp; token TOKEN123"
    assert alice.replies[-1].parse_mode == "HTML"
    assert alice.keyboard == [["Skip"], ["Docs"]]
    assert alice.buttons == ["Skip", "Docs"]
    assert telegram.api.calls[0][0] == "getMe"


async def test_message_ids_are_per_chat_and_shared_with_the_user(telegram: Telegram) -> None:
    alice, bob = telegram.user(1001, "Alice"), telegram.user(1002, "Bob")
    first = await alice.send("one")
    await bob.send("hello")
    await alice.send("two")

    assert first.message_id == 1
    assert [m.message_id for m in alice.replies] == [2, 4]
    assert [m.message_id for m in bob.replies] == [2]
    assert bob.last_reply == "echo: hello"
    assert "Alice: two\nbot: echo: two" in alice.transcript()


async def test_new_replies_are_what_the_last_action_brought(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice", last_name="de Vries")
    await alice.send("one")
    await alice.send("two")
    assert [m.shown for m in alice.new_replies] == ["echo: two"]

    await alice.send("/start T")
    await alice.press("Skip")  # edits the message it is under: nothing new
    assert alice.new_replies == [] and alice.last_reply == "Skipped it"
    assert alice.name == "Alice de Vries"


async def test_press_answers_and_edit_drops_keyboard(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    await alice.send("/start T")
    await alice.press("Skip")

    assert alice.last_callback_answer == "Skipped"
    assert alice.last_reply == "Skipped it"
    assert alice.replies[-1].edited
    assert alice.replies[-1].earlier_texts == ["Welcome & token T"]
    # Telegram removes the inline keyboard when an edit does not repeat it.
    assert alice.buttons == []


async def test_press_data_reaches_the_bot_like_a_stale_button(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    await alice.send("/start T")
    await alice.press_data("v1:forged")

    assert alice.last_callback_answer == "This button has expired"
    answer = telegram.api.calls_to("answerCallbackQuery")[-1]
    assert answer["show_alert"] is True


async def test_press_reports_missing_and_url_buttons_and_unanswered_queries(
    telegram: Telegram,
) -> None:
    alice = telegram.user(1001, "Alice")
    with pytest.raises(AssertionError, match="has not pressed a button"):
        _ = alice.last_callback_answer
    await alice.send("/start T")
    with pytest.raises(AssertionError, match="no inline button 'Nope'"):
        await alice.press("Nope")
    with pytest.raises(AssertionError, match="sends no callback"):
        await alice.press("Docs")

    await alice.send("/mute")
    await alice.press("Mute")
    with pytest.raises(AssertionError, match="did not answer"):
        _ = alice.last_callback_answer


async def test_edits_media_documents_and_groups(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    message = await alice.send("first answer")
    edited = await alice.edit(message, "better answer")
    assert edited.message_id == message.message_id
    assert alice.last_reply == "edited: better answer"

    await alice.send_sticker()
    assert alice.last_reply == "got a sticker"
    await alice.send_photo(caption="het bord bij de ingang")
    assert alice.last_reply == "got a photo"
    await alice.send_voice()
    assert alice.last_reply == "got a voice"
    await alice.send_document("answers.csv", b"a;b\n", caption="mijn antwoorden")
    assert alice.last_reply == "got a document"

    group_message = await alice.send_in_group("hello")
    assert group_message.chat.type == "group"
    assert group_message.from_user is not None
    assert group_message.from_user.language_code == "nl"
    group_replies = telegram.api.messages(DEFAULT_GROUP["id"])
    assert group_replies[-1].shown == f"group group {DEFAULT_GROUP['id']}"
    assert alice.last_reply == "got a document"


async def test_documents_the_bot_sends_are_read_back(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    await alice.send("/report")

    assert alice.last_document == ("overview.html", b"<h1>Overview</h1>", "The overview")
    assert [m.document_file_id is not None for m in alice.documents] == [True]


async def test_handler_errors_are_raised_from_send(telegram: Telegram) -> None:
    alice = telegram.user(1001, "Alice")
    with pytest.raises(ValueError, match="boom"):
        await alice.send("/crash")


# ---------------------------------------------------------------------- in memory only


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


async def test_sending_without_a_running_application_says_so(tg: FakeTelegram) -> None:
    with pytest.raises(RuntimeError, match="no application running"):
        await tg.user(1001, "Alice").send("hello")


# ---------------------------------------------------------------------- polling only


async def test_messages_sent_while_the_bot_is_down_are_answered_after_it_starts() -> None:
    api = FakeBotAPI()
    tg = PollingTelegram(api, timeout=10)
    alice = tg.user(1001, "Alice")
    with tg.bot_down():
        await alice.send("while you were away")
    assert alice.replies == [] and len(api.pending_updates()) == 1

    async with polling_echo_bot(api):
        await tg.caught_up()
    assert alice.last_reply == "echo: while you were away"
    assert [m.shown for m in alice.new_replies] == ["echo: while you were away"]


async def test_no_reply_names_who_waited_for_what_in_one_line() -> None:
    # Nobody polls: the update waits in the queue until the driver gives up.
    alice = PollingTelegram(FakeBotAPI(), timeout=0.05).user(1001, "Alice")
    with pytest.raises(NoReply, match=r"^Alice's message 'hello there' got no answer") as caught:
        await alice.send("hello there")
    assert "\n" not in str(caught.value)
    assert caught.value.transcript == "Alice: hello there"


async def test_an_error_the_bot_reported_stops_every_later_action() -> None:
    api = FakeBotAPI()
    tg = PollingTelegram(api, errors=[RuntimeError("the bot stopped polling")])
    with pytest.raises(RuntimeError, match="stopped polling"):
        await tg.user(1001, "Alice").send("anyone there?")
    assert api.pending_updates() == []  # not even queued
