"""When a week's tip is owed, the catch-up limit, the next post and how long the loop sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from cogs.tips.planner import (
    CATCH_UP_LIMIT,
    MAX_SLEEP,
    WeeklyPlan,
    owed_occurrence,
    seconds_until_next_check,
    too_late,
    upcoming,
)
from cogs.tips.schedule import MONDAY, WEDNESDAY

SET_AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # a Thursday
PLAN = WeeklyPlan(1, 10, MONDAY, time(9, 0), "Africa/Lagos", SET_AT, 99)  # Monday 09:00 Lagos = 08:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 1, 4, 12, 0), None),  # no Monday since the schedule was set
        (utc(2026, 1, 5, 7, 59), None),
        (utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 8, 0)),  # due exactly now
        (utc(2026, 1, 9, 8, 0), utc(2026, 1, 5, 8, 0)),  # still the latest (the loop decides late/skip)
        (utc(2026, 1, 12, 8, 30), utc(2026, 1, 12, 8, 0)),
    ],
)
def test_owed_occurrence(now: datetime, expected: datetime | None) -> None:
    assert owed_occurrence(PLAN, now) == expected


def test_a_schedule_set_after_this_weeks_time_owes_nothing_this_week() -> None:
    # Set on Monday 10:00 for Monday 09:00: the 09:00 that already passed is not posted "late".
    plan = WeeklyPlan(1, 10, MONDAY, time(9, 0), "UTC", utc(2026, 1, 5, 10, 0), 99)
    assert owed_occurrence(plan, utc(2026, 1, 5, 10, 1)) is None
    assert owed_occurrence(plan, utc(2026, 1, 12, 9, 0)) == utc(2026, 1, 12, 9, 0)


@pytest.mark.parametrize(
    ("late", "skipped"),
    [
        (timedelta(0), False),
        (timedelta(hours=2), False),
        (CATCH_UP_LIMIT - timedelta(seconds=1), False),
        (CATCH_UP_LIMIT, True),  # "less than 6 hours late" is posted; 6 hours is not
        (timedelta(hours=8), True),
    ],
)
def test_too_late(late: timedelta, skipped: bool) -> None:
    occurrence = utc(2026, 1, 5, 8, 0)
    assert too_late(occurrence, occurrence + late) is skipped


def test_upcoming_passes_over_weeks_that_had_their_tip() -> None:
    now = utc(2026, 1, 5, 7, 0)
    assert upcoming(PLAN, now) == utc(2026, 1, 5, 8, 0)
    assert upcoming(PLAN, now, {"2026-W02"}) == utc(2026, 1, 12, 8, 0)
    assert upcoming(PLAN, now, {"2026-W02", "2026-W03"}) == utc(2026, 1, 19, 8, 0)


def test_sleep_until_the_soonest_plan_at_most_a_minute() -> None:
    now = utc(2026, 1, 5, 7, 59, 30)
    other = WeeklyPlan(2, 20, WEDNESDAY, time(9, 0), "UTC", SET_AT, 99)
    assert seconds_until_next_check([], now) == MAX_SLEEP.total_seconds()
    assert seconds_until_next_check([other], now) == MAX_SLEEP.total_seconds()
    assert seconds_until_next_check([other, PLAN], now) == 30.0


def test_describe() -> None:
    assert PLAN.describe() == "every Monday at 09:00 (Africa/Lagos)"
    assert PLAN.slot(utc(2026, 1, 5, 8, 0)) == "2026-W02"
