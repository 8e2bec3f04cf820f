"""What every handler needs: settings, the store, the clock, and the bot's delivery parts.

One :class:`Services` per Application, kept in its typed ``bot_data`` (:class:`BotData`) and
reached from a handler as ``context.services`` (bot/context.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.documents import Documents
from bot.raw_updates import KeepRaw
from bot.settings import Settings
from bot.throttle import Throttle
from storage import Store

if TYPE_CHECKING:  # only for annotations: both modules import this one
    from bot.outbox import Postman
    from bot.pipeline import Pipeline

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The bot's resources. ``clock`` is replaceable so tests control time.

    ``store``, ``postman`` and ``pipeline`` exist once the application has started
    (post_init opens the store if the factory was not given one).
    """

    settings: Settings
    store: Store | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    owns_store: bool = False  # opened by post_init, so closed by post_shutdown
    postman: Postman | None = None
    pipeline: Pipeline | None = None
    documents: Documents = field(default_factory=Documents)
    throttle: Throttle = field(default_factory=Throttle)  # per-user limits (bot/throttle.py)
    # getUpdates' request object, which keeps the JSON of what it fetched (for the inbox).
    raw_updates: KeepRaw = field(default_factory=KeepRaw)
    _background: set[asyncio.Task[None]] = field(default_factory=set)

    def now(self) -> datetime:
        return self.clock()

    def in_background(self, work: Coroutine[object, object, None], name: str) -> None:
        """Runs ``work`` beside the pipeline (a reminder batch a coordinator started); an
        error is logged, never lost."""
        task = asyncio.ensure_future(work)
        task.set_name(name)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())

    async def background_done(self) -> None:
        """Waits until the work started in the background has finished (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    @property
    def db(self) -> Store:
        if self.store is None:  # pragma: no cover - post_init opens it before any update
            raise RuntimeError("the store is not open yet")
        return self.store


class BotData:
    """The application's ``bot_data``: its Services, typed (no string keys to look up)."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:  # pragma: no cover - the factory sets it before anything
            raise RuntimeError("the application was not built by bot.app.build_application")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value
