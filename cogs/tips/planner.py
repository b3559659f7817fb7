"""When a guild's weekly tip is owed, whether it is still worth posting, and when the next one goes out.

Pure: no discord, no database. Built on the general weekly arithmetic of `schedule.py`.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from cogs.tips.schedule import WEEKDAY_NAMES, format_time, next_occurrence, previous_occurrence, week_slot

# A post missed while the bot was down is made on its return only if it is less late than this; after that the
# week's tip would land at an odd hour (the middle of the night, the next day), so the week is skipped instead.
CATCH_UP_LIMIT: Final = timedelta(hours=6)
# However far away the next post is, the loop looks again this often (cheap, and robust to a clock that jumps).
MAX_SLEEP: Final = timedelta(seconds=60)


@dataclass(frozen=True)
class WeeklyPlan:
    """A guild's weekly tip schedule."""

    guild_id: int
    channel_id: int
    weekday: int
    at: time
    timezone: str
    since: datetime  # when it was set: occurrences at or before it are not owed
    set_by: int

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's time zone."""
        return ZoneInfo(self.timezone)

    def slot(self, occurrence: datetime) -> str:
        """The week slot of one of this plan's occurrences."""
        return week_slot(occurrence, self.weekday, self.zone)

    def describe(self) -> str:
        """ "every Monday at 09:00 (Africa/Lagos)"."""
        return f"every {WEEKDAY_NAMES[self.weekday]} at {format_time(self.at)} ({self.timezone})"


def owed_occurrence(plan: WeeklyPlan, now: datetime) -> datetime | None:
    """The latest occurrence at or before `now`, if the plan already existed then; else None."""
    occurrence = previous_occurrence(now, plan.weekday, plan.at, plan.zone)
    return occurrence if occurrence > plan.since else None


def too_late(occurrence: datetime, now: datetime) -> bool:
    """Whether a missed occurrence is too late to post now (it is then recorded as skipped)."""
    return now - occurrence >= CATCH_UP_LIMIT


def upcoming(plan: WeeklyPlan, now: datetime, taken_slots: Container[str] = ()) -> datetime:
    """The next occurrence after `now` whose week has not had its tip yet (a week gets one scheduled tip)."""
    occurrence = next_occurrence(now, plan.weekday, plan.at, plan.zone)
    while plan.slot(occurrence) in taken_slots:
        occurrence = next_occurrence(occurrence, plan.weekday, plan.at, plan.zone)
    return occurrence


def seconds_until_next_check(plans: list[WeeklyPlan], now: datetime) -> float:
    """How long the loop may sleep: until the soonest next occurrence of any plan, at most MAX_SLEEP."""
    wait = MAX_SLEEP
    for plan in plans:
        wait = min(wait, next_occurrence(now, plan.weekday, plan.at, plan.zone) - now)
    return max(wait.total_seconds(), 0.0)
