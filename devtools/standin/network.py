"""The line between a bot and the stand-in: a latency per call and Telegram's sending cap.

On loopback every call is answered in well under a millisecond, so a bot that waits for each
call in turn looks as fast as one that overlaps them. Real Telegram is tens of milliseconds
away, and answers 429 with ``retry_after`` when a bot sends more than about 30 messages a
second across all its chats. :class:`Line` adds both, for the benchmarks and for tests of how a
bot copes: ``FakeBotAPI(latency=0.05, cap=30)``, or ``python -m devtools.standin --latency 0.05
--cap 30``.
"""

from __future__ import annotations

import asyncio
import collections
import math
import time
from collections.abc import Awaitable, Callable

from devtools.standin.rules import ApiError

__all__ = ["CAPPED_METHODS", "Line"]

#: Methods that put a message in front of someone: Telegram's cap counts these.
CAPPED_METHODS = frozenset(
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

#: Telegram's flood control looks back this many seconds.
WINDOW = 1.0


class Line:
    """Latency on every call (half on the way in, half on the way out) and a cap on sends.

    ``cap`` is the number of sending calls (:data:`CAPPED_METHODS`) accepted in any sliding
    window of one second, across chats; a call above it is answered 429 with a ``retry_after``
    of the whole seconds until the window has room again (at least 1), as Telegram does. None:
    no cap. ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        latency: float = 0.0,
        cap: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if latency < 0:
            raise ValueError("latency cannot be negative")
        if cap is not None and cap < 1:
            raise ValueError("a cap must allow at least one message a second")
        self.latency = latency
        self.cap = cap
        self.refused = 0
        """Calls answered 429 because of the cap."""
        self._clock = clock
        self._sleep = sleep
        self._accepted: collections.deque[float] = collections.deque()

    async def travel(self) -> None:
        """Half the latency: a request on its way in, or its answer on its way out."""
        if self.latency > 0:
            await self._sleep(self.latency / 2)

    def admit(self, method: str) -> None:
        """Counts a sending call against the cap; raises 429 when the window is full.

        ``method`` is lower-case. A refused call does not count: Telegram did not deliver it.
        """
        if self.cap is None or method not in CAPPED_METHODS:
            return
        now = self._clock()
        while self._accepted and self._accepted[0] <= now - WINDOW:
            self._accepted.popleft()
        if len(self._accepted) >= self.cap:
            self.refused += 1
            retry_after = max(1, math.ceil(self._accepted[0] + WINDOW - now))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        self._accepted.append(now)

    def describe(self) -> dict[str, float | int | None]:
        """The line's settings and how many calls the cap refused, as JSON-able data."""
        return {"latency": self.latency, "cap": self.cap, "refused": self.refused}
