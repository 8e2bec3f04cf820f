"""Sending messages: long texts split at line breaks, documents, and Telegram's refusals."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, TimedOut

from bot.render import Outgoing

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Splits text into chunks of at most ``limit`` characters, at line breaks where possible.

    Callers pass HTML whose tags never span lines, so a split at a line break keeps tags whole.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single huge line: cut it hard
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


async def send(bot: Bot, chat_id: int, messages: list[Outgoing]) -> list[Message]:
    """Sends the messages in order; a keyboard goes with the last chunk of its message."""
    sent: list[Message] = []
    for message in messages:
        chunks = split_text(message.text)
        for i, chunk in enumerate(chunks):
            markup: InlineKeyboardMarkup | None = message.keyboard if i == len(chunks) - 1 else None
            sent.append(await bot.send_message(chat_id, chunk, reply_markup=markup))
    return sent


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answers a button press (stops the client's spinner); best effort, never fatal.

    Telegram refuses answers to queries older than a few minutes or already answered; the
    press itself is still handled, so such a refusal is logged and otherwise ignored.
    """
    try:
        await query.answer(text)
    except (BadRequest, TimedOut) as exc:
        log.info("could not answer callback query %s: %s", query.id, exc)
