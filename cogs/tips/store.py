"""All SQL of `/tip`: schedules, suggestions, post records and the rotation pick. Imports no discord.

Exactly-once weekly posts: `claim_scheduled` picks the tip and inserts the week's post record (UNIQUE (guild_id,
slot)) in ONE transaction, before anything is sent. Whoever inserts the row owns the post; everyone else (a second
loop, the same loop after a restart or a reconnect) finds the row and does nothing. The row then goes from
`sending` to `sent` or `failed`. A crash between the claim and the send leaves it at `sending`: that week is never
retried, because the message may well have gone out (at most once beats twice), and `/tip status` says so.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final

import aiosqlite

from bot.content import Tip
from bot.database import Database
from cogs.tips.planner import WeeklyPlan
from cogs.tips.rotation import TipEntry, community_key, curated_key, pick_next
from cogs.tips.schedule import format_time, parse_time

log = logging.getLogger(__name__)

SUGGESTIONS_PER_DAY: Final = 3
SUGGESTION_WINDOW: Final = timedelta(days=1)
# Post records that count as "this tip went out" for the rotation; a crash mid-send (`sending`) most likely did.
POSTED_STATUSES: Final = ("sent", "sending")


def entry_from_tip(tip: Tip) -> TipEntry:
    """A curated tip as the rotation sees it."""
    return TipEntry(
        key=curated_key(tip.slug),
        title=tip.title,
        body=tip.body,
        category=tip.category.value,
        concept=tip.concept,
        link=str(tip.link) if tip.link is not None else None,
    )


@dataclass(frozen=True)
class Suggestion:
    """A member's tip suggestion."""

    id: int
    guild_id: int
    number: int
    author_id: int
    title: str
    body: str
    category: str
    concept: str | None
    link: str | None
    status: str
    created_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None

    def entry(self) -> TipEntry:
        """The suggestion as a tip of the rotation (once approved)."""
        return TipEntry(
            key=community_key(self.number),
            title=self.title,
            body=self.body,
            category=self.category,
            concept=self.concept,
            link=self.link,
            author_id=self.author_id,
        )


@dataclass(frozen=True)
class PostRecord:
    """One post (or skipped week) of a guild."""

    id: int
    guild_id: int
    kind: str
    slot: str | None
    due_at: datetime | None
    tip_key: str | None
    title: str | None
    channel_id: int | None
    status: str
    error: str | None
    message_id: int | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Claim:
    """A post this caller now owns: send `tip`, then mark record `post_id` sent or failed."""

    post_id: int
    tip: TipEntry


class SuggestionLimitError(Exception):
    """The member has made SUGGESTIONS_PER_DAY suggestions within a day; they may suggest again at `retry_at`."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"suggestion limit reached until {retry_at.isoformat()}")
        self.retry_at = retry_at


class AlreadyReviewedError(Exception):
    """The suggestion was reviewed already (by someone else, or in another window)."""

    def __init__(self, suggestion: Suggestion) -> None:
        super().__init__(f"suggestion {suggestion.id} is already {suggestion.status}")
        self.suggestion = suggestion


Source = aiosqlite.Connection | Database


async def _fetchall(source: Source, query: str, params: Sequence[Any]) -> list[aiosqlite.Row]:
    """Rows from the reader (a Database) or from a transaction's own connection."""
    if isinstance(source, Database):
        return await source.fetchall(query, params)
    async with source.execute(query, params) as cursor:
        return list(await cursor.fetchall())


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _suggestion(row: aiosqlite.Row) -> Suggestion:
    return Suggestion(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        author_id=row["author_id"],
        title=row["title"],
        body=row["body"],
        category=row["category"],
        concept=row["concept"],
        link=row["link"],
        status=row["status"],
        created_at=datetime.fromisoformat(row["created_at"]),
        reviewed_by=row["reviewed_by"],
        reviewed_at=_when(row["reviewed_at"]),
    )


def _post(row: aiosqlite.Row) -> PostRecord:
    return PostRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        slot=row["slot"],
        due_at=_when(row["due_at"]),
        tip_key=row["tip_key"],
        title=row["title"],
        channel_id=row["channel_id"],
        status=row["status"],
        error=row["error"],
        message_id=row["message_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        finished_at=_when(row["finished_at"]),
    )


def _plan(row: aiosqlite.Row) -> WeeklyPlan:
    return WeeklyPlan(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        weekday=row["weekday"],
        at=parse_time(row["at_time"]),
        timezone=row["timezone"],
        since=datetime.fromisoformat(row["since"]),
        set_by=row["set_by"],
    )


SUGGESTION_COLUMNS: Final = (
    "id, guild_id, number, author_id, title, body, category, concept, link, status, created_at, reviewed_by, "
    "reviewed_at"
)
POST_COLUMNS: Final = (
    "id, guild_id, kind, slot, due_at, tip_key, title, channel_id, status, error, message_id, created_at, finished_at"
)
PLAN_COLUMNS: Final = "guild_id, channel_id, weekday, at_time, timezone, since, set_by"

# Export formats: every column but the database-wide ids (posts keep their order, suggestions their guild number).
EXPORT_SCHEDULE_COLUMNS: Final = ("channel_id", "weekday", "at_time", "timezone", "since", "set_by")
EXPORT_SUGGESTION_COLUMNS: Final = (
    "number",
    "author_id",
    "title",
    "body",
    "category",
    "concept",
    "link",
    "status",
    "created_at",
    "reviewed_by",
    "reviewed_at",
)
EXPORT_POST_COLUMNS: Final = (
    "kind",
    "slot",
    "due_at",
    "tip_key",
    "title",
    "channel_id",
    "status",
    "error",
    "message_id",
    "created_at",
    "finished_at",
)


class TipStore:
    """The `/tip` tables. `curated` is the guild-independent part of every rotation (data/tips.toml)."""

    def __init__(self, db: Database, curated: Iterable[TipEntry]) -> None:
        self.db = db
        self.curated: tuple[TipEntry, ...] = tuple(curated)

    # Schedules.

    async def get_schedule(self, guild_id: int) -> WeeklyPlan | None:
        """The guild's weekly schedule, or None."""
        query = f"SELECT {PLAN_COLUMNS} FROM tip_schedules WHERE guild_id = ?"  # noqa: S608 (constant columns)
        row = await self.db.fetchone(query, (guild_id,))
        return None if row is None else _plan(row)

    async def all_schedules(self) -> list[WeeklyPlan]:
        """Every guild's schedule."""
        query = f"SELECT {PLAN_COLUMNS} FROM tip_schedules ORDER BY guild_id"  # noqa: S608 (constant columns)
        return [_plan(row) for row in await self.db.fetchall(query)]

    async def set_schedule(
        self, guild_id: int, channel_id: int, weekday: int, at: time, timezone: str, since: datetime, set_by: int
    ) -> WeeklyPlan:
        """Create or replace the guild's schedule; occurrences at or before `since` are not owed."""
        query = """
            INSERT INTO tip_schedules (guild_id, channel_id, weekday, at_time, timezone, since, set_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                channel_id = excluded.channel_id, weekday = excluded.weekday, at_time = excluded.at_time,
                timezone = excluded.timezone, since = excluded.since, set_by = excluded.set_by
        """
        await self.db.execute(
            query, (guild_id, channel_id, weekday, format_time(at), timezone, since.isoformat(), set_by)
        )
        return WeeklyPlan(guild_id, channel_id, weekday, at.replace(second=0, microsecond=0), timezone, since, set_by)

    async def remove_schedule(self, guild_id: int) -> bool:
        """Stop the guild's weekly post; False when there was none."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM tip_schedules WHERE guild_id = ?", (guild_id,))
            return cursor.rowcount > 0

    # The rotation.

    async def _approved(self, source: Source, guild_id: int) -> list[TipEntry]:
        query = """
            SELECT number, author_id, title, body, category, concept, link FROM tip_suggestions
            WHERE guild_id = ? AND status = 'approved' ORDER BY reviewed_at, number
        """
        return [
            TipEntry(community_key(row[0]), row[2], row[3], row[4], row[5], row[6], row[1])
            for row in await _fetchall(source, query, (guild_id,))
        ]

    async def pool(self, guild_id: int) -> list[TipEntry]:
        """Every tip of the guild's rotation: curated ones, then approved suggestions in approval order."""
        return [*self.curated, *await self._approved(self.db, guild_id)]

    async def _pick(self, source: Source, guild_id: int, category: str | None) -> TipEntry | None:
        """Choose the next tip; inside a transaction, `source` is its connection (which sees its own writes)."""
        pool = [*self.curated, *await self._approved(source, guild_id)]
        query = f"""
            SELECT tip_key, MAX(id) FROM tip_posts
            WHERE guild_id = ? AND tip_key IS NOT NULL AND status IN ({", ".join("?" * len(POSTED_STATUSES))})
            GROUP BY tip_key
        """  # noqa: S608 (placeholders only)
        rows = await _fetchall(source, query, (guild_id, *POSTED_STATUSES))
        last_posted = {row[0]: row[1] for row in rows}
        by_key = {entry.key: entry for entry in pool}
        key = pick_next(
            [entry.key for entry in pool],
            last_posted,
            {entry.key: entry.category for entry in pool},
            category,
        )
        return None if key is None else by_key[key]

    async def peek_next(self, guild_id: int, category: str | None = None) -> TipEntry | None:
        """The tip the rotation would choose now (nothing is recorded)."""
        return await self._pick(self.db, guild_id, category)

    # Posts.

    async def claim_scheduled(
        self, guild_id: int, slot: str, due_at: datetime, channel_id: int, now: datetime
    ) -> Claim | None:
        """Choose the week's tip and record its post as `sending`, atomically. None when the week's post was
        claimed already (or no tip exists, which is recorded as skipped)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM tip_posts WHERE guild_id = ? AND slot = ?", (guild_id, slot)
            ) as cursor:
                if await cursor.fetchone() is not None:
                    return None
            tip = await self._pick(conn, guild_id, None)
            if tip is None:
                await self._insert_skip(conn, guild_id, slot, due_at, channel_id, "there are no tips to post", now)
                return None
            cursor = await conn.execute(
                """
                INSERT INTO tip_posts (guild_id, kind, slot, due_at, tip_key, title, channel_id, status, created_at)
                VALUES (?, 'scheduled', ?, ?, ?, ?, ?, 'sending', ?)
                ON CONFLICT (guild_id, slot) DO NOTHING
                """,
                (guild_id, slot, due_at.isoformat(), tip.key, tip.title, channel_id, now.isoformat()),
            )
            if cursor.rowcount == 0:
                return None
            assert cursor.lastrowid is not None
            return Claim(cursor.lastrowid, tip)

    async def claim_now(self, guild_id: int, channel_id: int, category: str | None, now: datetime) -> Claim | None:
        """Choose the next tip (of `category`) for `/tip now` and record it as `sending`; None when none fits."""
        async with self.db.transaction() as conn:
            tip = await self._pick(conn, guild_id, category)
            if tip is None:
                return None
            cursor = await conn.execute(
                """
                INSERT INTO tip_posts (guild_id, kind, tip_key, title, channel_id, status, created_at)
                VALUES (?, 'now', ?, ?, ?, 'sending', ?)
                """,
                (guild_id, tip.key, tip.title, channel_id, now.isoformat()),
            )
            assert cursor.lastrowid is not None
            return Claim(cursor.lastrowid, tip)

    @staticmethod
    async def _insert_skip(
        conn: aiosqlite.Connection,
        guild_id: int,
        slot: str,
        due_at: datetime,
        channel_id: int,
        reason: str,
        now: datetime,
    ) -> bool:
        cursor = await conn.execute(
            """
            INSERT INTO tip_posts (guild_id, kind, slot, due_at, channel_id, status, error, created_at, finished_at)
            VALUES (?, 'scheduled', ?, ?, ?, 'skipped', ?, ?, ?)
            ON CONFLICT (guild_id, slot) DO NOTHING
            """,
            (guild_id, slot, due_at.isoformat(), channel_id, reason, now.isoformat(), now.isoformat()),
        )
        return cursor.rowcount > 0

    async def record_skipped(
        self, guild_id: int, slot: str, due_at: datetime, channel_id: int, reason: str, now: datetime
    ) -> bool:
        """Record that the week's post was skipped (e.g. too late to catch up); False if the week has a record."""
        async with self.db.transaction() as conn:
            return await self._insert_skip(conn, guild_id, slot, due_at, channel_id, reason, now)

    async def mark_sent(self, post_id: int, message_id: int | None, now: datetime) -> None:
        """The claimed post went out."""
        await self.db.execute(
            "UPDATE tip_posts SET status = 'sent', message_id = ?, error = NULL, finished_at = ? WHERE id = ?",
            (message_id, now.isoformat(), post_id),
        )

    async def mark_failed(self, post_id: int, reason: str, now: datetime) -> None:
        """The claimed post could not be sent; `reason` is shown to moderators. The tip stays first in line."""
        await self.db.execute(
            "UPDATE tip_posts SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
            (reason, now.isoformat(), post_id),
        )

    async def recorded_slots(self, slots: Iterable[str]) -> set[tuple[int, str]]:
        """Which guilds have a record for which of `slots`: (guild_id, slot) pairs. One query for the whole loop."""
        wanted = sorted(set(slots))
        if not wanted:
            return set()
        query = f"SELECT guild_id, slot FROM tip_posts WHERE slot IN ({', '.join('?' * len(wanted))})"  # noqa: S608
        return {(row[0], row[1]) for row in await self.db.fetchall(query, wanted)}

    async def has_slot(self, guild_id: int, slot: str) -> bool:
        """Whether the week's scheduled post has a record (sent, sending, failed or skipped)."""
        row = await self.db.fetchone("SELECT 1 FROM tip_posts WHERE guild_id = ? AND slot = ?", (guild_id, slot))
        return row is not None

    async def slots(self, guild_id: int, slots: Sequence[str]) -> set[str]:
        """Which of `slots` have a record already."""
        if not slots:
            return set()
        query = f"""
            SELECT slot FROM tip_posts WHERE guild_id = ? AND slot IN ({", ".join("?" * len(slots))})
        """  # noqa: S608 (placeholders only)
        return {row[0] for row in await self.db.fetchall(query, (guild_id, *slots))}

    async def last_posted(self, guild_id: int) -> PostRecord | None:
        """The last tip that went out (scheduled or `/tip now`)."""
        query = f"""
            SELECT {POST_COLUMNS} FROM tip_posts WHERE guild_id = ? AND status = 'sent' ORDER BY id DESC LIMIT 1
        """  # noqa: S608 (constant columns)
        row = await self.db.fetchone(query, (guild_id,))
        return None if row is None else _post(row)

    async def last_scheduled(self, guild_id: int) -> PostRecord | None:
        """The record of the latest scheduled week (whatever its outcome)."""
        query = f"""
            SELECT {POST_COLUMNS} FROM tip_posts WHERE guild_id = ? AND kind = 'scheduled' ORDER BY id DESC LIMIT 1
        """  # noqa: S608 (constant columns)
        row = await self.db.fetchone(query, (guild_id,))
        return None if row is None else _post(row)

    async def posts(self, guild_id: int) -> list[PostRecord]:
        """Every post record of the guild, oldest first."""
        query = f"SELECT {POST_COLUMNS} FROM tip_posts WHERE guild_id = ? ORDER BY id"  # noqa: S608
        return [_post(row) for row in await self.db.fetchall(query, (guild_id,))]

    # Suggestions.

    async def add_suggestion(
        self,
        guild_id: int,
        author_id: int,
        *,
        title: str,
        body: str,
        category: str,
        concept: str | None,
        link: str | None,
        now: datetime,
        per_day: int = SUGGESTIONS_PER_DAY,
    ) -> Suggestion:
        """Record a pending suggestion; raise SuggestionLimitError past `per_day` suggestions in a day."""
        window_start = (now - SUGGESTION_WINDOW).isoformat()
        async with self.db.transaction() as conn:
            async with conn.execute(
                """
                SELECT created_at FROM tip_suggestions
                WHERE guild_id = ? AND author_id = ? AND created_at > ? ORDER BY created_at
                """,
                (guild_id, author_id, window_start),
            ) as cursor:
                recent = [datetime.fromisoformat(row[0]) for row in await cursor.fetchall()]
            if len(recent) >= per_day:
                raise SuggestionLimitError(recent[len(recent) - per_day] + SUGGESTION_WINDOW)
            async with conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM tip_suggestions WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                row = await cursor.fetchone()
                number = int(row[0]) if row else 1
            cursor = await conn.execute(
                """
                INSERT INTO tip_suggestions
                    (guild_id, number, author_id, title, body, category, concept, link, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                """,
                (guild_id, number, author_id, title, body, category, concept, link, now.isoformat()),
            )
            assert cursor.lastrowid is not None
            suggestion_id = cursor.lastrowid
        return Suggestion(
            suggestion_id, guild_id, number, author_id, title, body, category, concept, link, "pending", now, None, None
        )

    async def suggestion_retry_at(
        self, guild_id: int, author_id: int, now: datetime, per_day: int = SUGGESTIONS_PER_DAY
    ) -> datetime | None:
        """When the member may suggest again, or None when they may now."""
        rows = await self.db.fetchall(
            """
            SELECT created_at FROM tip_suggestions
            WHERE guild_id = ? AND author_id = ? AND created_at > ? ORDER BY created_at
            """,
            (guild_id, author_id, (now - SUGGESTION_WINDOW).isoformat()),
        )
        if len(rows) < per_day:
            return None
        return datetime.fromisoformat(rows[len(rows) - per_day][0]) + SUGGESTION_WINDOW

    async def get_suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion | None:
        """One suggestion of the guild by id."""
        query = f"SELECT {SUGGESTION_COLUMNS} FROM tip_suggestions WHERE guild_id = ? AND id = ?"  # noqa: S608
        row = await self.db.fetchone(query, (guild_id, suggestion_id))
        return None if row is None else _suggestion(row)

    async def oldest_pending(self, guild_id: int) -> Suggestion | None:
        """The suggestion waiting longest for review."""
        query = f"""
            SELECT {SUGGESTION_COLUMNS} FROM tip_suggestions
            WHERE guild_id = ? AND status = 'pending' ORDER BY id LIMIT 1
        """  # noqa: S608 (constant columns)
        row = await self.db.fetchone(query, (guild_id,))
        return None if row is None else _suggestion(row)

    async def pending_count(self, guild_id: int) -> int:
        """How many suggestions wait for review."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM tip_suggestions WHERE guild_id = ? AND status = 'pending'", (guild_id,), 0
            )
        )

    async def review(
        self, guild_id: int, suggestion_id: int, *, approve: bool, reviewer_id: int, now: datetime
    ) -> Suggestion | None:
        """Approve (into the rotation) or reject a pending suggestion. None when it does not exist in the guild;
        AlreadyReviewedError when someone reviewed it first."""
        status = "approved" if approve else "rejected"
        async with self.db.transaction() as conn:
            query = f"SELECT {SUGGESTION_COLUMNS} FROM tip_suggestions WHERE guild_id = ? AND id = ?"  # noqa: S608
            async with conn.execute(query, (guild_id, suggestion_id)) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            current = _suggestion(row)
            if current.status != "pending":
                raise AlreadyReviewedError(current)
            await conn.execute(
                "UPDATE tip_suggestions SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                (status, reviewer_id, now.isoformat(), suggestion_id),
            )
        return dataclasses.replace(current, status=status, reviewed_by=reviewer_id, reviewed_at=now)

    # /nexus stats, export and import.

    async def counts(self, guild_id: int) -> dict[str, int]:
        """Figures for `/nexus stats`: tips posted (sent) and suggestions pending review."""
        posted = await self.db.fetchval(
            "SELECT COUNT(*) FROM tip_posts WHERE guild_id = ? AND status = 'sent'", (guild_id,), 0
        )
        return {"tips_posted": int(posted), "tips_pending": await self.pending_count(guild_id)}

    async def export_guild(self, guild_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything `/tip` holds for the guild, JSON-ready, in a deterministic order."""
        schedules = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_SCHEDULE_COLUMNS)} FROM tip_schedules WHERE guild_id = ?",  # noqa: S608
            (guild_id,),
        )
        suggestions = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_SUGGESTION_COLUMNS)} FROM tip_suggestions "  # noqa: S608
            "WHERE guild_id = ? ORDER BY number",
            (guild_id,),
        )
        posts = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_POST_COLUMNS)} FROM tip_posts WHERE guild_id = ? ORDER BY id",  # noqa: S608
            (guild_id,),
        )
        return {
            "tip_schedules": [dict(zip(EXPORT_SCHEDULE_COLUMNS, row, strict=True)) for row in schedules],
            "tip_suggestions": [dict(zip(EXPORT_SUGGESTION_COLUMNS, row, strict=True)) for row in suggestions],
            "tip_posts": [dict(zip(EXPORT_POST_COLUMNS, row, strict=True)) for row in posts],
        }

    async def import_guild(self, guild_id: int, data: dict[str, list[dict[str, Any]]]) -> None:
        """Restore what `export_guild` produced, in one transaction (into a database without this guild's tips)."""
        tables = (
            ("tip_schedules", EXPORT_SCHEDULE_COLUMNS),
            ("tip_suggestions", EXPORT_SUGGESTION_COLUMNS),
            ("tip_posts", EXPORT_POST_COLUMNS),
        )
        async with self.db.transaction() as conn:
            for table, columns in tables:
                query = (
                    f"INSERT INTO {table} (guild_id, {', '.join(columns)}) "  # noqa: S608 (constant names)
                    f"VALUES (?, {', '.join('?' * len(columns))})"
                )
                for row in data.get(table, []):
                    await conn.execute(query, (guild_id, *(row.get(column) for column in columns)))

    # Other features' data this one refers to.

    async def community_concept_slugs(self, guild_id: int) -> list[str]:
        """Slugs of the concepts the guild's moderators added (a tip may link to them too)."""
        try:
            rows = await self.db.fetchall("SELECT slug FROM community_concepts WHERE guild_id = ?", (guild_id,))
        except sqlite3.OperationalError:  # the concepts tables are not there (an older schema): curated only
            return []
        return [row[0] for row in rows]
