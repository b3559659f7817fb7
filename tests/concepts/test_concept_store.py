"""The /concept store on a real SQLite file: community concepts, overrides, hiding, FTS5 search, export and import."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from bot.content import Category, Concept
from bot.database import Database
from cogs.concepts.catalogue import ConceptClashError, Origin, UnknownConceptError, curated_entry
from cogs.concepts.drafts import ConceptDraft, parse_draft
from cogs.concepts.store import ConceptStore

GUILD, OTHER = 111, 222
MOD = 9


def draft(name: str = "Celery", aliases: str = "task queue", category: str = "async", **fields: str) -> ConceptDraft:
    return parse_draft(
        name,
        aliases,
        category,
        fields.get("summary", f"{name}: a one-line summary for learners."),
        fields.get("details", f"All about {name}: workers, brokers and retries."),
    )


async def slugs(store: ConceptStore, guild_id: int, text: str) -> list[str]:
    return [hit.slug for hit in await store.search(guild_id, text)]


async def test_add_stores_a_community_concept_scoped_by_guild(store: ConceptStore, now: datetime) -> None:
    entry = await store.add(GUILD, draft(), author_id=MOD, now=now)
    assert entry.slug == "celery" and entry.origin is Origin.COMMUNITY
    assert (await store.catalogue(GUILD)).get("celery") is not None
    assert (await store.catalogue(OTHER)).get("celery") is None
    assert await store.counts(GUILD) == {"concepts": 6}
    assert await store.counts(OTHER) == {"concepts": 5}
    assert await slugs(store, GUILD, "retries") == ["celery"]
    assert await slugs(store, OTHER, "retries") == []


@pytest.mark.parametrize(
    ("name", "aliases", "owner"),
    [
        ("DJANGO", "", "“DJANGO” is already the name of the concept “Django”"),
        ("Something", "QuerySet", "“QuerySet” is already an alias of the concept “Django ORM”"),
        ("celery", "", "“celery” is already the name of the concept “Celery”"),
        ("Beat", "Task Queue", "“Task Queue” is already an alias of the concept “Celery”"),
    ],
)
async def test_add_refuses_a_taken_name_or_alias(
    store: ConceptStore, now: datetime, name: str, aliases: str, owner: str
) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    with pytest.raises(ConceptClashError, match=owner):
        await store.add(GUILD, draft(name, aliases), author_id=MOD, now=now)
    assert await store.counts(GUILD) == {"concepts": 6}


async def test_same_name_in_another_guild_is_fine(store: ConceptStore, now: datetime) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    await store.add(OTHER, draft(), author_id=MOD, now=now)
    assert await store.counts(OTHER) == {"concepts": 6}


async def test_concurrent_adds_of_one_name_let_exactly_one_win(store: ConceptStore, now: datetime) -> None:
    results = await asyncio.gather(
        *(store.add(GUILD, draft(), author_id=MOD + index, now=now) for index in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(result, BaseException) for result in results) == 1
    assert all(isinstance(result, ConceptClashError) for result in results if isinstance(result, BaseException))


async def test_editing_a_community_concept_updates_it_and_its_index(store: ConceptStore, now: datetime) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    edited = await store.edit(
        GUILD, "celery", draft("Celery workers", "", details="Prefork pools and autoscaling."), editor_id=2, now=now
    )
    assert edited.slug == "celery" and edited.name == "Celery workers" and edited.aliases == ()
    assert await slugs(store, GUILD, "autoscaling") == ["celery"]
    assert await slugs(store, GUILD, "retries") == []
    assert (await store.catalogue(GUILD)).find_exact("task queue") is None


async def test_editing_a_curated_concept_creates_a_guild_override(
    store: ConceptStore, now: datetime, curated: tuple[Concept, ...]
) -> None:
    original = curated[0]
    edited = await store.edit(
        GUILD,
        "django",
        parse_draft(original.name, "django framework", "django", original.summary, "Our server's own notes on views."),
        editor_id=MOD,
        now=now,
    )
    assert edited.origin is Origin.EDITED and edited.details == "Our server's own notes on views."
    assert edited.level == original.level and edited.curated is original
    assert await slugs(store, GUILD, "notes") == ["django"]
    assert "django" not in await slugs(store, GUILD, "admin site")  # the curated text no longer stands for it here
    assert "django" in await slugs(store, OTHER, "admin site")
    assert (await store.catalogue(OTHER)).get("django") == curated_entry(original)
    exported = await store.export_guild(GUILD)
    assert exported["concept_overrides"][0]["details"] == "Our server's own notes on views."
    assert exported["concept_overrides"][0]["summary"] is None  # unchanged fields follow the file


def curated_entry_of(concept: Concept):
    from cogs.concepts.catalogue import curated_entry

    return curated_entry(concept)


async def test_an_edit_back_to_the_curated_text_drops_the_override(
    store: ConceptStore, now: datetime, curated: tuple[Concept, ...]
) -> None:
    original = curated[1]
    texts = (original.name, ", ".join(original.aliases), original.category.value, original.summary)
    await store.edit(GUILD, original.slug, parse_draft(*texts, "Changed."), editor_id=MOD, now=now)
    entry = await store.edit(GUILD, original.slug, parse_draft(*texts, original.details), editor_id=MOD, now=now)
    assert entry.origin is Origin.CURATED
    assert (await store.export_guild(GUILD))["concept_overrides"] == []


async def test_an_edit_may_not_take_another_concepts_name(store: ConceptStore, now: datetime) -> None:
    with pytest.raises(ConceptClashError, match="Caching"):
        await store.edit(GUILD, "redis", draft("Caching", "", "caching"), editor_id=MOD, now=now)


async def test_editing_an_unknown_concept_fails(store: ConceptStore, now: datetime) -> None:
    with pytest.raises(UnknownConceptError):
        await store.edit(GUILD, "nope", draft(), editor_id=MOD, now=now)


async def test_hiding_a_curated_concept_removes_it_everywhere_in_that_guild_only(
    store: ConceptStore, now: datetime
) -> None:
    await store.set_hidden(GUILD, "redis", True, moderator_id=MOD, now=now)
    catalogue = await store.catalogue(GUILD)
    assert catalogue.get("redis") is None and catalogue.find_exact("redis") is None
    assert await slugs(store, GUILD, "redis") == []
    assert await slugs(store, OTHER, "redis") == ["redis"]
    assert await store.counts(GUILD) == {"concepts": 4}
    django = catalogue.get("django")
    assert django is not None


async def test_unhiding_keeps_the_guilds_edits(store: ConceptStore, now: datetime) -> None:
    await store.edit(
        GUILD, "redis", draft("Redis", "key-value store", "caching", details="Our notes."), editor_id=MOD, now=now
    )
    await store.set_hidden(GUILD, "redis", True, moderator_id=MOD, now=now)
    assert await slugs(store, GUILD, "notes") == []
    entry = await store.set_hidden(GUILD, "redis", False, moderator_id=MOD, now=now)
    assert entry.details == "Our notes." and not entry.hidden
    assert await slugs(store, GUILD, "notes") == ["redis"]


async def test_editing_a_hidden_concept_brings_it_back(store: ConceptStore, now: datetime) -> None:
    await store.set_hidden(GUILD, "redis", True, moderator_id=MOD, now=now)
    entry = await store.edit(GUILD, "redis", draft("Redis", "", "caching"), editor_id=MOD, now=now)
    assert not entry.hidden
    assert (await store.catalogue(GUILD)).get("redis") is not None


async def test_restore_drops_edits_and_hidden_flag(
    store: ConceptStore, now: datetime, curated: tuple[Concept, ...]
) -> None:
    await store.edit(GUILD, "redis", draft("Redis cache", "", "caching"), editor_id=MOD, now=now)
    await store.set_hidden(GUILD, "redis", True, moderator_id=MOD, now=now)
    entry = await store.restore_curated(GUILD, "redis")
    assert entry.name == "Redis" and entry.origin is Origin.CURATED and not entry.hidden
    assert await slugs(store, GUILD, "redis") == ["redis"]
    assert (await store.export_guild(GUILD))["concept_overrides"] == []


async def test_hide_and_restore_apply_to_curated_concepts_only(store: ConceptStore, now: datetime) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    with pytest.raises(UnknownConceptError):
        await store.set_hidden(GUILD, "celery", True, moderator_id=MOD, now=now)
    with pytest.raises(UnknownConceptError):
        await store.restore_curated(GUILD, "celery")
    with pytest.raises(UnknownConceptError):
        await store.delete(GUILD, "django")


async def test_delete_removes_a_community_concept_and_frees_its_name(store: ConceptStore, now: datetime) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    deleted = await store.delete(GUILD, "celery")
    assert deleted.name == "Celery"
    assert await slugs(store, GUILD, "retries") == []
    assert await store.counts(GUILD) == {"concepts": 5}
    assert (await store.add(GUILD, draft(), author_id=MOD, now=now)).slug == "celery"


async def test_a_slug_taken_by_a_differently_named_concept_gets_a_suffix(store: ConceptStore, now: datetime) -> None:
    entry = await store.add(GUILD, draft("Redis!", ""), author_id=MOD, now=now)
    assert entry.slug == "redis-2"


# --- Search ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("cache", "caching"),  # a name/alias hit beats a details hit
        ("Query the database", "django-orm"),
        ("seek", "database-indexes"),  # details only
        ("lazy chainable", "django-orm"),
        ("how do I make lookups fast", "database-indexes"),  # no document has every word: any word, ranked
        ("select_related", "django-orm"),
        ("B-tree", "database-indexes"),
    ],
)
async def test_search_ranks_what_a_member_means(store: ConceptStore, text: str, first: str) -> None:
    assert (await slugs(store, GUILD, text))[0] == first


async def test_names_weigh_more_than_details(store: ConceptStore, now: datetime) -> None:
    await store.add(
        GUILD,
        draft("Broker", "", "async", details="Holds messages between producers and consumers."),
        author_id=MOD,
        now=now,
    )
    await store.add(
        GUILD,
        draft("Kombu", "", "async", details="A messaging library; a broker connection pool."),
        author_id=MOD,
        now=now,
    )
    # name (Broker) > summary (Redis: "a cache and a broker") > details (Kombu)
    assert await slugs(store, GUILD, "broker") == ["broker", "redis", "kombu"]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"""',
        "*",
        "cache*",
        "NEAR(cache redis)",
        "cache AND",
        "OR",
        "NOT cache",
        "(cache",
        "name:redis",
        "^redis",
        "redis -cache",
        "a" * 200,
        "@everyone **bold**",
        "'; DROP TABLE community_concepts; --",
        "\x00",
        "…",
    ],
)
async def test_fts_syntax_in_queries_is_harmless(store: ConceptStore, text: str) -> None:
    await store.search(GUILD, text)  # never raises
    assert await store.counts(GUILD) == {"concepts": 5}


async def test_search_limit(store: ConceptStore, now: datetime) -> None:
    for index in range(15):
        await store.add(GUILD, draft(f"Worker pool {index}", ""), author_id=MOD, now=now)
    assert len(await slugs(store, GUILD, "worker")) == 10


# --- Restart, export, import ----------------------------------------------------------------------------------------


async def test_a_restart_keeps_everything_and_refreshes_curated_text(
    tmp_path: Path, now: datetime, curated: tuple[Concept, ...], make_concept
) -> None:
    db = await Database.open(tmp_path / "r.db")
    store = ConceptStore(db, curated)
    await store.sync_curated()
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    redis = next(item for item in curated if item.slug == "redis")
    await store.edit(
        GUILD,
        "redis",
        draft("Redis", "key-value store", "caching", summary=redis.summary, details="Guild notes."),
        editor_id=MOD,
        now=now,
    )
    await db.close()

    # A new release: redis's summary changed and database-indexes was retired.
    changed = tuple(
        make_concept("redis", "Redis", "key-value store", category=Category.CACHING, summary="Fresh curated summary.")
        if item.slug == "redis"
        else item
        for item in curated
        if item.slug != "database-indexes"
    )
    db = await Database.open(tmp_path / "r.db")
    store = ConceptStore(db, changed)
    await store.sync_curated()
    catalogue = await store.catalogue(GUILD)
    entry = catalogue.get("redis")
    assert entry is not None and entry.summary == "Fresh curated summary." and entry.details == "Guild notes."
    assert catalogue.get("celery") is not None and catalogue.get("database-indexes") is None
    assert await slugs(store, GUILD, "fresh") == ["redis"]
    assert await slugs(store, GUILD, "seek") == []
    await store.sync_curated()  # idempotent
    assert await slugs(store, GUILD, "fresh") == ["redis"]
    await db.close()


async def test_export_import_round_trip(tmp_path: Path, store: ConceptStore, now: datetime) -> None:
    await store.add(GUILD, draft(), author_id=MOD, now=now)
    await store.add(GUILD, draft("Kafka", "event log, streams", "scalability"), author_id=MOD, now=now)
    await store.edit(GUILD, "celery", draft("Celery", "", details="Edited."), editor_id=3, now=now)
    await store.edit(GUILD, "django", draft("Django", "", "django", details="Ours."), editor_id=MOD, now=now)
    await store.set_hidden(GUILD, "redis", True, moderator_id=MOD, now=now)
    exported = await store.export_guild(GUILD)
    assert [row["slug"] for row in exported["concepts"]] == ["celery", "kafka"]
    assert [row["slug"] for row in exported["concept_overrides"]] == ["django", "redis"]

    fresh_db = await Database.open(tmp_path / "fresh.db")
    fresh = ConceptStore(fresh_db, store.curated)
    await fresh.sync_curated()
    await fresh.import_guild(GUILD, exported)
    assert await fresh.export_guild(GUILD) == exported
    assert await fresh.counts(GUILD) == await store.counts(GUILD)
    assert await slugs(fresh, GUILD, "ours") == ["django"]
    assert await slugs(fresh, GUILD, "event log") == ["kafka"]
    assert await slugs(fresh, GUILD, "redis") == []
    await fresh_db.close()


async def test_export_of_an_untouched_guild_is_empty(store: ConceptStore) -> None:
    assert await store.export_guild(GUILD) == {"concepts": [], "concept_overrides": []}


async def test_the_index_holds_one_curated_copy(db: Database, store: ConceptStore) -> None:
    await store.sync_curated()
    assert await db.fetchval("SELECT count(*) FROM concept_documents WHERE guild_id = 0") == 5
    assert await db.fetchval("SELECT count(*) FROM concept_fts") == 5
    assert await db.check() == []
