"""Weekly schedule arithmetic: when is the next (or the last) "every <weekday> at HH:MM in <zone>"?

Pure: no discord, no database. Used by the tips loop and reusable by anything else that runs weekly (pairing rounds).

A weekly schedule is three things: a weekday (0 = Monday … 6 = Sunday, like `date.weekday()`), a local wall-clock
time, and an IANA time zone. Its occurrences are instants (timezone-aware datetimes); the functions below return them
in UTC. Daylight saving time is handled the way a person would expect:

- a local time that does not exist that day (the spring-forward gap, e.g. 01:30 in London on the last Sunday of
  March) happens as soon as it exists again, shifted forward by the gap (01:30 GMT = 02:30 BST);
- a local time that happens twice (the autumn fall-back hour) happens the first time only.

Every occurrence belongs to one *week slot*, the ISO week of its local date ("2026-W02"). A schedule has one
occurrence per week, so the slot names an occurrence for good: store it with UNIQUE to make "post once a week"
exactly once, whatever restarts and reconnects happen in between.

    >>> from zoneinfo import ZoneInfo
    >>> london = ZoneInfo("Europe/London")
    >>> after = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday
    >>> next_occurrence(after, SUNDAY, time(1, 30), london).isoformat()  # 01:30 does not exist that Sunday
    '2026-03-29T01:30:00+00:00'
    >>> week_slot(next_occurrence(after, SUNDAY, time(1, 30), london), SUNDAY, london)
    '2026-W13'
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
WEEKDAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_TIME_RE: Final = re.compile(r"^\s*(?P<hour>[01]?\d|2[0-3])\s*[:.h]\s*(?P<minute>[0-5]\d)\s*$")
# Far more than any real transition needs: the date line jumps (a whole day) are the widest.
_SEARCH_DAYS: Final = 8


def parse_time(text: str) -> time:
    """Parse "HH:MM" on a 24-hour clock ("09:30", "9:30", "18:00"); raise ValueError with a readable reason."""
    match = _TIME_RE.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} isn't a time: use HH:MM on a 24-hour clock, e.g. 09:30 or 18:00")
    return time(int(match["hour"]), int(match["minute"]))


def format_time(at: time) -> str:
    """The canonical "HH:MM" form of a wall-clock time."""
    return f"{at.hour:02d}:{at.minute:02d}"


def _check_weekday(weekday: int) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), not {weekday}")


def _check_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is needed")


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) when the wall clock in `zone` shows `at` on `day`: gap times shift forward, repeated times
    happen the first time."""
    # With fold=0, PEP 495 gives a gap time the offset from before the transition (so it lands after the gap, moved
    # forward by the gap's length) and a repeated time its first offset. That is exactly the rule wanted here.
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def _occurrences_around(instant: datetime, weekday: int, at: time, zone: ZoneInfo) -> list[tuple[date, datetime]]:
    """The schedule's occurrences whose local date lies within a week and a day on each side of `instant`."""
    _check_weekday(weekday)
    _check_aware(instant)
    today = instant.astimezone(zone).date()
    first = today - timedelta(days=_SEARCH_DAYS)
    first += timedelta(days=(weekday - first.weekday()) % 7)
    found = []
    while first <= today + timedelta(days=_SEARCH_DAYS):
        found.append((first, local_instant(first, at, zone)))
        first += timedelta(days=7)
    return found


def next_occurrence(after: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The first occurrence strictly after `after` (aware), in UTC."""
    return min(when for _, when in _occurrences_around(after, weekday, at, zone) if when > after)


def previous_occurrence(at_or_before: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The last occurrence at or before `at_or_before` (aware), in UTC."""
    return max(when for _, when in _occurrences_around(at_or_before, weekday, at, zone) if when <= at_or_before)


def week_slot(occurrence: datetime, weekday: int, zone: ZoneInfo) -> str:
    """The ISO week ("2026-W02") of the local date an occurrence was scheduled for: its identity.

    The scheduled date is the occurrence's local date, or the day before when a spring gap pushed the occurrence past
    midnight (gaps only ever move a time forward, by less than two days), which is why the weekday is needed.
    """
    _check_weekday(weekday)
    _check_aware(occurrence)
    day = occurrence.astimezone(zone).date()
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"
