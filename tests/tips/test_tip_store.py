"""The /tip store on a real SQLite file: schedules, exactly-once claims, the rotation, suggestions, export/import."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.content import load_default_content
from bot.database import Database
from cogs.tips.rotation import TipEntry, community_key
from cogs.tips.store import (
    SUGGESTIONS_PER_DAY,
    AlreadyReviewedError,
    SuggestionLimitError,
    TipStore,
    entry_from_tip,
)

GUILD, OTHER_GUILD = 111, 222
CHANNEL = 555
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CURATED = [
    TipEntry("curated:a", "Tip A", "Body A", "django", concept="django-migrations"),
    TipEntry("curated:b", "Tip B", "Body B", "docker"),
    TipEntry("curated:c", "Tip C", "Body C", "django", link="https://example.org/"),
]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture
def store(db: Database) -> TipStore:
    return TipStore(db, CURATED)


async def suggest(store: TipStore, guild: int = GUILD, author: int = 7, title: str = "Mine", **extra: object) -> int:
    fields: dict[str, object] = {"body": "Do the thing.", "category": "caching", "concept": None, "link": None}
    fields.update(extra)
    suggestion = await store.add_suggestion(guild, author, title=title, now=NOW, **fields)  # type: ignore[arg-type]
    return suggestion.id


async def test_schedule_set_replace_remove(store: TipStore) -> None:
    assert await store.get_schedule(GUILD) is None
    plan = await store.set_schedule(GUILD, CHANNEL, 0, time(9, 30), "Africa/Lagos", NOW, 42)
    assert await store.get_schedule(GUILD) == plan
    replaced = await store.set_schedule(GUILD, 556, 4, time(18, 0), "UTC", NOW + timedelta(hours=1), 43)
    assert await store.get_schedule(GUILD) == replaced
    assert [p.guild_id for p in await store.all_schedules()] == [GUILD]
    assert await store.remove_schedule(GUILD) is True
    assert await store.remove_schedule(GUILD) is False
    assert await store.get_schedule(GUILD) is None


async def test_a_week_is_claimed_once(store: TipStore) -> None:
    claim = await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW)
    assert claim is not None and claim.tip.key == "curated:a"
    assert await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) is None
    await store.mark_sent(claim.post_id, 999, NOW)
    assert await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) is None
    # Another guild's week and the next week are independent.
    assert await store.claim_scheduled(OTHER_GUILD, "2026-W02", NOW, CHANNEL, NOW) is not None
    nxt = await store.claim_scheduled(GUILD, "2026-W03", NOW + timedelta(days=7), CHANNEL, NOW + timedelta(days=7))
    assert nxt is not None and nxt.tip.key == "curated:b"
    assert await store.has_slot(GUILD, "2026-W02") and not await store.has_slot(GUILD, "2026-W04")
    assert await store.slots(GUILD, ["2026-W02", "2026-W04"]) == {"2026-W02"}
    assert await store.recorded_slots(["2026-W02", "2026-W03", "2026-W02"]) == {
        (GUILD, "2026-W02"),
        (OTHER_GUILD, "2026-W02"),
        (GUILD, "2026-W03"),
    }
    assert await store.recorded_slots([]) == set()


async def test_concurrent_claims_of_one_week_give_one_post(db: Database, tmp_path: Path) -> None:
    # Two stores (as two loops, or a second process on the same file) race for the same week.
    second_db = await Database.open(tmp_path / "t.db")
    try:
        stores = [TipStore(db, CURATED), TipStore(second_db, CURATED)] * 5
        claims = await asyncio.gather(*(s.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) for s in stores))
    finally:
        await second_db.close()
    assert sum(claim is not None for claim in claims) == 1
    assert len(await TipStore(db, CURATED).posts(GUILD)) == 1


async def test_failed_and_skipped_weeks_are_final_and_keep_the_tip_first_in_line(store: TipStore) -> None:
    claim = await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW)
    assert claim is not None
    await store.mark_failed(claim.post_id, "channel deleted", NOW)
    assert await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) is None  # never retried: at most once
    last = await store.last_scheduled(GUILD)
    assert last is not None and (last.status, last.error) == ("failed", "channel deleted")
    assert await store.record_skipped(GUILD, "2026-W03", NOW, CHANNEL, "too late", NOW) is True
    assert await store.record_skipped(GUILD, "2026-W03", NOW, CHANNEL, "too late", NOW) is False
    assert await store.claim_scheduled(GUILD, "2026-W03", NOW, CHANNEL, NOW) is None
    # Tip A was never shown: it is still next.
    again = await store.claim_scheduled(GUILD, "2026-W04", NOW, CHANNEL, NOW)
    assert again is not None and again.tip.key == "curated:a"
    assert (await store.counts(GUILD))["tips_posted"] == 0
    await store.mark_sent(again.post_id, 1, NOW)
    assert (await store.counts(GUILD))["tips_posted"] == 1
    last_posted = await store.last_posted(GUILD)
    assert last_posted is not None and last_posted.title == "Tip A"


async def test_an_interrupted_send_counts_as_posted(store: TipStore) -> None:
    claim = await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW)
    assert claim is not None  # never marked: the bot stopped mid-send
    assert (await store.peek_next(GUILD)) == CURATED[1]


async def test_rotation_cycles_curated_and_approved_tips_without_repeats(store: TipStore) -> None:
    picked = []
    for _ in range(3):
        claim = await store.claim_now(GUILD, CHANNEL, None, NOW)
        assert claim is not None
        await store.mark_sent(claim.post_id, None, NOW)
        picked.append(claim.tip.key)
    assert picked == ["curated:a", "curated:b", "curated:c"]
    # A member's tip approved now goes out before any repeat.
    suggestion_id = await suggest(store)
    approved = await store.review(GUILD, suggestion_id, approve=True, reviewer_id=1, now=NOW)
    assert approved is not None
    claim = await store.claim_now(GUILD, CHANNEL, None, NOW)
    assert claim is not None and claim.tip.key == community_key(approved.number)
    assert claim.tip.author_id == 7 and claim.tip.is_community
    await store.mark_sent(claim.post_id, None, NOW)
    picked = []
    for _ in range(4):
        claim = await store.claim_now(GUILD, CHANNEL, None, NOW)
        assert claim is not None
        picked.append(claim.tip.key)
    assert picked == ["curated:a", "curated:b", "curated:c", "community:1"]
    # The other guild never saw this guild's member tip.
    assert [tip.key for tip in await store.pool(OTHER_GUILD)] == [tip.key for tip in CURATED]


async def test_now_by_category(store: TipStore) -> None:
    first = await store.claim_now(GUILD, CHANNEL, "django", NOW)
    second = await store.claim_now(GUILD, CHANNEL, "django", NOW)
    third = await store.claim_now(GUILD, CHANNEL, "django", NOW)
    assert [c.tip.key for c in (first, second, third) if c] == ["curated:a", "curated:c", "curated:a"]
    assert await store.claim_now(GUILD, CHANNEL, "security", NOW) is None
    # The weekly rotation continues with the least recently posted: B.
    claim = await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW)
    assert claim is not None and claim.tip.key == "curated:b"


async def test_empty_pool_skips_the_week(db: Database) -> None:
    store = TipStore(db, [])
    assert await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) is None
    last = await store.last_scheduled(GUILD)
    assert last is not None and last.status == "skipped"


async def test_suggestions_review_flow(store: TipStore) -> None:
    first = await suggest(store, title="First", concept="django-migrations", link="https://example.org/")
    second = await suggest(store, author=8, title="Second")
    other = await suggest(store, guild=OTHER_GUILD, title="Elsewhere")
    assert (await store.counts(GUILD))["tips_pending"] == 2
    oldest = await store.oldest_pending(GUILD)
    assert oldest is not None and (oldest.id, oldest.number, oldest.concept) == (first, 1, "django-migrations")
    reviewed = await store.review(GUILD, first, approve=True, reviewer_id=1, now=NOW)
    assert reviewed is not None and (reviewed.status, reviewed.reviewed_by) == ("approved", 1)
    with pytest.raises(AlreadyReviewedError) as caught:
        await store.review(GUILD, first, approve=False, reviewer_id=2, now=NOW)
    assert caught.value.suggestion.status == "approved"
    assert await store.review(GUILD, other, approve=True, reviewer_id=1, now=NOW) is None  # not this guild's
    rejected = await store.review(GUILD, second, approve=False, reviewer_id=1, now=NOW)
    assert rejected is not None and rejected.status == "rejected"
    assert await store.oldest_pending(GUILD) is None
    assert [tip.title for tip in await store.pool(GUILD)] == ["Tip A", "Tip B", "Tip C", "First"]
    numbers = [(await suggest(store, guild=OTHER_GUILD, author=9)), await suggest(store, author=9)]
    assert [(await store.get_suggestion(g, i)).number for g, i in zip((OTHER_GUILD, GUILD), numbers, strict=True)] == [  # type: ignore[union-attr]
        2,
        3,
    ]


async def test_daily_suggestion_limit(store: TipStore) -> None:
    for index in range(SUGGESTIONS_PER_DAY):
        assert await store.suggestion_retry_at(GUILD, 7, NOW + timedelta(minutes=index)) is None
        await store.add_suggestion(
            GUILD,
            7,
            title=f"T{index}",
            body="b",
            category="python",
            concept=None,
            link=None,
            now=NOW + timedelta(minutes=index),
        )
    later = NOW + timedelta(hours=2)
    assert await store.suggestion_retry_at(GUILD, 7, later) == NOW + timedelta(days=1)
    with pytest.raises(SuggestionLimitError) as caught:
        await store.add_suggestion(GUILD, 7, title="T", body="b", category="python", concept=None, link=None, now=later)
    assert caught.value.retry_at == NOW + timedelta(days=1)
    # Another member, or the same member in another guild, is not limited; a day later this member is not either.
    assert await store.suggestion_retry_at(GUILD, 8, later) is None
    assert await store.suggestion_retry_at(OTHER_GUILD, 7, later) is None
    assert await store.suggestion_retry_at(GUILD, 7, NOW + timedelta(days=1, seconds=1)) is None


async def test_export_import_round_trip(store: TipStore, tmp_path: Path) -> None:
    await store.set_schedule(GUILD, CHANNEL, 2, time(7, 5), "Europe/London", NOW, 42)
    approved = await suggest(store, title="Approved", concept="django-migrations", link="https://example.org/")
    await suggest(store, title="Pending")
    await store.review(GUILD, approved, approve=True, reviewer_id=1, now=NOW)
    claim = await store.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW)
    assert claim is not None
    await store.mark_sent(claim.post_id, 1234, NOW)
    await store.record_skipped(GUILD, "2026-W03", NOW, CHANNEL, "too late", NOW)
    failed = await store.claim_now(GUILD, CHANNEL, None, NOW)
    assert failed is not None
    await store.mark_failed(failed.post_id, "oops", NOW)
    await store.set_schedule(OTHER_GUILD, 9, 0, time(9, 0), "UTC", NOW, 1)  # another guild's data stays out

    exported = await store.export_guild(GUILD)
    assert json.loads(json.dumps(exported)) == exported  # JSON-ready
    assert [len(exported[table]) for table in ("tip_schedules", "tip_suggestions", "tip_posts")] == [1, 2, 3]

    fresh_db = await Database.open(tmp_path / "fresh.db")
    try:
        fresh = TipStore(fresh_db, CURATED)
        await fresh.import_guild(GUILD, exported)
        assert await fresh.export_guild(GUILD) == exported
        assert await fresh.export_guild(OTHER_GUILD) == {"tip_schedules": [], "tip_suggestions": [], "tip_posts": []}
        # The restored data works: the week stays claimed, the rotation continues where it was.
        assert await fresh.claim_scheduled(GUILD, "2026-W02", NOW, CHANNEL, NOW) is None
        assert await fresh.get_schedule(GUILD) == await store.get_schedule(GUILD)
        assert (await fresh.peek_next(GUILD)) == (await store.peek_next(GUILD))
        assert await fresh.counts(GUILD) == await store.counts(GUILD)
    finally:
        await fresh_db.close()


async def test_community_concepts_can_be_linked(store: TipStore, db: Database) -> None:
    assert await store.community_concept_slugs(GUILD) == []
    await db.execute(
        "INSERT INTO community_concepts (guild_id, slug, name, category, summary, details, created_by, created_at) "
        "VALUES (?, 'our-stack', 'Our stack', 'python', 'What we use here.', 'Details.', 1, ?)",
        (GUILD, NOW.isoformat()),
    )
    assert await store.community_concept_slugs(GUILD) == ["our-stack"]
    assert await store.community_concept_slugs(OTHER_GUILD) == []


def test_curated_tips_become_entries() -> None:
    content = load_default_content()
    entries = [entry_from_tip(tip) for tip in content.tips]
    assert len({entry.key for entry in entries}) == len(entries) > 0
    assert all(entry.key.startswith("curated:") and not entry.is_community for entry in entries)
    assert all(entry.link is None or entry.link.startswith("https://") for entry in entries)
