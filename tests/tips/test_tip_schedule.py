"""The weekly schedule arithmetic: next/previous occurrence, DST gaps and overlaps, week slots, time parsing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.tips.schedule import (
    FRIDAY,
    MONDAY,
    SATURDAY,
    SUNDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    format_time,
    local_instant,
    next_occurrence,
    parse_time,
    previous_occurrence,
    week_slot,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LAGOS = ZoneInfo("Africa/Lagos")
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC_ZONE = ZoneInfo("UTC")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("after", "weekday", "at", "zone", "expected"),
    [
        # Plain UTC: later the same day, the same instant (strictly after → next week), wrapping the week.
        (utc(2026, 1, 5, 8, 0), MONDAY, time(9, 0), UTC_ZONE, utc(2026, 1, 5, 9, 0)),
        (utc(2026, 1, 5, 9, 0), MONDAY, time(9, 0), UTC_ZONE, utc(2026, 1, 12, 9, 0)),
        (utc(2026, 1, 5, 9, 1), MONDAY, time(9, 0), UTC_ZONE, utc(2026, 1, 12, 9, 0)),
        (utc(2026, 1, 10, 23, 59), SUNDAY, time(0, 0), UTC_ZONE, utc(2026, 1, 11, 0, 0)),
        (utc(2026, 12, 30, 12, 0), FRIDAY, time(18, 30), UTC_ZONE, utc(2027, 1, 1, 18, 30)),
        # Zones without daylight saving: a fixed offset all year, even in "summer".
        (utc(2026, 1, 5, 0, 0), MONDAY, time(9, 0), LAGOS, utc(2026, 1, 5, 8, 0)),
        (utc(2026, 7, 1, 0, 0), WEDNESDAY, time(9, 0), LAGOS, utc(2026, 7, 1, 8, 0)),
        (utc(2026, 3, 29, 0, 0), SUNDAY, time(1, 30), LAGOS, utc(2026, 3, 29, 0, 30)),
        (utc(2026, 1, 5, 0, 0), MONDAY, time(9, 0), KOLKATA, utc(2026, 1, 5, 3, 30)),
        (utc(2026, 6, 1, 4, 0), MONDAY, time(9, 0), KOLKATA, utc(2026, 6, 8, 3, 30)),
        # The local date differs from the UTC date: Monday 02:00 in Kolkata is Sunday evening UTC.
        (utc(2026, 1, 4, 12, 0), MONDAY, time(2, 0), KOLKATA, utc(2026, 1, 4, 20, 30)),
        # London: winter (GMT = UTC) and summer (BST = UTC+1).
        (utc(2026, 1, 5, 0, 0), MONDAY, time(9, 0), LONDON, utc(2026, 1, 5, 9, 0)),
        (utc(2026, 7, 1, 0, 0), MONDAY, time(9, 0), LONDON, utc(2026, 7, 6, 8, 0)),
        # London spring forward, Sunday 29 March 2026: 01:00 → 02:00. 01:30 does not exist → 02:30 BST (01:30 UTC).
        (utc(2026, 3, 27, 12, 0), SUNDAY, time(1, 30), LONDON, utc(2026, 3, 29, 1, 30)),
        # Just before and just after the gap behave normally.
        (utc(2026, 3, 27, 12, 0), SUNDAY, time(0, 59), LONDON, utc(2026, 3, 29, 0, 59)),
        (utc(2026, 3, 27, 12, 0), SUNDAY, time(2, 0), LONDON, utc(2026, 3, 29, 1, 0)),
        # The week after the change, 09:00 is 08:00 UTC.
        (utc(2026, 3, 29, 12, 0), MONDAY, time(9, 0), LONDON, utc(2026, 3, 30, 8, 0)),
        # London fall back, Sunday 25 October 2026: 02:00 BST → 01:00 GMT. 01:30 happens twice: the first (BST) wins.
        (utc(2026, 10, 23, 12, 0), SUNDAY, time(1, 30), LONDON, utc(2026, 10, 25, 0, 30)),
        (utc(2026, 10, 25, 0, 30), SUNDAY, time(1, 30), LONDON, utc(2026, 11, 1, 1, 30)),
        (utc(2026, 10, 23, 12, 0), SUNDAY, time(2, 0), LONDON, utc(2026, 10, 25, 2, 0)),
        # New York spring forward, Sunday 8 March 2026: 02:00 → 03:00. 02:30 → 03:30 EDT (07:30 UTC).
        (utc(2026, 3, 6, 0, 0), SUNDAY, time(2, 30), NEW_YORK, utc(2026, 3, 8, 7, 30)),
        (utc(2026, 3, 6, 0, 0), SUNDAY, time(9, 0), NEW_YORK, utc(2026, 3, 8, 13, 0)),
        (utc(2026, 3, 1, 0, 0), SUNDAY, time(9, 0), NEW_YORK, utc(2026, 3, 1, 14, 0)),
        # New York fall back, Sunday 1 November 2026: 01:30 happens twice; the first is EDT (05:30 UTC).
        (utc(2026, 10, 30, 0, 0), SUNDAY, time(1, 30), NEW_YORK, utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 5, 30), SUNDAY, time(1, 30), NEW_YORK, utc(2026, 11, 8, 6, 30)),
        # A timezone-aware `after` in another zone means the same instant.
        (datetime(2026, 1, 5, 9, 0, tzinfo=LAGOS), MONDAY, time(9, 0), LAGOS, utc(2026, 1, 12, 8, 0)),
    ],
)
def test_next_occurrence(after: datetime, weekday: int, at: time, zone: ZoneInfo, expected: datetime) -> None:
    found = next_occurrence(after, weekday, at, zone)
    assert found == expected
    assert found.tzinfo is UTC


@pytest.mark.parametrize(
    ("at_or_before", "weekday", "at", "zone", "expected"),
    [
        (utc(2026, 1, 5, 9, 0), MONDAY, time(9, 0), UTC_ZONE, utc(2026, 1, 5, 9, 0)),  # "at or before": inclusive
        (utc(2026, 1, 5, 8, 59), MONDAY, time(9, 0), UTC_ZONE, utc(2025, 12, 29, 9, 0)),
        (utc(2026, 1, 7, 0, 0), TUESDAY, time(23, 0), LAGOS, utc(2026, 1, 6, 22, 0)),
        (utc(2026, 3, 30, 0, 0), SUNDAY, time(1, 30), LONDON, utc(2026, 3, 29, 1, 30)),
        (utc(2026, 10, 26, 0, 0), SUNDAY, time(1, 30), LONDON, utc(2026, 10, 25, 0, 30)),
        (utc(2026, 3, 9, 0, 0), SUNDAY, time(2, 30), NEW_YORK, utc(2026, 3, 8, 7, 30)),
        (utc(2026, 1, 8, 3, 29), THURSDAY, time(9, 0), KOLKATA, utc(2026, 1, 1, 3, 30)),
    ],
)
def test_previous_occurrence(
    at_or_before: datetime, weekday: int, at: time, zone: ZoneInfo, expected: datetime
) -> None:
    assert previous_occurrence(at_or_before, weekday, at, zone) == expected


@pytest.mark.parametrize(
    ("occurrence", "weekday", "zone", "slot"),
    [
        (utc(2026, 1, 5, 9, 0), MONDAY, UTC_ZONE, "2026-W02"),
        (utc(2026, 1, 4, 9, 0), SUNDAY, UTC_ZONE, "2026-W01"),  # Sunday ends its ISO week
        (utc(2026, 1, 4, 20, 30), MONDAY, KOLKATA, "2026-W02"),  # local date (Monday) decides, not the UTC date
        (utc(2026, 12, 31, 12, 0), THURSDAY, UTC_ZONE, "2026-W53"),  # 2026 has 53 ISO weeks
        (utc(2027, 1, 1, 12, 0), FRIDAY, UTC_ZONE, "2026-W53"),  # the ISO year, not the calendar year
        (utc(2026, 3, 29, 1, 30), SUNDAY, LONDON, "2026-W13"),  # shifted by the spring gap
        (utc(2026, 10, 25, 0, 30), SUNDAY, LONDON, "2026-W43"),
    ],
)
def test_week_slot(occurrence: datetime, weekday: int, zone: ZoneInfo, slot: str) -> None:
    assert week_slot(occurrence, weekday, zone) == slot


def test_week_slot_of_an_occurrence_pushed_past_midnight_keeps_its_scheduled_date() -> None:
    # Samoa skipped Friday 30 December 2011 entirely: Friday 09:00 happened as Saturday 09:00 local time.
    apia = ZoneInfo("Pacific/Apia")
    occurrence = next_occurrence(utc(2011, 12, 28, 0, 0), FRIDAY, time(9, 0), apia)
    assert occurrence.astimezone(apia).weekday() == SATURDAY
    assert week_slot(occurrence, FRIDAY, apia) == "2011-W52"
    following = next_occurrence(occurrence, FRIDAY, time(9, 0), apia)
    assert week_slot(following, FRIDAY, apia) == "2012-W01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:30", time(9, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 18:00 ", time(18, 0)),
        ("18.00", time(18, 0)),
        ("18h00", time(18, 0)),
    ],
)
def test_parse_time_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "9am", "", "12:5", "-1:00", "09:30:00", "noon", "1:2:3"])
def test_parse_time_refuses_with_a_readable_reason(text: str) -> None:
    with pytest.raises(ValueError, match="24-hour clock"):
        parse_time(text)


def test_format_time_round_trips() -> None:
    assert format_time(time(9, 5)) == "09:05"
    assert parse_time(format_time(time(23, 0))) == time(23, 0)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        next_occurrence(utc(2026, 1, 1), 7, time(9, 0), UTC_ZONE)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(datetime(2026, 1, 1), MONDAY, time(9, 0), UTC_ZONE)


ZONES = st.sampled_from(
    ["UTC", "Europe/London", "America/New_York", "Africa/Lagos", "Asia/Kolkata", "Australia/Lord_Howe"]
)
INSTANTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
TIMES = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@given(INSTANTS, st.integers(0, 6), TIMES, ZONES)
def test_occurrences_bracket_the_instant_and_follow_the_rules(
    instant: datetime, weekday: int, at: time, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    following = next_occurrence(instant, weekday, at, zone)
    preceding = previous_occurrence(instant, weekday, at, zone)
    assert preceding <= instant < following
    # About a week apart (a DST change moves it by at most an hour; Lord Howe by 30 minutes).
    assert timedelta(days=7) - timedelta(hours=2) <= following - preceding <= timedelta(days=7) + timedelta(hours=2)
    # Each is the schedule's local time on its weekday, unless a gap pushed it forward.
    for occurrence in (following, preceding):
        local = occurrence.astimezone(zone)
        assert occurrence == local_instant(
            local.date() if local.weekday() == weekday else local.date() - timedelta(1), at, zone
        )
    # Consecutive occurrences have consecutive, distinct week slots.
    assert week_slot(preceding, weekday, zone) != week_slot(following, weekday, zone)
    # The next occurrence after the previous one is the next one.
    if preceding < instant:
        assert next_occurrence(preceding, weekday, at, zone) == following


@given(INSTANTS, st.integers(0, 6), TIMES, ZONES)
def test_a_slot_names_exactly_one_week(instant: datetime, weekday: int, at: time, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    occurrence = next_occurrence(instant, weekday, at, zone)
    slots = [week_slot(occurrence, weekday, zone)]
    for _ in range(3):
        occurrence = next_occurrence(occurrence, weekday, at, zone)
        slots.append(week_slot(occurrence, weekday, zone))
    assert len(set(slots)) == len(slots)
