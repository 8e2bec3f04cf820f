"""The reminder schedule with a controlled clock: every `now` is a literal datetime."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from conversations.reminders import (
    RECHECK_INTERVAL,
    ReminderSubject,
    Slot,
    WorkingCalendar,
    due_slot,
    in_sending_window,
    manual_due,
    next_wakeup,
    scheduled_slots,
    snooze_until,
)
from conversations.template import ReminderPolicy

AMS = ZoneInfo("Europe/Amsterdam")
CAL = WorkingCalendar(AMS)
POLICY = ReminderPolicy()  # 09:00, first after 3 working days, weekly on Monday, deadline -3 and -1


def ams(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A local Amsterdam wall time."""
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def subject(**changes: object) -> ReminderSubject:
    """A colleague invited Monday 2026-11-30 10:00 who has not started yet."""
    base = ReminderSubject(invited_at=ams(2026, 11, 30, 10), started=False, open_questions=5)
    return replace(base, **changes)  # type: ignore[arg-type]


def due(
    subj: ReminderSubject,
    now: datetime,
    *,
    deadline: date | None = None,
    policy: ReminderPolicy = POLICY,
) -> tuple[Slot | None, list[str]]:
    return due_slot(policy, subj, deadline=deadline, now=now, calendar=CAL)


# --- the calendar -------------------------------------------------------------------------------


def test_weekends_and_dutch_holidays_are_not_working_days() -> None:
    assert CAL.is_working_day(date(2026, 12, 4))  # Friday
    assert not CAL.is_working_day(date(2026, 12, 5))  # Saturday
    assert not CAL.is_working_day(date(2026, 12, 6))  # Sunday
    assert not CAL.is_working_day(date(2026, 12, 25))  # Eerste Kerstdag (Friday)
    assert not CAL.is_working_day(date(2026, 12, 26))  # Tweede Kerstdag
    assert not CAL.is_working_day(date(2027, 4, 27))  # Koningsdag (Tuesday)
    assert not CAL.is_working_day(date(2026, 5, 14))  # Hemelvaartsdag (Thursday)
    assert not CAL.is_working_day(date(2026, 4, 6))  # Tweede Paasdag
    assert not CAL.is_working_day(date(2026, 5, 25))  # Tweede Pinksterdag
    assert CAL.is_working_day(date(2026, 12, 24))
    assert CAL.is_working_day(date(2026, 12, 28))


def test_holidays_are_cached_per_year() -> None:
    cal = WorkingCalendar("Europe/Amsterdam")
    first = cal.holidays_in(2027)
    assert cal.holidays_in(2027) is first
    assert date(2027, 4, 27) in first


def test_closed_days_add_to_the_holidays() -> None:
    cal = WorkingCalendar(AMS, closed=[date(2026, 5, 15)])  # the bridge day after Hemelvaart
    assert cal.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)


def test_working_day_arithmetic_skips_weekends_and_holidays() -> None:
    assert CAL.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # over Christmas
    assert CAL.add_working_days(date(2026, 12, 5), 3) == date(2026, 12, 9)  # from a Saturday
    assert CAL.add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)
    assert CAL.working_days_before(date(2027, 4, 28), 1) == date(2027, 4, 26)  # over Koningsdag
    assert CAL.working_days_before(date(2026, 12, 29), 3) == date(2026, 12, 23)
    assert CAL.working_days_before(date(2026, 5, 15), 1) == date(2026, 5, 13)  # over Hemelvaart


def test_local_nine_oclock_is_eight_utc_in_winter_and_seven_in_summer() -> None:
    # Spring forward on Sunday 2026-03-29.
    assert CAL.at(date(2026, 3, 27), 9) == utc(2026, 3, 27, 8)
    assert CAL.at(date(2026, 3, 30), 9) == utc(2026, 3, 30, 7)
    # Fall back on Sunday 2026-10-25.
    assert CAL.at(date(2026, 10, 23), 9) == utc(2026, 10, 23, 7)
    assert CAL.at(date(2026, 10, 26), 9) == utc(2026, 10, 26, 8)


def test_next_working_moment() -> None:
    assert CAL.next_working_moment(ams(2026, 12, 8, 7), 9) == utc(2026, 12, 8, 8)
    assert CAL.next_working_moment(ams(2026, 12, 8, 13, 17), 9) == utc(2026, 12, 8, 12, 17)
    assert CAL.next_working_moment(ams(2026, 12, 8, 17), 9) == utc(2026, 12, 9, 8)
    assert CAL.next_working_moment(ams(2026, 12, 24, 18), 9) == utc(2026, 12, 28, 8)
    assert CAL.next_working_moment(ams(2026, 3, 27, 20), 9) == utc(2026, 3, 30, 7)


# --- the sending window -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ams(2026, 12, 8, 8, 59), False),
        (ams(2026, 12, 8, 9), True),
        (ams(2026, 12, 8, 16, 59), True),
        (ams(2026, 12, 8, 17), False),
        (ams(2026, 12, 8, 23), False),
        (ams(2026, 12, 12, 11), False),  # Saturday
        (ams(2026, 12, 25, 11), False),  # Christmas
        (utc(2026, 3, 30, 7, 30), True),  # 09:30 summer time
        (utc(2026, 3, 27, 7, 30), False),  # 08:30 winter time
        (utc(2026, 10, 26, 7, 30), False),  # 08:30 winter time, the day after fall back
        (utc(2026, 10, 23, 7, 30), True),  # 09:30 summer time
    ],
)
def test_in_sending_window(now: datetime, expected: bool) -> None:
    assert in_sending_window(now, POLICY, CAL) is expected


def test_late_policy_hour_still_gets_a_window() -> None:
    late = ReminderPolicy(hour=18)
    assert in_sending_window(ams(2026, 12, 8, 18, 30), late, CAL)
    assert not in_sending_window(ams(2026, 12, 8, 19), late, CAL)


# --- the plan -----------------------------------------------------------------------------------


def test_plan_first_weekly_and_deadline() -> None:
    slots = scheduled_slots(
        POLICY, subject(), deadline=date(2026, 12, 18), until=ams(2026, 12, 31), calendar=CAL
    )
    assert [(s.key, s.at) for s in slots] == [
        ("first", utc(2026, 12, 3, 8)),  # Mon + 3 working days = Thu
        ("weekly:2026-12-07", utc(2026, 12, 7, 8)),
        ("weekly:2026-12-14", utc(2026, 12, 14, 8)),
        ("deadline-3:2026-12-18", utc(2026, 12, 15, 8)),
        ("deadline-1:2026-12-18", utc(2026, 12, 17, 8)),
    ]  # nothing after the deadline day


def test_started_colleague_gets_no_first_nudge_but_the_weekly_ones() -> None:
    slots = scheduled_slots(
        POLICY, subject(started=True), deadline=None, until=ams(2026, 12, 15), calendar=CAL
    )
    assert [s.key for s in slots] == ["weekly:2026-12-07", "weekly:2026-12-14"]


def test_weekly_on_a_holiday_moves_to_the_next_working_day() -> None:
    # Weekly on Tuesday; Koningsdag 2027 is a Tuesday.
    policy = ReminderPolicy(weekday=1)
    subj = subject(invited_at=ams(2027, 4, 12, 10))
    slots = scheduled_slots(policy, subj, deadline=None, until=ams(2027, 4, 30), calendar=CAL)
    assert [(s.key, s.at) for s in slots] == [
        ("first", utc(2027, 4, 15, 7)),
        ("weekly:2027-04-20", utc(2027, 4, 20, 7)),
        ("weekly:2027-04-27", utc(2027, 4, 28, 7)),
    ]
    # Monday rhythm over Easter Monday 2026.
    subj = subject(invited_at=ams(2026, 3, 23, 10), started=True)
    slots = scheduled_slots(POLICY, subj, deadline=None, until=ams(2026, 4, 8), calendar=CAL)
    assert [(s.key, s.at) for s in slots] == [
        ("weekly:2026-03-30", utc(2026, 3, 30, 7)),
        ("weekly:2026-04-06", utc(2026, 4, 7, 7)),
    ]


def test_deadline_nudges_skip_christmas_and_hemelvaart() -> None:
    no_weekly = ReminderPolicy(weekday=None)
    subj = subject(invited_at=ams(2026, 12, 1, 10), started=True)
    slots = scheduled_slots(
        no_weekly, subj, deadline=date(2026, 12, 29), until=ams(2027, 1, 5), calendar=CAL
    )
    assert [(s.key, s.at) for s in slots] == [
        ("deadline-3:2026-12-29", utc(2026, 12, 23, 8)),
        ("deadline-1:2026-12-29", utc(2026, 12, 28, 8)),
    ]
    subj = subject(invited_at=ams(2026, 5, 4, 10), started=True)
    slots = scheduled_slots(
        no_weekly, subj, deadline=date(2026, 5, 15), until=ams(2026, 5, 16), calendar=CAL
    )
    assert [(s.key, s.at) for s in slots] == [
        ("deadline-3:2026-05-15", utc(2026, 5, 11, 7)),
        ("deadline-1:2026-05-15", utc(2026, 5, 13, 7)),
    ]


def test_no_nudge_on_the_invite_day() -> None:
    # Invited Monday 08:00 for a Thursday deadline: deadline-3 would be Monday 09:00, an hour later.
    subj = subject(invited_at=ams(2026, 12, 7, 8), started=True)
    slots = scheduled_slots(
        POLICY, subj, deadline=date(2026, 12, 10), until=ams(2026, 12, 10, 12), calendar=CAL
    )
    assert [s.key for s in slots] == ["deadline-1:2026-12-10"]


# --- due_slot: one decision at a time -----------------------------------------------------------


def test_first_nudge_is_due_at_nine_and_not_before() -> None:
    assert due(subject(), ams(2026, 12, 3, 8, 59)) == (None, [])
    assert due(subject(), ams(2026, 12, 3, 9)) == (Slot("first", "first", utc(2026, 12, 3, 8)), [])
    # Claimed: never twice for the same moment.
    claimed = subject(claimed=frozenset({"first"}), last_reminded_at=ams(2026, 12, 3, 9))
    assert due(claimed, ams(2026, 12, 3, 9, 30)) == (None, [])
    assert due(claimed, ams(2026, 12, 4, 9, 30)) == (None, [])


def test_quiet_hours_send_nothing_until_the_next_working_morning() -> None:
    subj = subject()  # first nudge due Thursday 2026-12-03 09:00, not yet sent
    assert due(subj, ams(2026, 12, 3, 23)) == (None, [])
    assert due(subj, ams(2026, 12, 5, 11)) == (None, [])  # Saturday
    assert next_wakeup(POLICY, now=ams(2026, 12, 4, 23), calendar=CAL) == utc(2026, 12, 7, 8)
    assert next_wakeup(POLICY, now=ams(2026, 12, 5, 11), calendar=CAL) == utc(2026, 12, 7, 8)
    # Monday morning: the weekly slot is the most recent; the missed first one is superseded.
    slot, superseded = due(subj, ams(2026, 12, 7, 9))
    assert slot == Slot("weekly:2026-12-07", "weekly", utc(2026, 12, 7, 8))
    assert superseded == ["first"]


def test_missed_slot_goes_out_later_the_same_week() -> None:
    # The bot was down all of Thursday: the first nudge goes out Friday 09:00.
    assert due(subject(), ams(2026, 12, 4, 9)) == (Slot("first", "first", utc(2026, 12, 3, 8)), [])


def test_dst_weekends_in_amsterdam() -> None:
    subj = subject(invited_at=ams(2026, 3, 16, 10), started=True)
    # Monday after spring forward: 09:00 local is 07:00 UTC.
    assert due(subj, utc(2026, 3, 30, 6, 59)) == (None, [])
    slot, superseded = due(subj, utc(2026, 3, 30, 7))
    assert slot == Slot("weekly:2026-03-30", "weekly", utc(2026, 3, 30, 7))
    assert superseded == ["weekly:2026-03-23"]
    assert next_wakeup(POLICY, now=ams(2026, 3, 27, 20), calendar=CAL) == utc(2026, 3, 30, 7)

    subj = subject(invited_at=ams(2026, 10, 12, 10), started=True)
    sent = subj.claimed | {"weekly:2026-10-19"}
    subj = replace(subj, claimed=sent, last_reminded_at=utc(2026, 10, 19, 7))
    # Monday after fall back: 09:00 local is 08:00 UTC; 07:30 UTC is still 08:30 local.
    assert due(subj, utc(2026, 10, 26, 7, 30)) == (None, [])
    assert due(subj, utc(2026, 10, 26, 8)) == (
        Slot("weekly:2026-10-26", "weekly", utc(2026, 10, 26, 8)),
        [],
    )
    assert next_wakeup(POLICY, now=ams(2026, 10, 23, 20), calendar=CAL) == utc(2026, 10, 26, 8)


def test_christmas_holidays_send_nothing() -> None:
    # Invited Wednesday 23: three working days later is Thu 24, Mon 28, Tue 29.
    subj = subject(invited_at=ams(2026, 12, 23, 10))
    assert due(subj, ams(2026, 12, 25, 10)) == (None, [])  # Christmas
    assert due(subj, ams(2026, 12, 28, 10)) == (None, [])  # nothing due yet
    assert due(subj, ams(2026, 12, 29, 9)) == (Slot("first", "first", utc(2026, 12, 29, 8)), [])


def test_downtime_of_two_weeks_gives_one_reminder() -> None:
    slot, superseded = due(subject(), ams(2026, 12, 15, 11), deadline=date(2026, 12, 31))
    assert slot == Slot("weekly:2026-12-14", "weekly", utc(2026, 12, 14, 8))
    assert superseded == ["first", "weekly:2026-12-07"]


def test_nothing_after_the_deadline_day() -> None:
    subj = subject(started=True)
    deadline = date(2026, 12, 18)
    # On the deadline day itself the latest unsent slot still goes out...
    slot, superseded = due(subj, ams(2026, 12, 18, 9), deadline=deadline)
    assert slot == Slot("deadline-1:2026-12-18", "deadline", utc(2026, 12, 17, 8))
    assert superseded == ["weekly:2026-12-07", "weekly:2026-12-14", "deadline-3:2026-12-18"]
    # ...but once the deadline day has passed, nothing at all.
    assert due(subj, ams(2026, 12, 21, 9), deadline=deadline) == (None, [])
    assert due(subj, ams(2027, 1, 4, 9), deadline=deadline) == (None, [])


@pytest.mark.parametrize(
    "changes",
    [
        {"done": True},
        {"withdrawn": True},
        {"unreachable": True},
        {"open_questions": 0},
    ],
)
def test_done_withdrawn_unreachable_or_nothing_open_get_nothing(changes: dict[str, object]) -> None:
    assert due(subject(**changes), ams(2026, 12, 3, 9)) == (None, [])


def test_disabled_policy_sends_nothing() -> None:
    assert due(subject(), ams(2026, 12, 3, 9), policy=ReminderPolicy(enabled=False)) == (None, [])


def test_weekly_and_deadline_on_the_same_day_send_once() -> None:
    subj = subject(started=True, claimed=frozenset({"weekly:2026-12-07"}))
    deadline = date(2026, 12, 15)  # Tuesday: deadline-1 is Monday 14, the weekly day
    slot, superseded = due(subj, ams(2026, 12, 14, 9), deadline=deadline)
    assert slot == Slot("deadline-1:2026-12-15", "deadline", utc(2026, 12, 14, 8))
    assert superseded == ["deadline-3:2026-12-15", "weekly:2026-12-14"]
    # Even if the weekly key were left unclaimed, it is not sent later that day.
    after = replace(
        subj,
        claimed=subj.claimed | {"deadline-1:2026-12-15", "deadline-3:2026-12-15"},
        last_reminded_at=ams(2026, 12, 14, 9),
    )
    assert due(after, ams(2026, 12, 14, 14), deadline=deadline) == (None, ["weekly:2026-12-14"])


def test_a_moved_deadline_gets_its_own_reminders_before_it() -> None:
    subj = subject(started=True)
    policy = ReminderPolicy(weekday=None)
    # Reminded three working days before 18 December; the deadline then moves to 8 January.
    slot, _ = due(subj, ams(2026, 12, 15, 9), deadline=date(2026, 12, 18), policy=policy)
    assert slot == Slot("deadline-3:2026-12-18", "deadline", utc(2026, 12, 15, 8))
    moved = replace(subj, claimed=frozenset({slot.key}), last_reminded_at=ams(2026, 12, 15, 9, 0))
    # On the old deadline-1 day nothing: that reminder belonged to the old date.
    assert due(moved, ams(2026, 12, 17, 9), deadline=date(2027, 1, 8), policy=policy) == (None, [])
    slot, _ = due(moved, ams(2027, 1, 5, 9), deadline=date(2027, 1, 8), policy=policy)
    assert slot == Slot("deadline-3:2027-01-08", "deadline", utc(2027, 1, 5, 8))


def test_a_reminder_by_hand_counts_for_the_day() -> None:
    # The coordinator used /remind at 08:30; the 09:00 weekly nudge is superseded, not sent.
    subj = subject(
        started=True,
        claimed=frozenset({"weekly:2026-12-07"}),
        last_reminded_at=ams(2026, 12, 14, 8, 30),
    )
    assert due(subj, ams(2026, 12, 14, 9)) == (None, ["weekly:2026-12-14"])


# --- snooze and away ----------------------------------------------------------------------------


def test_snooze_until_choices() -> None:
    assert snooze_until("tomorrow", ams(2026, 12, 8, 10), POLICY, CAL) == utc(2026, 12, 9, 8)
    assert snooze_until("tomorrow", ams(2026, 12, 11, 10), POLICY, CAL) == utc(2026, 12, 14, 8)
    assert snooze_until("tomorrow", ams(2026, 12, 24, 10), POLICY, CAL) == utc(2026, 12, 28, 8)
    assert snooze_until("next_week", ams(2026, 12, 8, 10), POLICY, CAL) == utc(2026, 12, 15, 8)
    # A week after Tuesday 2027-04-20 is Koningsdag: Wednesday, 09:00 summer time.
    assert snooze_until("next_week", ams(2027, 4, 20, 10), POLICY, CAL) == utc(2027, 4, 28, 7)
    assert snooze_until("next_week", ams(2026, 3, 25, 10), POLICY, CAL) == utc(2026, 4, 1, 7)
    with pytest.raises(ValueError, match="unknown snooze choice"):
        snooze_until("later", ams(2026, 12, 8, 10), POLICY, CAL)  # type: ignore[arg-type]


def test_snooze_supersedes_the_slots_inside_it() -> None:
    # First nudge sent Thursday 3, weekly Monday 7; on Tuesday 8 the colleague asks "next week".
    subj = subject(
        claimed=frozenset({"first", "weekly:2026-12-07"}),
        last_reminded_at=ams(2026, 12, 7, 9),
        snoozed_until=snooze_until("next_week", ams(2026, 12, 8, 10), POLICY, CAL),
    )
    assert subj.snoozed_until == utc(2026, 12, 15, 8)
    assert due(subj, ams(2026, 12, 14, 9)) == (None, [])  # the weekly nudge is snoozed
    slot, superseded = due(subj, ams(2026, 12, 15, 9))
    assert slot == Slot("snooze:2026-12-15", "snooze", utc(2026, 12, 15, 8))
    assert superseded == ["weekly:2026-12-14"]  # claimed without sending: no burst
    # After that the weekly rhythm resumes.
    subj = replace(
        subj,
        claimed=subj.claimed | {"snooze:2026-12-15", "weekly:2026-12-14"},
        last_reminded_at=ams(2026, 12, 15, 9),
    )
    assert due(subj, ams(2026, 12, 16, 9)) == (None, [])
    assert due(subj, ams(2026, 12, 21, 9)) == (
        Slot("weekly:2026-12-21", "weekly", utc(2026, 12, 21, 8)),
        [],
    )


def test_snooze_ending_outside_working_hours_waits_for_the_morning() -> None:
    subj = subject(
        claimed=frozenset({"first"}),
        last_reminded_at=ams(2026, 12, 3, 9),
        snoozed_until=ams(2026, 12, 4, 18),  # Friday evening
    )
    assert due(subj, ams(2026, 12, 4, 18, 30)) == (None, [])
    slot, superseded = due(subj, ams(2026, 12, 7, 9))
    # Same moment as the weekly Monday nudge: the snooze wins, the weekly one is superseded.
    assert slot == Slot("snooze:2026-12-07", "snooze", utc(2026, 12, 7, 8))
    assert superseded == ["weekly:2026-12-07"]


def test_snooze_ending_mid_day_is_due_at_that_moment() -> None:
    subj = subject(
        claimed=frozenset({"first"}),
        last_reminded_at=ams(2026, 12, 3, 9),
        snoozed_until=ams(2026, 12, 9, 13, 17),
    )
    assert due(subj, ams(2026, 12, 9, 13, 16)) == (None, [])
    slot, superseded = due(subj, ams(2026, 12, 9, 13, 17))
    assert slot == Slot("snooze:2026-12-09", "snooze", utc(2026, 12, 9, 12, 17))
    assert superseded == ["weekly:2026-12-07"]


def test_away_until_a_date_inclusive() -> None:
    subj = subject(claimed=frozenset({"first"}), paused_until=date(2026, 12, 11))
    assert due(subj, ams(2026, 12, 7, 9)) == (None, [])
    assert due(subj, ams(2026, 12, 11, 16)) == (None, [])  # the last day away
    slot, superseded = due(subj, ams(2026, 12, 14, 9))
    assert slot == Slot("weekly:2026-12-14", "weekly", utc(2026, 12, 14, 8))
    assert superseded == ["weekly:2026-12-07"]


def test_slots_inside_a_past_pause_are_superseded_not_sent() -> None:
    subj = subject(claimed=frozenset({"first"}), paused_until=date(2026, 12, 9))
    assert due(subj, ams(2026, 12, 10, 10)) == (None, ["weekly:2026-12-07"])


# --- next_wakeup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ams(2026, 12, 8, 7), utc(2026, 12, 8, 8)),  # before the window: today 09:00
        (ams(2026, 12, 8, 10), utc(2026, 12, 8, 9) + RECHECK_INTERVAL),  # inside: look again soon
        (ams(2026, 12, 8, 16, 45), utc(2026, 12, 9, 8)),  # recheck would be after 17:00
        (ams(2026, 12, 11, 23), utc(2026, 12, 14, 8)),  # Friday night -> Monday
        (ams(2026, 12, 24, 18), utc(2026, 12, 28, 8)),  # Christmas Eve -> after Christmas
        (ams(2027, 4, 26, 17), utc(2027, 4, 28, 7)),  # over Koningsdag
    ],
)
def test_next_wakeup(now: datetime, expected: datetime) -> None:
    assert next_wakeup(POLICY, now=now, calendar=CAL) == expected


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due(subject(), datetime(2026, 12, 3, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        next_wakeup(POLICY, now=datetime(2026, 12, 3, 9), calendar=CAL)


def test_first_nudge_counts_from_joining_when_that_is_later() -> None:
    # Invited Monday 30 November, opened the link Friday 4 December 09:50.
    late = subject(joined_at=ams(2026, 12, 4, 9, 50))
    assert due(late, ams(2026, 12, 4, 10)) == (None, [])
    assert due(late, ams(2026, 12, 8, 9))[0] is None  # Tuesday: 2 working days after joining
    assert due(late, ams(2026, 12, 9, 9)) == (Slot("first", "first", utc(2026, 12, 9, 8)), [])
    # Joined the moment they were invited: nothing changes.
    assert due(subject(joined_at=ams(2026, 11, 30, 10)), ams(2026, 12, 3, 9))[0] is not None


def test_reminded_today_in_another_round_waits_for_tomorrow() -> None:
    elsewhere = subject(other_reminded_at=ams(2026, 12, 3, 9, 0))
    assert due(elsewhere, ams(2026, 12, 3, 9, 30)) == (None, [])  # nothing sent, nothing settled
    assert due(elsewhere, ams(2026, 12, 4, 9)) == (Slot("first", "first", utc(2026, 12, 3, 8)), [])
    assert not manual_due(elsewhere, deadline=None, now=ams(2026, 12, 3, 20), calendar=CAL)
    assert manual_due(elsewhere, deadline=None, now=ams(2026, 12, 4, 20), calendar=CAL)
