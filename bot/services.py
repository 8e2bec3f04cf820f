"""What every handler needs: settings, the store and the clock. Kept in ``bot_data``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import CallbackContext

from bot.settings import Settings
from storage import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The bot's resources. ``clock`` is replaceable so tests control time."""

    settings: Settings
    store: Store | None = None
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    @property
    def db(self) -> Store:
        if self.store is None:  # pragma: no cover - post_init opens it before any update
            raise RuntimeError("the store is not open yet")
        return self.store


def services(context: CallbackContext) -> Services:
    """Returns the Services the application was built with."""
    return context.application.bot_data["services"]
