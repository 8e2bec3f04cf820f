"""Changing a running round: its deadline, name and reminders.

A moved deadline is announced once, in the same transaction that moves it, to every colleague
taking part who still has open questions: in their language, on the outbox's bulk lane, not
before the next working-hours moment. The running bot sends it; a command line only queues.
Reminders read the round's deadline and its policy at every run, so they follow at once.
"""

from __future__ import annotations

from datetime import date, datetime

from msgspec.structs import replace
from pydantic import ValidationError

from bot.reminders.run import load_colleague  # the reminders' view of who still has work
from bot.roster import continue_keyboard, working_moment
from conversations.reminders import WorkingCalendar
from conversations.template import ReminderPolicy
from conversations.texts import catalogue
from storage import Writer
from storage.records import Lane, Letter, Round


class PolicyError(ValueError):
    """A reminder setting the round's policy does not allow; the message says why."""


async def move_deadline(
    tx: Writer, round_: Round, deadline: date, now: datetime, calendar: WorkingCalendar
) -> int:
    """Moves the deadline and queues the announcement; returns how many colleagues get it.

    Nothing is announced when the date does not change. The caller checks that the date is
    still to come (conversations.deadlines).
    """
    if round_.deadline == deadline:
        return 0
    await tx.set_deadline(round_.id, deadline)
    moved = replace(round_, deadline=deadline)
    at = working_moment(moved, now, calendar)
    told = 0
    for participant in await tx.participants(round_.id):
        if participant.withdrawn or participant.unreachable_at is not None:
            continue
        colleague = await load_colleague(tx, moved, participant)
        if colleague.subject.done or colleague.subject.open_questions <= 0:
            continue
        t = catalogue(participant.language)
        text = t("deadline_moved", round=round_.name, deadline=t.date(deadline))
        letter = Letter(text, continue_keyboard(participant))
        await tx.queue_messages(participant.chat_id, [letter], Lane.BULK, now, not_before=at)
        told += 1
    return told


def reminder_policy(round_: Round, *, enabled: bool | None, hour: int | None) -> ReminderPolicy:
    """Returns the round's reminder policy with a new hour and, when switched on, enabled.

    Raises PolicyError for an hour the policy does not allow.
    """
    changes: dict[str, object] = {}
    if hour is not None:
        changes["hour"] = hour
    if enabled:
        changes["enabled"] = True  # "on" means on, also when the template had them off
    try:
        return ReminderPolicy.model_validate({**round_.template.reminders.model_dump(), **changes})
    except ValidationError as exc:
        raise PolicyError(str(exc.errors()[0]["msg"])) from None


async def change_reminders(
    tx: Writer, round_: Round, *, enabled: bool | None, hour: int | None
) -> None:
    """Stores a round's reminder switch and hour (the hour in its template snapshot)."""
    policy = reminder_policy(round_, enabled=enabled, hour=hour)
    if policy != round_.template.reminders:
        await tx.set_reminder_policy(round_.id, policy)
    if enabled is not None:
        await tx.set_reminders_enabled(round_.id, enabled)
