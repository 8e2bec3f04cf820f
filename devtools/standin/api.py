"""The server side of the Telegram Bot API for one bot: its state, the users' side, dispatch.

:class:`FakeBotAPI` keeps chats, the bot's messages, uploaded files, callback answers, command
menus and the queue of incoming updates. Users act through it (:meth:`FakeBotAPI.user_message`,
:meth:`FakeBotAPI.push_update`, ...); the bot reaches it through :meth:`FakeBotAPI.call`, in
memory (:mod:`devtools.standin.memory`) or over HTTP (:mod:`devtools.standin.httpserver`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from devtools.standin.faults import RandomFaults
from devtools.standin.methods import METHODS, Method
from devtools.standin.network import Line
from devtools.standin.records import BotMessage, CallbackAnswer, ChatState, Upload, private_chat
from devtools.standin.rules import (
    SENDING_METHODS,
    ApiError,
    bad_request,
    command_entities,
    decode_params,
    guess_mime,
)

__all__ = ["BOT_ID", "DEFAULT_BOT_USERNAME", "FakeBotAPI"]

BOT_ID = 777000001
DEFAULT_BOT_USERNAME = "themabot_test_bot"


@dataclass
class _Injection:
    """A pending injected failure: the next ``remaining`` matching calls get ``error``."""

    error: ApiError
    remaining: int
    methods: frozenset[str]


class FakeBotAPI:
    """The server side of the Telegram Bot API for one bot, in memory.

    Every call is recorded in :attr:`calls` as ``(method, params)`` (method as sent, e.g.
    ``"sendMessage"``; params decoded; uploads as :class:`Upload`), failed calls included.
    ``latency`` (seconds per call) and ``cap`` (sending calls a second, 429 above it) set the
    :attr:`line` (:mod:`devtools.standin.network`).
    """

    def __init__(
        self,
        username: str = DEFAULT_BOT_USERNAME,
        first_name: str = "Themabot",
        *,
        latency: float = 0.0,
        cap: int | None = None,
    ) -> None:
        self.username = username
        self.first_name = first_name
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        """file_id -> (file_path, content), for getFile and downloads."""
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """(scope as sorted JSON, language_code) -> the command menu set for it."""
        self._open_callback_queries: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._blocked: set[int] = set()
        self._injections: list[_Injection] = []
        self._random_faults: RandomFaults | None = None
        self._waiters: set[asyncio.Future[None]] = set()
        self._methods: Mapping[str, Method] = METHODS
        self.line = Line(latency, cap)
        self.sent_log: list[tuple[float, int, int]] = []
        """``(time.time(), chat_id, message_id)`` of every message the bot sent, in order."""
        self._chat_waiters: dict[int, set[asyncio.Future[None]]] = {}

    # ----------------------------------------------------------------- inspection

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Bot API ``User`` (what getMe returns)."""
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in ``chat_id`` that still exist, oldest first."""
        state = self.chats.get(chat_id)
        return [m for m in state.messages if not m.deleted] if state else []

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The params of every recorded call to ``method`` (case-insensitive), in order."""
        wanted = method.lower()
        return [params for name, params in self.calls if name.lower() == wanted]

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """The bot's answer to callback query ``query_id``, or None if it never answered."""
        return self.callback_answers.get(query_id)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates pushed but not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def confirmed(self, update_id: int) -> bool:
        """True once a getUpdates offset moved past pushed update ``update_id`` (or it was
        dropped): a bot that confirms only what it handled is done with it then."""
        return all(update["update_id"] != update_id for update in self._updates)

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes behind a ``file_path`` returned by getFile, or None if unknown."""
        for path, content in self.files.values():
            if path == file_path:
                return content
        return None

    # ----------------------------------------------------------------- failure injection

    def block(self, chat_id: int) -> None:
        """Make every send to ``chat_id`` fail with 403, as when the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """Undo :meth:`block`."""
        self._blocked.discard(chat_id)

    def rate_limit(
        self, times: int = 1, retry_after: int = 1, methods: Iterable[str] = SENDING_METHODS
    ) -> None:
        """Make the next ``times`` calls to ``methods`` fail with 429 and ``retry_after``."""
        error = ApiError(
            429,
            f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )
        self._injections.append(_Injection(error, times, frozenset(m.lower() for m in methods)))

    def fail_network(self, times: int = 1, methods: Iterable[str] = SENDING_METHODS) -> None:
        """Make the next ``times`` calls to ``methods`` fail with 502 (PTB: NetworkError)."""
        error = ApiError(502, "Bad Gateway")
        self._injections.append(_Injection(error, times, frozenset(m.lower() for m in methods)))

    def fail_randomly(
        self,
        server_errors: float = 0.10,
        floods: float = 0.05,
        *,
        seed: int = 0,
        retry_after: int = 1,
        methods: Iterable[str] = SENDING_METHODS,
    ) -> RandomFaults:
        """From now on fail a seeded random share of the calls to ``methods``: 500 for
        ``server_errors`` of them, 429 with ``retry_after`` for ``floods``. Returns the
        faults, whose ``counts`` say how many failed; :meth:`stop_failing` ends it."""
        self._random_faults = RandomFaults.of(
            server_errors, floods, seed=seed, retry_after=retry_after, methods=methods
        )
        return self._random_faults

    def stop_failing(self) -> None:
        """Undo :meth:`fail_randomly` and every failure still pending (``fail_*``,
        ``rate_limit``)."""
        self._random_faults = None
        self._injections.clear()

    def fail_server_error(self, times: int = 1, methods: Iterable[str] = SENDING_METHODS) -> None:
        """Make the next ``times`` calls to ``methods`` fail with 500 (PTB: NetworkError)."""
        self.fail_with(500, "Internal Server Error", times, methods)

    def fail_with(
        self, code: int, description: str, times: int = 1, methods: Iterable[str] = SENDING_METHODS
    ) -> None:
        """Make the next ``times`` calls to ``methods`` fail with ``code`` and ``description``."""
        error = ApiError(code, description)
        self._injections.append(_Injection(error, times, frozenset(m.lower() for m in methods)))

    # ----------------------------------------------------------------- the users' side

    def register_chat(self, chat: Mapping[str, Any]) -> ChatState:
        """Make a chat known to the server (users must have talked to the bot to be reachable).

        ``chat`` is a Bot API ``Chat`` dict; an existing chat keeps its messages.
        """
        chat_id = int(chat["id"])
        state = self.chats.get(chat_id)
        if state is None:
            state = self.chats[chat_id] = ChatState(chat=dict(chat))
        else:
            state.chat.update(chat)
        return state

    def user_message(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any] | None = None,
        text: str | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """Record a message a user sends and return it as a Bot API ``Message`` dict.

        ``chat`` defaults to the private chat with ``sender``. A text starting with ``/`` gets a
        ``bot_command`` entity, as Telegram clients add. ``content`` adds fields such as
        ``sticker`` or ``photo``.
        """
        chat = dict(chat) if chat else private_chat(sender)
        state = self.register_chat(chat)
        message: dict[str, Any] = {
            "message_id": state.next_message_id(),
            "from": dict(sender),
            "chat": state.chat,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            if entities := command_entities(text):
                message["entities"] = entities
        message.update(content)
        state.incoming.append(message)
        return message

    def edit_user_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """Apply a user's edit to one of their messages and return the edited ``Message``."""
        for message in self.chats[chat_id].incoming:
            if message["message_id"] == message_id:
                message["text"] = text
                message["edit_date"] = int(time.time())
                message.pop("entities", None)
                if entities := command_entities(text):
                    message["entities"] = entities
                return dict(message)
        raise KeyError(f"no user message {message_id} in chat {chat_id}")

    def new_callback_query_id(self) -> str:
        """Issue an id for a callback query that the bot must then answer."""
        query_id = f"{BOT_ID}{next(self._query_ids):08d}"
        self._open_callback_queries.add(query_id)
        return query_id

    def register_file(self, content: bytes, file_path: str) -> str:
        """Store a file on the server and return its ``file_id``."""
        file_id = f"BQACAgIAAxkB{next(self._file_ids):06d}"
        self.files[file_id] = (file_path, content)
        return file_id

    def make_update(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``payload`` (e.g. ``{"message": {...}}``) as an update with a fresh id."""
        update = {key: value for key, value in payload.items() if key != "update_id"}
        update["update_id"] = next(self._update_ids)
        return update

    def push_update(self, payload: Mapping[str, Any]) -> int:
        """Queue an update for getUpdates and wake any long poll; returns its ``update_id``."""
        update = self.make_update(payload)
        if "callback_query" in update:
            # A query pushed from outside must be answerable like one the driver made.
            self._open_callback_queries.add(str(update["callback_query"]["id"]))
        self._updates.append(update)
        for waiter in list(self._waiters):
            # A poll may wait on another loop (the HTTP server run from another thread).
            with contextlib.suppress(RuntimeError):
                waiter.get_loop().call_soon_threadsafe(_wake, waiter)
        return int(update["update_id"])

    # ----------------------------------------------------------------- for the methods

    def chat_of(self, params: Mapping[str, Any]) -> ChatState:
        """The chat a request's ``chat_id`` names; 400 ``chat not found`` when unknown."""
        chat_id = params.get("chat_id")
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise bad_request("chat not found")
        return state

    def new_message(self, state: ChatState, **values: Any) -> BotMessage:
        """Record a message the bot sends in ``state``'s chat, with the next message id."""
        message = BotMessage(
            chat_id=int(state.chat["id"]),
            message_id=state.next_message_id(),
            date=int(time.time()),
            **values,
        )
        state.messages.append(message)
        self._announce(message)
        return message

    def close_callback_query(self, query_id: str) -> bool:
        """Mark an open callback query answered; False when unknown or answered before."""
        if query_id not in self._open_callback_queries:
            return False
        self._open_callback_queries.discard(query_id)
        return True

    def drop_pending_updates(self) -> None:
        """Forget every update not yet confirmed (``deleteWebhook(drop_pending_updates)``)."""
        self._updates.clear()

    def message_json(self, message: BotMessage) -> dict[str, Any]:
        """Return a bot message as the Bot API ``Message`` dict Telegram would send."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self.chats[message.chat_id].chat,
            "date": message.date,
        }
        if message.plain_text is not None:
            body["text"] = message.plain_text
        if message.document is not None:
            filename, content = message.document
            body["document"] = {
                "file_id": message.document_file_id,
                "file_unique_id": f"u{message.document_file_id}",
                "file_name": filename,
                "mime_type": guess_mime(filename),
                "file_size": len(content),
            }
        if message.plain_caption is not None:
            body["caption"] = message.plain_caption
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        return body

    # ----------------------------------------------------------------- dispatch

    async def call(
        self,
        method: str,
        fields: Mapping[str, Any] | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request; returns ``(http_status, json_body)``.

        ``fields`` are the wire parameters (strings, JSON-encoded where not text); ``files`` the
        multipart uploads by part name. Never raises for API-level errors: those come back as
        Telegram's error JSON with the matching status.
        """
        await self.line.travel()  # the request on its way in
        params = decode_params(fields or {})
        files = dict(files or {})
        recorded = dict(params)
        recorded.update(files)
        self.calls.append((method, recorded))
        key = method.lower()
        try:
            handler = self._methods.get(key)
            if handler is None and key != "getupdates":
                raise ApiError(404, "Not Found: method not found")
            self._inject_failure(key, params)
            self.line.admit(key)
            if handler is None:
                return 200, {"ok": True, "result": await self._get_updates(params)}
            return 200, {"ok": True, "result": handler(self, params, files)}
        except ApiError as error:
            return error.code, error.to_json()
        finally:
            await self.line.travel()  # the answer on its way out

    def _inject_failure(self, method: str, params: Mapping[str, Any]) -> None:
        self._injections = [i for i in self._injections if i.remaining > 0]
        for injection in self._injections:
            if method in injection.methods:
                injection.remaining -= 1
                raise injection.error
        if method in SENDING_METHODS and params.get("chat_id") in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self._random_faults is not None and (error := self._random_faults.draw(method)):
            raise error

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Confirm updates below ``offset``; return pending ones, long-polling up to timeout."""
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        allowed = params.get("allowed_updates") or None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            ready = [u for u in self._updates if allowed is None or _update_kind(u) in allowed]
            remaining = deadline - loop.time()
            if ready or remaining <= 0:
                return ready[:limit]
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await waiter
            finally:
                self._waiters.discard(waiter)

    # ----------------------------------------------------------------- waiting for the bot

    async def next_message(
        self, chat_id: int, after: int, *, contains: str | None = None, wait: float = 0.0
    ) -> BotMessage | None:
        """The bot's first message in ``chat_id`` with an id above ``after`` that shows
        ``contains`` (any, when None), waiting up to ``wait`` seconds; None if none came.

        User and bot messages share one id sequence per chat, so ``after`` = the id of the
        user's message asks for what the bot sent since. For drivers in another process
        (``GET /_standin/chats/{chat_id}/next``), so they need not poll.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            found = self._first_after(chat_id, after, contains)
            remaining = deadline - loop.time()
            if found is not None or remaining <= 0:
                return found
            waiter: asyncio.Future[None] = loop.create_future()
            waiters = self._chat_waiters.setdefault(chat_id, set())
            waiters.add(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await waiter
            finally:
                waiters.discard(waiter)

    def _first_after(self, chat_id: int, after: int, contains: str | None) -> BotMessage | None:
        for message in self.messages(chat_id):
            if message.message_id > after and (contains is None or contains in message.shown):
                return message
        return None

    def _announce(self, message: BotMessage) -> None:
        """Logs a message the bot sent and wakes whoever waits for one in its chat."""
        self.sent_log.append((time.time(), message.chat_id, message.message_id))
        for waiter in list(self._chat_waiters.get(message.chat_id, ())):
            with contextlib.suppress(RuntimeError):  # a waiter's loop may be closed
                waiter.get_loop().call_soon_threadsafe(_wake, waiter)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _update_kind(update: Mapping[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")
