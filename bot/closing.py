"""Ending a round: closing it, and the retention period after which it is purged.

Closing (``themabot round close`` or ``/close``) ends the intake: the shell stores nothing
sent to a closed round (bot/intake.py answers it), invites stop working, reminders stop, and
the colleagues who still had open questions are told once, in the same transaction, on the
outbox's bulk lane within working hours: the running bot sends it, a command line only
queues. Purging erases the round's personal data (``Store.purge``); with a retention period
the running bot does that itself once the period after closing has passed (bot/retention.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from msgspec.structs import replace

from bot.reminders.run import load_colleague, working_calendar
from bot.roster import working_moment
from conversations.reminders import WorkingCalendar
from conversations.texts import Catalogue, Markup, catalogue
from storage import Reader, Writer
from storage.records import Actor, AuditAction, Lane, Letter, Participant, Round


async def open_colleagues(tx: Reader, round_: Round) -> list[Participant]:
    """Returns who still has open questions and can be told: taking part, reachable."""
    found = []
    for participant in await tx.participants(round_.id):
        if participant.withdrawn or participant.unreachable_at is not None:
            continue
        colleague = await load_colleague(tx, round_, participant)
        if not colleague.subject.done and colleague.subject.open_questions > 0:
            found.append(participant)
    return found


def purge_moment(round_: Round) -> datetime | None:
    """When a closed round's retention period is over; None without one (or not closed)."""
    if round_.closed_at is None or round_.retention_days is None:
        return None
    return round_.closed_at + timedelta(days=round_.retention_days)


def purge_due(round_: Round, now: datetime) -> bool:
    """Whether the bot purges the round now: closed, not purged, its retention over."""
    moment = purge_moment(round_)
    return moment is not None and round_.purged_at is None and now >= moment


def purge_day(round_: Round, now: datetime, zone: str) -> date | None:
    """The local day the round's data is erased: after its retention period from closing
    (from ``now`` for a round still open); None without a retention period."""
    if round_.retention_days is None:
        return None
    closed = round_.closed_at or now
    moment = closed + timedelta(days=round_.retention_days)
    return working_calendar(zone).local_date(moment)


def retention_line(t: Catalogue, round_: Round, now: datetime, zone: str) -> Markup:
    """ "Your answers are kept until ..." for a round with a retention period, else ""."""
    day = purge_day(round_, now, zone)
    return Markup(t("retention_line", date=t.date(day)) if day else "")


async def close_round(
    tx: Writer, round_: Round, now: datetime, calendar: WorkingCalendar, actor: Actor, zone: str
) -> int | None:
    """Closes the round, queues the notice to everyone with open questions and records who
    closed it; returns how many are told, or None when it was closed already."""
    if not await tx.close_round(round_.id, now):
        return None
    closed = replace(round_, closed_at=now)
    at = working_moment(closed, now, calendar)
    told = await open_colleagues(tx, closed)
    for participant in told:
        t = catalogue(participant.language)
        text = t(
            "round_closed_notice",
            round=round_.name,
            retention=retention_line(t, closed, now, zone),
        )
        await tx.queue_messages(participant.chat_id, [Letter(text)], Lane.BULK, now, not_before=at)
    await tx.record_action(round_.id, AuditAction.CLOSE, actor, now, detail={"told": len(told)})
    return len(told)


async def set_retention(
    tx: Writer, round_: Round, days: int | None, now: datetime, actor: Actor
) -> bool:
    """Sets the retention period and records it; False when it was that already."""
    if round_.retention_days == days:
        return False
    await tx.set_retention(round_.id, days)
    detail = {"days": days} if days is not None else {}
    await tx.record_action(round_.id, AuditAction.RETENTION, actor, now, detail=detail)
    return True
