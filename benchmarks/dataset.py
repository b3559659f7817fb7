"""The database the end-to-end benchmark runs on, built in bulk into a file BEFORE the bot process starts.

The schema comes from the real migrations (`Database.open` migrates the empty file). The rows come from each feature's
own bulk builder where it has one, so that a change to a feature's tables is followed by its owner's builder:

- challenges, solutions, tags and helpful votes: `benchmarks.bench_challenges.bulk_load` (FTS triggers set aside,
  the index built in one statement, the triggers put back), run with this benchmark's guild and scale;
- community concepts: `benchmarks.bench_concepts` text, stored through `ConceptStore.import_guild` (which keeps the
  concept FTS index in step);
- pairing history, queue and current pairs, tip schedule, posts and approved suggestions, guild settings: plain
  `executemany` into the tables of bot/migrations/0004_pairing.sql, 0005_tips.sql and 0001_initial.sql.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks import bench_challenges, bench_concepts, bench_pairing
from bot.content import load_default_content
from bot.database import Database
from cogs.concepts.store import ConceptStore
from cogs.pairing.store import iso, topics_text
from cogs.tips.store import entry_from_tip

SEED = 20260105
# The zones learners join from in the benchmark: most within 3 h of each other (they match), some far away.
NEAR_ZONES = ("Africa/Lagos", "Africa/Nairobi", "Africa/Accra", "Africa/Cairo", "Europe/London", "Europe/Berlin")
FAR_ZONES = ("America/New_York", "Asia/Kolkata", "America/Los_Angeles")
CURRENT_PAIRS_SHOWN = 50


@dataclass(frozen=True)
class Scale:
    """How big the database is, and how many times each interaction is measured."""

    name: str
    challenges: int
    solutions: int
    votes: int
    challenge_authors: int
    history_learners: int
    waiting: int
    extra_concepts: int
    runs: int
    warmup: int
    burst: int


FULL = Scale(
    name="full",
    challenges=100_000,
    solutions=300_000,
    votes=200_000,
    challenge_authors=5_000,
    history_learners=10_000,
    waiting=1_000,
    extra_concepts=1_000,
    runs=1_000,
    warmup=20,
    burst=1_000,
)
QUICK = Scale(
    name="quick",
    challenges=5_000,
    solutions=15_000,
    votes=10_000,
    challenge_authors=500,
    history_learners=1_000,
    waiting=100,
    extra_concepts=100,
    runs=100,
    warmup=5,
    burst=200,
)


@dataclass
class People:
    """Member ids (of stand-in members) whose rows the database holds, by what they are doing."""

    waiting: list[tuple[int, str, str]]  # (user id, role, zone)
    paired: list[int]
    with_history: list[int]


@contextlib.contextmanager
def scaled(module: ModuleType, **values: Any) -> Iterator[None]:
    """Run another benchmark's builder at this benchmark's guild and scale: its module constants are set for the
    duration (the builders read them when called) and restored afterwards."""
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def load_challenges(path: Path, guild_id: int, scale: Scale) -> dict[str, float]:
    """Challenges, tags, solutions, votes and the FTS index, with the challenges feature's own bulk loader."""
    with scaled(
        bench_challenges,
        GUILD=guild_id,
        CHALLENGES=scale.challenges,
        SOLUTIONS=scale.solutions,
        VOTES=scale.votes,
        MEMBERS=scale.challenge_authors,
    ):
        figures: dict[str, float] = bench_challenges.bulk_load(path, random.Random(SEED))
    return figures


async def load_concepts(db: Database, guild_id: int, count: int) -> list[str]:
    """`count` community concepts in the guild; returns their names."""
    curated = bench_concepts.curated_concepts()
    store = ConceptStore(db, curated)
    await store.sync_curated()
    rows = bench_concepts._community_rows(count, random.Random(SEED), bench_concepts.Corpus.from_concepts(curated))
    await store.import_guild(guild_id, {"concepts": rows})
    return [str(row["name"]) for row in rows]


def _topics(rng: random.Random) -> str:
    return topics_text(rng.sample(bench_pairing.TOPICS, rng.randint(0, 4)))


async def load_pairing(
    db: Database,
    guild_id: int,
    scale: Scale,
    *,
    waiting: Sequence[int],
    paired: Sequence[int],
    with_history: Sequence[int],
    channel_id: int,
    now: datetime,
) -> People:
    """Pairing history among `scale.history_learners` learners (plus the `with_history` members), members waiting in
    the queue, and current pairs."""
    rng = random.Random(SEED + 4)
    stamp = iso(now - timedelta(days=60))
    learners = [10**15 + index for index in range(scale.history_learners)]
    backends, frontends = learners[0::2], learners[1::2]
    # Everyone had a first partner (so every learner is in the history), then up to two more.
    history = list(zip(backends, rng.sample(frontends, len(frontends)), strict=False))
    for backend in backends:
        history += [(backend, rng.choice(frontends)) for _ in range(rng.randint(0, 2))]
    history += [(member, rng.choice(frontends)) for member in with_history]
    history = list(dict.fromkeys(history))
    ended = [
        (guild_id, b, f"l{b}", _topics(rng), stamp, f, f"l{f}", _topics(rng), stamp, "round", 10, "task-board",
         channel_id, stamp, stamp, stamp, "thread")
        for b, f in history
    ]  # fmt: skip
    await db.executemany(
        "INSERT INTO pair_pairs (guild_id, backend_id, backend_name, backend_topics, backend_joined_at, frontend_id, "
        "frontend_name, frontend_topics, frontend_joined_at, source, score, project, channel_id, matched_at, "
        "checkin_due_at, ended_at, intro_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ended,
    )
    queue = []
    people = People([], list(paired), list(with_history))
    for index, user_id in enumerate(waiting):
        role = "backend" if index % 2 else "frontend"
        zone = rng.choice(NEAR_ZONES) if rng.random() < 0.8 else rng.choice(FAR_ZONES)
        joined = iso(now - timedelta(minutes=len(waiting) - index))
        queue.append((guild_id, user_id, f"w{index}", role, _topics(rng), zone, channel_id, joined))
        people.waiting.append((user_id, role, zone))
    await db.executemany(
        "INSERT INTO pair_queue (guild_id, user_id, display_name, role, topics, timezone, channel_id, joined_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        queue,
    )
    matched = iso(now - timedelta(days=2))
    due = iso(now + timedelta(days=5))
    current = [
        (guild_id, paired[i], f"p{i}", matched, paired[i + 1], f"p{i + 1}", matched, channel_id, channel_id + 1 + i,
         matched, due)
        for i in range(0, len(paired) - 1, 2)
    ]  # fmt: skip
    await db.executemany(
        "INSERT INTO pair_pairs (guild_id, backend_id, backend_name, backend_joined_at, frontend_id, frontend_name, "
        "frontend_joined_at, source, score, project, channel_id, thread_id, intro_status, matched_at, "
        "checkin_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'join', 10, 'task-board', ?, ?, 'thread', ?, ?)",
        current,
    )
    return people


async def load_tips(db: Database, guild_id: int, channel_id: int, now: datetime) -> None:
    """A weekly schedule with two years of posts, and approved member suggestions in the rotation."""
    await db.execute(
        "INSERT INTO tip_schedules (guild_id, channel_id, weekday, at_time, timezone, since, set_by) "
        "VALUES (?, ?, 0, '09:00', 'Africa/Lagos', ?, 1)",
        (guild_id, channel_id, iso(now - timedelta(days=800))),
    )
    await db.executemany(
        "INSERT INTO tip_suggestions (guild_id, number, author_id, title, body, category, status, created_at, "
        "reviewed_by, reviewed_at) VALUES (?, ?, 7, ?, 'A member tip.', 'python', 'approved', ?, 1, ?)",
        [(guild_id, n, f"Member tip {n}", iso(now), iso(now)) for n in range(1, 51)],
    )
    keys = [entry_from_tip(tip).key for tip in load_default_content().tips]
    posts = []
    for week in range(104, 0, -1):
        when = now - timedelta(days=7 * week)
        year, number, _ = when.isocalendar()
        stamp = iso(when)
        posts.append(
            (guild_id, f"{year:04d}-W{number:02d}", stamp, keys[week % len(keys)], f"Tip {week}", channel_id, stamp)
        )
    await db.executemany(
        "INSERT INTO tip_posts (guild_id, kind, slot, due_at, tip_key, title, channel_id, status, created_at, "
        "finished_at) VALUES (?, 'scheduled', ?, ?, ?, ?, ?, 'sent', ?7, ?7)",
        posts,
    )


async def build(
    path: Path,
    scale: Scale,
    *,
    guild_id: int,
    challenge_channel: int,
    pairing_channel: int,
    tips_channel: int,
    waiting: Sequence[int],
    paired: Sequence[int],
    with_history: Sequence[int],
) -> dict[str, Any]:
    """Migrate a new file at `path` and fill it; returns what was built and how long each part took."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    await (await Database.open(path)).close()
    figures: dict[str, Any] = {"migrate_s": round(time.perf_counter() - started, 2)}
    part = time.perf_counter()
    figures.update(load_challenges(path, guild_id, scale))
    figures["challenges_s"] = round(time.perf_counter() - part, 1)
    db = await Database.open(path)
    try:
        part = time.perf_counter()
        figures["concept_names"] = await load_concepts(db, guild_id, scale.extra_concepts)
        figures["concepts_s"] = round(time.perf_counter() - part, 1)
        part = time.perf_counter()
        people = await load_pairing(
            db,
            guild_id,
            scale,
            waiting=waiting,
            paired=paired,
            with_history=with_history,
            channel_id=pairing_channel,
            now=now,
        )
        await load_tips(db, guild_id, tips_channel, now)
        await db.execute(
            "INSERT INTO guild_settings (guild_id, challenge_channel_id, pairing_channel_id, updated_at) "
            "VALUES (?, ?, ?, ?)",
            (guild_id, challenge_channel, pairing_channel, iso(now)),
        )
        figures["pairing_tips_s"] = round(time.perf_counter() - part, 1)
        counts = {
            "challenges": await db.fetchval("SELECT COUNT(*) FROM challenges"),
            "solutions": await db.fetchval("SELECT COUNT(*) FROM challenge_solutions"),
            "community_concepts": await db.fetchval("SELECT COUNT(*) FROM community_concepts"),
            "pairing_learners": await db.fetchval(
                "SELECT COUNT(*) FROM (SELECT backend_id FROM pair_pairs UNION SELECT frontend_id FROM pair_pairs)"
            ),
            "pairs": await db.fetchval("SELECT COUNT(*) FROM pair_pairs"),
            "waiting": await db.fetchval("SELECT COUNT(*) FROM pair_queue"),
        }
    finally:
        await db.close()
    figures["people"] = people
    figures["counts"] = counts
    figures["build_s"] = round(time.perf_counter() - started, 1)
    figures["database_mb"] = round(path.stat().st_size / 1e6, 1)  # noqa: ASYNC240 (before the bot starts)
    return figures
