"""When a colleague is nudged: the pure reminder schedule.

No I/O, no Telegram, no database and no wall clock: every function takes ``now``. The schedule is
built from *slots*: moments at which a reminder becomes due, each with a stable key. The caller
claims a slot durably (``UNIQUE(participant, slot_key)`` in SQLite) *before* sending it, so a
restart, a retry or two schedulers racing can never send the same slot twice.

Slots of one colleague (all at ``policy.hour`` local time on a working day, except snooze):

- ``first``: ``first_after_days`` working days after the invite (or after joining, when the
  colleague opened the link later), only while not started;
- ``weekly:<date>``: every ``policy.weekday`` after the first-nudge day; ``<date>`` is the nominal
  weekday date, the reminder itself moves to the next working day if that date is a holiday;
- ``deadline-<n>:<deadline>``: ``n`` working days before the deadline (for each n in
  ``before_deadline_days``); the deadline is part of the key, so a moved deadline gets its own
  reminders before it, while one day still gets one reminder at most;
- ``snooze:<date>``: the first working moment at or after ``snoozed_until``.

Working days are Monday to Friday except Dutch public holidays (the ``holidays`` package; note it
counts Good Friday as one). Reminders go out from ``policy.hour`` until ``SEND_UNTIL_HOUR`` local
time. Local wall times are computed with zoneinfo and compared in UTC, so the 09:00 reminder is
08:00 UTC in winter and 07:00 UTC in summer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from msgspec import Struct, field

from conversations.template import ReminderPolicy

# ReminderPolicy has a start hour but no end: reminders go out until this local hour (exclusive).
SEND_UNTIL_HOUR = 17
# Inside the window the scheduler looks again this often, so a snooze ending mid-day, a new invite
# or a send that failed is picked up without waiting for the next morning.
RECHECK_INTERVAL = timedelta(minutes=30)

SlotKind = Literal["first", "weekly", "deadline", "snooze"]
SnoozeChoice = Literal["tomorrow", "next_week"]

# When two slots fall on the same moment only one is sent; the most specific one wins, because
# its text says the most (a deadline reminder names the deadline, a snooze was asked for).
_PRIORITY: dict[str, int] = {"weekly": 0, "first": 1, "snooze": 2, "deadline": 3}


class Slot(Struct, frozen=True):
    """One moment a reminder becomes due for one colleague."""

    # Stable identity: "first", "weekly:2026-12-07", "deadline-3:2026-12-18", "snooze:2026-12-01".
    key: str
    kind: SlotKind
    at: datetime  # aware, UTC; a working-hour moment


class ReminderSubject(Struct, frozen=True):
    """What the caller knows about one colleague; all datetimes are timezone-aware."""

    invited_at: datetime
    started: bool
    open_questions: int
    done: bool = False
    paused_until: date | None = None  # away until this local date, inclusive
    snoozed_until: datetime | None = None  # "remind me later": nothing before this moment
    unreachable: bool = False  # blocked the bot, or sends keep failing
    withdrawn: bool = False
    claimed: frozenset[str] = field(default_factory=frozenset)  # slot keys sent or superseded
    last_reminded_at: datetime | None = None  # any reminder, scheduled or sent by hand
    joined_at: datetime | None = None  # opened the invite link; the schedule counts from here
    # The same Telegram user's last reminder in another round: one reminder a day per person.
    other_reminded_at: datetime | None = None

    @property
    def counted_from(self) -> datetime:
        """The later of the invite and joining: a late joiner is not nudged right away."""
        if self.joined_at is None:
            return self.invited_at
        return max(self.invited_at, self.joined_at)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


class WorkingCalendar:
    """Working days and working hours in one time zone.

    A working day is Monday to Friday and not a public holiday of ``country`` (default NL).
    Holiday sets are computed once per year and cached on the instance.
    """

    def __init__(
        self,
        tz: ZoneInfo | str = "Europe/Amsterdam",
        *,
        country: str = "NL",
        closed: Iterable[date] = (),
    ) -> None:
        """``closed`` adds organisation-specific days off (e.g. a bridge day) to the holidays."""
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.country = country
        self._closed = frozenset(closed)
        self._holidays: dict[int, frozenset[date]] = {}

    def holidays_in(self, year: int) -> frozenset[date]:
        """Returns the public holidays of one year (cached)."""
        cached = self._holidays.get(year)
        if cached is None:
            cached = frozenset(holidays.country_holidays(self.country, years=year).keys())
            self._holidays[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday that is neither a public holiday nor a closed day."""
        return (
            day.weekday() < 5 and day not in self.holidays_in(day.year) and day not in self._closed
        )

    def next_working_day(self, day: date) -> date:
        """Returns ``day`` itself when it is a working day, otherwise the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """Returns the n-th working day after ``day`` (``day`` itself does not count; n >= 0).

        n = 0 returns ``day`` when it is a working day, else the next working day.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return self.next_working_day(day)
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_before(self, deadline: date, n: int) -> date:
        """Returns the n-th working day before ``deadline`` (the deadline doesn't count; n >= 1)."""
        if n < 1:
            raise ValueError("n must be >= 1")
        day = deadline
        while n:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def local_date(self, moment: datetime) -> date:
        """Returns the local calendar date of an aware moment."""
        _require_aware(moment, "moment")
        return moment.astimezone(self.tz).date()

    def at(self, day: date, hour: int) -> datetime:
        """Returns local wall time ``day hour:00`` as an aware UTC datetime.

        zoneinfo picks the offset valid on that day, which is what makes DST weekends correct.
        """
        return datetime.combine(day, time(hour), tzinfo=self.tz).astimezone(UTC)

    def window(self, day: date, hour: int) -> tuple[datetime, datetime]:
        """Returns the sending window [start, end) of ``day`` in UTC, working day or not."""
        return self.at(day, hour), self.at(day, window_end_hour(hour))

    def next_working_moment(self, after: datetime, hour: int) -> datetime:
        """Returns the earliest moment at or after ``after`` inside a sending window (UTC).

        A window is [hour:00, end) local time on a working day, see ``window_end_hour``.
        """
        _require_aware(after, "after")
        day = self.local_date(after)
        start, end = self.window(day, hour)
        if self.is_working_day(day) and after < end:
            return max(after.astimezone(UTC), start)
        return self.at(self.next_working_day(day + timedelta(days=1)), hour)


def window_end_hour(hour: int) -> int:
    """Returns the local hour (exclusive) the sending window closes for a start ``hour``.

    Normally ``SEND_UNTIL_HOUR``; a policy starting at 17 or 18 still gets a one-hour window.
    """
    return max(SEND_UNTIL_HOUR, hour + 1)


def in_sending_window(now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar) -> bool:
    """True when ``now`` is on a working day between ``policy.hour`` and the window end, local."""
    _require_aware(now, "now")
    day = calendar.local_date(now)
    start, end = calendar.window(day, policy.hour)
    return calendar.is_working_day(day) and start <= now < end


def scheduled_slots(
    policy: ReminderPolicy,
    subject: ReminderSubject,
    *,
    deadline: date | None,
    until: datetime,
    calendar: WorkingCalendar,
) -> list[Slot]:
    """Returns every slot of this colleague due at or before ``until``, oldest first.

    Ignores claims, pauses, snoozes and the colleague's state: this is the plan, not the
    decision (see ``due_slot``). Planned slots fall on a local day after the invite day, or the
    day of joining when that is later (no nudge hours after an invite or joining), and not after
    the deadline day.
    """
    _require_aware(until, "until")
    _require_aware(subject.invited_at, "invited_at")
    if subject.joined_at is not None:
        _require_aware(subject.joined_at, "joined_at")
    invite_day = calendar.local_date(subject.counted_from)
    last_day = calendar.local_date(until)
    if deadline is not None:
        last_day = min(last_day, deadline)

    def fits(day: date) -> bool:
        return invite_day < day <= last_day

    def make(key: str, kind: SlotKind, day: date) -> Iterator[Slot]:
        if fits(day):
            slot = Slot(key, kind, calendar.at(day, policy.hour))
            if slot.at <= until:
                yield slot

    slots: list[Slot] = []
    first_day = calendar.add_working_days(invite_day, policy.first_after_days)
    if not subject.started:
        slots.extend(make("first", "first", first_day))

    if policy.weekday is not None:
        # The weekly rhythm starts after the first-nudge day, started or not: a grace period.
        nominal = first_day + timedelta(days=(policy.weekday - first_day.weekday()) % 7 or 7)
        while nominal <= last_day:
            slots.extend(
                make(f"weekly:{nominal.isoformat()}", "weekly", calendar.next_working_day(nominal))
            )
            nominal += timedelta(days=7)

    if deadline is not None:
        for n in sorted(set(policy.before_deadline_days), reverse=True):
            if n >= 1:
                day = calendar.working_days_before(deadline, n)
                slots.extend(make(f"deadline-{n}:{deadline.isoformat()}", "deadline", day))

    if subject.snoozed_until is not None:
        _require_aware(subject.snoozed_until, "snoozed_until")
        at = calendar.next_working_moment(subject.snoozed_until, policy.hour)
        day = calendar.local_date(at)
        # Asked for explicitly, so unlike the planned slots it may fall on the invite day.
        if subject.counted_from < at <= until and (deadline is None or day <= deadline):
            slots.append(Slot(f"snooze:{day.isoformat()}", "snooze", at))

    slots.sort(key=lambda s: (s.at, _PRIORITY[s.kind]))
    return slots


def due_slot(
    policy: ReminderPolicy,
    subject: ReminderSubject,
    *,
    deadline: date | None,
    now: datetime,
    calendar: WorkingCalendar,
) -> tuple[Slot | None, list[str]]:
    """Decides what to send this colleague now: ``(slot to send or None, keys to supersede)``.

    Promises:
    - Returns ``(None, [])`` when reminders are off, the colleague is done, withdrawn,
      unreachable or has no open questions, is paused (through ``paused_until``) or snoozed
      (before ``snoozed_until``), the deadline day has passed, or ``now`` is outside the sending
      window. Anything due is then decided again at the next good moment.
    - At most one slot is returned: the most recent due, unclaimed, sendable one. Every other due
      and unclaimed slot is returned as superseded; the caller claims those without sending, so
      after downtime there is one reminder, not a burst of stale ones.
    - A slot is not sendable (only superseded) when it fell inside a pause or a snooze, or on a
      local day on or before the day of ``last_reminded_at``; so never two reminders on one day.
    - When the same person was reminded today in another round (``other_reminded_at``), returns
      ``(None, [])``: this round's due slots wait for the next good day, not superseded.
    """
    _require_aware(now, "now")
    if (
        not policy.enabled
        or not in_sending_window(now, policy, calendar)
        or _left_alone(subject, deadline=deadline, now=now, calendar=calendar)
    ):
        return None, []

    last_day = None
    if subject.last_reminded_at is not None:
        last_day = calendar.local_date(subject.last_reminded_at)

    def sendable(slot: Slot) -> bool:
        day = calendar.local_date(slot.at)
        if last_day is not None and day <= last_day:
            return False
        if subject.paused_until is not None and day <= subject.paused_until:
            return False
        # The snooze slot itself is at or after snoozed_until; anything earlier was snoozed away.
        return subject.snoozed_until is None or slot.at >= subject.snoozed_until

    due = [
        s
        for s in scheduled_slots(policy, subject, deadline=deadline, until=now, calendar=calendar)
        if s.key not in subject.claimed
    ]
    chosen = next((s for s in reversed(due) if sendable(s)), None)
    return chosen, [s.key for s in due if s is not chosen]


def _left_alone(
    subject: ReminderSubject, *, deadline: date | None, now: datetime, calendar: WorkingCalendar
) -> bool:
    """True when nobody may remind this colleague now, neither the schedule nor a coordinator.

    That is: done, withdrawn, unreachable or nothing open; the round's deadline day has passed;
    paused or snoozed; or the same person was reminded today in another round.
    """
    if subject.done or subject.withdrawn or subject.unreachable or subject.open_questions <= 0:
        return True
    today = calendar.local_date(now)
    return (
        (deadline is not None and today > deadline)
        or (subject.paused_until is not None and today <= subject.paused_until)
        or (subject.snoozed_until is not None and now < subject.snoozed_until)
        or (
            subject.other_reminded_at is not None
            and calendar.local_date(subject.other_reminded_at) >= today
        )
    )


def next_wakeup(policy: ReminderPolicy, *, now: datetime, calendar: WorkingCalendar) -> datetime:
    """Returns when the scheduler should look again: a moment strictly after ``now`` (UTC).

    Inside the sending window: ``RECHECK_INTERVAL`` later (if that is still inside the window).
    Otherwise: the start of the next sending window, i.e. ``policy.hour`` local on the next
    working day (today, if it is one and the window has not opened yet).
    """
    _require_aware(now, "now")
    if in_sending_window(now, policy, calendar):
        again = now.astimezone(UTC) + RECHECK_INTERVAL
        if in_sending_window(again, policy, calendar):
            return again
        return calendar.next_working_moment(again, policy.hour)
    # Outside the window next_working_moment is a window start, and it is > now: either a later
    # hour today or a later day.
    return calendar.next_working_moment(now, policy.hour)


def snooze_until(
    choice: SnoozeChoice, now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar
) -> datetime:
    """Returns the ``snoozed_until`` moment for a "remind me later" button (UTC).

    - ``tomorrow``: ``policy.hour`` on the next working day after today (Friday -> Monday).
    - ``next_week``: ``policy.hour`` one week later, on the same weekday, moved forward to the
      next working day when that is a holiday or a weekend day. A week, not "next Monday",
      because pressed on a Friday "next Monday" would be no later than "tomorrow".
    """
    _require_aware(now, "now")
    today = calendar.local_date(now)
    if choice == "tomorrow":
        day = calendar.add_working_days(today, 1)
    elif choice == "next_week":
        day = calendar.next_working_day(today + timedelta(days=7))
    else:
        raise ValueError(f"unknown snooze choice {choice!r}")
    return calendar.at(day, policy.hour)


def manual_due(
    subject: ReminderSubject, *, deadline: date | None, now: datetime, calendar: WorkingCalendar
) -> bool:
    """True when a coordinator's "remind now" may reach this colleague, at any hour.

    The coordinator overrides working hours, the policy and a switched-off round, but not the
    colleague: done, withdrawn, unreachable, paused or snoozed colleagues are left alone, a
    round past its deadline day gets nothing, and never two reminders on one local day (to
    one person, across the rounds they take part in).
    """
    _require_aware(now, "now")
    if _left_alone(subject, deadline=deadline, now=now, calendar=calendar):
        return False
    return not (
        subject.last_reminded_at is not None
        and calendar.local_date(subject.last_reminded_at) >= calendar.local_date(now)
    )


def manual_slot_key(now: datetime, calendar: WorkingCalendar) -> str:
    """Returns the claim key of a coordinator's reminder: ``manual:<local minute>``.

    A double press (or a redelivered update) within the minute hits the same key; later ones
    are stopped by the one-reminder-a-day rule.
    """
    _require_aware(now, "now")
    local = now.astimezone(calendar.tz).replace(second=0, microsecond=0, tzinfo=None)
    return f"manual:{local.isoformat(timespec='minutes')}"
