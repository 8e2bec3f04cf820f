"""A conversation driver, so bot tests read like a chat transcript.

::

    tg = FakeTelegram()
    app = build_application(settings, store, request=tg.request,
                            get_updates_request=tg.updates_request)
    async with tg.running(app):
        alice = tg.user(1001, "Alice")
        await alice.send("/start TOKEN")
        assert "Welkom" in alice.last_reply
        await alice.press("Overslaan")

Updates are real ``telegram.Update`` objects built from Bot API JSON and fed through
``Application.process_update``; the bot's answers land in the shared :class:`FakeBotAPI` through
PTB's own request machinery, so everything between handler and wire is exercised.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from devtools.standin import BOT_ID, BotMessage, FakeBotAPI, FakeRequest, private_chat

__all__ = ["DEFAULT_GROUP", "TOKEN", "ChatUser", "FakeTelegram"]

#: A well-formed token for ``ApplicationBuilder().token(...)``; the stand-in accepts any.
TOKEN = f"{BOT_ID}:AAStandInTestTokenForThemabot"

#: The group chat :meth:`ChatUser.send_in_group` talks in unless told otherwise.
DEFAULT_GROUP: dict[str, Any] = {"id": -4001000001, "type": "group", "title": "Team"}

_AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class FakeTelegram:
    """Telegram as the tests see it: one :class:`FakeBotAPI` plus the users who talk to the bot.

    Attributes:
        api: the fake server; inspect ``api.calls`` or inject failures (``api.block(...)``).
        request: PTB request object for ``ApplicationBuilder().request(...)``.
        updates_request: PTB request object for ``.get_updates_request(...)``.
        errors: exceptions raised by handlers while no error handler of the app's own existed.
    """

    def __init__(self, api: FakeBotAPI | None = None) -> None:
        self.api = api or FakeBotAPI()
        self.request = FakeRequest(self.api)
        self.updates_request = FakeRequest(self.api)
        self.errors: list[BaseException] = []
        self._app: _AnyApplication | None = None

    @property
    def token(self) -> str:
        """A bot token to build an Application with."""
        return TOKEN

    def builder(self) -> ApplicationBuilder:  # type: ignore[type-arg]
        """An ``ApplicationBuilder`` with token and both request objects already wired in."""
        return (
            ApplicationBuilder()
            .token(TOKEN)
            .request(self.request)
            .get_updates_request(self.updates_request)
        )

    @asynccontextmanager
    async def running(
        self, app: _AnyApplication, *, start: bool = False, raise_errors: bool = True
    ) -> AsyncIterator[_AnyApplication]:
        """Bring ``app`` up as ``run_polling`` would, minus the polling, and down again after.

        Runs ``initialize`` and ``post_init``; with ``start=True`` also ``start`` (job queue),
        later ``stop``/``post_stop``; always ``shutdown``/``post_shutdown``. Updates are fed
        with :meth:`process`. With ``raise_errors`` and no error handler of the app's own, an
        exception in a handler is re-raised from the ``send``/``press`` that caused it instead
        of only being logged.
        """
        collect = raise_errors and not app.error_handlers
        if collect:
            app.add_error_handler(self._collect_error)
        await app.initialize()
        self._app = app
        try:
            if app.post_init:
                await app.post_init(app)
            if start:
                await app.start()
            try:
                yield app
            finally:
                if start:
                    if app.running:
                        await app.stop()
                    if app.post_stop:
                        await app.post_stop(app)
        finally:
            self._app = None
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
            if collect:
                app.remove_error_handler(self._collect_error)

    async def _collect_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Feed one update (e.g. ``{"message": {...}}``; the id is assigned) to the running app.

        Returns the ``Update`` after all blocking handlers finished; re-raises a handler's
        exception (see :meth:`running`).
        """
        if self._app is None:
            raise RuntimeError("no application running: use `async with tg.running(app):`")
        update = Update.de_json(self.api.make_update(payload), self._app.bot)
        already_failed = len(self.errors)
        await self._app.process_update(update)
        if len(self.errors) > already_failed:
            raise self.errors[already_failed]
        return update

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "nl",
    ) -> ChatUser:
        """A person with a private chat with the bot (known to the server from now on)."""
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        return ChatUser(self, user)


class ChatUser:
    """One person talking to the bot: sends messages and presses buttons, reads the replies."""

    _file_numbers = itertools.count(1)

    def __init__(self, tg: FakeTelegram, user: dict[str, Any]) -> None:
        self.tg = tg
        self.user = user
        self.chat_id: int = int(user["id"])
        self.chat = tg.api.register_chat(private_chat(user)).chat
        self._last_query_id: str | None = None

    def __repr__(self) -> str:
        return f"ChatUser({self.chat_id}, {self.user['first_name']!r})"

    # ------------------------------------------------------------------ acting

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        """Send ``text`` in the private chat (commands get their entity); returns the Message."""
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["reply_to_message"] = self.tg.api.message_json(self._bot_message(reply_to))
        message = self.tg.api.user_message(self.user, self.chat, text, **extra)
        return await self._deliver({"message": message})

    async def edit(self, message: Message, text: str) -> Message:
        """Edit one of this user's messages to ``text``; the bot gets an ``edited_message``."""
        edited = self.tg.api.edit_user_message(message.chat_id, message.message_id, text)
        update = await self.tg.process({"edited_message": edited})
        assert update.edited_message is not None
        return update.edited_message

    async def press(self, label: str) -> None:
        """Press the inline button labelled ``label``, looking at the newest message first."""
        for message in reversed(self.replies):
            for row in message.inline_keyboard:
                for button in row:
                    if button.get("text") != label:
                        continue
                    if "callback_data" not in button:
                        raise AssertionError(f"button {label!r} sends no callback: {button}")
                    await self._callback(message, str(button["callback_data"]))
                    return
        labels = [b.get("text") for m in self.replies for r in m.inline_keyboard for b in r]
        raise AssertionError(f"no inline button {label!r} in {self}'s chat; there are {labels}")

    async def press_data(self, data: str, *, message_id: int | None = None) -> None:
        """Send a callback query with arbitrary ``data``, as a stale or forged button would.

        The query comes from message ``message_id``, by default the newest bot message.
        """
        if message_id is None:
            message = self._newest(lambda _m: True, "bot message")
        else:
            message = self._bot_message(message_id)
        await self._callback(message, data)

    async def send_sticker(self, emoji: str = "👍") -> Message:
        """Send a sticker."""
        file_id, unique_id = self._file("stickers", "webp")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._send_content(sticker=sticker)

    async def send_photo(self, caption: str | None = None) -> Message:
        """Send a photo (two sizes, as Telegram delivers), optionally with a caption."""
        sizes = []
        for width in (90, 800):
            file_id, unique_id = self._file("photos", "jpg")
            sizes.append(
                {"file_id": file_id, "file_unique_id": unique_id, "width": width, "height": width}
            )
        extra: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return await self._send_content(**extra)

    async def send_voice(self, duration: int = 3) -> Message:
        """Send a voice message of ``duration`` seconds."""
        file_id, unique_id = self._file("voice", "oga")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return await self._send_content(voice=voice)

    async def send_document(
        self, filename: str, content: bytes, caption: str | None = None
    ) -> Message:
        """Send a file; the bot can fetch ``content`` back through getFile."""
        file_id = self.tg.api.register_file(content, f"documents/{filename}")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "file_size": len(content),
        }
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return await self._send_content(**extra)

    async def send_in_group(self, text: str, group: Mapping[str, Any] | None = None) -> Message:
        """Send ``text`` from this user in a group chat (:data:`DEFAULT_GROUP` by default)."""
        message = self.tg.api.user_message(self.user, group or DEFAULT_GROUP, text)
        return await self._deliver({"message": message})

    # ------------------------------------------------------------------ reading

    @property
    def replies(self) -> list[BotMessage]:
        """The bot's messages in this chat that still exist, oldest first, edits applied."""
        return self.tg.api.messages(self.chat_id)

    @property
    def last_reply(self) -> str:
        """What the newest bot message shows (text, else caption; markup stripped)."""
        return self._newest(lambda _m: True, "bot message").shown

    @property
    def keyboard(self) -> list[list[str]]:
        """Rows of button labels on the newest bot message that has an inline keyboard."""
        for message in reversed(self.replies):
            if message.inline_keyboard:
                return [[str(b.get("text")) for b in row] for row in message.inline_keyboard]
        return []

    @property
    def buttons(self) -> list[str]:
        """The labels of :attr:`keyboard`, row by row in one list."""
        return [label for row in self.keyboard for label in row]

    @property
    def documents(self) -> list[BotMessage]:
        """The bot's messages in this chat that carry a document, oldest first."""
        return [m for m in self.replies if m.document is not None]

    @property
    def last_document(self) -> tuple[str, bytes, str | None]:
        """``(filename, content, caption)`` of the newest document the bot sent here."""
        message = self._newest(lambda m: m.document is not None, "document")
        assert message.document is not None
        filename, content = message.document
        return filename, content, message.plain_caption

    @property
    def last_callback_answer(self) -> str | None:
        """The text the bot answered to this user's last button press (None: answered silently).

        Raises AssertionError when nothing was pressed or the bot never answered the query
        (the user's client would keep spinning).
        """
        if self._last_query_id is None:
            raise AssertionError(f"{self} has not pressed a button")
        answer = self.tg.api.callback_answer(self._last_query_id)
        if answer is None:
            raise AssertionError(f"the bot did not answer {self}'s last callback query")
        return answer.text

    def transcript(self) -> str:
        """The private chat as text, one line per message in order, for assertion messages."""
        state = self.tg.api.chats[self.chat_id]
        lines: dict[int, str] = {}
        for incoming in state.incoming:
            lines[incoming["message_id"]] = f"{self.user['first_name']}: {_describe(incoming)}"
        for message in self.replies:
            buttons = " ".join(f"[{b.get('text')}]" for r in message.inline_keyboard for b in r)
            lines[message.message_id] = f"bot: {message.shown} {buttons}".rstrip()
        return "\n".join(lines[key] for key in sorted(lines))

    # ------------------------------------------------------------------ internals

    async def _deliver(self, payload: Mapping[str, Any]) -> Message:
        update = await self.tg.process(payload)
        assert update.message is not None
        return update.message

    async def _send_content(self, **content: Any) -> Message:
        message = self.tg.api.user_message(self.user, self.chat, None, **content)
        return await self._deliver({"message": message})

    async def _callback(self, message: BotMessage, data: str) -> None:
        query_id = self.tg.api.new_callback_query_id()
        self._last_query_id = query_id
        query = {
            "id": query_id,
            "from": self.user,
            "message": self.tg.api.message_json(message),
            "chat_instance": f"ci{self.chat_id}",
            "data": data,
        }
        await self.tg.process({"callback_query": query})

    def _file(self, folder: str, extension: str) -> tuple[str, str]:
        number = next(self._file_numbers)
        file_id = self.tg.api.register_file(b"\0" * 16, f"{folder}/file_{number}.{extension}")
        return file_id, f"u{file_id}"

    def _newest(self, wanted: Callable[[BotMessage], bool], what: str) -> BotMessage:
        for message in reversed(self.replies):
            if wanted(message):
                return message
        raise AssertionError(f"no {what} from the bot in {self}'s chat")

    def _bot_message(self, message_id: int) -> BotMessage:
        return self._newest(lambda m: m.message_id == message_id, f"message {message_id}")


def _describe(message: Mapping[str, Any]) -> str:
    if "text" in message:
        return str(message["text"])
    kind = next((k for k in ("sticker", "photo", "voice", "document") if k in message), "message")
    return f"<{kind}>"
