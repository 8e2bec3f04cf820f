"""Reminders: the JobQueue wakes the bot; what is due and what was sent lives in SQLite."""

from __future__ import annotations

from telegram.ext import Application


def add_handlers(app: Application) -> None:
    """Registers the reminder buttons and /remind."""


def schedule(app: Application) -> None:
    """Plans the next reminder run."""
