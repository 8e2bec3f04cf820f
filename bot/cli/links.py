"""The bot's username, for invite links: from the database, or asked of the Bot API once.

The running bot stores its username at start-up. Before it has ever run, the command line asks
the Bot API itself (getMe) when a token is configured, and stores the answer, so invites print
their link from the first one on. When it cannot, it says why, so the coordinator knows how to
get the link instead.
"""

from __future__ import annotations

import logging

from msgspec import Struct

from bot.settings import Settings
from storage import Store

log = logging.getLogger(__name__)

USERNAME_KEY = "bot_username"
TIMEOUT = 10.0  # seconds for getMe; a coordinator waits, but not for long


class BotName(Struct, frozen=True):
    """The bot's username, or the ``[cli]`` key of why it is unknown (and the detail)."""

    username: str | None
    reason: str | None = None
    detail: str = ""


async def bot_name(store: Store, settings: Settings) -> BotName:
    """Returns the stored username, else asks the Bot API (and stores it), else says why not."""
    async with store.read() as tx:
        stored = await tx.get_meta(USERNAME_KEY)
    if stored:
        return BotName(stored)
    if not settings.token.strip():
        return BotName(None, "link_no_token")
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(connect_timeout=TIMEOUT, read_timeout=TIMEOUT)
    try:
        async with Bot(settings.token, base_url=settings.api_url, request=request) as bot:
            username = bot.username
    except InvalidToken:
        return BotName(None, "link_token_refused")
    except TelegramError as exc:  # network errors and timeouts are TelegramErrors too
        log.info("getMe failed: %s", exc)
        return BotName(None, "link_unreachable", str(exc) or type(exc).__name__)
    async with store.write() as tx:
        await tx.set_meta(USERNAME_KEY, username)
    return BotName(username)
