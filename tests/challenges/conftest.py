"""Fixtures for the challenge log's unit tests: a real SQLite file, the store, a fixed time, the curated seeds."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import DEFAULT_DATA_DIR, CuratedChallenge
from bot.database import Database
from cogs.challenges.models import CuratedSeed
from cogs.challenges.store import ChallengeStore


def curated_seeds() -> list[CuratedSeed]:
    """data/challenges.toml, validated by its model (without the concepts cross-check, which other tests own)."""
    with (DEFAULT_DATA_DIR / "challenges.toml").open("rb") as handle:
        tables = tomllib.load(handle)["challenge"]
    items = [CuratedChallenge.model_validate(table) for table in tables]
    return [CuratedSeed(i.slug, i.title, i.description, i.solution, tuple(i.tags), i.concept) for i in items]


@pytest.fixture
def seeds() -> list[CuratedSeed]:
    return curated_seeds()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture
def store(db: Database) -> ChallengeStore:
    return ChallengeStore(db)
