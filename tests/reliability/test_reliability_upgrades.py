"""Upgrades: a database created at every earlier schema version migrates to head with its data intact.

For each version v below head, a database is built by applying migrations 1..v only (as that release would have),
representative rows valid at v are written (Discord ids above 2⁵³, text with quotes and non-ASCII), and then the
bot's `Database.open` migrates it to head. The rows read back the same, the full-text indexes find what was written
before the upgrade, the stores read it, `check()` is clean, and opening again changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.database import Database, load_migrations, split_statements
from cogs.challenges.store import ChallengeStore

from .conftest import Figures

GUILD = 1_191_168_914_239_782_912  # a real-looking snowflake, above 2**53
ALICE, BOB = 1_191_168_914_390_777_856, 1_191_168_914_394_972_160
CHANNEL, ROLE, THREAD = 1_191_168_914_260_754_432, 1_191_168_914_243_977_216, 1_191_168_914_500_000_000
NOW = "2026-01-05T09:00:00+00:00"
TEXT = "It's “quoted”, naïve; DROP TABLE x; -- 👩‍💻 <@&1> @everyone"

# table -> rows (column -> value), by the migration that created the table. Ids are explicit so that foreign keys
# between the rows hold.
ROWS: dict[int, dict[str, list[dict[str, Any]]]] = {
    1: {
        "meta": [{"key": "commands_sync_hash", "value": "abc123"}],
        "guild_settings": [
            {
                "guild_id": GUILD,
                "challenge_channel_id": CHANNEL,
                "pairing_channel_id": None,
                "moderator_role_id": ROLE,
                "updated_at": NOW,
            }
        ],
        "page_state": [
            {"id": 7, "guild_id": GUILD, "kind": "challenge_list", "payload": '{"status": "all"}', "created_at": NOW}
        ],
    },
    2: {
        "community_concepts": [
            {
                "id": 1,
                "guild_id": GUILD,
                "slug": "celery-beat",
                "name": "Celery beat",
                "aliases": '["beat", "periodic tasks"]',
                "category": "async",
                "summary": "Runs tasks on a schedule.",
                "details": TEXT,
                "created_by": ALICE,
                "created_at": NOW,
            }
        ],
        "concept_overrides": [
            {"guild_id": GUILD, "slug": "redis", "hidden": 1, "summary": TEXT, "updated_by": ALICE, "updated_at": NOW}
        ],
        "concept_documents": [
            {
                "id": 1,
                "guild_id": GUILD,
                "slug": "celery-beat",
                "scope": f"g{GUILD}",
                "name": "Celery beat",
                "aliases": "beat periodic tasks",
                "summary": "Runs tasks on a schedule.",
                "details": TEXT,
            }
        ],
    },
    3: {
        "challenges": [
            {
                "id": 1,
                "guild_id": GUILD,
                "number": 4,
                "author_id": ALICE,
                "title": "Celery beat runs tasks twice",
                "description": TEXT,
                "tags": "celery django",
                "status": "solved",
                "channel_id": CHANNEL,
                "created_at": NOW,
            }
        ],
        "challenge_tags": [
            {"guild_id": GUILD, "tag": "celery", "challenge_id": 1},
            {"guild_id": GUILD, "tag": "django", "challenge_id": 1},
        ],
        "challenge_solutions": [
            {
                "id": 1,
                "guild_id": GUILD,
                "number": 4,
                "challenge_id": 1,
                "author_id": BOB,
                "body": "Run exactly one beat process.",
                "accepted": 1,
                "accepted_at": NOW,
                "accepted_by": ALICE,
                "created_at": NOW,
            }
        ],
        "challenge_helpful": [
            {"solution_id": 1, "voter_id": ALICE, "guild_id": GUILD, "solution_author_id": BOB, "created_at": NOW}
        ],
    },
    4: {
        "pair_queue": [
            {
                "id": 1,
                "guild_id": GUILD,
                "user_id": ALICE,
                "display_name": "Alice ✨",
                "role": "backend",
                "topics": ",django,docker,",
                "timezone": "Africa/Lagos",
                "channel_id": CHANNEL,
                "joined_at": NOW,
            }
        ],
        "pair_pairs": [
            {
                "id": 1,
                "guild_id": GUILD,
                "backend_id": BOB,
                "backend_name": "Bob",
                "backend_joined_at": NOW,
                "frontend_id": ALICE + 1,
                "frontend_name": "Carol",
                "frontend_joined_at": NOW,
                "source": "join",
                "score": 3,
                "project": TEXT,
                "channel_id": CHANNEL,
                "thread_id": THREAD,
                "intro_status": "thread",
                "matched_at": NOW,
                "checkin_due_at": NOW,
            }
        ],
        "pair_checkins": [{"pair_id": 1, "user_id": BOB, "answer": "yes", "answered_at": NOW}],
        "pair_schedules": [
            {
                "guild_id": GUILD,
                "weekday": 2,
                "time": "18:00",
                "timezone": "Africa/Lagos",
                "channel_id": CHANNEL,
                "set_by": ALICE,
                "updated_at": NOW,
            }
        ],
        "pair_slot_runs": [{"guild_id": GUILD, "kind": "round", "slot": "2026-W02", "done_at": NOW, "pairs": 1}],
    },
    5: {
        "tip_schedules": [
            {
                "guild_id": GUILD,
                "channel_id": CHANNEL,
                "weekday": 0,
                "at_time": "09:30",
                "timezone": "UTC",
                "since": NOW,
                "set_by": ALICE,
            }
        ],
        "tip_suggestions": [
            {
                "id": 1,
                "guild_id": GUILD,
                "number": 1,
                "author_id": BOB,
                "title": "Index what you filter by",
                "body": TEXT,
                "category": "databases",
                "status": "pending",
                "created_at": NOW,
            }
        ],
        "tip_posts": [
            {
                "id": 1,
                "guild_id": GUILD,
                "kind": "scheduled",
                "slot": "2026-W02",
                "due_at": NOW,
                "tip_key": "curated:x",
                "title": "A tip",
                "channel_id": CHANNEL,
                "status": "sent",
                "message_id": THREAD + 1,
                "created_at": NOW,
                "finished_at": NOW,
            }
        ],
    },
}
FULL_TEXT = {2: ("concept_fts", "beat"), 3: ("challenge_search", "twice")}  # written before, found after


def build(path: Path, version: int) -> dict[str, list[tuple[Any, ...]]]:
    """A database as release `version` left it, with the rows of every table it had; returns what was written."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        for migration in load_migrations()[:version]:
            connection.execute("BEGIN")
            for statement in split_statements(migration.sql):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {migration.version:d}")
            connection.execute("COMMIT")
        written = {}
        for step in range(1, version + 1):
            for table, table_rows in ROWS.get(step, {}).items():
                for row in table_rows:
                    columns = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
                written[table] = read(connection, table, list(table_rows[0]))
        return written
    finally:
        connection.close()


def read(connection: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    """The given columns of every row, in a stable order."""
    return sorted(connection.execute(f"SELECT {', '.join(columns)} FROM {table}"), key=repr)


HEAD = len(load_migrations())


def test_every_version_has_representative_rows() -> None:
    """A new migration must bring rows for its tables here, or its upgrade is not tested."""
    assert set(range(1, HEAD + 1)) <= set(ROWS), f"add representative rows for the tables of migration {HEAD}"


@pytest.mark.asyncio
@pytest.mark.parametrize("version", range(1, HEAD))
async def test_a_database_of_every_earlier_version_migrates_to_head_intact(
    tmp_path: Path, version: int, figures: Figures, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"v{version}.db"
    written = build(path, version)

    database = await Database.open(path)
    try:
        assert await database.schema_version() == HEAD
        assert await database.check() == []
        for table, before in written.items():
            columns = list(ROWS_BY_TABLE[table][0])
            after = [tuple(row) for row in await database.fetchall(f"SELECT {', '.join(columns)} FROM {table}")]
            assert sorted(after, key=repr) == before, table
        for step, (index, word) in FULL_TEXT.items():
            if step <= version:
                found = await database.fetchall(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", (word,))
                assert [row[0] for row in found] == [1], index
        if version >= 3:
            challenge, solutions = await ChallengeStore(database).show(GUILD, 4)
            assert challenge.title == "Celery beat runs tasks twice" and challenge.description == TEXT
            assert [(s.number, s.author_id, s.accepted) for s in solutions] == [(4, BOB, True)]
    finally:
        await database.close()

    again = await Database.open(path)  # a second start applies nothing
    try:
        assert await again.migrate() == []
        assert await again.check() == []
    finally:
        await again.close()
    if version == HEAD - 1:
        figures.add(
            "upgrades",
            f"databases at schema versions 1..{HEAD - 1} (rows in {sum(len(t) for t in ROWS.values())} tables) "
            f"each migrated to head ({HEAD}): every row intact, full-text indexes and stores read them, check() clean",
            capsys,
        )


ROWS_BY_TABLE = {table: table_rows for tables in ROWS.values() for table, table_rows in tables.items()}
