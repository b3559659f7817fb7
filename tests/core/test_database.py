"""The database: migrations from empty to head, refusing a newer schema, transactions, backup and checks."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.database import Database, DatabaseError, load_migrations, split_statements


async def test_empty_database_migrates_to_head(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "nexus.db"
    db = await Database.open(path)
    try:
        head = load_migrations()[-1].version
        assert path.exists()
        assert await db.schema_version() == head
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        tables = {row[0] for row in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"meta", "guild_settings", "page_state"} <= tables
        assert await db.check() == []
    finally:
        await db.close()


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nexus.db"
    db = await Database.open(path)
    schema = await db.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY name")
    assert await db.migrate() == []
    await db.close()
    db = await Database.open(path)
    try:
        assert await db.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    finally:
        await db.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nexus.db"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseError, match="newer than this release"):
        await Database.open(path)


async def test_migrations_are_numbered_without_gaps() -> None:
    versions = [migration.version for migration in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_split_statements_keeps_triggers_whole() -> None:
    script = """
    -- a comment
    CREATE TABLE a (x INTEGER);
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        INSERT INTO a VALUES (1);
        SELECT 1;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_transaction_commits_or_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    try:
        async with db.transaction() as connection:
            await connection.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
        with pytest.raises(RuntimeError):
            async with db.transaction() as connection:
                await connection.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
                raise RuntimeError("boom")
        assert [tuple(row) for row in await db.fetchall("SELECT key, value FROM meta ORDER BY key")] == [("a", "1")]
    finally:
        await db.close()


async def test_concurrent_transactions_do_not_interleave(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    await db.execute("INSERT INTO meta (key, value) VALUES ('counter', '0')")

    async def increment() -> None:
        async with db.transaction() as connection:
            cursor = await connection.execute("SELECT value FROM meta WHERE key = 'counter'")
            row = await cursor.fetchone()
            assert row is not None
            await asyncio.sleep(0)  # give every other task the chance to interleave
            await connection.execute("UPDATE meta SET value = ? WHERE key = 'counter'", (str(int(row[0]) + 1),))

    try:
        await asyncio.gather(*(increment() for _ in range(50)))
        assert await db.fetchval("SELECT value FROM meta WHERE key = 'counter'") == "50"
    finally:
        await db.close()


async def test_reader_sees_only_committed_data(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    try:
        async with db.transaction() as connection:
            await connection.execute("INSERT INTO meta (key, value) VALUES ('pending', 'x')")
            assert await db.fetchval("SELECT count(*) FROM meta WHERE key = 'pending'") == 0
        assert await db.fetchval("SELECT count(*) FROM meta WHERE key = 'pending'") == 1
    finally:
        await db.close()


async def test_reader_cannot_write(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await db.fetchall("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    finally:
        await db.close()


async def test_backup_is_a_healthy_copy(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    await db.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    copy = await db.backup(tmp_path / "backups" / "copy.db")
    with pytest.raises(DatabaseError, match="already exists"):
        await db.backup(copy)
    await db.close()
    restored = await Database.open(copy, migrate=False)
    try:
        assert await restored.check() == []
        assert await restored.fetchval("SELECT value FROM meta WHERE key = 'kept'") == "yes"
    finally:
        await restored.close()


async def test_check_reports_a_stale_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    db = await Database.open(path, migrate=False)
    try:
        problems = await db.check()
        assert any("schema version is 0" in problem for problem in problems)
    finally:
        await db.close()


async def test_writes_do_not_checkpoint_and_the_background_checkpoint_catches_up(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nexus.db")
    try:
        [row] = await db._writer.execute_fetchall("PRAGMA wal_autocheckpoint")
        assert row[0] == 0
        await db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(f"k{i}", "v" * 500) for i in range(3000)])
        busy, logged, done = await db.checkpoint()
        assert busy == 0
        assert logged > 0 and done == logged  # every committed page is now in the main file
        assert await db.fetchval("SELECT count(*) FROM meta WHERE key LIKE 'k%'") == 3000
    finally:
        await db.close()
    assert not (tmp_path / "nexus.db-wal").exists() or (tmp_path / "nexus.db-wal").stat().st_size == 0
