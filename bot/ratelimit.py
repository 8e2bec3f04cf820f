"""PTB's rate limiter, but one that never sleeps out a long flood-control wait.

``AIORateLimiter(max_retries=n)`` sleeps out *any* ``retry_after`` Telegram sends, however long
(an hour happens), and holds every other request of the bot meanwhile: the bot looks frozen.
``BoundedRateLimiter`` keeps the throttling (about 30 messages a second, 20 a minute per group)
and retries only short waits (up to ``max_wait`` seconds); a longer one raises ``RetryAfter`` to
the caller at once.

A caller that handles flood control itself passes ``rate_limit_args=NO_RETRIES`` (reminders do:
``bot.reminding.deliver`` decides whether to wait or to leave it to a later run). PTB drops a
falsy ``rate_limit_args`` (so a plain ``0`` would mean "the default"), hence the mapping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

MAX_WAIT = 30.0  # seconds: a longer flood-control wait is not slept out by the limiter
NO_RETRIES: Mapping[str, int] = {"max_retries": 0}


def retry_after_seconds(exc: RetryAfter) -> float:
    """Returns a RetryAfter's wait in seconds (PTB gives an int or a timedelta)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class BoundedRateLimiter(AIORateLimiter):
    """An ``AIORateLimiter`` that retries flood control only for waits up to ``max_wait``.

    ``rate_limit_args`` is ``None`` (use ``max_retries``) or a mapping ``{"max_retries": n}``.
    """

    def __init__(
        self,
        *,
        max_retries: int = 1,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(max_retries=0, **kwargs)  # the retrying is done here, bounded
        self.bounded_retries = max_retries
        self.max_wait = max_wait
        self.sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Mapping[str, int] | None,
    ) -> Any:
        retries = self.bounded_retries
        if isinstance(rate_limit_args, Mapping):
            retries = int(rate_limit_args.get("max_retries", retries))
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt >= retries or wait > self.max_wait:
                    raise
                attempt += 1
                log.info("Flood control on %s: retrying after %.1f s", endpoint, wait)
                # Like AIORateLimiter: hold the bot's other requests while waiting.
                self._retry_after_event.clear()
                try:
                    await self.sleep(wait + 0.1)
                finally:
                    self._retry_after_event.set()
