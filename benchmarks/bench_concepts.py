"""In-process timings of /concept's hot paths: autocomplete, the show lookup and full-text search.

Run with `python -m benchmarks.bench_concepts` (or `python benchmarks/bench_concepts.py`). Not a test: timings depend
on the machine. Targets: autocomplete and show lookup p99 < 5 ms with the curated set and with 1,000 extra community
concepts; search p99 < 10 ms with 10,000 concepts. Each figure is the best of 3 passes over the same inputs (other
processes can only add time); the worst pass's p99 is kept in the results too. `run()` returns the figures for a shared
benchmark entry point.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import CONCEPTS_FILE, DEFAULT_DATA_DIR, Category, Concept, ContentError, load_default_content
from bot.database import Database
from cogs.concepts.fts import tokens
from cogs.concepts.matching import autocomplete, resolve
from cogs.concepts.store import ConceptStore

GUILD = 1
AUTOCOMPLETE_TARGET_MS = 5.0
LOOKUP_TARGET_MS = 5.0
SEARCH_TARGET_MS = 10.0
ROUNDS = 1000
SEARCH_ROUNDS = 500
SEED = 20260105
REPEATS = 3

TOPICS = (
    "async", "cache", "queue", "worker", "broker", "index", "query", "migration", "schema", "token", "auth",
    "session", "cookie", "header", "proxy", "container", "image", "volume", "network", "pipeline", "deploy",
    "release", "rollback", "replica", "shard", "partition", "lock", "transaction", "isolation", "serializer",
    "viewset", "router", "endpoint", "pagination", "throttle", "webhook", "event", "stream", "log", "metric",
    "trace", "alert", "health", "probe", "secret", "vault", "config", "environment", "fixture", "mock", "coverage",
    "benchmark", "profile", "memory", "thread", "process", "signal", "middleware",
)  # fmt: skip
TYPOS = ("djnago", "cachng", "rate limting", "reddis", "migratoins", "selct related", "dokcer", "postgress")
QUESTIONS = (
    "how do i cache a django view",
    "why are my queries slow",
    "what is a migration",
    "rate limit an api",
    "docker compose for postgres",
)
SOUP = ("NEAR(cache AND", '"docker', "a* OR b*", "(((", "name:redis ^x", "@everyone **bold**")


@dataclass
class Corpus:
    """Realistic text for synthetic concepts: the curated concepts' own words, at their own frequencies."""

    words: list[str]
    weights: list[int]
    content_words: list[str]

    @classmethod
    def from_concepts(cls, concepts: tuple[Concept, ...]) -> Corpus:
        counts: Counter[str] = Counter()
        for concept in concepts:
            text = " ".join((concept.name, concept.summary, concept.details, *concept.key_points))
            counts.update(word.lower() for word in tokens(text) if len(word) > 1)
        counts.update(TOPICS)
        words = list(counts)
        return cls(words, [counts[word] for word in words], [word for word in words if len(word) >= 5])

    def text(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choices(self.words, weights=self.weights, k=count))


def _community_rows(count: int, rng: random.Random, corpus: Corpus, start: int = 0) -> list[dict[str, Any]]:
    rows = []
    categories = [category.value for category in Category]
    for index in range(start, start + count):
        topic = rng.sample(TOPICS, 3)
        rows.append(
            {
                "slug": f"bench-{index}",
                "name": f"{topic[0].capitalize()} {topic[1]} {index}",
                "aliases": [f"{topic[2]} {index}", f"{topic[1]}-{topic[0]} {index}"],
                "category": rng.choice(categories),
                "summary": corpus.text(rng, rng.randint(8, 18)).capitalize() + ".",
                "details": corpus.text(rng, rng.randint(60, 200)),
                "created_by": 1,
                "created_at": "2026-01-05T09:00:00+00:00",
                "updated_by": None,
                "updated_at": None,
            }
        )
    return rows


def curated_concepts() -> tuple[Concept, ...]:
    """The curated concepts; while the content is being written, every entry that validates on its own."""
    try:
        return load_default_content().concepts
    except ContentError as error:
        print(f"note: curated content has {len(error.problems)} problem(s); using the entries that validate alone")
        with (DEFAULT_DATA_DIR / CONCEPTS_FILE).open("rb") as handle:
            tables = tomllib.load(handle).get("concept", [])
        concepts = []
        for table in tables:
            try:
                concepts.append(Concept.model_validate({**table, "related": ()}))
            except ValueError:
                continue
        return tuple(concepts)


def _percentiles(samples_ns: list[int]) -> dict[str, float]:
    samples = sorted(sample / 1e6 for sample in samples_ns)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return {"p50_ms": statistics.median(samples), "p99_ms": p99, "max_ms": samples[-1]}


async def _time(call: Callable[[str], Awaitable[Any]], inputs: list[str]) -> dict[str, float]:
    for text in inputs[:20]:  # warm caches
        await call(text)
    passes = []
    for _ in range(REPEATS):
        samples = []
        for text in inputs:
            started = time.perf_counter_ns()
            await call(text)
            samples.append(time.perf_counter_ns() - started)
        passes.append(_percentiles(samples))
    # Best of REPEATS passes (as timeit does): other processes on the machine only ever add time.
    best = min(passes, key=lambda figures: figures["p99_ms"])
    best["worst_pass_p99_ms"] = max(figures["p99_ms"] for figures in passes)
    return best


async def _measure_lookups(store: ConceptStore, rng: random.Random) -> dict[str, dict[str, float]]:
    catalogue = await store.catalogue(GUILD)
    names = [entry.name for entry in catalogue.visible]
    typed = [name[: rng.randint(1, len(name))] for name in rng.choices(names, k=ROUNDS // 2)]
    typed += [rng.choice(TYPOS)[: rng.randint(2, 8)] for _ in range(ROUNDS // 4)]
    typed += [""] * (ROUNDS - len(typed))
    rng.shuffle(typed)
    shown = rng.choices(names, k=ROUNDS // 2) + rng.choices(TYPOS, k=ROUNDS // 2)

    async def complete(text: str) -> Any:
        return autocomplete(text, await store.catalogue(GUILD))

    async def lookup(text: str) -> Any:
        return resolve(text, await store.catalogue(GUILD))

    return {"autocomplete": await _time(complete, typed), "show_lookup": await _time(lookup, shown)}


async def _measure_search(store: ConceptStore, rng: random.Random, corpus: Corpus) -> dict[str, Any]:
    catalogue = await store.catalogue(GUILD)
    names = [entry.name for entry in catalogue.visible]
    queries = [" ".join(rng.sample(corpus.content_words, rng.randint(1, 2))) for _ in range(SEARCH_ROUNDS * 4 // 10)]
    queries += [rng.choice(corpus.content_words)[: rng.randint(3, 5)] for _ in range(SEARCH_ROUNDS * 2 // 10)]
    queries += [rng.choice(names) for _ in range(SEARCH_ROUNDS * 2 // 10)]
    queries += [rng.choice(QUESTIONS + SOUP) for _ in range(SEARCH_ROUNDS - len(queries))]
    rng.shuffle(queries)
    # The worst case, for information only: the corpus's most frequent words match nearly every concept.
    common = [word for word, _ in sorted(zip(corpus.words, corpus.weights, strict=True), key=lambda item: -item[1])]
    broad = [common[index % 5] for index in range(SEARCH_ROUNDS // 5)]

    async def search(text: str) -> Any:
        catalogue = await store.catalogue(GUILD)
        return [catalogue.get(hit.slug) for hit in await store.search(GUILD, text)]

    return {"mixed": await _time(search, queries), "broad": await _time(search, broad), "broad_words": common[:5]}


async def _run(folder: Path) -> dict[str, Any]:
    rng = random.Random(SEED)
    curated = curated_concepts()
    corpus = Corpus.from_concepts(curated)
    db = await Database.open(folder / "bench.db")
    try:
        store = ConceptStore(db, curated)
        await store.sync_curated()
        results: dict[str, Any] = {"curated_concepts": len(curated)}
        results["curated"] = await _measure_lookups(store, rng)

        await store.import_guild(GUILD, {"concepts": _community_rows(1000, rng, corpus)})
        results["with_1000"] = await _measure_lookups(store, rng)

        more = 10_000 - len(curated) - 1000
        await store.import_guild(GUILD, {"concepts": _community_rows(more, rng, corpus, start=1000)})
        results["search_10000"] = await _measure_search(store, rng, corpus)
        results["search_10000"]["concepts"] = len((await store.catalogue(GUILD)).visible)
    finally:
        await db.close()
    return results


def run() -> dict[str, Any]:
    """Run every measurement in a temporary database; returns p50/p99/max in ms and whether each target is met."""
    with tempfile.TemporaryDirectory(prefix="bench-concepts-") as folder:
        results = asyncio.run(_run(Path(folder)))
    results["targets"] = {
        "autocomplete_p99_ms": AUTOCOMPLETE_TARGET_MS,
        "show_lookup_p99_ms": LOOKUP_TARGET_MS,
        "search_p99_ms": SEARCH_TARGET_MS,
    }
    results["met"] = all(
        results[size][kind]["p99_ms"] < target
        for size in ("curated", "with_1000")
        for kind, target in (("autocomplete", AUTOCOMPLETE_TARGET_MS), ("show_lookup", LOOKUP_TARGET_MS))
    ) and (results["search_10000"]["mixed"]["p99_ms"] < SEARCH_TARGET_MS)
    return results


def main() -> None:
    """Print the figures as a small table."""
    results = run()
    curated, search = results["curated_concepts"], results["search_10000"]
    rows: list[tuple[str, dict[str, float], float | None]] = [
        (f"autocomplete, curated ({curated})", results["curated"]["autocomplete"], AUTOCOMPLETE_TARGET_MS),
        ("autocomplete, +1,000 community", results["with_1000"]["autocomplete"], AUTOCOMPLETE_TARGET_MS),
        (f"show lookup, curated ({curated})", results["curated"]["show_lookup"], LOOKUP_TARGET_MS),
        ("show lookup, +1,000 community", results["with_1000"]["show_lookup"], LOOKUP_TARGET_MS),
        (f"search, {search['concepts']:,} concepts", search["mixed"], SEARCH_TARGET_MS),
        ("search, 5 most common words", search["broad"], None),
    ]
    print(f"{'measurement':<36} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target':>8}  ok  {'worst pass p99':>14}")
    for label, figures, target in rows:
        ok = "-" if target is None else "yes" if figures["p99_ms"] < target else "NO"
        shown_target = "-" if target is None else "<" + format(target, "g")
        print(
            f"{label:<36} {figures['p50_ms']:>8.3f} {figures['p99_ms']:>8.3f} {figures['max_ms']:>8.3f}"
            f" {shown_target:>8}  {ok:<3} {figures['worst_pass_p99_ms']:>14.3f}"
        )
    print(f"(most common words: {', '.join(search['broad_words'])}; informational, no target)")


if __name__ == "__main__":
    main()
