"""The SQLite database: one writer and one reader connection, migrations, transactions, backup, checks.

WAL mode lets the reader see committed data while the writer works, so reads never wait for a write and never
see half of a transaction. All writes go through one asyncio lock: aiosqlite runs each connection in its own
thread, and two coroutines must never interleave statements inside one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
# WAL checkpoints run in the background on their own connection, at most this often, instead of inside whichever
# member's write happens to cross SQLite's 1,000-page threshold (that write would pay for copying the whole log).
CHECKPOINT_INTERVAL = 1.0
MIGRATIONS_PACKAGE = "bot.migrations"

Params = Sequence[Any] | dict[str, Any]


class DatabaseError(Exception):
    """The database cannot be used as it is (too new, corrupt, unreadable); the message says why."""


@dataclass(frozen=True)
class Migration:
    """One numbered `.sql` file of bot/migrations."""

    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Every migration shipped with the code, in order; numbers must run 1, 2, 3… without gaps."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        if entry.name.endswith(".sql") and entry.name[:4].isdigit():
            found.append(Migration(int(entry.name[:4]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise DatabaseError(
                f"migration numbers must be consecutive: expected {expected:04d}, found {migration.name}"
            )
    return found


def split_statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers with inner semicolons stay whole)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not all(part.strip().startswith("--") or not part.strip() for part in current.splitlines()):
        raise DatabaseError(f"incomplete SQL statement at the end of a migration: {current.strip()[:60]!r}")
    return statements


async def _configure(connection: aiosqlite.Connection) -> None:
    connection.row_factory = aiosqlite.Row
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA synchronous = NORMAL")


class Database:
    """The bot's database. Open it once with `Database.open`, pass it where it is needed, close it at the end."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        checkpointer: aiosqlite.Connection | None = None,
    ) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader
        self._checkpointer = checkpointer
        self._write_lock = asyncio.Lock()
        self._dirty = False
        self._checkpoint_task: asyncio.Task[None] | None = None
        if checkpointer is not None:
            self._checkpoint_task = asyncio.create_task(self._checkpoint_loop(), name="nexus-wal-checkpoint")

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating the file and its folder if missing), set the pragmas and apply pending migrations."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            writer = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise DatabaseError(f"cannot open the database at {path}: {error}") from error
        try:
            await _configure(writer)
            mode = await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                log.warning("SQLite did not switch %s to WAL mode (got %s)", path, mode and mode[0])
            reader = await aiosqlite.connect(path, isolation_level=None)
            await _configure(reader)
            await reader.execute("PRAGMA query_only = ON")
            checkpointer = None
            if str(path) != ":memory:":
                await writer.execute("PRAGMA wal_autocheckpoint = 0")
                checkpointer = await aiosqlite.connect(path, isolation_level=None)
                await _configure(checkpointer)
        except sqlite3.Error as error:
            await writer.close()
            raise DatabaseError(f"cannot use the database at {path}: {error}") from error
        except BaseException:
            await writer.close()
            raise
        database = cls(path, writer, reader, checkpointer)
        if migrate:
            try:
                await database.migrate()
            except BaseException:
                await database.close()
                raise
        return database

    async def close(self) -> None:
        """Stop checkpointing and close every connection (the last one checkpoints the WAL into the main file)."""
        if self._checkpoint_task is not None:
            self._checkpoint_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoint_task
        if self._checkpointer is not None:
            await self._checkpointer.close()
        await self._reader.close()
        await self._writer.close()

    async def checkpoint(self) -> tuple[int, int, int]:
        """Copy committed WAL pages into the main file without blocking readers or the writer (PASSIVE).

        Returns SQLite's (busy, pages in the log, pages checkpointed).
        """
        connection = self._checkpointer or self._writer
        rows = list(await connection.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)"))
        busy, logged, done = rows[0]
        return int(busy), int(logged), int(done)

    async def _checkpoint_loop(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_INTERVAL)
            if not self._dirty:
                continue
            self._dirty = False
            try:
                await self.checkpoint()
            except sqlite3.Error as error:  # e.g. a long read in progress: the next round tries again
                self._dirty = True
                log.warning("WAL checkpoint failed, will retry: %s", error)

    # Reads: the reader connection, committed data only. Each read runs to completion in one step on the reader's
    # thread: a statement left open between awaits (execute, then fetch, then close) would keep the connection's read
    # transaction open while other coroutines' reads run, and under concurrent reads that snapshot could last
    # indefinitely, hiding writes committed since (a row just inserted would not be found).

    async def fetchone(self, query: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a read query, or None (meant for queries that return one row)."""
        rows = list(await self._reader.execute_fetchall(query, params))
        row: aiosqlite.Row | None = rows[0] if rows else None
        return row

    async def fetchall(self, query: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Every row of a read query."""
        return list(await self._reader.execute_fetchall(query, params))

    async def fetchval(self, query: str, params: Params = (), default: Any = None) -> Any:
        """The first column of the first row, or `default`."""
        row = await self.fetchone(query, params)
        return default if row is None else row[0]

    # Writes: the writer connection, one at a time.

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises. Yields the writer connection."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")
                self._dirty = True

    async def execute(self, query: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; returns the last inserted rowid."""
        async with self.transaction() as connection:
            cursor = await connection.execute(query, params)
            return cursor.lastrowid or 0

    async def executemany(self, query: str, rows: Iterable[Params]) -> None:
        """Run one write statement for many parameter sets, in one transaction."""
        async with self.transaction() as connection:
            await connection.executemany(query, rows)

    # Schema.

    async def schema_version(self) -> int:
        """The version recorded in PRAGMA user_version."""
        async with self._writer.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply every pending migration, each in its own transaction; returns the versions applied."""
        migrations = load_migrations()
        head = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > head:
            raise DatabaseError(
                f"the database at {self.path} has schema version {current}, newer than this release knows "
                f"({head}); upgrade the bot, or restore a backup made by this release"
            )
        applied = []
        for migration in migrations:
            if migration.version <= current:
                continue
            async with self.transaction() as connection:
                for statement in split_statements(migration.sql):
                    await connection.execute(statement)
                await connection.execute(f"PRAGMA user_version = {migration.version:d}")
            log.info("Applied migration %s", migration.name)
            applied.append(migration.version)
        return applied

    # Operations.

    async def backup(self, destination: Path | str) -> Path:
        """Copy the live database to `destination` with SQLite's online backup API."""
        destination = Path(destination)
        if destination.exists():
            raise DatabaseError(f"{destination} already exists; choose a new file name")
        destination.parent.mkdir(parents=True, exist_ok=True)
        async with self._write_lock:
            target = await aiosqlite.connect(destination)
            try:
                await self._writer.backup(target)
            finally:
                await target.close()
        return destination

    async def check(self) -> list[str]:
        """Problems found by integrity_check and foreign_key_check; an empty list means healthy."""
        problems = []
        async with self._writer.execute("PRAGMA integrity_check") as cursor:
            problems += [str(row[0]) for row in await cursor.fetchall() if str(row[0]) != "ok"]
        async with self._writer.execute("PRAGMA foreign_key_check") as cursor:
            problems += [
                f"foreign key: table {row[0]} row {row[1]} points to a missing row of {row[2]}"
                for row in await cursor.fetchall()
            ]
        version, head = await self.schema_version(), len(load_migrations())
        if version != head:
            problems.append(f"schema version is {version}, this release expects {head} (run `nexus-bot db migrate`)")
        return problems
