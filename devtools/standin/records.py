"""What the stand-in server stores: chats, the bot's messages, uploads and callback answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BotMessage", "CallbackAnswer", "ChatState", "Upload", "private_chat"]


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


def private_chat(user: Mapping[str, Any]) -> dict[str, Any]:
    """The Bot API ``Chat`` of the private chat between the bot and ``user``."""
    chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat
