"""One pace for everything the bot sends: THEMABOT_SEND_RATE messages a second, replies first.

Telegram allows about 30 messages a second to different chats and answers 429 above it. PTB's
AIORateLimiter paces too, but in one queue: a reminder batch of 500 delays every reply behind
it, and it sleeps out flood-control waits for the whole bot. :class:`Pacer` hands out sending
slots at the set rate from two lanes: a waiting reply always gets the next slot; bulk messages
(reminders, digests, announcements) take the slots no reply wants. It never retries: a 429
goes back to the caller, who knows whether to wait for that one chat (bot.sending does).

Rate 0 means not paced: for a local Bot API server, or an account with paid broadcasts.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram.ext import BaseRateLimiter

from storage.records import Lane

# Bot API methods that put a message in front of someone: these count against Telegram's cap.
PACED = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
    }
)

#: ``rate_limit_args`` for a bulk message: ``bot.send_message(..., rate_limit_args=BULK)``.
BULK: Mapping[str, str] = {"lane": Lane.BULK.value}


class Pacer(BaseRateLimiter[Mapping[str, str]]):
    """Hands out at most ``rate`` sending slots a second, replies before bulk messages."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._waiting: dict[Lane, collections.deque[asyncio.Future[None]]] = {
            Lane.REPLY: collections.deque(),
            Lane.BULK: collections.deque(),
        }
        self._next_slot = 0.0
        self._granting: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Lets whoever still waits go (the application is stopping)."""
        if self._granting is not None:
            self._granting.cancel()
        for queue in self._waiting.values():
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.cancel()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Mapping[str, str] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if self.rate > 0 and endpoint.lower() in PACED:
            lane = Lane.BULK if (rate_limit_args or {}).get("lane") == Lane.BULK else Lane.REPLY
            await self.slot(lane)
        return await callback(*args, **kwargs)

    async def slot(self, lane: Lane = Lane.REPLY) -> None:
        """Waits for the next sending slot of ``lane``."""
        if self.rate <= 0:
            return
        loop = asyncio.get_running_loop()
        if not self._waiting[Lane.REPLY] and not self._waiting[Lane.BULK]:
            now = loop.time()
            if now >= self._next_slot:  # a free slot right now: no queueing, no task
                self._next_slot = now + 1 / self.rate
                return
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiting[lane].append(waiter)
        if self._granting is None or self._granting.done():
            self._granting = asyncio.ensure_future(self._grant())
        await waiter

    async def _grant(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            queue = self._waiting[Lane.REPLY] or self._waiting[Lane.BULK]
            if not queue:
                return
            wait = self._next_slot - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue  # a reply may have arrived meanwhile: it goes first
            waiter = queue.popleft()
            if waiter.done():  # its sender gave up (cancelled): the slot stays free
                continue
            self._next_slot = max(loop.time(), self._next_slot) + 1 / self.rate
            waiter.set_result(None)
