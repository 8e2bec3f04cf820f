"""A round's deadline: the last local day to answer, never already over. Pure.

A deadline is a date in THEMABOT_TIMEZONE. Colleagues are asked to answer "uiterlijk
<deadline>", so a day that has passed is no deadline, and neither is today once the working day
is over: nobody can still be asked to answer today at 20:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from conversations.reminders import SEND_UNTIL_HOUR

# From this local hour on, today is too late to be a deadline (the end of working hours).
CLOSING_HOUR = SEND_UNTIL_HOUR

_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DeadlineProblem(StrEnum):
    """Why a date cannot be a round's deadline."""

    PAST = "past"  # the day is over
    TODAY_TOO_LATE = "today_too_late"  # today, but after working hours


def parse_day(text: str) -> date | None:
    """Reads a date as a coordinator types it: 2027-03-01 (or 2027-3-1), or day first:
    1-3-2027, 01/03/2027, 1.3.2027. Returns None for anything else (also for a day that does
    not exist)."""
    text = text.strip()
    try:
        if match := _YEAR_FIRST.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _DAY_FIRST.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def deadline_problem(deadline: date, now: datetime, zone: ZoneInfo) -> DeadlineProblem | None:
    """Returns why ``deadline`` cannot be a round's last day to answer at ``now``, or None."""
    local = now.astimezone(zone)
    if deadline < local.date():
        return DeadlineProblem.PAST
    if deadline == local.date() and local.hour >= CLOSING_HOUR:
        return DeadlineProblem.TODAY_TOO_LATE
    return None
