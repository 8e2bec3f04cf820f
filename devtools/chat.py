"""The chat driver: one person talking to the bot, so tests read like a chat transcript.

::

    tg = FakeTelegram()
    async with tg.running(app):              # or tg = PollingTelegram(api) beside a polling bot
        alice = tg.user(1001, "Alice")
        await alice.send("/start TOKEN")
        assert "Welkom" in alice.last_reply
        await alice.press("Overslaan")

:class:`ChatUser` builds the updates a Telegram client would cause (Bot API JSON, message ids
shared with the bot's messages, command entities) and reads the bot's answers from the
:class:`~devtools.standin.FakeBotAPI`. How an update reaches the bot is a :class:`Transport`
(see :mod:`devtools.transports`): fed straight into ``Application.process_update``, or queued
for a bot that long-polls the stand-in. Every action returns once the bot has handled it, so
the same test or script works over either.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from telegram import Message, Update

from devtools.standin import BotMessage, FakeBotAPI, private_chat

__all__ = ["DEFAULT_GROUP", "ChatUser", "NoReply", "Transport"]

#: The group chat :meth:`ChatUser.send_in_group` talks in unless told otherwise.
DEFAULT_GROUP: dict[str, Any] = {"id": -4001000001, "type": "group", "title": "Team"}


class NoReply(AssertionError):
    """The bot did not handle an update in time (only a transport that waits raises it).

    The message is one line; :attr:`transcript` holds the chat so far, when known.
    """

    def __init__(self, reason: str, transcript: str = "") -> None:
        super().__init__(reason)
        self.transcript = transcript


class Transport(Protocol):
    """How a user's update reaches the bot, and when the bot is done with it."""

    api: FakeBotAPI
    """The stand-in server both the users and the bot talk to."""

    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Hands one update (e.g. ``{"message": {...}}``; the id is assigned) to the bot.

        Returns it as PTB reads it once the bot has handled it, replies sent. Raises an
        exception the bot's handler raised, or :class:`NoReply`.
        """
        ...


class ChatUser:
    """One person talking to the bot: sends messages and presses buttons, reads the replies."""

    _file_numbers = itertools.count(1)

    def __init__(
        self,
        transport: Transport,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "nl",
    ) -> None:
        """Makes the person and their private chat with the bot known to the server."""
        self.transport = transport
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if last_name:
            self.user["last_name"] = last_name
        if username:
            self.user["username"] = username
        self.chat_id = user_id
        self.chat = self.api.register_chat(private_chat(self.user)).chat
        self._last_query_id: str | None = None
        self._before_last_action = 0

    def __repr__(self) -> str:
        return f"ChatUser({self.chat_id}, {self.user['first_name']!r})"

    @property
    def api(self) -> FakeBotAPI:
        """The stand-in server, for what the driver does not cover."""
        return self.transport.api

    @property
    def name(self) -> str:
        """First and last name, as Telegram shows them."""
        return " ".join(filter(None, (self.user["first_name"], self.user.get("last_name"))))

    # ------------------------------------------------------------------ acting

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        """Send ``text`` in the private chat (commands get their entity); returns the Message.

        ``reply_to`` quotes the bot's message with that id, as Telegram's "reply" does.
        """
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["reply_to_message"] = self.api.message_json(self._bot_message(reply_to))
        message = self.api.user_message(self.user, self.chat, text, **extra)
        return await self._deliver_message({"message": message}, f"message {_short(text)!r}")

    async def edit(self, message: Message, text: str) -> Message:
        """Edit one of this user's messages to ``text``; the bot gets an ``edited_message``."""
        edited = self.api.edit_user_message(message.chat_id, message.message_id, text)
        update = await self._deliver({"edited_message": edited}, f"edit to {_short(text)!r}")
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
                    await self._callback(message, str(button["callback_data"]), repr(label))
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
        await self._callback(message, data, f"button {data!r}")

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
        return await self._send_content("sticker", sticker=sticker)

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
        return await self._send_content("photo", **extra)

    async def send_voice(self, duration: int = 3) -> Message:
        """Send a voice message of ``duration`` seconds."""
        file_id, unique_id = self._file("voice", "oga")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return await self._send_content("voice message", voice=voice)

    async def send_document(
        self, filename: str, content: bytes, caption: str | None = None
    ) -> Message:
        """Send a file; the bot can fetch ``content`` back through getFile."""
        file_id = self.api.register_file(content, f"documents/{filename}")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "file_size": len(content),
        }
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return await self._send_content(f"document {filename!r}", **extra)

    async def send_in_group(self, text: str, group: Mapping[str, Any] | None = None) -> Message:
        """Send ``text`` from this user in a group chat (:data:`DEFAULT_GROUP` by default)."""
        message = self.api.user_message(self.user, group or DEFAULT_GROUP, text)
        return await self._deliver_message({"message": message}, f"group message {_short(text)!r}")

    # ------------------------------------------------------------------ reading

    @property
    def replies(self) -> list[BotMessage]:
        """The bot's messages in this chat that still exist, oldest first, edits applied."""
        return self.api.messages(self.chat_id)

    @property
    def new_replies(self) -> list[BotMessage]:
        """The bot's messages that appeared in this chat since this user's last action began.

        Messages the bot edited in answer are not new: look at :attr:`replies` for those.
        """
        return [m for m in self.replies if m.message_id > self._before_last_action]

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
        answer = self.api.callback_answer(self._last_query_id)
        if answer is None:
            raise AssertionError(f"the bot did not answer {self}'s last callback query")
        return answer.text

    def transcript(self) -> str:
        """The private chat as text, one line per message in order, for assertion messages."""
        state = self.api.chats[self.chat_id]
        lines: dict[int, str] = {}
        for incoming in state.incoming:
            lines[incoming["message_id"]] = f"{self.user['first_name']}: {_describe(incoming)}"
        for message in self.replies:
            buttons = " ".join(f"[{b.get('text')}]" for r in message.inline_keyboard for b in r)
            lines[message.message_id] = f"bot: {message.shown} {buttons}".rstrip()
        return "\n".join(lines[key] for key in sorted(lines))

    # ------------------------------------------------------------------ internals

    async def _deliver(self, payload: Mapping[str, Any], what: str) -> Update:
        """Hands an update to the bot through the transport; ``what`` names it in errors."""
        self._before_last_action = self.api.chats[self.chat_id].last_message_id
        try:
            return await self.transport.process(payload)
        except NoReply as late:
            replies = self.new_replies
            last = _short(replies[-1].shown, 160) if replies else "none"
            raise NoReply(
                f"{self.name}'s {what} got no answer: {late} (new replies: {last})",
                self.transcript(),
            ) from None

    async def _deliver_message(self, payload: Mapping[str, Any], what: str) -> Message:
        update = await self._deliver(payload, what)
        assert update.message is not None
        return update.message

    async def _send_content(self, what: str, **content: Any) -> Message:
        message = self.api.user_message(self.user, self.chat, None, **content)
        return await self._deliver_message({"message": message}, what)

    async def _callback(self, message: BotMessage, data: str, what: str) -> None:
        query_id = self.api.new_callback_query_id()
        self._last_query_id = query_id
        query = {
            "id": query_id,
            "from": self.user,
            "message": self.api.message_json(message),
            "chat_instance": f"ci{self.chat_id}",
            "data": data,
        }
        await self._deliver({"callback_query": query}, f"press on {what}")

    def _file(self, folder: str, extension: str) -> tuple[str, str]:
        number = next(self._file_numbers)
        file_id = self.api.register_file(b"\0" * 16, f"{folder}/file_{number}.{extension}")
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


def _short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters: long answers stay readable in errors."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
