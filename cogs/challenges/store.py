"""All SQL of the challenge log. Numbers (#N for challenges, Solution N for solutions) are per guild and allocated
inside the insert's transaction, so two members logging at once never get the same number.

Reads go through the reader connection (committed data only); each write is one `transaction()`, and the values a
write returns are built from what it wrote, never read back through the reader (which can't see it yet).
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

import aiosqlite

from bot.database import Database
from bot.errors import ConflictError, NotAllowedError, NotFoundError
from cogs.challenges.fts import build_match_query, terms, with_tag
from cogs.challenges.models import (
    AcceptResult,
    Challenge,
    CuratedSeed,
    Leader,
    Likeness,
    SearchHit,
    SearchResult,
    Solution,
    Status,
    StatusFilter,
    can_manage,
    excerpt,
)
from cogs.challenges.validation import ChallengeInput

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25
_DIGITS = re.compile(r"[0-9]{1,9}")
SIMILAR_LIMIT = 3
RANK_WINDOW = 500  # at most this many matches are ranked: the newest (see ChallengeStore._ranked)
AUTOCOMPLETE_WINDOW = 200
PREFIX_MIN_LENGTH = 3
# "Similar earlier challenges": the title's words and the description's opening, among the newest matches.
SIMILAR_TERMS = 6
SIMILAR_DESCRIPTION_CHARS = 100
SIMILAR_WINDOW = 150
SIMILAR_OPENING_CHARS = 300
# Title matters most, then tags, then the description, then the solutions' text.
BM25_WEIGHTS = (10.0, 3.0, 6.0, 2.0)

_CHALLENGE_COLUMNS = """
    c.id, c.guild_id, c.number, c.author_id, c.title, c.description, c.tags, c.status, c.curated_slug,
    c.channel_id, c.message_id, c.created_at,
    (SELECT COUNT(*) FROM challenge_solutions s WHERE s.challenge_id = c.id) AS solution_count
"""
_SOLUTION_COLUMNS = """
    s.id, s.number, s.challenge_id, c.number AS challenge_number, s.author_id, s.captured_by, s.source_channel_id,
    s.source_message_id, s.body, s.accepted, s.created_at,
    (SELECT COUNT(*) FROM challenge_helpful h WHERE h.solution_id = s.id) AS helpful
"""
# One live challenge, and one solution with its challenge's deletion mark, by their numbers in a guild.
_CHALLENGE_BY_NUMBER = f"""
    SELECT {_CHALLENGE_COLUMNS}, c.deleted_at FROM challenges c WHERE c.guild_id = ? AND c.number = ?
"""  # noqa: S608 - fixed column list
_SOLUTION_BY_NUMBER = f"""
    SELECT {_SOLUTION_COLUMNS}, c.deleted_at AS challenge_deleted_at
    FROM challenge_solutions s JOIN challenges c ON c.id = s.challenge_id
    WHERE s.guild_id = ? AND s.number = ?
"""  # noqa: S608 - fixed column list
_BM25 = "bm25(challenge_search, {:.1f}, {:.1f}, {:.1f}, {:.1f})".format(*BM25_WEIGHTS)

EXPORT_CHALLENGE_FIELDS = (
    "number",
    "author_id",
    "title",
    "description",
    "tags",
    "status",
    "curated_slug",
    "channel_id",
    "message_id",
    "created_at",
    "deleted_at",
    "deleted_by",
)
EXPORT_SOLUTION_FIELDS = (
    "number",
    "challenge_number",
    "author_id",
    "captured_by",
    "source_channel_id",
    "source_message_id",
    "body",
    "accepted",
    "accepted_at",
    "accepted_by",
    "created_at",
)
EXPORT_VOTE_FIELDS = ("solution_number", "voter_id", "created_at")


def _tags(text: str) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


def _challenge(row: Mapping[str, Any] | aiosqlite.Row) -> Challenge:
    return Challenge(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        author_id=row["author_id"],
        title=row["title"],
        description=row["description"],
        tags=_tags(row["tags"]),
        status=row["status"],
        curated_slug=row["curated_slug"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        created_at=row["created_at"],
        solution_count=row["solution_count"],
    )


def _solution(row: aiosqlite.Row) -> Solution:
    return Solution(
        id=row["id"],
        number=row["number"],
        challenge_id=row["challenge_id"],
        challenge_number=row["challenge_number"],
        author_id=row["author_id"],
        captured_by=row["captured_by"],
        source_channel_id=row["source_channel_id"],
        source_message_id=row["source_message_id"],
        body=row["body"],
        accepted=bool(row["accepted"]),
        helpful=row["helpful"],
        created_at=row["created_at"],
    )


def not_found(number: int) -> NotFoundError:
    """The answer for a challenge number this guild doesn't have."""
    return NotFoundError(
        f"There's no challenge #{number} in this server. Find it with `/challenge search` or `/challenge list`."
    )


def deleted(number: int) -> NotFoundError:
    """The answer for a challenge that was deleted."""
    return NotFoundError(f"Challenge #{number} was deleted, so it can't be shown or changed any more.")


def solution_not_found(number: int) -> NotFoundError:
    """The answer for a solution number this guild doesn't have."""
    return NotFoundError(
        f"There's no solution {number} in this server. `/challenge show` lists a challenge's solutions with "
        "their numbers."
    )


async def _next_number(connection: aiosqlite.Connection, table: str, guild_id: int) -> int:
    # `table` is one of our two table names, never input.
    query = f"SELECT COALESCE(MAX(number), 0) + 1 FROM {table} WHERE guild_id = ?"  # noqa: S608
    async with connection.execute(query, (guild_id,)) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 1


def _challenge_from_row(row: aiosqlite.Row | None, number: int) -> Challenge:
    """The challenge in a `_CHALLENGE_BY_NUMBER` row; NotFoundError when missing or deleted."""
    if row is None:
        raise not_found(number)
    if row["deleted_at"] is not None:
        raise deleted(number)
    return _challenge(row)


def _solution_from_row(row: aiosqlite.Row | None, number: int) -> Solution:
    """The solution in a `_SOLUTION_BY_NUMBER` row; NotFoundError when missing or its challenge is deleted."""
    if row is None:
        raise solution_not_found(number)
    if row["challenge_deleted_at"] is not None:
        raise deleted(row["challenge_number"])
    return _solution(row)


class ChallengeStore:
    """The challenge log of every guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Curated challenges.

    async def curated_slugs(self, guild_id: int) -> set[str]:
        """The curated challenges this guild has had planted (deleted ones included: they were planted once)."""
        query = "SELECT curated_slug FROM challenges WHERE guild_id = ? AND curated_slug IS NOT NULL"
        return {row[0] for row in await self.db.fetchall(query, (guild_id,))}

    async def seed_curated(self, guild_id: int, seeds: Sequence[CuratedSeed], now: datetime) -> int:
        """Plant the curated challenges this guild doesn't have yet, each solved by its curated solution.

        Idempotent: a slug the guild has ever had (even deleted since) is never planted again. Returns how many
        were planted.
        """
        if not seeds:
            return 0
        planted = 0
        async with self.db.transaction() as connection:
            async with connection.execute(
                "SELECT curated_slug FROM challenges WHERE guild_id = ? AND curated_slug IS NOT NULL", (guild_id,)
            ) as cursor:
                present = {row[0] for row in await cursor.fetchall()}
            for seed in seeds:
                if seed.slug in present:
                    continue
                number = await _next_number(connection, "challenges", guild_id)
                cursor = await connection.execute(
                    """
                    INSERT INTO challenges (guild_id, number, author_id, title, description, tags, status,
                                            curated_slug, created_at)
                    VALUES (?, ?, NULL, ?, ?, ?, 'solved', ?, ?)
                    """,
                    (guild_id, number, seed.title, seed.description, " ".join(seed.tags), seed.slug, now.isoformat()),
                )
                challenge_id = cursor.lastrowid
                await connection.executemany(
                    "INSERT INTO challenge_tags (guild_id, tag, challenge_id) VALUES (?, ?, ?)",
                    [(guild_id, tag, challenge_id) for tag in seed.tags],
                )
                solution_number = await _next_number(connection, "challenge_solutions", guild_id)
                await connection.execute(
                    """
                    INSERT INTO challenge_solutions (guild_id, number, challenge_id, author_id, body, accepted,
                                                     accepted_at, created_at)
                    VALUES (?, ?, ?, NULL, ?, 1, ?, ?)
                    """,
                    (guild_id, solution_number, challenge_id, seed.solution, now.isoformat(), now.isoformat()),
                )
                planted += 1
        if planted:
            log.info("Planted %d curated challenges in guild %s", planted, guild_id)
        return planted

    # Writing.

    async def create_challenge(
        self, guild_id: int, author_id: int, data: ChallengeInput, now: datetime, *, channel_id: int | None = None
    ) -> tuple[Challenge, Solution | None]:
        """Log a challenge (and the solution its author found, accepted at once). Returns what was stored."""
        created = now.isoformat()
        status: Status = "solved" if data.solution else "open"
        async with self.db.transaction() as connection:
            number = await _next_number(connection, "challenges", guild_id)
            cursor = await connection.execute(
                """
                INSERT INTO challenges (guild_id, number, author_id, title, description, tags, status, channel_id,
                                        created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    guild_id,
                    number,
                    author_id,
                    data.title,
                    data.description,
                    " ".join(data.tags),
                    status,
                    channel_id,
                    created,
                ),
            )
            challenge_id = cursor.lastrowid or 0
            if data.tags:
                await connection.executemany(
                    "INSERT INTO challenge_tags (guild_id, tag, challenge_id) VALUES (?, ?, ?)",
                    [(guild_id, tag, challenge_id) for tag in data.tags],
                )
            solution = None
            if data.solution:
                solution_number = await _next_number(connection, "challenge_solutions", guild_id)
                cursor = await connection.execute(
                    """
                    INSERT INTO challenge_solutions (guild_id, number, challenge_id, author_id, body, accepted,
                                                     accepted_at, accepted_by, created_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
                    """,
                    (guild_id, solution_number, challenge_id, author_id, data.solution, created, author_id, created),
                )
                solution = Solution(
                    id=cursor.lastrowid or 0,
                    number=solution_number,
                    challenge_id=challenge_id,
                    challenge_number=number,
                    author_id=author_id,
                    captured_by=None,
                    source_channel_id=None,
                    source_message_id=None,
                    body=data.solution,
                    accepted=True,
                    helpful=0,
                    created_at=created,
                )
        challenge = Challenge(
            id=challenge_id,
            guild_id=guild_id,
            number=number,
            author_id=author_id,
            title=data.title,
            description=data.description,
            tags=data.tags,
            status=status,
            curated_slug=None,
            channel_id=channel_id,
            message_id=None,
            created_at=created,
            solution_count=1 if solution else 0,
        )
        return challenge, solution

    async def set_message(self, guild_id: int, number: int, channel_id: int, message_id: int) -> None:
        """Remember where the "Challenge #N" message went (links, and the chat-capture default)."""
        await self.db.execute(
            "UPDATE challenges SET channel_id = ?, message_id = ? WHERE guild_id = ? AND number = ?",
            (channel_id, message_id, guild_id, number),
        )

    async def add_solution(
        self,
        guild_id: int,
        challenge_number: int,
        author_id: int,
        body: str,
        now: datetime,
        *,
        captured_by: int | None = None,
        source_channel_id: int | None = None,
        source_message_id: int | None = None,
    ) -> tuple[Challenge, Solution]:
        """Add a solution under a live challenge. Returns the challenge (as before) and the new solution."""
        created = now.isoformat()
        async with self.db.transaction() as connection:
            challenge = await self._live_challenge(connection, guild_id, challenge_number)
            number = await _next_number(connection, "challenge_solutions", guild_id)
            cursor = await connection.execute(
                """
                INSERT INTO challenge_solutions (guild_id, number, challenge_id, author_id, captured_by,
                                                 source_channel_id, source_message_id, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    guild_id,
                    number,
                    challenge.id,
                    author_id,
                    captured_by,
                    source_channel_id,
                    source_message_id,
                    body,
                    created,
                ),
            )
            solution = Solution(
                id=cursor.lastrowid or 0,
                number=number,
                challenge_id=challenge.id,
                challenge_number=challenge.number,
                author_id=author_id,
                captured_by=captured_by,
                source_channel_id=source_channel_id,
                source_message_id=source_message_id,
                body=body,
                accepted=False,
                helpful=0,
                created_at=created,
            )
        return challenge, solution

    async def accept(
        self, guild_id: int, solution_number: int, actor_id: int, *, is_moderator: bool, now: datetime
    ) -> AcceptResult:
        """Mark a solution accepted (moving the mark from another one) and the challenge solved."""
        async with self.db.transaction() as connection:
            async with connection.execute(_SOLUTION_BY_NUMBER, (guild_id, solution_number)) as cursor:
                solution = _solution_from_row(await cursor.fetchone(), solution_number)
            challenge = await self._live_challenge(connection, guild_id, solution.challenge_number)
            if not can_manage(challenge.author_id, actor_id, is_moderator=is_moderator):
                raise NotAllowedError(
                    f"Only the author of challenge #{challenge.number} or a moderator can accept its solutions."
                )
            if solution.accepted:
                raise ConflictError(
                    f"Solution {solution.number} is already the accepted answer to challenge #{challenge.number}."
                )
            async with connection.execute(
                "SELECT number FROM challenge_solutions WHERE challenge_id = ? AND accepted = 1", (challenge.id,)
            ) as cursor:
                previous = await cursor.fetchone()
            await connection.execute(
                """
                UPDATE challenge_solutions SET accepted = 0, accepted_at = NULL, accepted_by = NULL
                WHERE challenge_id = ? AND accepted = 1
                """,
                (challenge.id,),
            )
            await connection.execute(
                "UPDATE challenge_solutions SET accepted = 1, accepted_at = ?, accepted_by = ? WHERE id = ?",
                (now.isoformat(), actor_id, solution.id),
            )
            await connection.execute("UPDATE challenges SET status = 'solved' WHERE id = ?", (challenge.id,))
        return AcceptResult(
            replace(challenge, status="solved"), replace(solution, accepted=True), previous[0] if previous else None
        )

    async def delete(
        self, guild_id: int, number: int, actor_id: int, *, is_moderator: bool, now: datetime
    ) -> Challenge:
        """Soft-delete a challenge: hidden everywhere (search index included), kept in the database."""
        async with self.db.transaction() as connection:
            challenge = await self._live_challenge(connection, guild_id, number)
            if not can_manage(challenge.author_id, actor_id, is_moderator=is_moderator):
                raise NotAllowedError(f"Only the author of challenge #{number} or a moderator can delete it.")
            await connection.execute(
                "UPDATE challenges SET deleted_at = ?, deleted_by = ? WHERE id = ?",
                (now.isoformat(), actor_id, challenge.id),
            )
        return challenge

    async def mark_helpful(self, guild_id: int, solution_number: int, voter_id: int, now: datetime) -> Solution:
        """Record one member's "Helpful" on a solution; returns the solution with its new count."""
        async with self.db.transaction() as connection:
            async with connection.execute(_SOLUTION_BY_NUMBER, (guild_id, solution_number)) as cursor:
                solution = _solution_from_row(await cursor.fetchone(), solution_number)
            if solution.author_id == voter_id:
                raise NotAllowedError("You can't mark your own solution helpful; others will, if it helped them.")
            try:
                await connection.execute(
                    """
                    INSERT INTO challenge_helpful (solution_id, voter_id, guild_id, solution_author_id, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                    (solution.id, voter_id, guild_id, solution.author_id, now.isoformat()),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(
                    f"You already marked solution {solution_number} helpful; each member counts once."
                ) from None
        return replace(solution, helpful=solution.helpful + 1)

    # Reading.

    async def _live_challenge(self, connection: aiosqlite.Connection, guild_id: int, number: int) -> Challenge:
        """A challenge read inside a write transaction; NotFoundError when missing or deleted."""
        async with connection.execute(_CHALLENGE_BY_NUMBER, (guild_id, number)) as cursor:
            return _challenge_from_row(await cursor.fetchone(), number)

    async def get(self, guild_id: int, number: int) -> Challenge:
        """A live challenge by its number; NotFoundError (saying which) when missing or deleted."""
        return _challenge_from_row(await self.db.fetchone(_CHALLENGE_BY_NUMBER, (guild_id, number)), number)

    async def show(self, guild_id: int, number: int) -> tuple[Challenge, list[Solution]]:
        """A live challenge and its solutions: accepted first, then most helpful, then oldest."""
        challenge = await self.get(guild_id, number)
        rows = await self.db.fetchall(
            f"""
            SELECT {_SOLUTION_COLUMNS}
            FROM challenge_solutions s JOIN challenges c ON c.id = s.challenge_id
            WHERE s.challenge_id = ?
            ORDER BY s.accepted DESC, helpful DESC, s.number
            """,  # noqa: S608 - fixed column list
            (challenge.id,),
        )
        return challenge, [_solution(row) for row in rows]

    async def get_solution(self, guild_id: int, number: int) -> Solution:
        """A solution of a live challenge by its number."""
        return _solution_from_row(await self.db.fetchone(_SOLUTION_BY_NUMBER, (guild_id, number)), number)

    async def _ranked(
        self,
        match: str,
        guild_id: int,
        conditions: str,
        params: Sequence[Any],
        limit: int,
        offset: int,
        *,
        window: int | None = None,
    ) -> tuple[list[Challenge], int, bool]:
        """One page of live challenges of a guild matching `match`, best bm25 first: (page, total, capped).

        Scoring costs microseconds per matching row, and a common word matches most of the table. So one pass
        takes the newest `window` matches (the index hands them over newest first and the pass stops there),
        scored on the way; they are sorted here, and only the page's challenges are read in full. `capped` says
        more matched than were ranked. The FTS table drives the join (CROSS JOIN keeps SQLite from scanning the
        guild's challenges instead). `conditions` are fixed SQL fragments on `c` (challenges), `params` their values.
        """
        size = RANK_WINDOW if window is None else window
        scored = await self.db.fetchall(
            f"""
            SELECT c.id, c.number, {_BM25} AS score
            FROM challenge_search CROSS JOIN challenges c ON c.id = challenge_search.rowid
            WHERE challenge_search MATCH ? AND c.guild_id = ? AND c.deleted_at IS NULL {conditions}
            ORDER BY challenge_search.rowid DESC LIMIT ?
            """,  # noqa: S608 - fixed fragments
            [match, guild_id, *params, size + 1],
        )
        capped = len(scored) > size
        ranked = sorted(scored[:size], key=lambda row: (row["score"], -row["number"]))
        page = [row["id"] for row in ranked[offset : offset + limit]]
        if not page:
            return [], len(ranked), capped
        placeholders = ", ".join("?" * len(page))
        rows = await self.db.fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges c WHERE c.id IN ({placeholders})",  # noqa: S608
            page,
        )
        by_id = {row["id"]: _challenge(row) for row in rows}
        return [by_id[challenge_id] for challenge_id in page if challenge_id in by_id], len(ranked), capped

    async def similar(self, guild_id: int, challenge: Challenge, limit: int = SIMILAR_LIMIT) -> list[Challenge]:
        """Earlier live challenges most like this one: among the newest that share a word of its title or opening
        line, those sharing the most words (in their titles above all).

        bm25 would first scan every listed word's whole index to weigh it, tens of milliseconds for common words
        in a big guild; the index here only finds candidates, newest first, and `similarity` ranks them.
        """
        text = f"{challenge.title} {challenge.description[:SIMILAR_DESCRIPTION_CHARS]}"
        match = build_match_query(text, mode="any", columns=("title", "description"), limit=SIMILAR_TERMS)
        if match is None:
            return []
        # Earlier means a smaller id (ids grow with numbers in a guild): a bound the index itself can seek to.
        candidates = await self.db.fetchall(
            """
            SELECT c.id, c.number, c.title, substr(c.description, 1, ?) AS opening
            FROM challenge_search CROSS JOIN challenges c ON c.id = challenge_search.rowid
            WHERE challenge_search MATCH ? AND challenge_search.rowid < ? AND c.guild_id = ? AND c.deleted_at IS NULL
            ORDER BY challenge_search.rowid DESC LIMIT ?
            """,
            (SIMILAR_OPENING_CHARS, match, challenge.id, guild_id, SIMILAR_WINDOW),
        )
        likeness = Likeness(terms(text, limit=SIMILAR_TERMS))
        scored = sorted(
            ((likeness.score(row["title"], row["opening"]), row["number"], row["id"]) for row in candidates),
            reverse=True,
        )
        best = [challenge_id for score, _, challenge_id in scored[:limit] if score > 0]
        if not best:
            return []
        placeholders = ", ".join("?" * len(best))
        rows = await self.db.fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges c WHERE c.id IN ({placeholders})",  # noqa: S608
            best,
        )
        by_id = {row["id"]: _challenge(row) for row in rows}
        return [by_id[challenge_id] for challenge_id in best if challenge_id in by_id]

    async def search(
        self, guild_id: int, query: str, tag: str | None = None, *, limit: int = 10, offset: int = 0
    ) -> SearchResult:
        """Live challenges matching every word of `query` ranked by bm25; when none has them all, any word."""
        result = await self._search(guild_id, query, tag, "all", limit, offset)
        if result.total == 0 and len(query.split()) > 1:
            result = await self._search(guild_id, query, tag, "any", limit, offset)
        return result

    async def _search(
        self, guild_id: int, query: str, tag: str | None, mode: Literal["all", "any"], limit: int, offset: int
    ) -> SearchResult:
        match = build_match_query(query, mode=mode)
        if match is None:
            return SearchResult([], 0, mode)
        if tag:
            match = with_tag(match, tag)  # the index narrows to the tag; the EXISTS below makes it exact
        conditions = (
            "AND EXISTS (SELECT 1 FROM challenge_tags t WHERE t.guild_id = c.guild_id AND t.tag = ? "
            "AND t.challenge_id = c.id)"
            if tag
            else ""
        )
        found, total, capped = await self._ranked(match, guild_id, conditions, [tag] if tag else [], limit, offset)
        hits = [SearchHit(challenge, excerpt(challenge.description, query)) for challenge in found]
        return SearchResult(hits, total, mode, capped)

    async def list_challenges(
        self,
        guild_id: int,
        *,
        status: StatusFilter = "all",
        tag: str | None = None,
        author_id: int | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[Challenge], int]:
        """Live challenges, newest first, filtered; returns one page and the total."""
        conditions = ["c.guild_id = ?", "c.deleted_at IS NULL"]
        params: list[Any] = [guild_id]
        if status != "all":
            conditions.append("c.status = ?")
            params.append(status)
        if author_id is not None:
            conditions.append("c.author_id = ?")
            params.append(author_id)
        if tag:
            conditions.append(
                "c.id IN (SELECT t.challenge_id FROM challenge_tags t WHERE t.guild_id = ? AND t.tag = ?)"
            )
            params += [guild_id, tag]
        where = " AND ".join(conditions)  # fixed fragments above; values are parameters
        total = int(await self.db.fetchval(f"SELECT COUNT(*) FROM challenges c WHERE {where}", params, 0))  # noqa: S608
        rows = await self.db.fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges c WHERE {where} ORDER BY c.number DESC LIMIT ? OFFSET ?",  # noqa: S608
            [*params, limit, offset],
        )
        return [_challenge(row) for row in rows], total

    async def autocomplete(
        self, guild_id: int, text: str, *, open_only: bool = True, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[tuple[int, str]]:
        """Challenges for an `id` option: (number, title), best first; empty input gives the newest.

        Digits match the number (exactly first, then numbers starting with them); words match titles and tags,
        the last word as a prefix, so "migr" finds "migrations" while the member is still typing.
        """
        text = text.strip().lstrip("#").strip()
        status = "AND c.status = 'open'" if open_only else ""
        if not text:
            rows = await self.db.fetchall(
                f"""
                SELECT c.number, c.title FROM challenges c WHERE c.guild_id = ? AND c.deleted_at IS NULL {status}
                ORDER BY c.number DESC LIMIT ?
                """,  # noqa: S608 - fixed fragments
                (guild_id, limit),
            )
            return [(row[0], row[1]) for row in rows]
        found: list[tuple[int, str]] = []
        if _DIGITS.fullmatch(text):
            found = await self._numbers_starting_with(guild_id, text, status, limit)
        # A short prefix stands for hundreds of words, each a list to merge: prefixes start at three letters.
        words = text.split()
        prefix = len(words[-1]) >= PREFIX_MIN_LENGTH if words else False
        match = build_match_query(text, prefix_last=prefix, columns=("title", "tags"))
        if match is not None and len(found) < limit:
            # The newest matches, ranked by the words they share with what was typed (titles count double):
            # cheaper than bm25, which would first weigh every word against the whole index, at each keystroke.
            rows = await self.db.fetchall(
                f"""
                SELECT c.number, c.title, c.tags
                FROM challenge_search CROSS JOIN challenges c ON c.id = challenge_search.rowid
                WHERE challenge_search MATCH ? AND c.guild_id = ? AND c.deleted_at IS NULL {status}
                ORDER BY challenge_search.rowid DESC LIMIT ?
                """,  # noqa: S608 - fixed fragments
                (match, guild_id, AUTOCOMPLETE_WINDOW),
            )
            likeness = Likeness(terms(text))
            ranked = sorted(rows, key=lambda row: (-likeness.score(row["title"], row["tags"]), -row["number"]))
            seen = {number for number, _ in found}
            found += [(row["number"], row["title"]) for row in ranked if row["number"] not in seen]
        return found[:limit]

    async def _numbers_starting_with(
        self, guild_id: int, digits: str, status: str, limit: int
    ) -> list[tuple[int, str]]:
        """Challenges whose number is `digits` or starts with them, that number first, then newest first.

        Numbers starting with "12" are 12, 120-129, 1200-1299…: one index range per length, longest first.
        """
        exact = await self.db.fetchall(
            f"""
            SELECT c.number, c.title FROM challenges c
            WHERE c.guild_id = ? AND c.number = ? AND c.deleted_at IS NULL {status}
            """,  # noqa: S608 - fixed fragments
            (guild_id, int(digits)),
        )
        found = [(row[0], row[1]) for row in exact]
        if digits.startswith("0"):
            return found  # no number starts with 0
        highest = int(
            await self.db.fetchval("SELECT MAX(number) FROM challenges WHERE guild_id = ?", (guild_id,), 0) or 0
        )
        scale = 10 ** (len(str(highest)) - len(digits)) if highest else 0
        while scale >= 10 and len(found) < limit:
            low = int(digits) * scale
            rows = await self.db.fetchall(
                f"""
                SELECT c.number, c.title FROM challenges c
                WHERE c.guild_id = ? AND c.number BETWEEN ? AND ? AND c.deleted_at IS NULL {status}
                ORDER BY c.number DESC LIMIT ?
                """,  # noqa: S608 - fixed fragments
                (guild_id, low, low + scale - 1, limit - len(found)),
            )
            found += [(row[0], row[1]) for row in rows]
            scale //= 10
        return found

    async def autocomplete_solutions(
        self, guild_id: int, text: str, actor_id: int, *, is_moderator: bool, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[tuple[int, int, str, str]]:
        """Solutions `actor_id` may accept, newest first: (solution number, challenge number, title, body)."""
        text = text.strip().lower().removeprefix("solution").lstrip("s").strip()
        conditions = ["s.guild_id = ?", "c.deleted_at IS NULL", "s.accepted = 0"]
        params: list[Any] = [guild_id]
        if not is_moderator:
            conditions.append("c.author_id = ?")
            params.append(actor_id)
        if _DIGITS.fullmatch(text):
            conditions.append("CAST(s.number AS TEXT) LIKE ? || '%'")
            params.append(text)
        where = " AND ".join(conditions)  # fixed fragments; values are parameters
        rows = await self.db.fetchall(
            f"""
            SELECT s.number, c.number, c.title, s.body
            FROM challenge_solutions s JOIN challenges c ON c.id = s.challenge_id
            WHERE {where} ORDER BY s.number DESC LIMIT ?
            """,  # noqa: S608
            [*params, limit],
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def number_for_message(self, guild_id: int, message_id: int) -> int | None:
        """The live challenge whose "Challenge #N" message this is, if any."""
        return await self.db.fetchval(  # type: ignore[no-any-return]
            "SELECT number FROM challenges WHERE guild_id = ? AND message_id = ? AND deleted_at IS NULL",
            (guild_id, message_id),
        )

    async def autocomplete_tags(self, guild_id: int, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
        """The guild's tags starting with `text`, most used first."""
        prefix = text.strip().casefold().lstrip("#")
        rows = await self.db.fetchall(
            """
            SELECT t.tag FROM challenge_tags t JOIN challenges c ON c.id = t.challenge_id
            WHERE t.guild_id = ? AND substr(t.tag, 1, ?) = ? AND c.deleted_at IS NULL
            GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?
            """,
            (guild_id, len(prefix), prefix, limit),
        )
        return [row[0] for row in rows]

    async def newest_open_in_channel(self, guild_id: int, channel_id: int) -> int | None:
        """The newest open challenge posted in this channel: the likely target of an answer captured from it."""
        return await self.db.fetchval(  # type: ignore[no-any-return]
            """
            SELECT number FROM challenges
            WHERE guild_id = ? AND channel_id = ? AND status = 'open' AND deleted_at IS NULL
            ORDER BY number DESC LIMIT 1
            """,
            (guild_id, channel_id),
        )

    async def leaderboard(self, guild_id: int, limit: int = 10) -> tuple[list[Leader], list[Leader]]:
        """(most accepted solutions, most helpful votes), each the top `limit` members with at least one.

        Accepted counts solutions accepted on other members' challenges (and curated ones). Helpful votes are counted
        from one covering index over the whole guild, then those on deleted challenges (few rows, found through
        their own index) are taken away.
        """
        accepted: dict[int, int] = {}
        helpful: dict[int, int] = {}
        queries = (
            (
                accepted,
                # Someone else's challenge only: logging your own fix is not helping others.
                """
                SELECT s.author_id, COUNT(*) FROM challenge_solutions s JOIN challenges c ON c.id = s.challenge_id
                WHERE s.guild_id = ? AND s.accepted = 1 AND s.author_id IS NOT NULL AND c.deleted_at IS NULL
                  AND s.author_id IS NOT c.author_id
                GROUP BY s.author_id
                """,
                1,
            ),
            (
                helpful,
                """
                SELECT solution_author_id, COUNT(*) FROM challenge_helpful
                WHERE guild_id = ? AND solution_author_id IS NOT NULL GROUP BY solution_author_id
                """,
                1,
            ),
            (
                helpful,
                """
                SELECT s.author_id, COUNT(*) FROM challenges c
                JOIN challenge_solutions s ON s.challenge_id = c.id
                JOIN challenge_helpful h ON h.solution_id = s.id
                WHERE c.guild_id = ? AND c.deleted_at IS NOT NULL AND s.author_id IS NOT NULL
                GROUP BY s.author_id
                """,
                -1,
            ),
        )
        for totals, query, sign in queries:
            for member_id, count in await self.db.fetchall(query, (guild_id,)):
                totals[member_id] = totals.get(member_id, 0) + sign * int(count)
        leaders = [
            Leader(member_id, accepted.get(member_id, 0), helpful.get(member_id, 0))
            for member_id in accepted.keys() | helpful.keys()
        ]
        by_accepted = sorted(
            (leader for leader in leaders if leader.accepted > 0),
            key=lambda leader: (-leader.accepted, -leader.helpful, leader.member_id),
        )
        by_helpful = sorted(
            (leader for leader in leaders if leader.helpful > 0),
            key=lambda leader: (-leader.helpful, -leader.accepted, leader.member_id),
        )
        return by_accepted[:limit], by_helpful[:limit]

    # For /nexus stats, export and import.

    async def counts(self, guild_id: int) -> dict[str, int]:
        """Live challenges open and solved, and their solutions (counted from indexes; deleted ones subtracted)."""
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) FROM challenges WHERE guild_id = ? AND deleted_at IS NULL GROUP BY status",
            (guild_id,),
        )
        statuses: dict[str, int] = {row[0]: int(row[1]) for row in rows}
        solutions = await self.db.fetchval(
            """
            SELECT (SELECT COUNT(*) FROM challenge_solutions WHERE guild_id = ?)
                 - (SELECT COUNT(*) FROM challenges c JOIN challenge_solutions s ON s.challenge_id = c.id
                    WHERE c.guild_id = ? AND c.deleted_at IS NOT NULL)
            """,
            (guild_id, guild_id),
            0,
        )
        return {
            "challenges_open": statuses.get("open", 0),
            "challenges_solved": statuses.get("solved", 0),
            "solutions": int(solutions),
        }

    async def export_guild(self, guild_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every challenge (deleted ones too, marked), solution and helpful vote of the guild, in number order."""
        challenges = await self.db.fetchall(
            """
            SELECT number, author_id, title, description, tags, status, curated_slug, channel_id, message_id,
                   created_at, deleted_at, deleted_by
            FROM challenges WHERE guild_id = ? ORDER BY number
            """,
            (guild_id,),
        )
        solutions = await self.db.fetchall(
            """
            SELECT s.number, c.number AS challenge_number, s.author_id, s.captured_by, s.source_channel_id,
                   s.source_message_id, s.body, s.accepted, s.accepted_at, s.accepted_by, s.created_at
            FROM challenge_solutions s JOIN challenges c ON c.id = s.challenge_id
            WHERE s.guild_id = ? ORDER BY s.number
            """,
            (guild_id,),
        )
        votes = await self.db.fetchall(
            """
            SELECT s.number AS solution_number, h.voter_id, h.created_at
            FROM challenge_helpful h JOIN challenge_solutions s ON s.id = h.solution_id
            WHERE h.guild_id = ? ORDER BY s.number, h.voter_id
            """,
            (guild_id,),
        )
        exported_challenges = []
        for row in challenges:
            item = {field: row[field] for field in EXPORT_CHALLENGE_FIELDS}
            item["tags"] = list(_tags(row["tags"]))
            exported_challenges.append(item)
        exported_solutions = []
        for row in solutions:
            item = {field: row[field] for field in EXPORT_SOLUTION_FIELDS}
            item["accepted"] = bool(row["accepted"])
            exported_solutions.append(item)
        return {
            "challenges": exported_challenges,
            "solutions": exported_solutions,
            "helpful_votes": [{field: row[field] for field in EXPORT_VOTE_FIELDS} for row in votes],
        }

    async def import_guild(self, guild_id: int, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Restore an `export_guild` result into a guild that has no challenge data, in one transaction.

        The curated challenges a fresh start planted (untouched: no member solution or vote) are replaced by the
        imported ones; anything a member wrote in this guild makes the import refuse (ValueError).
        """
        try:
            challenges = list(data.get("challenges", []))
            solutions = list(data.get("solutions", []))
            votes = list(data.get("helpful_votes", []))
        except (AttributeError, TypeError) as error:
            raise ValueError("challenge data must map 'challenges', 'solutions', 'helpful_votes' to lists") from error
        async with self.db.transaction() as connection:
            await self._clear_planted(connection, guild_id)
            challenge_ids: dict[int, int] = {}
            solution_ids: dict[int, int] = {}
            try:
                for item in challenges:
                    tags = [str(tag) for tag in item.get("tags", [])]
                    cursor = await connection.execute(
                        """
                        INSERT INTO challenges (guild_id, number, author_id, title, description, tags, status,
                                                curated_slug, channel_id, message_id, created_at, deleted_at,
                                                deleted_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        (
                            guild_id,
                            int(item["number"]),
                            item.get("author_id"),
                            item["title"],
                            item["description"],
                            " ".join(tags),
                            item.get("status", "open"),
                            item.get("curated_slug"),
                            item.get("channel_id"),
                            item.get("message_id"),
                            item["created_at"],
                            item.get("deleted_at"),
                            item.get("deleted_by"),
                        ),
                    )
                    challenge_id = cursor.lastrowid or 0
                    challenge_ids[int(item["number"])] = challenge_id
                    await connection.executemany(
                        "INSERT INTO challenge_tags (guild_id, tag, challenge_id) VALUES (?, ?, ?)",
                        [(guild_id, tag, challenge_id) for tag in dict.fromkeys(tags)],
                    )
                for item in solutions:
                    cursor = await connection.execute(
                        """
                        INSERT INTO challenge_solutions (guild_id, number, challenge_id, author_id, captured_by,
                                                         source_channel_id, source_message_id, body, accepted,
                                                         accepted_at, accepted_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        (
                            guild_id,
                            int(item["number"]),
                            challenge_ids[int(item["challenge_number"])],
                            item.get("author_id"),
                            item.get("captured_by"),
                            item.get("source_channel_id"),
                            item.get("source_message_id"),
                            item["body"],
                            1 if item.get("accepted") else 0,
                            item.get("accepted_at"),
                            item.get("accepted_by"),
                            item["created_at"],
                        ),
                    )
                    solution_ids[int(item["number"])] = cursor.lastrowid or 0
                await connection.executemany(
                    """
                    INSERT INTO challenge_helpful (solution_id, voter_id, guild_id, solution_author_id, created_at)
                    VALUES (?, ?, ?, (SELECT author_id FROM challenge_solutions WHERE id = ?), ?)
                    """,
                    [
                        (
                            solution_ids[int(item["solution_number"])],
                            int(item["voter_id"]),
                            guild_id,
                            solution_ids[int(item["solution_number"])],
                            item["created_at"],
                        )
                        for item in votes
                    ],
                )
            except KeyError as error:
                raise ValueError(f"challenge data is missing or refers to an unknown {error}") from error
            except sqlite3.IntegrityError as error:
                raise ValueError(f"challenge data is inconsistent: {error}") from error

    async def _clear_planted(self, connection: aiosqlite.Connection, guild_id: int) -> None:
        """Remove curated challenges planted at start, refusing when the guild holds anything members wrote."""
        async with connection.execute(
            """
            SELECT
                (SELECT COUNT(*) FROM challenges
                 WHERE guild_id = ? AND (curated_slug IS NULL OR deleted_at IS NOT NULL)),
                (SELECT COUNT(*) FROM challenge_solutions WHERE guild_id = ? AND author_id IS NOT NULL),
                (SELECT COUNT(*) FROM challenge_helpful WHERE guild_id = ?)
            """,
            (guild_id, guild_id, guild_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None and any(row):
            raise ValueError(f"guild {guild_id} already has challenge data; import into an empty database")
        await connection.execute("DELETE FROM challenge_tags WHERE guild_id = ?", (guild_id,))
        await connection.execute("DELETE FROM challenge_solutions WHERE guild_id = ?", (guild_id,))
        await connection.execute("DELETE FROM challenges WHERE guild_id = ?", (guild_id,))
