"""Waking up for reminders: PTB's JobQueue only schedules; what is due lives in the store."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.context import BotApplication, BotContext, services_of
from bot.reminders.run import run_rounds, scheduled_rounds, working_calendar
from bot.sending import Sleep
from bot.services import Services
from conversations.reminders import next_wakeup
from conversations.template import ReminderPolicy
from storage.records import Round

log = logging.getLogger(__name__)

JOB_NAME = "reminders"
START_DELAY = 5.0  # seconds after start-up: let polling begin before the first batch


async def next_run(app: BotApplication, *, now: datetime) -> datetime:
    """Returns when to look again: the earliest wake-up of any round with reminders on."""
    s = services_of(app)
    return _earliest_wakeup(s, await scheduled_rounds(s), now)


def _earliest_wakeup(s: Services, rounds: list[Round], now: datetime) -> datetime:
    calendar = working_calendar(s.settings.timezone)
    policies = [r.template.reminders for r in rounds]
    # With no round yet, still look at the next default window: a round may be created by then.
    return min(next_wakeup(p, now=now, calendar=calendar) for p in policies or [ReminderPolicy()])


async def wake(app: BotApplication, *, sleep: Sleep = asyncio.sleep) -> datetime:
    """Sends what is due now and returns when to wake up next."""
    s = services_of(app)
    # Listed once: a round switched on meanwhile is seen at the next wake-up.
    rounds = await scheduled_rounds(s)
    await run_rounds(app, rounds, s.now(), sleep)
    return _earliest_wakeup(s, rounds, s.now())


def _arm(app: BotApplication, delay: float) -> None:
    assert app.job_queue is not None  # schedule() checks
    # No grace limit: a wake-up that fires late (a busy loop, a suspended laptop) still runs;
    # the schedule itself decides whether it is still a good moment.
    app.job_queue.run_once(
        _on_wake, when=delay, name=JOB_NAME, job_kwargs={"misfire_grace_time": None}
    )


async def _on_wake(context: BotContext) -> None:
    """Sends the due reminders and arms the next wake-up, also after an error."""
    app = context.app
    s = context.services
    try:
        wake_at = await wake(app)
    except Exception:
        log.exception("reminder run failed")
        wake_at = s.now() + timedelta(minutes=30)
    _arm(app, max((wake_at - s.now()).total_seconds(), 1.0))


def schedule(app: BotApplication) -> None:
    """Plans the first reminder run shortly after start; every run plans the next one."""
    if app.job_queue is None:  # built without the job-queue extra: reminders only on request
        return
    _arm(app, START_DELAY)
