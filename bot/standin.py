"""A stand-in for the Telegram Bot API, for tests and the offline demo.

Telegram itself is never reachable from tests, so this module plays the server side of one bot:

* :class:`FakeBotAPI` keeps the server state (chats, the bot's messages, uploaded files, callback
  answers, command menus, the queue of incoming updates) and answers Bot API methods with the
  same JSON and the same error shapes Telegram uses.
* :class:`FakeRequest` plugs that fake into python-telegram-bot in memory, as its
  ``BaseRequest``; PTB then behaves exactly as against Telegram, errors included.
* :func:`serve_http` exposes the same fake over HTTP on loopback, for ``base_url`` users such as
  ``themabot demo``; ``python -m bot.standin`` runs it standalone with a small ``/_standin/...``
  control API so outside scripts can play the users.

Both transports hand the fake the *wire* form of the parameters (strings, JSON-encoded where not
a string, files as multipart parts) so a test in memory exercises the same decoding the HTTP
server does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import mimetypes
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from aiohttp import BodyPartReader, web
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

__all__ = [
    "BOT_ID",
    "DEFAULT_BOT_USERNAME",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "ChatState",
    "FakeBotAPI",
    "FakeRequest",
    "Upload",
    "file_base_url",
    "private_chat",
    "serve_http",
]

BOT_ID = 777000001
DEFAULT_BOT_USERNAME = "themabot_test_bot"

#: Methods that put something in front of a user; blocking and rate limits apply to these.
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendchataction",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "deletemessage",
    }
)

# Parameters whose wire value is a plain string; every other one is JSON (numbers, booleans,
# objects). Decoding by name avoids turning a text message "42" into the number 42.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "action",
        "language_code",
        "url",
        "file_id",
        "description",
        "short_description",
        "name",
        "document",
        "photo",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
    }
)

# Telegram's HTML dialect: anything else (<br>, <p>, a stray "<") is rejected with 400.
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_MAX_CALLBACK_DATA = 64


class ApiError(Exception):
    """A Bot API error: becomes ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, code: int, description: str, parameters: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = dict(parameters) if parameters else None

    def to_json(self) -> dict[str, Any]:
        """Return the error body exactly as Telegram shapes it."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, as the server received it."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class BotMessage:
    """A message the bot sent, in its current state (edits applied in place)."""

    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    """The text as the bot sent it, markup included."""
    plain_text: str | None = None
    """The text as the user sees it: HTML tags removed and entities unescaped."""
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None
    document_file_id: str | None = None
    caption: str | None = None
    plain_caption: str | None = None
    edited: bool = False
    edit_date: int | None = None
    earlier_texts: list[str] = field(default_factory=list)
    """Visible texts this message showed before each edit, oldest first."""
    deleted: bool = False

    @property
    def shown(self) -> str:
        """What the user reads in the chat bubble: the text, else the caption, else ''."""
        return self.plain_text or self.plain_caption or ""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """The rows of inline buttons, empty when the message has none."""
        if not self.reply_markup:
            return []
        return list(self.reply_markup.get("inline_keyboard", []))


@dataclass
class CallbackAnswer:
    """What the bot answered to one callback query (``answerCallbackQuery``)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class ChatState:
    """One chat as the server knows it."""

    chat: dict[str, Any]
    messages: list[BotMessage] = field(default_factory=list)
    """The bot's messages, oldest first, deleted ones included (flagged)."""
    incoming: list[dict[str, Any]] = field(default_factory=list)
    """Messages users sent in this chat, as Bot API ``Message`` dicts."""
    last_message_id: int = 0

    def next_message_id(self) -> int:
        """Allocate the next message id; user and bot messages share one sequence per chat."""
        self.last_message_id += 1
        return self.last_message_id


@dataclass
class _Injection:
    """A pending injected failure: the next ``remaining`` matching calls get ``error``."""

    error: ApiError
    remaining: int
    methods: frozenset[str]


def _decode_params(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Turn wire parameters into Python values, as Telegram reads them.

    Values that are not strings (a JSON request body) are kept as they are.
    """
    params: dict[str, Any] = {}
    for name, value in fields.items():
        if not isinstance(value, str) or name in _STRING_PARAMS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            # "@channelusername" and other bare strings in JSON-typed slots.
            params[name] = value
    return params


def _html_to_plain(text: str) -> str:
    """Check ``text`` against Telegram's HTML rules and return what the user would see.

    Raises:
        ApiError: 400 ``can't parse entities`` where Telegram would refuse the text.
    """
    plain: list[str] = []
    open_tags: list[str] = []
    position = 0
    while (start := text.find("<", position)) != -1:
        plain.append(text[position:start])
        match = _TAG_RE.match(text, start)
        if not match:
            raise _bad_request(
                f"can't parse entities: Unsupported start tag at byte offset {start}"
            )
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in _HTML_TAGS:
            raise _bad_request(
                f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {start}'
            )
        if closing:
            if not open_tags or open_tags[-1] != tag:
                raise _bad_request(
                    f'can\'t parse entities: Unexpected end tag at byte offset {start}: "{tag}"'
                )
            open_tags.pop()
        else:
            open_tags.append(tag)
        position = match.end()
    if open_tags:
        raise _bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    plain.append(text[position:])
    return html.unescape("".join(plain))


def _visible(text: str, parse_mode: str | None) -> str:
    """Return ``text`` as displayed under ``parse_mode`` (only HTML is parsed and checked)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return _html_to_plain(text)
    return text


def _utf16_length(text: str) -> int:
    # Telegram measures lengths in UTF-16 code units, as its clients do.
    return len(text.encode("utf-16-le")) // 2


def _check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an inline keyboard the way Telegram does and return it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise _bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
                raise _bad_request("BUTTON_DATA_INVALID")
    return markup


class FakeBotAPI:
    """The server side of the Telegram Bot API for one bot, in memory.

    Every call is recorded in :attr:`calls` as ``(method, params)`` (method as sent, e.g.
    ``"sendMessage"``; params decoded; uploads as :class:`Upload`), failed calls included.
    """

    def __init__(self, username: str = DEFAULT_BOT_USERNAME, first_name: str = "Themabot") -> None:
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
        self._waiters: set[asyncio.Future[None]] = set()
        self._methods: dict[str, Callable[[dict[str, Any], dict[str, Upload]], Any]] = {
            "getme": lambda _p, _f: self.bot_user,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": lambda _p, _f: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            },
            "setmydescription": lambda _p, _f: True,
            "setmyshortdescription": lambda _p, _f: True,
            "setchatmenubutton": lambda _p, _f: True,
            "close": lambda _p, _f: True,
            "logout": lambda _p, _f: True,
            "getchat": self._get_chat,
        }

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
            if entities := _command_entities(text):
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
                if entities := _command_entities(text):
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
                "mime_type": _guess_mime(filename),
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
        params = _decode_params(fields or {})
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
            if handler is None:
                return 200, {"ok": True, "result": await self._get_updates(params)}
            return 200, {"ok": True, "result": handler(params, files)}
        except ApiError as error:
            return error.code, error.to_json()

    def _inject_failure(self, method: str, params: Mapping[str, Any]) -> None:
        self._injections = [i for i in self._injections if i.remaining > 0]
        for injection in self._injections:
            if method in injection.methods:
                injection.remaining -= 1
                raise injection.error
        if method in SENDING_METHODS and params.get("chat_id") in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _chat(self, params: Mapping[str, Any]) -> ChatState:
        state = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if state is None:
            raise _bad_request("chat not found")
        return state

    def _bot_message(self, params: Mapping[str, Any], action: str) -> BotMessage:
        if "inline_message_id" in params:
            raise _bad_request("inline messages are not supported by the stand-in")
        state = self._chat(params)
        for message in state.messages:
            if message.message_id == params.get("message_id") and not message.deleted:
                return message
        raise _bad_request(f"message to {action} not found")

    def _new_message(self, state: ChatState, **values: Any) -> BotMessage:
        message = BotMessage(
            chat_id=int(state.chat["id"]),
            message_id=state.next_message_id(),
            date=int(time.time()),
            **values,
        )
        state.messages.append(message)
        return message

    # ----------------------------------------------------------------- methods

    def _send_message(self, params: dict[str, Any], _files: dict[str, Upload]) -> dict[str, Any]:
        state = self._chat(params)
        text, parse_mode = _require_text(params)
        message = self._new_message(
            state,
            text=text,
            plain_text=_checked_text(text, parse_mode),
            parse_mode=parse_mode,
            reply_markup=_check_reply_markup(params.get("reply_markup")),
        )
        return self.message_json(message)

    def _edit_message_text(
        self, params: dict[str, Any], _files: dict[str, Upload]
    ) -> dict[str, Any]:
        message = self._bot_message(params, "edit")
        if message.text is None:
            raise _bad_request("there is no text in the message to edit")
        text, parse_mode = _require_text(params)
        plain = _checked_text(text, parse_mode)
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = _check_reply_markup(params.get("reply_markup"))
        if plain == message.plain_text and markup == message.reply_markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.earlier_texts.append(message.shown)
        message.text, message.plain_text, message.parse_mode = text, plain, parse_mode
        message.reply_markup = markup
        _mark_edited(message)
        return self.message_json(message)

    def _edit_message_reply_markup(
        self, params: dict[str, Any], _files: dict[str, Upload]
    ) -> dict[str, Any]:
        message = self._bot_message(params, "edit")
        markup = _check_reply_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        _mark_edited(message)
        return self.message_json(message)

    def _delete_message(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        state = self._chat(params)
        for message in state.messages:
            if message.message_id == params.get("message_id") and not message.deleted:
                message.deleted = True
                return True
        for incoming in state.incoming:
            if incoming["message_id"] == params.get("message_id"):
                state.incoming.remove(incoming)
                return True
        raise _bad_request("message to delete not found")

    def _answer_callback_query(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_callback_queries:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callback_queries.discard(query_id)
        self.callback_answers[query_id] = CallbackAnswer(
            query_id=query_id,
            text=params.get("text"),
            show_alert=bool(params.get("show_alert", False)),
            url=params.get("url"),
        )
        return True

    def _send_document(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        state = self._chat(params)
        filename, content = self._document_from(params, files)
        caption, parse_mode = params.get("caption"), params.get("parse_mode")
        plain_caption = None
        if caption is not None:
            plain_caption = _visible(caption, parse_mode)
            if _utf16_length(plain_caption) > _MAX_CAPTION:
                raise _bad_request("message caption is too long")
        file_id = self.register_file(content, f"documents/{filename}")
        message = self._new_message(
            state,
            document=(filename, content),
            document_file_id=file_id,
            caption=caption,
            plain_caption=plain_caption,
            parse_mode=parse_mode,
            reply_markup=_check_reply_markup(params.get("reply_markup")),
        )
        return self.message_json(message)

    def _document_from(
        self, params: Mapping[str, Any], files: Mapping[str, Upload]
    ) -> tuple[str, bytes]:
        reference = params.get("document")
        if isinstance(reference, str) and reference.startswith("attach://"):
            upload = files.get(reference.removeprefix("attach://"))
        elif isinstance(reference, str):
            if reference not in self.files:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            path, content = self.files[reference]
            return path.rsplit("/", 1)[-1], content
        else:
            upload = files.get("document")
        if upload is None:
            raise _bad_request("there is no document in the request")
        return upload.filename, upload.content

    def _send_chat_action(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        self._chat(params)
        return True

    def _get_file(self, params: dict[str, Any], _files: dict[str, Upload]) -> dict[str, Any]:
        file_id = params.get("file_id")
        if file_id not in self.files:
            raise _bad_request("invalid file_id")
        path, content = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes behind a ``file_path`` returned by getFile, or None if unknown."""
        for path, content in self.files.values():
            if path == file_path:
                return content
        return None

    @staticmethod
    def _command_key(params: Mapping[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def _set_my_commands(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(params)] = commands
        return True

    def _delete_my_commands(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        self.commands.pop(self._command_key(params), None)
        return True

    def _get_my_commands(
        self, params: dict[str, Any], _files: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        return self.commands.get(self._command_key(params), [])

    def _delete_webhook(self, params: dict[str, Any], _files: dict[str, Upload]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_chat(self, params: dict[str, Any], _files: dict[str, Upload]) -> dict[str, Any]:
        chat = dict(self._chat(params).chat)
        # ChatFullInfo fields Telegram always sends.
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        )
        return chat

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


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _update_kind(update: Mapping[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def private_chat(user: Mapping[str, Any]) -> dict[str, Any]:
    """The Bot API ``Chat`` of the private chat between the bot and ``user``."""
    chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity a client adds for ``/command[@bot] args``."""
    match = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _utf16_length(match.group(0))}]


def _require_text(params: Mapping[str, Any]) -> tuple[str, str | None]:
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad_request("message text is empty")
    return text, params.get("parse_mode")


def _checked_text(text: str, parse_mode: str | None) -> str:
    plain = _visible(text, parse_mode)
    if not plain.strip():
        raise _bad_request("message text is empty")
    if _utf16_length(plain) > _MAX_TEXT:
        raise _bad_request("message is too long")
    return plain


def _mark_edited(message: BotMessage) -> None:
    message.edited = True
    message.edit_date = int(time.time())


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"


# --------------------------------------------------------------------- PTB in memory


class FakeRequest(BaseRequest):
    """A PTB request object that answers from a :class:`FakeBotAPI` instead of the network.

    Use one for ``ApplicationBuilder().request(...)`` and another for
    ``.get_updates_request(...)``; both may share the same fake. Initialising and shutting down
    are no-ops, so the same objects can serve several Applications in turn (a "restart").
    """

    def __init__(self, api: FakeBotAPI, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout PTB adds to a long poll's own timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the fake lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to close: the fake lives in memory."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route PTB's request to the fake and return ``(status, body)`` as a server would."""
        path = unquote(urlsplit(url).path)
        if "/file/bot" in path:
            # base_file_url + file_path: everything after the token is the file path.
            file_path = path.split("/file/bot", 1)[1].split("/", 1)[-1]
            content = self.api.file_content(file_path)
            if content is None:
                return 404, json.dumps(ApiError(404, "Not Found").to_json()).encode()
            return 200, content
        api_method = path.rsplit("/", 1)[-1]
        fields = request_data.json_parameters if request_data else {}
        files = _uploads(request_data.multipart_data) if request_data else {}
        status, body = await self.api.call(api_method, fields, files)
        return status, json.dumps(body).encode()


def _uploads(parts: Mapping[str, tuple[str, Any, str]]) -> dict[str, Upload]:
    uploads = {}
    for name, (filename, content, mime_type) in parts.items():
        data = content if isinstance(content, bytes) else content.read()
        uploads[name] = Upload(filename=filename, content=data, mime_type=mime_type)
    return uploads


# --------------------------------------------------------------------- HTTP on loopback

_API_KEY = web.AppKey("api", FakeBotAPI)


def file_base_url(base_url: str) -> str:
    """PTB's ``base_file_url`` that goes with a ``base_url`` returned by :func:`serve_http`."""
    return base_url.removesuffix("/bot") + "/file/bot"


async def serve_http(
    api: FakeBotAPI, host: str = "127.0.0.1", port: int = 0
) -> tuple[web.AppRunner, str]:
    """Serve ``api`` over HTTP and return ``(runner, base_url)``; stop it with ``runner.cleanup()``.

    ``base_url`` (``http://HOST:PORT/bot``) is PTB's ``base_url``; port 0 picks a free port.
    """
    app = web.Application(client_max_size=50 * 1024 * 1024)
    app[_API_KEY] = api
    app.router.add_route("*", "/bot{token}/{method}", _handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", _handle_file)
    app.router.add_post("/_standin/updates", _handle_push_update)
    app.router.add_post("/_standin/messages", _handle_push_message)
    app.router.add_get("/_standin/calls", _handle_list_calls)
    app.router.add_get("/_standin/chats", _handle_list_chats)
    app.router.add_get("/_standin/chats/{chat_id}", _handle_chat_messages)
    # A long poll whose client went away (PTB cancels it on stop) must not hold up cleanup.
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return runner, f"http://{host}:{bound_port}/bot"


async def _handle_method(request: web.Request) -> web.Response:
    fields: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        fields.update(await request.json())
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                mime_type = part.headers.get("Content-Type", "application/octet-stream")
                files[part.name] = Upload(part.filename, bytes(await part.read()), mime_type)
            else:
                fields[part.name] = await part.text()
    elif request.can_read_body:
        fields.update(await request.post())
    status, body = await request.app[_API_KEY].call(request.match_info["method"], fields, files)
    return web.json_response(body, status=status)


async def _handle_file(request: web.Request) -> web.Response:
    content = request.app[_API_KEY].file_content(request.match_info["path"])
    if content is None:
        return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
    return web.Response(body=content)


async def _handle_push_update(request: web.Request) -> web.Response:
    update_id = request.app[_API_KEY].push_update(await request.json())
    return web.json_response({"update_id": update_id})


async def _handle_push_message(request: web.Request) -> web.Response:
    """Push a text message from a user: ``{"user_id", "first_name", "text"}``."""
    body = await request.json()
    api = request.app[_API_KEY]
    sender = {
        "id": int(body["user_id"]),
        "is_bot": False,
        "first_name": body.get("first_name", "User"),
        "language_code": body.get("language_code", "nl"),
    }
    message = api.user_message(sender, text=str(body["text"]))
    update_id = api.push_update({"message": message})
    return web.json_response({"update_id": update_id, "message_id": message["message_id"]})


async def _handle_list_calls(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    method = request.query.get("method")
    calls = [
        {"method": name, "params": params}
        for name, params in api.calls
        if method is None or name.lower() == method.lower()
    ]
    return web.json_response(calls, dumps=_dumps)


async def _handle_list_chats(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    return web.json_response([state.chat for state in api.chats.values()])


async def _handle_chat_messages(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    messages = [asdict(m) for m in api.messages(int(request.match_info["chat_id"]))]
    return web.json_response(messages, dumps=_dumps)


def _dumps(value: Any) -> str:
    def fallback(obj: Any) -> Any:
        if isinstance(obj, bytes):
            return f"<{len(obj)} bytes>"
        if isinstance(obj, Upload):
            return {"filename": obj.filename, "size": len(obj.content)}
        raise TypeError(type(obj).__name__)

    return json.dumps(value, default=fallback)


async def _serve_forever(host: str, port: int, username: str) -> None:
    runner, base_url = await serve_http(FakeBotAPI(username=username), host, port)
    print(f"Bot API stand-in on {base_url}  (file URL {file_base_url(base_url)})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in until interrupted: ``python -m bot.standin --port 8081``."""
    parser = argparse.ArgumentParser(prog="python -m bot.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--username", default=DEFAULT_BOT_USERNAME)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.host, args.port, args.username))


if __name__ == "__main__":
    main()
