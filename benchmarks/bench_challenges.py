"""Timings of /challenge's hot paths through `ChallengeStore`, on a guild with 100,000 challenges and 300,000
solutions.

Run with `python -m benchmarks.bench_challenges` (or `python benchmarks/bench_challenges.py`). Not a test: timings
depend on the machine. Targets (p99): search < 10 ms, log (insert + FTS index, one transaction) < 5 ms, show < 5 ms.
Other paths (similar, solve, autocomplete, list, leaderboard, counts) are reported without a target.

The database is made by the real migrations; the bulk load then writes the rows in one transaction with the FTS
triggers set aside, builds the index in one statement and optimizes it (the triggers are put back before anything is
measured), which is what makes 400,000 rows take seconds rather than minutes. Writes are measured first, reads after
them, on an index that has taken those writes. Text comes from a Zipf-weighted vocabulary of
backend words, so common words are common and rare words are rare, as in a real log. `run()` returns the figures.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.database import Database
from cogs.challenges.store import ChallengeStore
from cogs.challenges.validation import ChallengeInput

GUILD = 1
CHALLENGES = 100_000
SOLUTIONS = 300_000
VOTES = 200_000
MEMBERS = 5_000
SEARCH_TARGET_MS = 10.0
LOG_TARGET_MS = 5.0
SHOW_TARGET_MS = 5.0
ROUNDS = 1000
SEED = 20260105
START = datetime(2025, 1, 1, tzinfo=UTC)

WORDS = (
    "django", "migration", "query", "index", "cache", "redis", "celery", "worker", "docker", "compose", "postgres",
    "deadlock", "transaction", "timeout", "gunicorn", "nginx", "serializer", "viewset", "router", "endpoint",
    "pagination", "throttle", "token", "jwt", "session", "cookie", "cors", "csrf", "middleware", "signal", "orm",
    "select_related", "prefetch", "admin", "fixture", "pytest", "coverage", "mock", "ci", "pipeline", "github",
    "actions", "deploy", "staging", "production", "rollback", "release", "secret", "environment", "variable",
    "settings", "logging", "metric", "trace", "alert", "health", "probe", "kubernetes", "container", "image",
    "volume", "network", "port", "proxy", "header", "status", "error", "exception", "traceback", "memory", "leak",
    "thread", "async", "await", "event", "loop", "queue", "broker", "rabbitmq", "kafka", "stream", "webhook",
    "graphql", "resolver", "schema", "mutation", "subscription", "rest", "openapi", "swagger", "version", "upload",
    "file", "storage", "s3", "media", "static", "template", "form", "validation", "permission", "auth", "login",
    "password", "hash", "email", "smtp", "cron", "schedule", "beat", "retry", "idempotent", "lock", "replica",
    "shard", "partition", "vacuum", "explain", "analyze", "slow", "fast", "n+1", "join", "foreign", "key",
    "constraint", "unique", "null", "default", "column", "table", "row", "sqlite", "mysql", "utf8", "timezone",
    "datetime", "json", "yaml", "toml", "pip", "poetry", "venv", "requirements", "wheel", "build", "lint", "ruff",
    "mypy", "typing", "pydantic", "fastapi", "flask", "asgi", "wsgi", "uvicorn", "daphne", "channels", "websocket",
)  # fmt: skip
FILLER = (
    "the", "a", "it", "on", "in", "when", "after", "with", "my", "our", "we", "i", "was", "is", "not", "but",
    "fails", "breaks", "works", "locally", "again", "every", "request", "page", "test", "run", "fixed", "added",
    "changed", "tried", "found", "because", "then", "now", "still", "only",
)  # fmt: skip
TAGS = WORDS[:60]
SOUP = ("NEAR(cache AND", '"docker', "a* OR b*", "(((", "title:redis ^x", "@everyone **bold**", "'; DROP TABLE x")


SYLLABLES = ("ka", "lo", "ri", "mu", "te", "sa", "po", "ni", "vo", "de", "zu", "fi", "go", "be", "ra", "xi")
TAIL_WORDS = 6000  # names of models, fields, modules and errors: the long tail of a real log's vocabulary


def tail_words(count: int) -> list[str]:
    """Distinct pseudo-words ("kalori", "mutesa"…), deterministic."""
    rng = random.Random(SEED + 7)
    words: dict[str, None] = {}
    while len(words) < count:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


class Vocabulary:
    """Words drawn with Zipf weights (rank r has weight 1/r): the backend words first, then a long tail; mixed with
    as many filler words (stopwords and common verbs) as half the drawn words."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        technical = list(WORDS)
        rng.shuffle(technical)
        self.technical = technical
        self.tail = tail_words(TAIL_WORDS)
        self.words = technical + self.tail
        self.cumulative = _cumulative([1 / rank for rank in range(1, len(self.words) + 1)])

    def text(self, count: int) -> str:
        picked = self.rng.choices(self.words, cum_weights=self.cumulative, k=count)
        filler = self.rng.choices(FILLER, k=count // 2)
        mixed = picked + filler
        self.rng.shuffle(mixed)
        return " ".join(mixed)

    def common(self, count: int) -> list[str]:
        return self.technical[:count]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _percentiles(samples_ns: list[int]) -> dict[str, float]:
    samples = sorted(sample / 1e6 for sample in samples_ns)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(p95, 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(samples[-1], 3),
    }


async def _time(call: Callable[[Any], Awaitable[Any]], inputs: list[Any]) -> dict[str, float]:
    for item in inputs[:20]:  # warm the page cache and the statement cache
        await call(item)
    samples = []
    for item in inputs:
        started = time.perf_counter_ns()
        await call(item)
        samples.append(time.perf_counter_ns() - started)
    return _percentiles(samples)


def bulk_load(path: Path, rng: random.Random) -> dict[str, float]:
    """Fill the migrated database at `path`: challenges, tags, solutions, helpful votes, then the FTS index."""
    vocabulary = Vocabulary(rng)
    started = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = OFF")  # the load only; the measurements use the bot's settings
    triggers = connection.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'trigger' AND tbl_name IN ('challenges', 'challenge_solutions')"
    ).fetchall()
    connection.execute("BEGIN")
    for name, _ in triggers:
        connection.execute(f'DROP TRIGGER "{name}"')

    challenge_rows, tag_rows = [], []
    for number in range(1, CHALLENGES + 1):
        tags = tuple(dict.fromkeys(rng.sample(TAGS, rng.randint(0, 5))))
        solved = rng.random() < 0.6
        created = (START + timedelta(minutes=5 * number)).isoformat()
        challenge_rows.append(
            (
                number,
                GUILD,
                number,
                rng.randint(1, MEMBERS),
                vocabulary.text(rng.randint(4, 7))[:100],
                vocabulary.text(rng.randint(25, 60)),
                " ".join(tags),
                "solved" if solved else "open",
                created,
            )
        )
        tag_rows += [(GUILD, tag, number) for tag in tags]
    connection.executemany(
        "INSERT INTO challenges (id, guild_id, number, author_id, title, description, tags, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        challenge_rows,
    )
    connection.executemany("INSERT INTO challenge_tags (guild_id, tag, challenge_id) VALUES (?, ?, ?)", tag_rows)

    solution_rows = []
    accepted_for: set[int] = set()
    for number in range(1, SOLUTIONS + 1):
        challenge = rng.randint(1, CHALLENGES)
        accept = challenge_rows[challenge - 1][7] == "solved" and challenge not in accepted_for
        if accept:
            accepted_for.add(challenge)
        solution_rows.append(
            (
                number,
                GUILD,
                number,
                challenge,
                rng.randint(1, MEMBERS),
                vocabulary.text(rng.randint(15, 50)),
                1 if accept else 0,
                (START + timedelta(minutes=2 * number)).isoformat(),
            )
        )
    connection.executemany(
        "INSERT INTO challenge_solutions (id, guild_id, number, challenge_id, author_id, body, accepted, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        solution_rows,
    )
    # A challenge marked solved without an accepted solution would be inconsistent: reopen those.
    connection.execute(
        "UPDATE challenges SET status = 'open' WHERE status = 'solved' AND id NOT IN "
        "(SELECT challenge_id FROM challenge_solutions WHERE accepted = 1)"
    )
    votes = {(rng.randint(1, SOLUTIONS), rng.randint(1, MEMBERS)) for _ in range(VOTES)}
    connection.executemany(
        "INSERT INTO challenge_helpful (solution_id, voter_id, guild_id, solution_author_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(solution, voter, GUILD, solution_rows[solution - 1][4], START.isoformat()) for solution, voter in votes],
    )
    connection.execute(
        """
        INSERT INTO challenge_search (rowid, title, description, tags, solutions)
        SELECT c.id, c.title, c.description, c.tags,
               COALESCE((SELECT group_concat(body, ' ') FROM challenge_solutions s WHERE s.challenge_id = c.id), '')
        FROM challenges c WHERE c.deleted_at IS NULL
        """
    )
    for _, sql in triggers:
        connection.execute(sql)
    connection.execute("COMMIT")
    # One bulk insert leaves the whole index as a single segment at level 0, where FTS5 would soon merge it with
    # the first small segments (a 150 MB rewrite inside one measured write). A guild that grew to this size has its
    # bulk in the top level instead, which is what 'optimize' produces.
    connection.execute("INSERT INTO challenge_search (challenge_search) VALUES ('optimize')")
    # Flush to disk now: otherwise the first measured checkpoint pays for syncing the whole unsynced load.
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    return {"load_s": round(time.perf_counter() - started, 1)}


async def measure(path: Path, rng: random.Random) -> dict[str, Any]:
    """Every timing, through the store, on the loaded database (opened like the bot opens it)."""
    db = await Database.open(path)
    store = ChallengeStore(db)
    vocabulary = Vocabulary(random.Random(SEED + 1))
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    results: dict[str, Any] = {}
    try:
        inputs = [
            ChallengeInput(
                title=vocabulary.text(6)[:100],
                description=vocabulary.text(40),
                solution=vocabulary.text(30) if index % 4 == 0 else None,
                tags=tuple(rng.sample(TAGS, 3)),
            )
            for index in range(ROUNDS)
        ]
        created = []

        async def log(data: ChallengeInput) -> Any:
            challenge, _ = await store.create_challenge(GUILD, rng.randint(1, MEMBERS), data, now)
            created.append(challenge)

        results["log"] = await _time(log, inputs)

        # What-if, for the core: the same logs with WAL checkpoints taken off the committing write (the bot's
        # connection checkpoints inside whichever commit crosses 1,000 WAL pages; a background task could do it).
        await db._writer.execute("PRAGMA wal_autocheckpoint = 0")
        results["log_checkpoint_elsewhere"] = await _time(log, inputs[: ROUNDS // 2])
        await db._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await db._writer.execute("PRAGMA wal_autocheckpoint = 1000")

        async def similar(index: int) -> Any:
            return await store.similar(GUILD, created[index])

        results["similar"] = await _time(similar, list(range(len(created)))[:300])

        async def solve(number: int) -> Any:
            return await store.add_solution(GUILD, number, rng.randint(1, MEMBERS), vocabulary.text(30), now)

        results["solve"] = await _time(solve, [rng.randint(1, CHALLENGES) for _ in range(300)])

        # Reads last, on an index that has taken the writes above (new segments, as in a live guild).
        queries: list[tuple[str, str | None]] = []
        for index in range(ROUNDS):
            kind = index % 20
            if kind < 8:  # one or two backend words, the usual search
                queries.append((" ".join(rng.sample(WORDS, rng.randint(1, 2))), None))
            elif kind < 12:  # three words: often no challenge has all three, so the any-word fallback runs too
                queries.append((" ".join(rng.sample(WORDS, 3)), None))
            elif kind < 15:  # with a tag filter
                queries.append((rng.choice(WORDS), rng.choice(TAGS)))
            elif kind < 18:  # a rarer name, alone or with a backend word
                rare = rng.choice(vocabulary.tail[:2000])
                queries.append((rare if kind < 17 else f"{rare} {rng.choice(WORDS)}", None))
            else:  # FTS syntax typed by a member
                queries.append((rng.choice(SOUP), None))

        async def search(item: tuple[str, str | None]) -> Any:
            return await store.search(GUILD, item[0], item[1], limit=6)

        results["search"] = await _time(search, queries)
        common = vocabulary.common(3)
        results["search_common_word"] = await _time(search, [(word, None) for word in common] * 20)
        results["search_common_word"]["words"] = common

        numbers = [rng.randint(1, CHALLENGES) for _ in range(ROUNDS)]

        async def show(number: int) -> Any:
            return await store.show(GUILD, number)

        results["show"] = await _time(show, numbers)

        async def complete(text: str) -> Any:
            return await store.autocomplete(GUILD, text)

        typed = ["", *[word[: rng.randint(2, len(word))] for word in rng.choices(WORDS, k=200)]]
        typed += [str(rng.randint(1, CHALLENGES))[: rng.randint(1, 5)] for _ in range(100)]
        results["autocomplete"] = await _time(complete, typed)

        async def listing(page: int) -> Any:
            return await store.list_challenges(GUILD, status="open", limit=10, offset=page * 10)

        results["list_open_page"] = await _time(listing, [rng.randint(0, 20) for _ in range(200)])

        started = time.perf_counter_ns()
        await store.leaderboard(GUILD)
        results["leaderboard_ms"] = round((time.perf_counter_ns() - started) / 1e6, 1)
        started = time.perf_counter_ns()
        results["counts"] = await store.counts(GUILD)
        results["counts_ms"] = round((time.perf_counter_ns() - started) / 1e6, 1)
    finally:
        await db.close()
    return results


def run() -> dict[str, Any]:
    """Load a temporary database, measure, and report p50/p99/max in ms, the database size and the targets met."""
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="bench-challenges-") as folder:
        path = Path(folder) / "bench.db"

        async def migrate() -> None:
            await (await Database.open(path)).close()

        asyncio.run(migrate())
        results: dict[str, Any] = {"challenges": CHALLENGES, "solutions": SOLUTIONS, "helpful_votes": VOTES}
        results.update(bulk_load(path, rng))
        results["database_mb"] = round(path.stat().st_size / 1e6, 1)
        results.update(asyncio.run(measure(path, rng)))
    results["targets_met"] = {
        "search": results["search"]["p99_ms"] < SEARCH_TARGET_MS,
        "log": results["log"]["p99_ms"] < LOG_TARGET_MS,
        "show": results["show"]["p99_ms"] < SHOW_TARGET_MS,
    }
    return results


def main() -> None:
    """Print the figures as a small table."""
    results = run()
    print(
        f"{results['challenges']:,} challenges, {results['solutions']:,} solutions, {results['helpful_votes']:,} "
        f"votes: loaded in {results['load_s']} s, database {results['database_mb']} MB"
    )
    rows: list[tuple[str, str, float | None]] = [
        ("search (mixed queries, page 1)", "search", SEARCH_TARGET_MS),
        ("search, 3 most common words", "search_common_word", None),
        ("log (insert + index)", "log", LOG_TARGET_MS),
        ("log, checkpoints elsewhere (what-if)", "log_checkpoint_elsewhere", None),
        ("show", "show", SHOW_TARGET_MS),
        ("similar (after log)", "similar", None),
        ("solve (add a solution)", "solve", None),
        ("autocomplete (open challenges)", "autocomplete", None),
        ("list open, one page", "list_open_page", None),
    ]
    print(f"{'measurement':<38} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target':>7}  ok")
    for label, key, target in rows:
        figures = results[key]
        ok = "-" if target is None else "yes" if figures["p99_ms"] < target else "NO"
        shown = "-" if target is None else "<" + format(target, "g")
        print(
            f"{label:<38} {figures['p50_ms']:>8.3f} {figures['p95_ms']:>8.3f} {figures['p99_ms']:>8.3f}"
            f" {figures['max_ms']:>8.3f} {shown:>7}  {ok}"
        )
    print(f"leaderboard {results['leaderboard_ms']} ms, counts {results['counts_ms']} ms (one call each, no target)")


if __name__ == "__main__":
    main()
