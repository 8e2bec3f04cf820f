"""An injected ``sleep``: the bot's backoffs and flood waits recorded, not waited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Sleeps:
    """Records how long the bot wanted to wait and returns at once (after one loop turn, so
    other chats get their go, as with a real wait). ``then`` runs at every wait."""

    def __init__(self, then: Callable[[list[float]], None] | None = None) -> None:
        self.waits: list[float] = []
        self.then = then

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.then is not None:
            self.then(self.waits)
        await asyncio.sleep(0)


def quick(bot: object, then: Callable[[list[float]], None] | None = None) -> Sleeps:
    """Makes a running harness's postman and pipeline wait through one ``Sleeps``."""
    sleeps = Sleeps(then)
    services = bot.services  # type: ignore[attr-defined]
    services.postman.sleep = sleeps
    services.pipeline.sleep = sleeps
    return sleeps
