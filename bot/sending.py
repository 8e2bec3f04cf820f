"""Sending messages: long texts split at line breaks, retries that survive hiccups, and
Telegram's refusals told apart from its hiccups."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum

import httpx
from msgspec import Struct
from telegram import Bot, CallbackQuery, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.http import NotSent
from bot.lengths import split_text
from bot.pacing import BULK
from bot.render import Outgoing
from storage.records import Keyboard, Lane

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def retry_after_seconds(exc: RetryAfter) -> float:
    """Returns a RetryAfter's wait in seconds (PTB gives an int or a timedelta)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Sent(StrEnum):
    """What became of one message after its tries."""

    SENT = "sent"
    GONE = "gone"  # the chat will never take it: blocked (403), deleted, deactivated
    REFUSED = "refused"  # Telegram refused this message (400): sending it again will not help
    FAILED = "failed"  # network, 5xx or flood control beyond our patience: try again later
    UNCERTAIN = "uncertain"  # sent, but the answer never came: it may well have arrived


class Patience(Struct, frozen=True):
    """How hard one send tries before it leaves the message for later."""

    tries: int = 6  # network errors and 5xx: 0.5, 1, 2, 4, 8 s between tries
    first_backoff: float = 0.5
    max_retry_after: float = 60.0  # a longer flood-control wait is not slept out here
    flood_waits: int = 10  # 429s one send sits out before it gives up


REPLY_PATIENCE = Patience()
BULK_PATIENCE = Patience(tries=4, first_backoff=1.0)

# Refusals that mean the chat is gone for good (Telegram words them as 400 or 403).
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


def chat_is_gone(exc: BadRequest) -> bool:
    """Whether a 400 means the chat no longer exists for the bot."""
    return any(phrase in exc.message.lower() for phrase in _GONE)


def maybe_delivered(exc: TimedOut) -> bool:
    """Whether a timed-out request may have reached Telegram.

    Before the request was written (no connection, no free connection, or not all of it
    sent) Telegram cannot have acted on it: sending again is safe. A read timeout means the
    whole request went out and only the answer is missing: Telegram has most likely
    delivered it, and sending again would show the message twice.
    """
    if isinstance(exc, NotSent):  # our aiohttp requests say so themselves
        return False
    cause = exc.__cause__  # PTB's httpx requests: read the kind of timeout
    return not isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.WriteTimeout)


async def deliver(
    bot: Bot,
    chat_id: int,
    text: str,
    keyboard: Keyboard | InlineKeyboardMarkup | None = None,
    *,
    lane: Lane = Lane.REPLY,
    patience: Patience = REPLY_PATIENCE,
    sleep: Sleep = asyncio.sleep,
) -> Sent:
    """Sends one message of Telegram HTML (at most one message long), retrying what is worth it.

    Never raises a Telegram error. 429: waits ``retry_after`` (this chat only; other chats
    go on) and sends the same message again. 5xx and network errors: backoff, a bounded
    number of times. A read timeout counts as delivered (see :func:`maybe_delivered`).
    """
    params: dict[str, object] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML.value,
        "link_preview_options": NO_PREVIEW,
    }
    if keyboard:
        params["reply_markup"] = _markup_json(keyboard)
    # A bulk message gets the lower lane of the pacer (bot.pacing); a reply the default one.
    lane_args = BULK if lane is Lane.BULK else None

    async def once() -> object:
        # The raw call: PTB's send_message turns Telegram's answer into a Message object we
        # never read, which cost more than the rest of the send. Bot API method names are
        # case-insensitive; PTB warns about a raw call only under its own (camelCase) name.
        if isinstance(bot, ExtBot):  # ExtBot is what PTB hands out; it knows the lanes
            return await bot.do_api_request(
                "sendmessage", api_kwargs=params, rate_limit_args=lane_args
            )
        return await bot.do_api_request("sendmessage", api_kwargs=params)

    return await _with_retries(once, chat_id, patience, sleep)


NO_PREVIEW = {"is_disabled": True}  # links in our messages are invite links: no previews


def _markup_json(keyboard: Keyboard | InlineKeyboardMarkup) -> dict[str, object]:
    """Inline buttons as the Bot API takes them."""
    if isinstance(keyboard, InlineKeyboardMarkup):
        return keyboard.to_dict()
    rows = [[{"text": label, "callback_data": data} for label, data in row] for row in keyboard]
    return {"inline_keyboard": rows}


async def deliver_document(
    bot: Bot,
    chat_id: int,
    content: bytes,
    filename: str,
    caption: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Sent:
    """Sends a document with :func:`deliver`'s retries (the same file each time)."""

    async def once() -> object:
        return await bot.send_document(
            chat_id, content, filename=filename, caption=caption, reply_markup=keyboard
        )

    return await _with_retries(once, chat_id, REPLY_PATIENCE, sleep)


async def _with_retries(
    once: Callable[[], Awaitable[object]], chat_id: int, patience: Patience, sleep: Sleep
) -> Sent:
    backoff = patience.first_backoff
    failures = floods = 0
    while True:
        try:
            await once()
            return Sent.SENT
        except Forbidden:
            return Sent.GONE
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            floods += 1
            if wait > patience.max_retry_after or floods > patience.flood_waits:
                return Sent.FAILED
            await sleep(wait)
        except BadRequest as exc:
            if chat_is_gone(exc):
                return Sent.GONE
            log.error("Telegram refused a message to chat %s: %s", chat_id, exc)
            return Sent.REFUSED
        except TimedOut as exc:
            if maybe_delivered(exc):
                log.warning("a message to chat %s timed out after sending; not resent", chat_id)
                return Sent.UNCERTAIN
            failures += 1
            if failures >= patience.tries:
                return Sent.FAILED
            await sleep(backoff)
            backoff *= 2
        except NetworkError as exc:  # includes 5xx answers
            failures += 1
            if failures >= patience.tries:
                log.warning("giving up for now on a message to chat %s: %s", chat_id, exc)
                return Sent.FAILED
            await sleep(backoff)
            backoff *= 2


async def send(
    bot: Bot, chat_id: int, messages: list[Outgoing], *, sleep: Sleep = asyncio.sleep
) -> Sent:
    """Sends messages now, in order (long ones split; the keyboard on the last part), each
    with :func:`deliver`'s retries; stops at the first that does not go out.

    For messages that need not survive a crash (an answer to a button, an error notice);
    replies to what a colleague did go through the outbox (bot.handling.queue_replies).
    """
    for message in messages:
        chunks = split_text(message.text)
        for i, chunk in enumerate(chunks):
            markup = message.keyboard if i == len(chunks) - 1 else None
            outcome = await deliver(bot, chat_id, chunk, markup, sleep=sleep)
            if outcome not in (Sent.SENT, Sent.UNCERTAIN):
                return outcome
    return Sent.SENT


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answers a button press (stops the client's spinner); best effort, never fatal.

    Telegram refuses answers to queries older than a few minutes or already answered; the
    press itself is still handled, so such a refusal is logged and otherwise ignored.
    """
    try:
        await query.answer(text)
    except (BadRequest, NetworkError, RetryAfter) as exc:  # a 429 here is not worth a wait
        log.info("could not answer callback query %s: %s", query.id, exc)


async def drop_keyboard(query: CallbackQuery) -> None:
    """Removes the buttons of the message a press came from, so the choice is visibly made."""
    try:
        await query.edit_message_reply_markup(None)
    except (BadRequest, NetworkError, RetryAfter) as exc:
        # Tidying only: an old message, one already without buttons, or a hiccup. The choice
        # is made and stored whatever the old message still shows.
        log.debug("could not remove a keyboard: %s", exc)
