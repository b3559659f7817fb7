"""Fixtures for the /concept unit tests: small hand-made curated sets, and a store on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import Category, Concept, Level
from bot.database import Database
from cogs.concepts.store import ConceptStore

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

ConceptFactory = Callable[..., Concept]


def concept(
    slug: str,
    name: str,
    *aliases: str,
    category: Category = Category.DJANGO,
    level: Level = Level.BEGINNER,
    summary: str | None = None,
    details: str | None = None,
    related: tuple[str, ...] = (),
) -> Concept:
    """A valid curated concept with sensible filler text."""
    return Concept(
        slug=slug,
        name=name,
        aliases=aliases,
        category=category,
        level=level,
        summary=summary or f"{name} explained in one line for learners.",
        details=details or f"Details about {name}.",
        key_points=("First point.", "Second point.", "Third point."),
        example="print('hello')",
        resources=({"title": f"{name} docs", "url": f"https://example.org/{slug}"},),
        related=related,
    )


CURATED: tuple[Concept, ...] = (
    concept(
        "django",
        "Django",
        "django framework",
        summary="A batteries-included Python web framework.",
        details="Models, views, templates and an admin site.",
        related=("django-orm", "caching"),
    ),
    concept(
        "django-orm",
        "Django ORM",
        "orm",
        "queryset",
        summary="Query the database with Python classes.",
        details="QuerySets are lazy and chainable; use select_related to avoid extra queries.",
    ),
    concept(
        "caching",
        "Caching",
        "cache",
        category=Category.CACHING,
        level=Level.INTERMEDIATE,
        summary="Keep computed results close to reuse them.",
        details="Cache-aside with a TTL; invalidate on writes.",
    ),
    concept(
        "redis",
        "Redis",
        "key-value store",
        category=Category.CACHING,
        level=Level.INTERMEDIATE,
        summary="An in-memory data store used as a cache and a broker.",
        details="Strings, hashes, sorted sets and expirations.",
    ),
    concept(
        "database-indexes",
        "Database indexes",
        "index",
        "indexes",
        category=Category.DATABASES,
        level=Level.ADVANCED,
        summary="Structures that make lookups fast at the cost of writes.",
        details="A B-tree index on the filtered column turns a scan into a seek.",
    ),
)


@pytest.fixture
def curated() -> tuple[Concept, ...]:
    return CURATED


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture
async def store(db: Database) -> ConceptStore:
    concept_store = ConceptStore(db, CURATED)
    await concept_store.sync_curated()
    return concept_store


@pytest.fixture
def make_concept() -> ConceptFactory:
    return concept


@pytest.fixture
def now() -> datetime:
    return NOW
