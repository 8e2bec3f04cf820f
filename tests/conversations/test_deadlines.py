"""A deadline is a day still to come (conversations.deadlines)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.deadlines import DeadlineProblem, deadline_problem, parse_day

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        ("1-3-2027", date(2027, 3, 1)),
        ("01/03/2027", date(2027, 3, 1)),
        (" 1.3.2027 ", date(2027, 3, 1)),
        ("2027-02-30", None),
        ("31-2-2027", None),
        ("maandag", None),
        ("20270301", None),
        ("2027-3-1", date(2027, 3, 1)),
        ("", None),
    ],
)
def test_dates_as_coordinators_type_them(typed, day):
    assert parse_day(typed) == day


def test_a_past_day_or_today_after_working_hours_is_refused():
    # Friday 27 November 2026 in Amsterdam (UTC+1).
    morning = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 10:00 local
    evening = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 17:00 local
    assert deadline_problem(date(2026, 11, 26), morning, AMSTERDAM) is DeadlineProblem.PAST
    assert deadline_problem(date(2020, 1, 1), morning, AMSTERDAM) is DeadlineProblem.PAST
    assert deadline_problem(date(2026, 11, 27), morning, AMSTERDAM) is None
    assert (
        deadline_problem(date(2026, 11, 27), evening, AMSTERDAM) is DeadlineProblem.TODAY_TOO_LATE
    )
    assert deadline_problem(date(2026, 11, 28), evening, AMSTERDAM) is None
    # 23:30 UTC is already the next day in Amsterdam: that day counts, not the UTC date.
    late = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert deadline_problem(date(2026, 11, 27), late, AMSTERDAM) is DeadlineProblem.PAST
