"""The context every handler and job gets: PTB's CallbackContext with our services typed.

Registered through ``ContextTypes(context=BotContext, bot_data=BotData)`` in bot/app.py, so
``context.services`` is checked by the type checker instead of a ``bot_data["..."]`` lookup.
"""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.services import BotData, Services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """A handler's context: the update's arguments (PTB's) and the bot's services."""

    @property
    def services(self) -> Services:
        """The settings, store, clock and delivery parts of this bot."""
        return self.bot_data.services

    @property
    def app(self) -> BotApplication:
        """The application, typed as the factory builds it (PTB's own property is generic)."""
        return cast("BotApplication", self.application)


# The application as the factory builds it.
BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]


def services_of(app: BotApplication) -> Services:
    """Returns an application's services (for code that holds the app, not a context)."""
    return app.bot_data.services
