"""The write lock: a mutex that lets a queue of short write blocks through in one go.

``asyncio.Lock`` hands itself to one waiter per turn of the event loop: the releasing task
wakes the next, which runs only in the loop's next iteration, after every other callback that
is ready. Under load an iteration takes a millisecond or more (HTTP answers, handlers), so
forty queued write blocks of 0.1 ms each waited some forty iterations: measured with 100
colleagues at 50 ms per Bot API call, a handler waited 13-36 ms (median) for the lock it then
held for half a millisecond.

A write block rarely suspends while it holds the lock (its statements run straight away,
storage.sqlite.connection), so :class:`Gate` wakes every waiter when it is released. They run
in that one iteration, one after the other; whoever finds the gate taken (because the holder
before it did suspend: taking SQLite's lock, the commit) waits again with the place in line it
had, so the line keeps its order (first come, first served, but for a newcomer that finds the
gate free). Only one holder at a time, as with any mutex.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools


class Gate:
    """A mutex for coroutines; release wakes all waiters (see the module's docstring)."""

    def __init__(self) -> None:
        self._held = False
        # Nobody waits while the gate is free: release empties the line, and a woken waiter
        # joins it again only when the gate is held. Ordered by ticket: the place in line.
        self._line: list[tuple[int, asyncio.Future[None]]] = []
        self._tickets = itertools.count()

    def locked(self) -> bool:
        return self._held

    async def acquire(self) -> None:
        ticket = next(self._tickets)
        while self._held:
            place = (ticket, asyncio.get_running_loop().create_future())
            heapq.heappush(self._line, place)
            try:
                await place[1]
            except asyncio.CancelledError:
                if place in self._line:
                    self._line.remove(place)
                    heapq.heapify(self._line)
                raise
        self._held = True

    def release(self) -> None:
        if not self._held:
            raise RuntimeError("the gate is not held")
        self._held = False
        line, self._line = sorted(self._line), []
        for _ticket, waiting in line:
            if not waiting.done():
                waiting.set_result(None)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()
