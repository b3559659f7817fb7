"""Timings of `/tip`'s hot paths: the weekly loop's pass over many scheduled guilds, and the claim of a week.

Run with `python -m benchmarks.bench_tips` (or `python benchmarks/bench_tips.py`). Not a test: timings depend on the
machine. Targets:

- an idle pass of the weekly loop (2,000 guilds scheduled, a year of posts each, nothing due) takes < 250 ms: the loop
  makes one every minute at most;
- claiming a week (one transaction: pick the least recently posted tip among 104 curated + 500 approved tips, with
  5,000 earlier posts in the guild, and insert the record) has p99 < 10 ms.

`run()` returns the figures for a shared benchmark entry point.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import load_default_content
from bot.database import Database
from cogs.tips.planner import owed_occurrence
from cogs.tips.schedule import next_occurrence, parse_time
from cogs.tips.store import TipStore, entry_from_tip

SEED = 20260105
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
GUILDS = 2000
WEEKS_OF_HISTORY = 52
PASS_TARGET_MS = 250.0
PASSES = 5
BIG_GUILD = 10**9
APPROVED = 500
BIG_GUILD_POSTS = 5000
CLAIMS = 300
CLAIM_TARGET_MS = 10.0
ZONES = ("Africa/Lagos", "Africa/Nairobi", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC")


async def _fill(db: Database, store: TipStore, rng: random.Random) -> None:
    keys = [tip.key for tip in store.curated]
    schedules, posts = [], []
    for guild in range(1, GUILDS + 1):
        weekday, at, zone = rng.randrange(7), f"{rng.randrange(24):02d}:{rng.choice((0, 30)):02d}", rng.choice(ZONES)
        since = (NOW - timedelta(days=400)).isoformat()
        schedules.append((guild, 1000 + guild, weekday, at, zone, since, 1))
        for week in range(WEEKS_OF_HISTORY):
            when = NOW - timedelta(days=7 * (WEEKS_OF_HISTORY - week))
            year, number, _ = when.isocalendar()
            posts.append((guild, f"{year:04d}-W{number:02d}", when.isoformat(), keys[week % len(keys)], "t", 5, "sent"))
    await db.executemany(
        "INSERT INTO tip_schedules (guild_id, channel_id, weekday, at_time, timezone, since, set_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        schedules,
    )
    await db.executemany(
        "INSERT INTO tip_posts (guild_id, kind, slot, due_at, tip_key, title, channel_id, status, created_at) "
        "VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?)",
        [(*row, row[2]) for row in posts],
    )
    for number in range(1, APPROVED + 1):
        await db.execute(
            "INSERT INTO tip_suggestions (guild_id, number, author_id, title, body, category, status, created_at, "
            "reviewed_by, reviewed_at) VALUES (?, ?, 7, ?, 'b', 'python', 'approved', ?, 1, ?)",
            (BIG_GUILD, number, f"Tip {number}", NOW.isoformat(), NOW.isoformat()),
        )
    all_keys = keys + [f"community:{n}" for n in range(1, APPROVED + 1)]
    await db.executemany(
        "INSERT INTO tip_posts (guild_id, kind, tip_key, title, channel_id, status, created_at) "
        "VALUES (?, 'now', ?, 't', 5, 'sent', ?)",
        [(BIG_GUILD, rng.choice(all_keys), NOW.isoformat()) for _ in range(BIG_GUILD_POSTS)],
    )


async def _idle_pass(store: TipStore, now: datetime) -> int:
    """What the loop does each wake-up (see Tips.run_due_posts), minus Discord: find the owed, unrecorded weeks."""
    plans = await store.all_schedules()
    owed = [(plan, when) for plan in plans if (when := owed_occurrence(plan, now)) is not None]
    recorded = await store.recorded_slots(plan.slot(when) for plan, when in owed)
    missing = sum((plan.guild_id, plan.slot(when)) not in recorded for plan, when in owed)
    for plan in plans:  # how long to sleep: seconds_until_next_check
        next_occurrence(now, plan.weekday, plan.at, plan.zone)
    return missing


async def _run() -> dict[str, Any]:
    rng = random.Random(SEED)
    content = load_default_content()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        try:
            store = TipStore(db, [entry_from_tip(tip) for tip in content.tips])
            await _fill(db, store, rng)
            # "Now" is just before this week's slots: last week's are all recorded, this week's not due yet.
            now = NOW - timedelta(days=7) + timedelta(hours=1)
            timings = []
            for _ in range(PASSES):
                started = time.perf_counter()
                owed = await _idle_pass(store, now)
                timings.append((time.perf_counter() - started) * 1000)
            claim_ms = []
            for index in range(CLAIMS):
                started = time.perf_counter()
                claim = await store.claim_scheduled(BIG_GUILD, f"bench-{index}", NOW, 5, NOW)
                claim_ms.append((time.perf_counter() - started) * 1000)
                assert claim is not None
                await store.mark_sent(claim.post_id, None, NOW)
        finally:
            await db.close()
    claim_ms.sort()
    return {
        "guilds": GUILDS,
        "idle_pass_ms_best": min(timings),
        "idle_pass_ms_worst": max(timings),
        "owed_found": owed,
        "claim_ms_median": statistics.median(claim_ms),
        "claim_ms_p99": claim_ms[int(len(claim_ms) * 0.99) - 1],
        "pool": len(content.tips) + APPROVED,
        "targets_met": min(timings) < PASS_TARGET_MS and claim_ms[int(len(claim_ms) * 0.99) - 1] < CLAIM_TARGET_MS,
    }


def run() -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    return asyncio.run(_run())


def main() -> int:
    """Print the figures; exit status 1 when a target is missed."""
    figures = run()
    print(
        f"idle loop pass over {figures['guilds']:,} scheduled guilds: best {figures['idle_pass_ms_best']:.1f} ms, "
        f"worst {figures['idle_pass_ms_worst']:.1f} ms (target < {PASS_TARGET_MS:.0f} ms; "
        f"{figures['owed_found']} owed)"
    )
    print(
        f"claim of a week, pool of {figures['pool']} tips: median {figures['claim_ms_median']:.2f} ms, "
        f"p99 {figures['claim_ms_p99']:.2f} ms (target < {CLAIM_TARGET_MS:.0f} ms)"
    )
    return 0 if figures["targets_met"] else 1


if __name__ == "__main__":
    parse_time("00:00")  # fail fast if the package is broken
    sys.exit(main())
