"""All SQL of `/pair`: the queue, pairings, check-ins and weekly schedules. Imports no discord.

Concurrency: every decision that reads the queue and changes it (a join that matches, a round) runs in ONE
`db.transaction()` (BEGIN IMMEDIATE on the single writer, serialised by its lock), and reads inside it go through
that transaction's connection. Two joins arriving together are therefore decided one after the other, each seeing
what the other did; the partial unique indexes on current pairs back this up in the schema.

The instant match is the same rule as `matching.instant_match`, run inside SQLite so that a join stays fast with
thousands waiting: the time zones waiting are grouped (one index scan), ranked by closeness in Python, and for the
best group SQLite counts shared topics with instr() over the covering index and returns the longest-waiting best.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import aiosqlite

from bot.database import Database, Params
from cogs.pairing.matching import (
    INSTANT_MAX_DISTANCE_MINUTES,
    Learner,
    Role,
    build_history,
    clock_distance,
    closeness,
    fit_tuple,
    other_role,
    plan_round,
    score_of,
)
from cogs.pairing.projects import suggest_project
from cogs.pairing.timezones import utc_offset_minutes

log = logging.getLogger(__name__)

CHECKIN_AFTER: Final = timedelta(days=7)
Answer = Literal["yes", "not_yet"]
ANSWERS: Final[tuple[Answer, Answer]] = ("yes", "not_yet")
IntroStatus = Literal["pending", "thread", "channel", "failed"]

QUEUE_COLUMNS: Final = "id, guild_id, user_id, display_name, role, topics, timezone, channel_id, joined_at"
PAIR_COLUMNS: Final = (
    "id, guild_id, backend_id, backend_name, backend_topics, backend_timezone, backend_joined_at, "
    "frontend_id, frontend_name, frontend_topics, frontend_timezone, frontend_joined_at, source, score, project, "
    "channel_id, thread_id, intro_message_id, intro_status, matched_at, checkin_due_at, checkin_posted_at, "
    "ended_at, ended_by"
)
# A member's pairings (and current pairing) as ids found through the (guild, backend) and (guild, frontend) indexes.
# SQLite does not turn `guild_id = ? AND (backend_id = ? OR frontend_id = ?)` into two index searches: it scans every
# pairing of the guild (7.6 ms per call with 10,000 learners in the history; 0.01 ms this way). UNION ALL never
# repeats a row: backend_id <> frontend_id (CHECK).
MEMBER_PAIR_IDS: Final = (
    "SELECT id FROM pair_pairs WHERE guild_id = :guild AND backend_id = :user "
    "UNION ALL SELECT id FROM pair_pairs WHERE guild_id = :guild AND frontend_id = :user"
)
CURRENT_PAIR_IDS: Final = (
    "SELECT id FROM pair_pairs WHERE guild_id = :guild AND backend_id = :user AND ended_at IS NULL "
    "UNION ALL SELECT id FROM pair_pairs WHERE guild_id = :guild AND frontend_id = :user AND ended_at IS NULL"
)
EXPORT_QUEUE: Final = ("id", "user_id", "display_name", "role", "topics", "timezone", "channel_id", "joined_at")
EXPORT_PAIRS: Final = tuple(column.strip() for column in PAIR_COLUMNS.split(",") if column.strip() != "guild_id")
EXPORT_CHECKINS: Final = ("pair_id", "user_id", "answer", "answered_at")
EXPORT_SCHEDULES: Final = ("weekday", "time", "timezone", "channel_id", "set_by", "updated_at")
EXPORT_SLOT_RUNS: Final = ("kind", "slot", "done_at", "pairs")


def iso(moment: datetime) -> str:
    """How instants are stored: UTC, to the second, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """A stored instant back as an aware datetime."""
    return datetime.fromisoformat(text)


def topics_text(topics: Iterable[str]) -> str:
    """Stored form of topics: `,a,b,` (empty string for none), so that instr(topics, ',a,') finds a topic."""
    items = [topic for topic in topics if topic]
    return f",{','.join(items)}," if items else ""


def topics_tuple(text: str) -> tuple[str, ...]:
    """Stored topics back as a tuple, in the order given."""
    return tuple(topic for topic in text.split(",") if topic)


@dataclass(frozen=True)
class QueueEntry:
    """A learner waiting in a guild's queue."""

    id: int
    guild_id: int
    user_id: int
    display_name: str
    role: Role
    topics: tuple[str, ...]
    timezone: str | None
    channel_id: int | None
    joined_at: datetime

    def learner(self, now: datetime) -> Learner:
        """As the matcher sees them, with the time zone's offset at `now`."""
        return Learner(self.user_id, self.role, self.id, frozenset(self.topics), utc_offset_minutes(self.timezone, now))


@dataclass(frozen=True)
class PairMember:
    """One side of a pairing, as it was when they were matched."""

    user_id: int
    name: str
    role: Role
    topics: tuple[str, ...]
    timezone: str | None
    joined_at: datetime


@dataclass(frozen=True)
class Pair:
    """A pairing (current while `ended_at` is None)."""

    id: int
    guild_id: int
    backend: PairMember
    frontend: PairMember
    source: str
    score: int
    project: str
    channel_id: int | None
    thread_id: int | None
    intro_message_id: int | None
    intro_status: IntroStatus
    matched_at: datetime
    checkin_due_at: datetime
    checkin_posted_at: datetime | None
    ended_at: datetime | None
    ended_by: int | None

    @property
    def members(self) -> tuple[PairMember, PairMember]:
        """Backend first."""
        return self.backend, self.frontend

    def has(self, user_id: int) -> bool:
        """Whether `user_id` is one of the two."""
        return user_id in (self.backend.user_id, self.frontend.user_id)

    def partner_of(self, user_id: int) -> PairMember:
        """The other member."""
        return self.frontend if user_id == self.backend.user_id else self.backend

    @property
    def shared_topics(self) -> tuple[str, ...]:
        """Topics both named, in the backend learner's order."""
        return tuple(topic for topic in self.backend.topics if topic in self.frontend.topics)


@dataclass(frozen=True)
class JoinRequest:
    """What `/pair join` asks for."""

    user_id: int
    display_name: str
    role: Role
    topics: tuple[str, ...]
    timezone: str | None
    channel_id: int | None


@dataclass(frozen=True)
class JoinOutcome:
    """What a join did. `kind`: queued, matched, already_queued (entry set), already_paired (pair set)."""

    kind: Literal["queued", "matched", "already_queued", "already_paired"]
    entry: QueueEntry | None = None
    pair: Pair | None = None
    position: int = 0
    waiting_other: int = 0


@dataclass(frozen=True)
class RoundOutcome:
    """What a round did: the pairs made and who stays queued."""

    pairs: list[Pair]
    leftover: list[QueueEntry]


@dataclass(frozen=True)
class Schedule:
    """A guild's weekly round."""

    guild_id: int
    weekday: int
    time: str
    timezone: str
    channel_id: int
    set_by: int
    updated_at: datetime


def _queue_entry(row: aiosqlite.Row | Sequence[Any]) -> QueueEntry:
    return QueueEntry(
        id=row[0],
        guild_id=row[1],
        user_id=row[2],
        display_name=row[3],
        role=row[4],
        topics=topics_tuple(row[5]),
        timezone=row[6] or None,
        channel_id=row[7],
        joined_at=parse_iso(row[8]),
    )


def _when(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None


def _pair(row: aiosqlite.Row | Sequence[Any]) -> Pair:
    return Pair(
        id=row[0],
        guild_id=row[1],
        backend=PairMember(row[2], row[3], "backend", topics_tuple(row[4]), row[5] or None, parse_iso(row[6])),
        frontend=PairMember(row[7], row[8], "frontend", topics_tuple(row[9]), row[10] or None, parse_iso(row[11])),
        source=row[12],
        score=row[13],
        project=row[14],
        channel_id=row[15],
        thread_id=row[16],
        intro_message_id=row[17],
        intro_status=row[18],
        matched_at=parse_iso(row[19]),
        checkin_due_at=parse_iso(row[20]),
        checkin_posted_at=_when(row[21]),
        ended_at=_when(row[22]),
        ended_by=row[23],
    )


def _schedule(row: aiosqlite.Row | Sequence[Any]) -> Schedule:
    return Schedule(row[0], row[1], row[2], row[3], row[4], row[5], parse_iso(row[6]))


async def _one(conn: aiosqlite.Connection, query: str, params: Params) -> aiosqlite.Row | None:
    async with conn.execute(query, params) as cursor:
        row: aiosqlite.Row | None = await cursor.fetchone()
        return row


async def _all(conn: aiosqlite.Connection, query: str, params: Sequence[Any]) -> list[aiosqlite.Row]:
    async with conn.execute(query, params) as cursor:
        return list(await cursor.fetchall())


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


class PairingStore:
    """Reads and writes the pairing tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Reads.

    async def queue_entry(self, guild_id: int, user_id: int) -> QueueEntry | None:
        """The member's place in the queue, if waiting."""
        row = await self.db.fetchone(
            f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE guild_id = ? AND user_id = ?",  # noqa: S608
            (guild_id, user_id),
        )
        return _queue_entry(row) if row else None

    async def position(self, entry: QueueEntry) -> tuple[int, int]:
        """(position counting from 1, learners waiting) in the entry's track."""
        row = await self.db.fetchone(
            "SELECT SUM(id <= ?), COUNT(*) FROM pair_queue WHERE guild_id = ? AND role = ?",
            (entry.id, entry.guild_id, entry.role),
        )
        return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)

    async def waiting_counts(self, guild_id: int) -> dict[str, int]:
        """Learners waiting per track."""
        rows = await self.db.fetchall(
            "SELECT role, COUNT(*) FROM pair_queue WHERE guild_id = ? GROUP BY role", (guild_id,)
        )
        counts = {"backend": 0, "frontend": 0}
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    async def queue(self, guild_id: int) -> list[QueueEntry]:
        """Everyone waiting in the guild, longest waiting first."""
        rows = await self.db.fetchall(
            f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE guild_id = ? ORDER BY id",  # noqa: S608
            (guild_id,),
        )
        return [_queue_entry(row) for row in rows]

    async def current_pair(self, guild_id: int, user_id: int) -> Pair | None:
        """The member's current pairing, if any."""
        row = await self.db.fetchone(
            f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id IN ({CURRENT_PAIR_IDS})",  # noqa: S608
            {"guild": guild_id, "user": user_id},
        )
        return _pair(row) if row else None

    async def get_pair(self, pair_id: int) -> Pair | None:
        """A pairing by id (any guild: callers check the guild)."""
        row = await self.db.fetchone(f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id = ?", (pair_id,))  # noqa: S608
        return _pair(row) if row else None

    async def history(self, guild_id: int, user_id: int, *, limit: int = 10, offset: int = 0) -> list[Pair]:
        """The member's pairings, newest first (the current one included)."""
        rows = await self.db.fetchall(
            f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id IN ({MEMBER_PAIR_IDS}) "  # noqa: S608
            "ORDER BY matched_at DESC, id DESC LIMIT :limit OFFSET :offset",
            {"guild": guild_id, "user": user_id, "limit": limit, "offset": offset},
        )
        return [_pair(row) for row in rows]

    async def history_count(self, guild_id: int, user_id: int) -> int:
        """How many pairings the member has had."""
        return int(
            await self.db.fetchval(
                f"SELECT COUNT(*) FROM ({MEMBER_PAIR_IDS})",  # noqa: S608
                {"guild": guild_id, "user": user_id},
                0,
            )
        )

    async def checkin_answers(self, pair_id: int) -> dict[int, Answer]:
        """Answers to "did you meet?" by member."""
        rows = await self.db.fetchall("SELECT user_id, answer FROM pair_checkins WHERE pair_id = ?", (pair_id,))
        return {row[0]: row[1] for row in rows}

    # Joining, leaving, ending.

    async def join(self, guild_id: int, request: JoinRequest, now: datetime) -> JoinOutcome:
        """Queue the member, or pair them at once with the best fitting learner of the other track (one transaction)."""
        async with self.db.transaction() as conn:
            row = await _one(
                conn,
                f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                (guild_id, request.user_id),
            )
            if row is not None:
                entry = _queue_entry(row)
                return JoinOutcome("already_queued", entry=entry, position=await self._position(conn, entry))
            row = await _one(
                conn,
                f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id IN ({CURRENT_PAIR_IDS})",  # noqa: S608
                {"guild": guild_id, "user": request.user_id},
            )
            if row is not None:
                return JoinOutcome("already_paired", pair=_pair(row))
            partners = await self._past_partners(conn, guild_id, request.user_id)
            candidate = await self._best_candidate(conn, guild_id, request, partners, now)
            if candidate is None:
                cursor = await conn.execute(
                    "INSERT INTO pair_queue (guild_id, user_id, display_name, role, topics, timezone, channel_id, "
                    "joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        request.user_id,
                        request.display_name,
                        request.role,
                        topics_text(request.topics),
                        request.timezone or "",
                        request.channel_id,
                        iso(now),
                    ),
                )
                entry = QueueEntry(
                    cursor.lastrowid or 0,
                    guild_id,
                    request.user_id,
                    request.display_name,
                    request.role,
                    request.topics,
                    request.timezone,
                    request.channel_id,
                    parse_iso(iso(now)),
                )
                other = await _one(
                    conn,
                    "SELECT COUNT(*) FROM pair_queue WHERE guild_id = ? AND role = ?",
                    (guild_id, other_role(request.role)),
                )
                return JoinOutcome(
                    "queued",
                    entry=entry,
                    position=await self._position(conn, entry),
                    waiting_other=int(other[0]) if other else 0,
                )
            joiner = QueueEntry(
                0,
                guild_id,
                request.user_id,
                request.display_name,
                request.role,
                request.topics,
                request.timezone,
                request.channel_id,
                parse_iso(iso(now)),
            )
            await conn.execute("DELETE FROM pair_queue WHERE id = ?", (candidate.id,))
            backend, frontend = (joiner, candidate) if request.role == "backend" else (candidate, joiner)
            score = score_of(fit_tuple(backend.learner(now), frontend.learner(now), {}))
            pair = await self._insert_pair(conn, guild_id, backend, frontend, "join", score, request.channel_id, now)
            return JoinOutcome("matched", pair=pair)

    async def _position(self, conn: aiosqlite.Connection, entry: QueueEntry) -> int:
        row = await _one(
            conn,
            "SELECT COUNT(*) FROM pair_queue WHERE guild_id = ? AND role = ? AND id <= ?",
            (entry.guild_id, entry.role, entry.id),
        )
        return int(row[0]) if row else 0

    async def _past_partners(self, conn: aiosqlite.Connection, guild_id: int, user_id: int) -> set[int]:
        rows = await _all(
            conn,
            "SELECT frontend_id FROM pair_pairs WHERE guild_id = ? AND backend_id = ? "
            "UNION SELECT backend_id FROM pair_pairs WHERE guild_id = ? AND frontend_id = ?",
            (guild_id, user_id, guild_id, user_id),
        )
        return {row[0] for row in rows}

    async def _best_candidate(
        self, conn: aiosqlite.Connection, guild_id: int, request: JoinRequest, partners: set[int], now: datetime
    ) -> QueueEntry | None:
        """`matching.instant_match` over the guild's queue, computed mostly by SQLite."""
        other = other_role(request.role)
        own_offset = utc_offset_minutes(request.timezone, now)
        zones = await _all(
            conn, "SELECT timezone FROM pair_queue WHERE guild_id = ? AND role = ? GROUP BY timezone", (guild_id, other)
        )
        levels: dict[int, list[str]] = {}
        for (zone,) in zones:
            offset = utc_offset_minutes(zone or None, now)
            distance = clock_distance(own_offset, offset)
            if distance is None or distance <= INSTANT_MAX_DISTANCE_MINUTES:
                levels.setdefault(closeness(own_offset, offset), []).append(zone)
        shared = " + ".join(["(instr(topics, ?) > 0)"] * len(request.topics)) or "0"
        excluded = sorted(partners)
        for level in sorted(levels, reverse=True):
            names = levels[level]
            # Only "?" placeholders are formatted in; every value is a parameter.
            query = (
                f"SELECT id, {shared} AS shared FROM pair_queue "  # noqa: S608
                f"WHERE guild_id = ? AND role = ? AND timezone IN ({_placeholders(len(names))}) "
                f"AND user_id NOT IN ({_placeholders(len(excluded))}) "
                "ORDER BY shared DESC, id LIMIT 1"
            )
            params = [f",{topic}," for topic in request.topics] + [guild_id, other, *names, *excluded]
            best = await _one(conn, query, params)
            if best is not None:
                row = await _one(
                    conn,
                    f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE id = ?",  # noqa: S608
                    (best[0],),
                )
                assert row is not None
                return _queue_entry(row)
        return None

    async def _insert_pair(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        backend: QueueEntry,
        frontend: QueueEntry,
        source: Literal["join", "round"],
        score: int,
        channel_id: int | None,
        now: datetime,
    ) -> Pair:
        shared = [topic for topic in backend.topics if topic in frontend.topics]
        project = suggest_project(shared, {*backend.topics, *frontend.topics}, backend.user_id + frontend.user_id)
        values = (
            guild_id,
            backend.user_id,
            backend.display_name,
            topics_text(backend.topics),
            backend.timezone or "",
            iso(backend.joined_at),
            frontend.user_id,
            frontend.display_name,
            topics_text(frontend.topics),
            frontend.timezone or "",
            iso(frontend.joined_at),
            source,
            score,
            project.slug,
            channel_id,
            iso(now),
            iso(now + CHECKIN_AFTER),
        )
        cursor = await conn.execute(
            "INSERT INTO pair_pairs (guild_id, backend_id, backend_name, backend_topics, backend_timezone, "
            "backend_joined_at, frontend_id, frontend_name, frontend_topics, frontend_timezone, frontend_joined_at, "
            "source, score, project, channel_id, matched_at, checkin_due_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        row = await _one(
            conn,
            f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id = ?",  # noqa: S608
            (cursor.lastrowid,),
        )
        assert row is not None
        return _pair(row)

    async def leave(self, guild_id: int, user_id: int) -> QueueEntry | None:
        """Take the member out of the queue; None if they were not waiting."""
        async with self.db.transaction() as conn:
            row = await _one(
                conn,
                f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                (guild_id, user_id),
            )
            if row is None:
                return None
            await conn.execute("DELETE FROM pair_queue WHERE id = ?", (row[0],))
            return _queue_entry(row)

    async def end(self, guild_id: int, user_id: int, now: datetime) -> Pair | None:
        """End the member's current pairing (it stays in history); None if they are not paired."""
        async with self.db.transaction() as conn:
            row = await _one(
                conn,
                f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id IN ({CURRENT_PAIR_IDS})",  # noqa: S608
                {"guild": guild_id, "user": user_id},
            )
            if row is None:
                return None
            await conn.execute(
                "UPDATE pair_pairs SET ended_at = ?, ended_by = ? WHERE id = ?", (iso(now), user_id, row[0])
            )
            row = await _one(conn, f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE id = ?", (row[0],))  # noqa: S608
            assert row is not None
            return _pair(row)

    # Rounds.

    async def run_round(
        self, guild_id: int, now: datetime, *, slot: str | None = None, time_budget: float | None = None
    ) -> RoundOutcome | None:
        """Pair everyone waiting for the best total fit, in one transaction.

        With `slot` (a weekly round), the slot is recorded in the same transaction, and a slot already recorded
        returns None without pairing anyone: exactly once per week, whatever restarts happen.
        """
        async with self.db.transaction() as conn:
            if slot is not None:
                done = await _one(
                    conn,
                    "SELECT 1 FROM pair_slot_runs WHERE guild_id = ? AND kind = 'round' AND slot = ?",
                    (guild_id, slot),
                )
                if done is not None:
                    return None
            rows = await _all(
                conn,
                f"SELECT {QUEUE_COLUMNS} FROM pair_queue WHERE guild_id = ? ORDER BY id",  # noqa: S608
                (guild_id,),
            )
            entries = {entry.user_id: entry for entry in map(_queue_entry, rows)}
            learners = [entry.learner(now) for entry in entries.values()]
            past = await _all(conn, "SELECT backend_id, frontend_id FROM pair_pairs WHERE guild_id = ?", (guild_id,))
            history = build_history((row[0], row[1]) for row in past if row[0] in entries and row[1] in entries)
            kwargs: dict[str, Any] = {} if time_budget is None else {"time_budget": time_budget}
            # A big queue takes a moment to plan: off the event loop, so the bot keeps answering meanwhile.
            plan = await asyncio.to_thread(plan_round, learners, history, **kwargs)
            pairs: list[Pair] = []
            for (backend, frontend), score in zip(plan.pairs, plan.scores, strict=True):
                first, second = entries[backend.user_id], entries[frontend.user_id]
                await conn.execute("DELETE FROM pair_queue WHERE id IN (?, ?)", (first.id, second.id))
                earlier = first if first.id < second.id else second
                pairs.append(
                    await self._insert_pair(conn, guild_id, first, second, "round", score, earlier.channel_id, now)
                )
            if slot is not None:
                await conn.execute(
                    "INSERT INTO pair_slot_runs (guild_id, kind, slot, done_at, pairs) VALUES (?, 'round', ?, ?, ?)",
                    (guild_id, slot, iso(now), len(pairs)),
                )
            leftover = [entries[learner.user_id] for learner in plan.leftover]
        return RoundOutcome(pairs, leftover)

    # Introductions and check-ins.

    async def set_intro(
        self,
        pair_id: int,
        status: IntroStatus,
        *,
        channel_id: int | None = None,
        thread_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        """Record where the introduction went (or that it could not be posted)."""
        await self.db.execute(
            "UPDATE pair_pairs SET intro_status = ?, channel_id = COALESCE(?, channel_id), thread_id = ?, "
            "intro_message_id = ? WHERE id = ?",
            (status, channel_id, thread_id, message_id, pair_id),
        )

    async def pending_intros(self) -> list[Pair]:
        """Pairings whose introduction was never posted (e.g. the bot stopped right after matching)."""
        rows = await self.db.fetchall(
            f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE intro_status = 'pending' AND ended_at IS NULL "  # noqa: S608
            "ORDER BY id"
        )
        return [_pair(row) for row in rows]

    async def due_checkins(self, now: datetime) -> list[Pair]:
        """Current pairings a week old or more, not yet asked whether they met, with somewhere to ask."""
        rows = await self.db.fetchall(
            f"SELECT {PAIR_COLUMNS} FROM pair_pairs WHERE checkin_posted_at IS NULL AND ended_at IS NULL "  # noqa: S608
            "AND checkin_due_at <= ? AND intro_status IN ('thread', 'channel') ORDER BY checkin_due_at, id",
            (iso(now),),
        )
        return [_pair(row) for row in rows]

    async def next_checkin_due(self) -> datetime | None:
        """When the next check-in falls due (for the loop's sleep)."""
        value = await self.db.fetchval(
            "SELECT MIN(checkin_due_at) FROM pair_pairs WHERE checkin_posted_at IS NULL AND ended_at IS NULL "
            "AND intro_status IN ('thread', 'channel')"
        )
        return parse_iso(value) if value else None

    async def claim_checkin(self, pair_id: int, now: datetime) -> bool:
        """Mark the check-in as asked; False if it already was (so it is asked once)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE pair_pairs SET checkin_posted_at = ? WHERE id = ? AND checkin_posted_at IS NULL",
                (iso(now), pair_id),
            )
            return cursor.rowcount == 1

    async def release_checkin(self, pair_id: int) -> None:
        """Undo a claim whose message could not be sent, so that the next pass tries again."""
        await self.db.execute("UPDATE pair_pairs SET checkin_posted_at = NULL WHERE id = ?", (pair_id,))

    async def answer_checkin(self, pair_id: int, user_id: int, answer: Answer, now: datetime) -> None:
        """Record (or change) a member's answer to "did you meet?"."""
        await self.db.execute(
            "INSERT INTO pair_checkins (pair_id, user_id, answer, answered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (pair_id, user_id) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at",
            (pair_id, user_id, answer, iso(now)),
        )

    # Weekly schedules.

    async def set_schedule(
        self, guild_id: int, weekday: int, at: str, timezone: str, channel_id: int, set_by: int, now: datetime
    ) -> Schedule:
        """Create or replace the guild's weekly round."""
        await self.db.execute(
            "INSERT INTO pair_schedules (guild_id, weekday, time, timezone, channel_id, set_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET weekday = excluded.weekday, "
            "time = excluded.time, timezone = excluded.timezone, channel_id = excluded.channel_id, "
            "set_by = excluded.set_by, updated_at = excluded.updated_at",
            (guild_id, weekday, at, timezone, channel_id, set_by, iso(now)),
        )
        return Schedule(guild_id, weekday, at, timezone, channel_id, set_by, parse_iso(iso(now)))

    async def get_schedule(self, guild_id: int) -> Schedule | None:
        """The guild's weekly round, if set."""
        row = await self.db.fetchone(
            "SELECT guild_id, weekday, time, timezone, channel_id, set_by, updated_at FROM pair_schedules "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        return _schedule(row) if row else None

    async def schedules(self) -> list[Schedule]:
        """Every guild's weekly round."""
        rows = await self.db.fetchall(
            "SELECT guild_id, weekday, time, timezone, channel_id, set_by, updated_at FROM pair_schedules "
            "ORDER BY guild_id"
        )
        return [_schedule(row) for row in rows]

    async def slot_done(self, guild_id: int, kind: Literal["round", "reminder"], slot: str) -> bool:
        """Whether that week's round (or reminder) already happened."""
        row = await self.db.fetchone(
            "SELECT 1 FROM pair_slot_runs WHERE guild_id = ? AND kind = ? AND slot = ?", (guild_id, kind, slot)
        )
        return row is not None

    async def claim_reminder(self, guild_id: int, slot: str, now: datetime) -> bool:
        """Record that week's reminder; False if it was already sent."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO pair_slot_runs (guild_id, kind, slot, done_at) VALUES (?, 'reminder', ?, ?) "
                "ON CONFLICT DO NOTHING",
                (guild_id, slot, iso(now)),
            )
            return cursor.rowcount == 1

    # /nexus stats, export and import.

    async def newest_pair_id(self) -> int:
        """The highest pair id so far, in any guild (0 when none)."""
        return int(await self.db.fetchval("SELECT COALESCE(MAX(id), 0) FROM pair_pairs", (), 0))

    async def counts(self, guild_id: int) -> dict[str, int]:
        """Figures for `/nexus stats`."""
        row = await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM pair_queue WHERE guild_id = :g), "
            "(SELECT COUNT(*) FROM pair_pairs WHERE guild_id = :g AND ended_at IS NULL), "
            "(SELECT COUNT(*) FROM pair_pairs WHERE guild_id = :g), "
            "(SELECT COUNT(DISTINCT c.pair_id) FROM pair_checkins c JOIN pair_pairs p ON p.id = c.pair_id "
            " WHERE p.guild_id = :g AND c.answer = 'yes')",
            {"g": guild_id},
        )
        assert row is not None
        return {
            "learners_waiting": int(row[0]),
            "learners_paired": 2 * int(row[1]),
            "pairs_total": int(row[2]),
            "met_yes": int(row[3]),
        }

    async def export_guild(self, guild_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything `/pair` holds for the guild, JSON-ready, in a deterministic order."""
        queue = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_QUEUE)} FROM pair_queue WHERE guild_id = ? ORDER BY id",  # noqa: S608
            (guild_id,),
        )
        pairs = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_PAIRS)} FROM pair_pairs WHERE guild_id = ? ORDER BY id",  # noqa: S608
            (guild_id,),
        )
        checkins = await self.db.fetchall(
            f"SELECT {', '.join('c.' + column for column in EXPORT_CHECKINS)} FROM pair_checkins c "  # noqa: S608
            "JOIN pair_pairs p ON p.id = c.pair_id WHERE p.guild_id = ? ORDER BY c.pair_id, c.user_id",
            (guild_id,),
        )
        schedules = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_SCHEDULES)} FROM pair_schedules WHERE guild_id = ?",  # noqa: S608
            (guild_id,),
        )
        runs = await self.db.fetchall(
            f"SELECT {', '.join(EXPORT_SLOT_RUNS)} FROM pair_slot_runs WHERE guild_id = ? "  # noqa: S608
            "ORDER BY kind, slot",
            (guild_id,),
        )
        return {
            "pair_queue": [dict(zip(EXPORT_QUEUE, row, strict=True)) for row in queue],
            "pair_pairs": [dict(zip(EXPORT_PAIRS, row, strict=True)) for row in pairs],
            "pair_checkins": [dict(zip(EXPORT_CHECKINS, row, strict=True)) for row in checkins],
            "pair_schedules": [dict(zip(EXPORT_SCHEDULES, row, strict=True)) for row in schedules],
            "pair_slot_runs": [dict(zip(EXPORT_SLOT_RUNS, row, strict=True)) for row in runs],
        }

    async def import_guild(self, guild_id: int, data: dict[str, list[dict[str, Any]]]) -> None:
        """Restore what `export_guild` produced, in one transaction (ids are kept: check-ins and the buttons in
        threads refer to pairing ids), into a database that holds none of this guild's pairing data."""
        tables = (
            ("pair_queue", EXPORT_QUEUE),
            ("pair_pairs", EXPORT_PAIRS),
            ("pair_schedules", EXPORT_SCHEDULES),
            ("pair_slot_runs", EXPORT_SLOT_RUNS),
        )
        async with self.db.transaction() as conn:
            for table, columns in tables:
                # Table and column names are the constants above, never input.
                query = (
                    f"INSERT INTO {table} (guild_id, {', '.join(columns)}) "  # noqa: S608
                    f"VALUES (?, {_placeholders(len(columns))})"
                )
                for row in data.get(table, []):
                    await conn.execute(query, (guild_id, *(row.get(column) for column in columns)))
            query = (
                f"INSERT INTO pair_checkins ({', '.join(EXPORT_CHECKINS)}) "  # noqa: S608
                f"VALUES ({_placeholders(len(EXPORT_CHECKINS))})"
            )
            for row in data.get("pair_checkins", []):
                await conn.execute(query, tuple(row.get(column) for column in EXPORT_CHECKINS))
