"""What Telegram accepts: its HTML dialect, length limits, keyboards, commands, error shapes.

Everything here is pure: it decides whether a request would pass Telegram and what the user
would see, and says no with the same :class:`ApiError` (status and description) Telegram uses.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "SENDING_METHODS",
    "ApiError",
    "bad_request",
    "check_commands",
    "check_reply_markup",
    "checked_text",
    "command_entities",
    "decode_params",
    "guess_mime",
    "require_text",
    "utf16_length",
    "visible",
]

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
MAX_CAPTION = 1024
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


def bad_request(detail: str) -> ApiError:
    """Telegram's 400 with ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")


def decode_params(fields: Mapping[str, Any]) -> dict[str, Any]:
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
            raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {start}")
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in _HTML_TAGS:
            raise bad_request(
                f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {start}'
            )
        if closing:
            if not open_tags or open_tags[-1] != tag:
                raise bad_request(
                    f'can\'t parse entities: Unexpected end tag at byte offset {start}: "{tag}"'
                )
            open_tags.pop()
        else:
            open_tags.append(tag)
        position = match.end()
    if open_tags:
        raise bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    plain.append(text[position:])
    return html.unescape("".join(plain))


def visible(text: str, parse_mode: str | None) -> str:
    """Return ``text`` as displayed under ``parse_mode`` (only HTML is parsed and checked)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return _html_to_plain(text)
    return text


def utf16_length(text: str) -> int:
    """The length Telegram measures: UTF-16 code units, as its clients count."""
    return len(text.encode("utf-16-le")) // 2


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an inline keyboard the way Telegram does and return it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def check_commands(commands: Any) -> list[dict[str, Any]]:
    """Validate a ``setMyCommands`` menu: lower-case names, descriptions of 1-256 characters."""
    if not isinstance(commands, list):
        raise bad_request('parameter "commands" is required')
    for command in commands:
        if not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity a client adds for ``/command[@bot] args``."""
    match = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group(0))}]


def require_text(params: Mapping[str, Any]) -> tuple[str, str | None]:
    """The ``text`` and ``parse_mode`` of a request; 400 when there is no text."""
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    return text, params.get("parse_mode")


def checked_text(text: str, parse_mode: str | None) -> str:
    """What a message text shows; 400 when it shows nothing or more than Telegram allows."""
    plain = visible(text, parse_mode)
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_length(plain) > _MAX_TEXT:
        raise bad_request("message is too long")
    return plain


def guess_mime(filename: str) -> str:
    """The MIME type Telegram reports for a document, from its name."""
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
