"""Timings and quality of `/pair`'s hot paths: a round over 2,000 waiting learners, and `join` with 10,000 waiting.

Run with `python -m benchmarks.bench_pairing` (or `python benchmarks/bench_pairing.py`). Not a test: timings depend on
the machine. Targets:

- a round over 2,000 waiting learners (1,000 per track, with pairing history, time zones and topics) finishes in
  < 2 s, with a total score >= 98 % of the optimal assignment, computed by scipy's `linear_sum_assignment` on the
  same score matrix (scipy is a dev dependency; the bot itself never needs it);
- an instant `join` (the whole transaction: checks, candidate search, pair or queue) has p99 < 10 ms with 10,000
  learners waiting.

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

from bot.database import Database
from cogs.pairing.matching import Learner, Role, build_history, pair_score, plan_round, wait_points
from cogs.pairing.store import JoinRequest, PairingStore, iso, topics_text
from cogs.pairing.timezones import utc_offset_minutes

GUILD = 1
SEED = 20260105
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROUND_PER_TRACK = 1000
ROUND_TARGET_SECONDS = 2.0
ROUND_TARGET_RATIO = 0.98
JOIN_WAITING = 10_000
JOIN_ROUNDS = 1000
JOIN_TARGET_MS = 10.0
PAST_PARTNERS_MAX = 4
FAR_ZONES = ("Pacific/Honolulu", "America/Sao_Paulo", "Australia/Sydney")
FAR_SHARE = 0.1

# Where ProDev learners are, roughly; None = no time zone given.
ZONES: tuple[tuple[str | None, int], ...] = (
    ("Africa/Lagos", 30),
    ("Africa/Nairobi", 20),
    ("Africa/Accra", 15),
    ("Africa/Cairo", 8),
    ("Africa/Johannesburg", 8),
    ("Africa/Kigali", 5),
    ("Europe/London", 4),
    ("America/New_York", 3),
    ("Asia/Kolkata", 3),
    ("Asia/Dubai", 2),
    ("America/Los_Angeles", 1),
    ("Asia/Tokyo", 1),
    (None, 8),
)
TOPICS = (
    "python", "django", "django rest framework", "rest", "graphql", "docker", "ci/cd", "databases", "postgresql",
    "async", "caching", "redis", "security", "authentication", "scalability", "testing", "react", "javascript",
    "typescript", "next.js", "vue", "tailwind", "ui/ux", "accessibility", "websockets",
)  # fmt: skip


def _zone(rng: random.Random) -> str | None:
    names = [name for name, _ in ZONES]
    weights = [weight for _, weight in ZONES]
    return rng.choices(names, weights)[0]


def _topics(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(TOPICS, rng.randint(0, 6)))


def make_round_queue(rng: random.Random) -> tuple[list[tuple[int, Role, str | None, tuple[str, ...]]], list[Any]]:
    """2,000 learners (1,000 per track) and a history of past pairs among them."""
    people: list[tuple[int, Role, str | None, tuple[str, ...]]] = []
    for index in range(2 * ROUND_PER_TRACK):
        role: Role = "backend" if index < ROUND_PER_TRACK else "frontend"
        people.append((10_000 + index, role, _zone(rng), _topics(rng)))
    backends = [p[0] for p in people if p[1] == "backend"]
    frontends = [p[0] for p in people if p[1] == "frontend"]
    past = [(backend, rng.choice(frontends)) for backend in backends for _ in range(rng.randint(0, PAST_PARTNERS_MAX))]
    rng.shuffle(people)  # join order
    return people, past


def bench_round_plan(rng: random.Random) -> dict[str, Any]:
    """The pure planner on 2,000 learners, and how close it gets to scipy's optimum on the same scores."""
    import numpy
    from scipy.optimize import linear_sum_assignment

    people, past = make_round_queue(rng)
    learners = [
        Learner(user, role, seq, frozenset(topics), utc_offset_minutes(zone, NOW))
        for seq, (user, role, zone, topics) in enumerate(people, start=1)
    ]
    history = build_history(past)
    started = time.perf_counter()
    plan = plan_round(learners, history)
    seconds = time.perf_counter() - started

    points = wait_points(learners)
    backends = sorted((x for x in learners if x.role == "backend"), key=lambda x: x.seq)
    frontends = sorted((x for x in learners if x.role == "frontend"), key=lambda x: x.seq)
    matrix = numpy.array([[pair_score(b, f, history, points) for f in frontends] for b in backends], dtype=numpy.int64)
    scipy_started = time.perf_counter()
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    scipy_seconds = time.perf_counter() - scipy_started
    optimum = int(matrix[rows, cols].sum())
    # Re-score the plan on the same matrix, to compare like with like.
    index_b = {x.user_id: i for i, x in enumerate(backends)}
    index_f = {x.user_id: j for j, x in enumerate(frontends)}
    total = int(sum(matrix[index_b[b.user_id], index_f[f.user_id]] for b, f in plan.pairs))
    assert total == plan.total
    repeat_pairs = sum(f.user_id in history.get(b.user_id, ()) for b, f in plan.pairs)
    optimal_repeats = sum(
        frontends[j].user_id in history.get(backends[i].user_id, ()) for i, j in zip(rows, cols, strict=True)
    )
    return {
        "round_learners": len(learners),
        "round_pairs": len(plan.pairs),
        "round_plan_seconds": round(seconds, 3),
        "round_score": total,
        "round_optimum": optimum,
        "round_ratio": total / optimum,
        "round_gap_per_pair": (optimum - total) / len(plan.pairs),
        "round_repeat_pairs": repeat_pairs,
        "round_optimal_repeat_pairs": optimal_repeats,
        "scipy_seconds": round(scipy_seconds, 3),
    }


async def _fill_queue(db: Database, rows: list[tuple[Any, ...]]) -> None:
    await db.executemany(
        "INSERT INTO pair_queue (guild_id, user_id, display_name, role, topics, timezone, channel_id, joined_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def _seed_history(db: Database, past: list[tuple[int, int]]) -> None:
    stamp = iso(NOW - timedelta(days=30))
    await db.executemany(
        "INSERT INTO pair_pairs (guild_id, backend_id, backend_name, backend_joined_at, frontend_id, frontend_name, "
        "frontend_joined_at, source, score, project, matched_at, checkin_due_at, ended_at) "
        "VALUES (?, ?, 'b', ?, ?, 'f', ?, 'round', 0, 'task-board', ?, ?, ?)",
        [(GUILD, b, stamp, f, stamp, stamp, stamp, stamp) for b, f in past],
    )


async def bench_round_store(rng: random.Random, folder: Path) -> dict[str, Any]:
    """The whole `/pair round` transaction on SQLite: read 2,000, plan, write 1,000 pairs, record the slot."""
    db = await Database.open(folder / "round.db")
    try:
        people, past = make_round_queue(rng)
        await _seed_history(db, past)
        stamp = iso(NOW - timedelta(days=1))
        await _fill_queue(
            db,
            [
                (GUILD, user, f"l{user}", role, topics_text(topics), zone or "", 5, stamp)
                for user, role, zone, topics in people
            ],
        )
        store = PairingStore(db)
        started = time.perf_counter()
        outcome = await store.run_round(GUILD, NOW, slot="2026-W02")
        seconds = time.perf_counter() - started
        assert outcome is not None
        return {"round_store_seconds": round(seconds, 3), "round_store_pairs": len(outcome.pairs)}
    finally:
        await db.close()


async def bench_join(rng: random.Random, folder: Path) -> dict[str, Any]:
    """`store.join` timings with 10,000 learners waiting (topped up after each match, outside the timing)."""
    db = await Database.open(folder / "join.db")
    try:
        stamp = iso(NOW - timedelta(days=1))
        next_user = 1_000_000

        def waiting_row(role: Role) -> tuple[Any, ...]:
            nonlocal next_user
            next_user += 1
            return (GUILD, next_user, f"w{next_user}", role, topics_text(_topics(rng)), _zone(rng) or "", 5, stamp)

        await _fill_queue(db, [waiting_row("backend" if i % 2 else "frontend") for i in range(JOIN_WAITING)])
        # Joiners with a history: some past partners among those waiting.
        waiting_ids = [row[0] for row in await db.fetchall("SELECT user_id FROM pair_queue")]
        joiners = list(range(1, JOIN_ROUNDS + 1))
        await _seed_history(
            db, [(joiner, rng.choice(waiting_ids)) for joiner in joiners for _ in range(rng.randint(0, 3))]
        )
        store = PairingStore(db)
        timings: list[float] = []
        full_scans: list[float] = []  # joiners without a time zone: every waiting learner of the other track fits
        outcomes = {"matched": 0, "queued": 0}
        for joiner in joiners:
            role: Role = rng.choice(["backend", "frontend"])
            # A few join from far away (few fit them: they scan and then queue).
            zone = rng.choice(FAR_ZONES) if rng.random() < FAR_SHARE else _zone(rng)
            req = JoinRequest(joiner, f"j{joiner}", role, _topics(rng), zone, 5)
            started = time.perf_counter()
            outcome = await store.join(GUILD, req, NOW)
            timings.append((time.perf_counter() - started) * 1000)
            if zone is None:
                full_scans.append(timings[-1])
            outcomes[outcome.kind] += 1
            # Keep 10,000 waiting: put back the one matched away, or take the joiner out again.
            if outcome.kind == "matched":
                await _fill_queue(db, [waiting_row("frontend" if role == "backend" else "backend")])
            else:
                await store.leave(GUILD, joiner)
        waiting = await db.fetchval("SELECT COUNT(*) FROM pair_queue")
        timings.sort()
        return {
            "join_waiting": int(waiting),
            "join_rounds": len(timings),
            "join_matched": outcomes["matched"],
            "join_queued": outcomes["queued"],
            "join_p50_ms": round(statistics.median(timings), 3),
            "join_p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
            "join_max_ms": round(timings[-1], 3),
            "join_no_zone_count": len(full_scans),
            "join_no_zone_max_ms": round(max(full_scans, default=0.0), 3),
        }
    finally:
        await db.close()


async def bench_join_queued(rng: random.Random, folder: Path) -> dict[str, Any]:
    """`store.join` when nobody fits (10,000 waiting in Africa and Europe, joiners from the Americas): they queue."""
    db = await Database.open(folder / "queued.db")
    try:
        stamp = iso(NOW - timedelta(days=1))
        near = ("Africa/Lagos", "Africa/Nairobi", "Africa/Accra", "Africa/Cairo", "Europe/London", "Europe/Berlin")
        rows = [
            (GUILD, 2_000_000 + i, f"w{i}", rng.choice(["backend", "frontend"]), topics_text(_topics(rng)),
             rng.choice(near), 5, stamp)
            for i in range(JOIN_WAITING)
        ]  # fmt: skip
        await _fill_queue(db, rows)
        store = PairingStore(db)
        timings: list[float] = []
        for joiner in range(1, JOIN_ROUNDS // 2 + 1):
            role: Role = rng.choice(["backend", "frontend"])
            zone = rng.choice(("America/Los_Angeles", "America/Denver", "Pacific/Honolulu"))
            req = JoinRequest(joiner, f"j{joiner}", role, _topics(rng), zone, 5)
            started = time.perf_counter()
            outcome = await store.join(GUILD, req, NOW)
            timings.append((time.perf_counter() - started) * 1000)
            assert outcome.kind == "queued", outcome.kind
            await store.leave(GUILD, joiner)
        timings.sort()
        return {
            "join_queued_rounds": len(timings),
            "join_queued_p50_ms": round(statistics.median(timings), 3),
            "join_queued_p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
        }
    finally:
        await db.close()


def run() -> dict[str, Any]:
    """Run every benchmark; returns the figures (and whether each target was met)."""
    rng = random.Random(SEED)
    results: dict[str, Any] = {}
    results.update(bench_round_plan(rng))
    with tempfile.TemporaryDirectory() as folder:
        results.update(asyncio.run(bench_round_store(rng, Path(folder))))
        results.update(asyncio.run(bench_join(rng, Path(folder))))
        results.update(asyncio.run(bench_join_queued(rng, Path(folder))))
    results["round_target_met"] = (
        results["round_plan_seconds"] < ROUND_TARGET_SECONDS
        and results["round_store_seconds"] < ROUND_TARGET_SECONDS
        and results["round_ratio"] >= ROUND_TARGET_RATIO
    )
    results["join_target_met"] = max(results["join_p99_ms"], results["join_queued_p99_ms"]) < JOIN_TARGET_MS
    return results


def main() -> None:
    """Print the figures."""
    results = run()
    width = max(map(len, results))
    for key, value in results.items():
        shown = f"{value:.5f}" if isinstance(value, float) and key.endswith(("ratio", "pair")) else value
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
