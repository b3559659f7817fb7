"""All SQL of /concept: community concepts, overrides of curated ones, the FTS5 index, export and import.

The store also keeps each guild's :class:`Catalogue` in memory (autocomplete runs on every keystroke), rebuilt from
the database after each write. Writes that depend on the current state (a name must be free) check it inside the
same write transaction, on the writer connection, so two moderators adding the same name at once cannot both win.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.content import Concept
from bot.database import Database, Params
from cogs.concepts.catalogue import (
    Catalogue,
    CommunityRow,
    ConceptClashError,
    Entry,
    Origin,
    OverrideRow,
    UnknownConceptError,
    apply_override,
    build_catalogue,
    community_entry,
)
from cogs.concepts.drafts import ConceptDraft
from cogs.concepts.fts import HEADLINE_COLUMNS, TEXT_COLUMNS, build_match_query, phrases, scope_token, scoped

log = logging.getLogger(__name__)

CURATED_GUILD = 0
"""The guild_id of curated concepts in the search index."""
BM25_WEIGHTS = (10.0, 8.0, 3.0, 1.0)
"""bm25 column weights: name, aliases, summary, details. A hit in a name says far more than one in the details."""

Fetch = Callable[[str, Params], Awaitable[Sequence[aiosqlite.Row]]]

COMMUNITY_COLUMNS = "slug, name, aliases, category, summary, details, created_by, created_at, updated_by, updated_at"
OVERRIDE_COLUMNS = "slug, hidden, name, aliases, category, summary, details, updated_by, updated_at"


def _aliases_from_json(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    loaded = json.loads(value)
    return tuple(str(alias) for alias in loaded) if isinstance(loaded, list) else ()


def _aliases_to_json(aliases: Sequence[str] | None) -> str | None:
    return None if aliases is None else json.dumps(list(aliases), ensure_ascii=False)


def _community_row(row: aiosqlite.Row) -> CommunityRow:
    return CommunityRow(
        slug=row["slug"],
        name=row["name"],
        aliases=_aliases_from_json(row["aliases"]) or (),
        category=row["category"],
        summary=row["summary"],
        details=row["details"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def _override_row(row: aiosqlite.Row) -> OverrideRow:
    return OverrideRow(
        slug=row["slug"],
        hidden=bool(row["hidden"]),
        name=row["name"],
        aliases=_aliases_from_json(row["aliases"]),
        category=row["category"],
        summary=row["summary"],
        details=row["details"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


INSERT_DOCUMENT = (
    "INSERT INTO concept_documents (guild_id, slug, scope, name, aliases, summary, details) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _document(guild_id: int, entry: Entry) -> tuple[Any, ...]:
    return (
        guild_id,
        entry.slug,
        scope_token(guild_id),
        entry.name,
        " | ".join(entry.aliases),
        entry.summary,
        entry.details,
    )


def _needs_document(entry: Entry) -> bool:
    """Whether a guild-level search document stands for `entry` (community, or curated edited and visible)."""
    return not entry.hidden and entry.origin is not Origin.CURATED


@dataclass(frozen=True)
class SearchHit:
    """A full-text match: the concept's slug and its bm25 score (lower is better)."""

    slug: str
    score: float


class ConceptStore:
    """The /concept tables of one database, for the curated concepts given."""

    def __init__(self, db: Database, curated: Sequence[Concept]) -> None:
        self.db = db
        self.curated = tuple(curated)
        self._curated_by_slug = {concept.slug: concept for concept in self.curated}
        self._catalogues: dict[int, Catalogue] = {}
        self._generations: dict[int, int] = {}

    # --- Reading ------------------------------------------------------------------------------------------------

    @staticmethod
    async def _rows(fetch: Fetch, guild_id: int) -> tuple[list[OverrideRow], list[CommunityRow]]:
        overrides = await fetch(
            f"SELECT {OVERRIDE_COLUMNS} FROM concept_overrides WHERE guild_id = ? ORDER BY slug",  # noqa: S608
            (guild_id,),
        )
        community = await fetch(
            f"SELECT {COMMUNITY_COLUMNS} FROM community_concepts WHERE guild_id = ? ORDER BY slug",  # noqa: S608
            (guild_id,),
        )
        return [_override_row(row) for row in overrides], [_community_row(row) for row in community]

    async def catalogue(self, guild_id: int) -> Catalogue:
        """The guild's concepts (cached until the next write in that guild)."""
        cached = self._catalogues.get(guild_id)
        if cached is not None:
            return cached
        generation = self._generations.get(guild_id, 0)
        overrides, community = await self._rows(self.db.fetchall, guild_id)
        catalogue = build_catalogue(self.curated, overrides, community)
        # A write that committed while we were reading makes this copy stale: use it once, don't keep it.
        if self._generations.get(guild_id, 0) == generation:
            self._catalogues[guild_id] = catalogue
        return catalogue

    def _invalidate(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._catalogues.pop(guild_id, None)

    @staticmethod
    def _writer_fetch(connection: aiosqlite.Connection) -> Fetch:
        async def fetch(query: str, params: Params) -> Sequence[aiosqlite.Row]:
            async with connection.execute(query, params) as cursor:
                return list(await cursor.fetchall())

        return fetch

    async def _locked_catalogue(self, connection: aiosqlite.Connection, guild_id: int) -> Catalogue:
        """The guild's catalogue as the write transaction sees it."""
        overrides, community = await self._rows(self._writer_fetch(connection), guild_id)
        return build_catalogue(self.curated, overrides, community)

    # --- Search index -------------------------------------------------------------------------------------------

    async def sync_curated(self) -> None:
        """Refresh the index's copy of the curated concepts and of every guild's edited ones (at each start)."""
        async with self.db.transaction() as connection:
            await connection.execute("DELETE FROM concept_documents WHERE guild_id = ?", (CURATED_GUILD,))
            await connection.executemany(
                INSERT_DOCUMENT,
                [_document(CURATED_GUILD, apply_override(concept, None)) for concept in self.curated],
            )
            async with connection.execute(
                f"SELECT guild_id, {OVERRIDE_COLUMNS} FROM concept_overrides o "  # noqa: S608
                "WHERE NOT EXISTS "
                "(SELECT 1 FROM community_concepts c WHERE c.guild_id = o.guild_id AND c.slug = o.slug)"
            ) as cursor:
                overrides = [(row["guild_id"], _override_row(row)) for row in await cursor.fetchall()]
            for guild_id, override in overrides:
                await self._write_override_document(connection, guild_id, override)
        self._catalogues.clear()
        log.info("Indexed %d curated concepts and %d guild overrides", len(self.curated), len(overrides))

    async def _write_override_document(
        self, connection: aiosqlite.Connection, guild_id: int, override: OverrideRow | None, slug: str | None = None
    ) -> None:
        slug = override.slug if override is not None else slug
        await connection.execute("DELETE FROM concept_documents WHERE guild_id = ? AND slug = ?", (guild_id, slug))
        concept = self._curated_by_slug.get(slug or "")
        if concept is None:
            return
        entry = apply_override(concept, override)
        if _needs_document(entry):
            await connection.execute(INSERT_DOCUMENT, _document(guild_id, entry))

    async def search(self, guild_id: int, text: str, limit: int = 10) -> list[SearchHit]:
        """Full-text matches in this guild, best first: all words first; if none, any word.

        The FTS index ranks only curated and this guild's documents (scope tokens). Each query is first ranked on
        names, aliases and summaries alone, which is enough when it fills the page (and cheap: ranking a broad word
        over every details text is what costs); otherwise on every column. The top rows are then checked against
        the guild's catalogue: a curated document is skipped where the guild edited (its own document stands in),
        hid or shadowed that concept.
        """
        catalogue = await self.catalogue(guild_id)
        stale = catalogue.stale_curated
        attempts = [build_match_query(text)]
        if len(phrases(text)) > 1:
            attempts.append(build_match_query(text, any_phrase=True))
        for match in attempts:
            if match is None:
                continue
            for columns in (HEADLINE_COLUMNS, TEXT_COLUMNS):
                hits = await self._ranked(scoped(match, (CURATED_GUILD, guild_id), columns), limit, stale)
                if len(hits) >= limit or (hits and columns is TEXT_COLUMNS):
                    return hits
        return []

    async def _ranked(self, match: str, limit: int, stale: frozenset[str]) -> list[SearchHit]:
        query = """
            SELECT d.guild_id, d.slug, ranked.score
            FROM (
                SELECT rowid, bm25(concept_fts, 0.0, ?, ?, ?, ?) AS score
                FROM concept_fts WHERE concept_fts MATCH ? ORDER BY score LIMIT ?
            ) AS ranked
            JOIN concept_documents d ON d.id = ranked.rowid
            ORDER BY ranked.score, d.slug
        """
        rows = await self.db.fetchall(query, (*BM25_WEIGHTS, match, limit + len(stale)))
        hits = [
            SearchHit(row["slug"], float(row["score"]))
            for row in rows
            if not (row["guild_id"] == CURATED_GUILD and row["slug"] in stale)
        ]
        return hits[:limit]

    # --- Writing ------------------------------------------------------------------------------------------------

    async def add(self, guild_id: int, draft: ConceptDraft, *, author_id: int, now: datetime) -> Entry:
        """Add a community concept; raises ConceptClashError when its name or an alias is taken."""
        async with self.db.transaction() as connection:
            catalogue = await self._locked_catalogue(connection, guild_id)
            if problem := catalogue.clash(draft.terms):
                raise ConceptClashError(problem)
            slug = catalogue.new_slug(draft.name)
            row = CommunityRow(
                slug=slug,
                name=draft.name,
                aliases=draft.aliases,
                category=draft.category.value,
                summary=draft.summary,
                details=draft.details,
                created_by=author_id,
                created_at=now.isoformat(),
            )
            await self._insert_community(connection, guild_id, row)
        self._invalidate(guild_id)
        log.info("Guild %s: concept %r added by %s", guild_id, slug, author_id)
        return community_entry(row)

    async def _insert_community(self, connection: aiosqlite.Connection, guild_id: int, row: CommunityRow) -> None:
        await connection.execute(
            f"INSERT INTO community_concepts (guild_id, {COMMUNITY_COLUMNS}) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                row.slug,
                row.name,
                _aliases_to_json(row.aliases),
                row.category,
                row.summary,
                row.details,
                row.created_by,
                row.created_at,
                row.updated_by,
                row.updated_at,
            ),
        )
        await connection.execute(INSERT_DOCUMENT, _document(guild_id, community_entry(row)))

    async def edit(self, guild_id: int, slug: str, draft: ConceptDraft, *, editor_id: int, now: datetime) -> Entry:
        """Change a concept's text: a community concept is updated; a curated one gets this guild's override.

        Editing a hidden curated concept brings it back. The slug never changes, so links to it keep working.
        """
        async with self.db.transaction() as connection:
            catalogue = await self._locked_catalogue(connection, guild_id)
            entry = catalogue.get(slug, include_hidden=True)
            if entry is None:
                raise UnknownConceptError(slug)
            if problem := catalogue.clash(draft.terms, exclude_slug=slug):
                raise ConceptClashError(problem)
            if entry.origin is Origin.COMMUNITY:
                await connection.execute(
                    """
                    UPDATE community_concepts
                    SET name = ?, aliases = ?, category = ?, summary = ?, details = ?, updated_by = ?, updated_at = ?
                    WHERE guild_id = ? AND slug = ?
                    """,
                    (
                        draft.name,
                        _aliases_to_json(draft.aliases),
                        draft.category.value,
                        draft.summary,
                        draft.details,
                        editor_id,
                        now.isoformat(),
                        guild_id,
                        slug,
                    ),
                )
                await connection.execute(
                    "UPDATE concept_documents SET name = ?, aliases = ?, summary = ?, details = ? "
                    "WHERE guild_id = ? AND slug = ?",
                    (draft.name, " | ".join(draft.aliases), draft.summary, draft.details, guild_id, slug),
                )
            else:
                assert entry.curated is not None
                curated = entry.curated
                override = OverrideRow(
                    slug=slug,
                    hidden=False,
                    name=None if draft.name == curated.name else draft.name,
                    aliases=None if draft.aliases == tuple(curated.aliases) else draft.aliases,
                    category=None if draft.category is curated.category else draft.category.value,
                    summary=None if draft.summary == curated.summary else draft.summary,
                    details=None if draft.details == curated.details else draft.details,
                    updated_by=editor_id,
                    updated_at=now.isoformat(),
                )
                await self._save_override(connection, guild_id, override)
        self._invalidate(guild_id)
        log.info("Guild %s: concept %r edited by %s", guild_id, slug, editor_id)
        edited = (await self.catalogue(guild_id)).get(slug, include_hidden=True)
        assert edited is not None
        return edited

    async def _save_override(self, connection: aiosqlite.Connection, guild_id: int, override: OverrideRow) -> None:
        """Store an override, or delete it when it changes nothing; then refresh its search document."""
        if override.has_edits or override.hidden:
            await connection.execute(
                f"""
                INSERT INTO concept_overrides (guild_id, {OVERRIDE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (guild_id, slug) DO UPDATE SET
                    hidden = excluded.hidden, name = excluded.name, aliases = excluded.aliases,
                    category = excluded.category, summary = excluded.summary, details = excluded.details,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """,  # noqa: S608
                (
                    guild_id,
                    override.slug,
                    int(override.hidden),
                    override.name,
                    _aliases_to_json(override.aliases),
                    override.category,
                    override.summary,
                    override.details,
                    override.updated_by,
                    override.updated_at,
                ),
            )
            await self._write_override_document(connection, guild_id, override)
        else:
            await connection.execute(
                "DELETE FROM concept_overrides WHERE guild_id = ? AND slug = ?", (guild_id, override.slug)
            )
            await self._write_override_document(connection, guild_id, None, override.slug)

    async def _current_override(
        self, connection: aiosqlite.Connection, guild_id: int, slug: str
    ) -> tuple[Entry, OverrideRow | None]:
        catalogue = await self._locked_catalogue(connection, guild_id)
        entry = catalogue.get(slug, include_hidden=True)
        if entry is None or not entry.is_curated:
            raise UnknownConceptError(slug)
        async with connection.execute(
            f"SELECT {OVERRIDE_COLUMNS} FROM concept_overrides WHERE guild_id = ? AND slug = ?",  # noqa: S608
            (guild_id, slug),
        ) as cursor:
            row = await cursor.fetchone()
        return entry, (_override_row(row) if row is not None else None)

    async def set_hidden(self, guild_id: int, slug: str, hidden: bool, *, moderator_id: int, now: datetime) -> Entry:
        """Hide a curated concept in this guild, or bring it back (its edits, if any, are kept either way)."""
        async with self.db.transaction() as connection:
            entry, current = await self._current_override(connection, guild_id, slug)
            override = OverrideRow(
                slug=slug,
                hidden=hidden,
                name=current.name if current else None,
                aliases=current.aliases if current else None,
                category=current.category if current else None,
                summary=current.summary if current else None,
                details=current.details if current else None,
                updated_by=moderator_id,
                updated_at=now.isoformat(),
            )
            await self._save_override(connection, guild_id, override)
        self._invalidate(guild_id)
        log.info("Guild %s: curated concept %r %s by %s", guild_id, slug, "hidden" if hidden else "shown", moderator_id)
        return apply_override(entry.curated, override) if entry.curated else entry

    async def restore_curated(self, guild_id: int, slug: str) -> Entry:
        """Drop this guild's edits and hidden flag of a curated concept: it reads as in the file again."""
        async with self.db.transaction() as connection:
            entry, _ = await self._current_override(connection, guild_id, slug)
            await connection.execute("DELETE FROM concept_overrides WHERE guild_id = ? AND slug = ?", (guild_id, slug))
            await self._write_override_document(connection, guild_id, None, slug)
        self._invalidate(guild_id)
        log.info("Guild %s: curated concept %r restored", guild_id, slug)
        assert entry.curated is not None
        return apply_override(entry.curated, None)

    async def delete(self, guild_id: int, slug: str) -> Entry:
        """Delete a community concept; raises UnknownConceptError when there is none with this slug."""
        async with self.db.transaction() as connection:
            async with connection.execute(
                f"SELECT {COMMUNITY_COLUMNS} FROM community_concepts WHERE guild_id = ? AND slug = ?",  # noqa: S608
                (guild_id, slug),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                raise UnknownConceptError(slug)
            await connection.execute("DELETE FROM community_concepts WHERE guild_id = ? AND slug = ?", (guild_id, slug))
            await connection.execute("DELETE FROM concept_documents WHERE guild_id = ? AND slug = ?", (guild_id, slug))
        self._invalidate(guild_id)
        log.info("Guild %s: community concept %r deleted", guild_id, slug)
        return community_entry(_community_row(row))

    # --- /nexus stats, export, import ----------------------------------------------------------------------------

    async def counts(self, guild_id: int) -> dict[str, int]:
        """The figures /nexus stats shows: concepts visible in this guild (curated and community)."""
        return {"concepts": len((await self.catalogue(guild_id)).visible)}

    async def export_guild(self, guild_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything moderators wrote for /concept in this guild, JSON-ready, in a stable order."""
        overrides, community = await self._rows(self.db.fetchall, guild_id)
        return {
            "concepts": [
                {
                    "slug": row.slug,
                    "name": row.name,
                    "aliases": list(row.aliases),
                    "category": row.category,
                    "summary": row.summary,
                    "details": row.details,
                    "created_by": row.created_by,
                    "created_at": row.created_at,
                    "updated_by": row.updated_by,
                    "updated_at": row.updated_at,
                }
                for row in community
            ],
            "concept_overrides": [
                {
                    "slug": row.slug,
                    "hidden": row.hidden,
                    "name": row.name,
                    "aliases": None if row.aliases is None else list(row.aliases),
                    "category": row.category,
                    "summary": row.summary,
                    "details": row.details,
                    "updated_by": row.updated_by,
                    "updated_at": row.updated_at,
                }
                for row in overrides
            ],
        }

    async def import_guild(self, guild_id: int, data: dict[str, list[dict[str, Any]]]) -> None:
        """Restore what `export_guild` produced (into a database without this guild's concepts), in one transaction."""
        community = [
            CommunityRow(
                slug=str(item["slug"]),
                name=str(item["name"]),
                aliases=tuple(str(alias) for alias in item.get("aliases") or ()),
                category=str(item["category"]),
                summary=str(item["summary"]),
                details=str(item["details"]),
                created_by=int(item["created_by"]),
                created_at=str(item["created_at"]),
                updated_by=None if item.get("updated_by") is None else int(item["updated_by"]),
                updated_at=None if item.get("updated_at") is None else str(item["updated_at"]),
            )
            for item in data.get("concepts", [])
        ]
        overrides = [
            OverrideRow(
                slug=str(item["slug"]),
                hidden=bool(item.get("hidden", False)),
                name=item.get("name"),
                aliases=None if item.get("aliases") is None else tuple(str(alias) for alias in item["aliases"]),
                category=item.get("category"),
                summary=item.get("summary"),
                details=item.get("details"),
                updated_by=int(item["updated_by"]),
                updated_at=str(item["updated_at"]),
            )
            for item in data.get("concept_overrides", [])
        ]
        async with self.db.transaction() as connection:
            for row in community:
                await self._insert_community(connection, guild_id, row)
            for override in overrides:
                await connection.execute(
                    f"INSERT INTO concept_overrides (guild_id, {OVERRIDE_COLUMNS}) "  # noqa: S608
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        override.slug,
                        int(override.hidden),
                        override.name,
                        _aliases_to_json(override.aliases),
                        override.category,
                        override.summary,
                        override.details,
                        override.updated_by,
                        override.updated_at,
                    ),
                )
                if override.slug not in {row.slug for row in community}:
                    await self._write_override_document(connection, guild_id, override)
        self._invalidate(guild_id)
        log.info("Guild %s: imported %d concepts and %d overrides", guild_id, len(community), len(overrides))
