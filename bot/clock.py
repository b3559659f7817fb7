"""One injectable clock, so that tests move time instead of waiting for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class Clock:
    """Real time. Every part of the bot asks the bot's clock, never `datetime.now` directly."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait; a fake clock returns as soon as time is moved past the deadline."""
        await asyncio.sleep(seconds)


class FakeClock(Clock):
    """A clock that stands still until a test advances it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._changed = asyncio.Event()

    def now(self) -> datetime:
        """The fake current time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` and wake every sleeper."""
        self._now = when
        self._changed.set()
        self._changed = asyncio.Event()

    def advance(self, delta: timedelta) -> None:
        """Move time forward by `delta` and wake every sleeper."""
        self.set(self._now + delta)

    async def sleep(self, seconds: float) -> None:
        """Return once the fake time has passed the deadline (or after a real second, to stay responsive)."""
        deadline = self._now + timedelta(seconds=seconds)
        while self._now < deadline:
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), timeout=1.0)
            except TimeoutError:
                continue


async def sleep_or_wake(clock: Clock, seconds: float, wake: asyncio.Event) -> None:
    """Sleep on `clock` for `seconds`, or less if `wake` is set first (e.g. a moderator changed a schedule)."""
    sleeper = asyncio.create_task(clock.sleep(seconds))
    waker = asyncio.create_task(wake.wait())
    try:
        await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, waker):
            task.cancel()
        await asyncio.gather(sleeper, waker, return_exceptions=True)
