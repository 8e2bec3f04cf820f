"""The retention period, kept by the running bot: a closed round whose period has passed is
purged (``Store.purge``: personal data erased, the file scrubbed, the audit trail told that
the bot did it). PTB's JobQueue only wakes the bot up; what is due is read from the store.

Every tick also scrubs the database: what was deleted since (a stranger's update, text sent
to a closed round, a handled update's content) is overwritten in the file as it is deleted,
but older copies of those pages wait in the write-ahead log until a checkpoint empties it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.closing import purge_due
from bot.context import BotApplication, BotContext
from bot.services import Services
from storage.records import Actor, ActorRole, Purge

log = logging.getLogger(__name__)

JOB_NAME = "retention"
EVERY_SECONDS = 3600.0  # a period is counted in days: an hour late is on time
FIRST_SECONDS = 60.0  # after start-up, once polling runs


async def purge_expired(s: Services, now: datetime) -> list[Purge]:
    """Purges every closed round whose retention period is over at ``now``."""
    async with s.db.read() as tx:
        due = [r for r in await tx.list_rounds() if purge_due(r, now)]
    done = []
    for round_ in due:
        purged = await s.db.purge(round_.id, now, Actor(ActorRole.BOT))
        if purged.done:
            log.info(
                "round %s purged: %s days after it closed (%d participants, %d answers)",
                round_.id,
                round_.retention_days,
                purged.colleagues,
                purged.answers,
            )
            done.append(purged)
    return done


async def tick(s: Services, now: datetime) -> list[Purge]:
    """What the bot does every hour: purges what is due, then scrubs the database files."""
    purged = await purge_expired(s, now)
    if not purged:  # a purge has just scrubbed
        await s.db.scrub()
    return purged


async def _on_tick(context: BotContext) -> None:
    try:
        await tick(context.services, context.services.now())
    except Exception:  # the next tick tries again
        log.exception("purging rounds past their retention period failed")


def schedule(app: BotApplication) -> None:
    """Looks for rounds past their retention period every hour, from shortly after start."""
    if app.job_queue is None:  # built without the job-queue extra: purge by hand
        return
    app.job_queue.run_repeating(
        _on_tick, interval=EVERY_SECONDS, first=FIRST_SECONDS, name=JOB_NAME
    )
