"""The challenge store on a real SQLite file: numbering, seeding, solutions, accept, delete, helpful votes, search,
listing, the leaderboard, counts, export and import."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.database import Database
from bot.errors import ConflictError, NotAllowedError, NotFoundError
from cogs.challenges.models import Challenge, CuratedSeed
from cogs.challenges.store import ChallengeStore
from cogs.challenges.validation import ChallengeInput, validate_challenge

GUILD, OTHER = 111, 222
ALICE, BOB, CAROL, MOD = 1, 2, 3, 9


def data(title: str, description: str = "Something went wrong.", solution: str = "", tags: str = "") -> ChallengeInput:
    return validate_challenge(title, description, solution, tags)


async def log(
    store: ChallengeStore, now: datetime, title: str, author: int = ALICE, guild: int = GUILD, **fields: str
) -> Challenge:
    challenge, _ = await store.create_challenge(guild, author, data(title, **fields), now)
    return challenge


async def numbers(store: ChallengeStore, text: str, guild: int = GUILD, tag: str | None = None) -> list[int]:
    result = await store.search(guild, text, tag, limit=50)
    return [hit.challenge.number for hit in result.hits]


# Seeding.


async def test_curated_challenges_are_planted_once_as_the_first_numbers(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    assert await store.seed_curated(GUILD, seeds, now) == 3
    assert await store.seed_curated(GUILD, seeds, now) == 0
    for number, seed in enumerate(seeds, start=1):
        challenge, solutions = await store.show(GUILD, number)
        assert challenge.title == seed.title and challenge.curated_slug == seed.slug
        assert challenge.author_id is None and challenge.status == "solved"
        assert challenge.tags == seed.tags
        [solution] = solutions
        assert solution.accepted and solution.author_id is None and solution.body == seed.solution
    assert await store.counts(GUILD) == {"challenges_open": 0, "challenges_solved": 3, "solutions": 3}
    assert await store.counts(OTHER) == {"challenges_open": 0, "challenges_solved": 0, "solutions": 0}


async def test_concurrent_seeding_plants_once(store: ChallengeStore, seeds: list[CuratedSeed], now: datetime) -> None:
    planted = await asyncio.gather(*(store.seed_curated(GUILD, seeds, now) for _ in range(5)))
    assert sorted(planted) == [0, 0, 0, 0, 3]
    assert await store.curated_slugs(GUILD) == {seed.slug for seed in seeds}


async def test_a_deleted_curated_challenge_is_not_planted_again(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    await store.seed_curated(GUILD, seeds, now)
    await store.delete(GUILD, 2, MOD, is_moderator=True, now=now)
    assert await store.seed_curated(GUILD, seeds, now) == 0
    new = await log(store, now, "After the curated ones")
    assert new.number == 4


async def test_a_new_curated_entry_is_planted_after_existing_challenges(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    await store.seed_curated(GUILD, seeds[:2], now)
    await log(store, now, "A member's challenge")
    assert await store.seed_curated(GUILD, seeds, now) == 1
    challenge = await store.get(GUILD, 4)
    assert challenge.curated_slug == seeds[2].slug


# Logging and numbering.


async def test_numbers_are_per_guild(store: ChallengeStore, now: datetime) -> None:
    assert (await log(store, now, "First here")).number == 1
    assert (await log(store, now, "Second here")).number == 2
    assert (await log(store, now, "First there", guild=OTHER)).number == 1
    with pytest.raises(NotFoundError, match="no challenge #2 in this server"):
        await store.get(OTHER, 2)


async def test_concurrent_logs_get_distinct_numbers(store: ChallengeStore, now: datetime) -> None:
    created = await asyncio.gather(*(log(store, now, f"Challenge {i}", author=i) for i in range(20)))
    assert sorted(c.number for c in created) == list(range(1, 21))


async def test_a_challenge_logged_with_its_solution_is_solved_by_its_author(
    store: ChallengeStore, now: datetime
) -> None:
    challenge, solution = await store.create_challenge(
        GUILD, ALICE, data("Docker build slow", "Every build reinstalls deps", "Copy requirements first", "docker"), now
    )
    assert challenge.status == "solved" and challenge.solution_count == 1
    assert solution is not None and solution.accepted and solution.author_id == ALICE and solution.number == 1
    shown, solutions = await store.show(GUILD, challenge.number)
    assert shown.status == "solved" and solutions == [solution]


async def test_text_is_stored_exactly(store: ChallengeStore, now: datetime) -> None:
    title = '@everyone <@&5> \' OR 1=1; -- "quotes" `ticks`'
    challenge = await log(store, now, title, description="Line 1\n\nLine 3 💥")
    shown = await store.get(GUILD, challenge.number)
    assert shown.title == title and shown.description == "Line 1\n\nLine 3 💥"


# Solutions.


async def test_solutions_are_numbered_per_guild_across_challenges(store: ChallengeStore, now: datetime) -> None:
    first, second = await log(store, now, "One"), await log(store, now, "Two")
    _, s1 = await store.add_solution(GUILD, first.number, BOB, "Fix one", now)
    _, s2 = await store.add_solution(GUILD, second.number, BOB, "Fix two", now)
    await log(store, now, "Elsewhere", guild=OTHER)
    _, other = await store.add_solution(OTHER, 1, BOB, "Fix elsewhere", now)
    assert (s1.number, s2.number, other.number) == (1, 2, 1)
    assert (await store.get_solution(GUILD, 2)).challenge_number == second.number


async def test_adding_to_an_unknown_or_deleted_challenge_is_refused(store: ChallengeStore, now: datetime) -> None:
    with pytest.raises(NotFoundError, match="no challenge #5"):
        await store.add_solution(GUILD, 5, BOB, "text", now)
    challenge = await log(store, now, "Soon gone")
    await store.delete(GUILD, challenge.number, ALICE, is_moderator=False, now=now)
    with pytest.raises(NotFoundError, match="was deleted"):
        await store.add_solution(GUILD, challenge.number, BOB, "text", now)


async def test_a_captured_solution_credits_the_message_author(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Celery tasks vanish")
    _, solution = await store.add_solution(
        GUILD, challenge.number, BOB, "ack late", now, captured_by=CAROL, source_channel_id=50, source_message_id=60
    )
    assert (solution.author_id, solution.captured_by) == (BOB, CAROL)
    _, [stored] = await store.show(GUILD, challenge.number)
    assert (stored.author_id, stored.captured_by, stored.source_channel_id, stored.source_message_id) == (
        BOB,
        CAROL,
        50,
        60,
    )


async def test_show_orders_accepted_then_helpful_then_oldest(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Ordering")
    for author in (BOB, CAROL, MOD, 4):
        await store.add_solution(GUILD, challenge.number, author, f"by {author}", now)
    await store.mark_helpful(GUILD, 3, ALICE, now)
    await store.mark_helpful(GUILD, 3, BOB, now)
    await store.mark_helpful(GUILD, 4, ALICE, now)
    await store.accept(GUILD, 2, ALICE, is_moderator=False, now=now)
    _, solutions = await store.show(GUILD, challenge.number)
    assert [(s.number, s.accepted, s.helpful) for s in solutions] == [
        (2, True, 0),
        (3, False, 2),
        (4, False, 1),
        (1, False, 0),
    ]


# Accepting.


async def test_the_author_accepts_and_reaccepting_moves_the_mark(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Accept me")
    await store.add_solution(GUILD, challenge.number, BOB, "first", now)
    await store.add_solution(GUILD, challenge.number, CAROL, "second", now)

    result = await store.accept(GUILD, 1, ALICE, is_moderator=False, now=now)
    assert result.challenge.status == "solved" and result.solution.accepted and result.previous_number is None
    with pytest.raises(ConflictError, match="already the accepted answer"):
        await store.accept(GUILD, 1, ALICE, is_moderator=False, now=now)

    moved = await store.accept(GUILD, 2, ALICE, is_moderator=False, now=now + timedelta(minutes=1))
    assert moved.previous_number == 1
    _, solutions = await store.show(GUILD, challenge.number)
    assert [(s.number, s.accepted) for s in solutions] == [(2, True), (1, False)]
    assert (await store.get(GUILD, challenge.number)).status == "solved"


async def test_a_plain_member_cannot_accept_on_someone_elses_challenge(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Alice's")
    await store.add_solution(GUILD, challenge.number, BOB, "bob's fix", now)
    with pytest.raises(NotAllowedError, match="Only the author of challenge #1 or a moderator"):
        await store.accept(GUILD, 1, BOB, is_moderator=False, now=now)
    assert (await store.get(GUILD, 1)).status == "open"
    assert (await store.accept(GUILD, 1, MOD, is_moderator=True, now=now)).solution.accepted


async def test_curated_solutions_are_accepted_by_moderators_only(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    await store.seed_curated(GUILD, seeds, now)
    await store.add_solution(GUILD, 1, BOB, "another way", now)
    with pytest.raises(NotAllowedError):
        await store.accept(GUILD, 4, BOB, is_moderator=False, now=now)
    assert (await store.accept(GUILD, 4, MOD, is_moderator=True, now=now)).previous_number == 1


async def test_accepting_an_unknown_solution(store: ChallengeStore, now: datetime) -> None:
    with pytest.raises(NotFoundError, match="no solution 3"):
        await store.accept(GUILD, 3, ALICE, is_moderator=True, now=now)


async def test_the_database_allows_one_accepted_solution_per_challenge(
    store: ChallengeStore, db: Database, now: datetime
) -> None:
    challenge = await log(store, now, "Constraint")
    await store.add_solution(GUILD, challenge.number, BOB, "a", now)
    await store.add_solution(GUILD, challenge.number, CAROL, "b", now)
    await db.execute("UPDATE challenge_solutions SET accepted = 1 WHERE number = 1")
    with pytest.raises(Exception, match="UNIQUE"):
        await db.execute("UPDATE challenge_solutions SET accepted = 1 WHERE number = 2")


# Deleting.


async def test_delete_is_soft_and_hides_everywhere(store: ChallengeStore, db: Database, now: datetime) -> None:
    keep = await log(store, now, "Redis cache stale", tags="caching")
    gone = await log(store, now, "Redis connection refused", tags="caching")
    await store.add_solution(GUILD, gone.number, BOB, "start redis", now)
    await store.mark_helpful(GUILD, 1, ALICE, now)
    await store.accept(GUILD, 1, ALICE, is_moderator=False, now=now)

    with pytest.raises(NotAllowedError, match="Only the author of challenge #2 or a moderator can delete it"):
        await store.delete(GUILD, gone.number, BOB, is_moderator=False, now=now)
    await store.delete(GUILD, gone.number, ALICE, is_moderator=False, now=now)

    with pytest.raises(NotFoundError, match="Challenge #2 was deleted"):
        await store.show(GUILD, gone.number)
    with pytest.raises(NotFoundError, match="was deleted"):
        await store.delete(GUILD, gone.number, ALICE, is_moderator=False, now=now)
    with pytest.raises(NotFoundError, match="was deleted"):
        await store.mark_helpful(GUILD, 1, CAROL, now)
    assert await numbers(store, "redis") == [keep.number]
    assert [c.number for c in (await store.list_challenges(GUILD))[0]] == [keep.number]
    assert [c.number for c in (await store.list_challenges(GUILD, tag="caching"))[0]] == [keep.number]
    assert await store.autocomplete(GUILD, "", open_only=False) == [(keep.number, keep.title)]
    assert await store.counts(GUILD) == {"challenges_open": 1, "challenges_solved": 0, "solutions": 0}
    assert await store.leaderboard(GUILD) == ([], [])
    assert await store.autocomplete_tags(GUILD, "") == ["caching"]
    row = await db.fetchone("SELECT deleted_at, deleted_by FROM challenges WHERE number = ?", (gone.number,))
    assert row is not None and row["deleted_by"] == ALICE  # kept in the database


async def test_a_moderator_deletes_anyones_challenge(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Bob's", author=BOB)
    deleted = await store.delete(GUILD, challenge.number, MOD, is_moderator=True, now=now)
    assert deleted.number == challenge.number


# Helpful votes.


async def test_helpful_once_per_member_and_never_on_your_own(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Votes")
    await store.add_solution(GUILD, challenge.number, BOB, "bob's fix", now)
    assert (await store.mark_helpful(GUILD, 1, ALICE, now)).helpful == 1
    with pytest.raises(ConflictError, match="already marked solution 1 helpful"):
        await store.mark_helpful(GUILD, 1, ALICE, now)
    with pytest.raises(NotAllowedError, match="your own solution"):
        await store.mark_helpful(GUILD, 1, BOB, now)
    with pytest.raises(NotFoundError, match="no solution 2"):
        await store.mark_helpful(GUILD, 2, ALICE, now)
    assert (await store.get_solution(GUILD, 1)).helpful == 1


async def test_concurrent_votes_count_once_per_member(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Concurrent votes")
    await store.add_solution(GUILD, challenge.number, BOB, "fix", now)
    outcomes = await asyncio.gather(
        store.mark_helpful(GUILD, 1, ALICE, now),
        store.mark_helpful(GUILD, 1, CAROL, now),
        store.mark_helpful(GUILD, 1, MOD, now),
        store.mark_helpful(GUILD, 1, MOD, now),
        return_exceptions=True,
    )
    assert sum(isinstance(outcome, ConflictError) for outcome in outcomes) == 1
    assert (await store.get_solution(GUILD, 1)).helpful == 3


# Search.


async def test_search_ranks_titles_first_and_covers_tags_and_solutions(store: ChallengeStore, now: datetime) -> None:
    in_description = await log(store, now, "Deploys fail", description="The gunicorn workers time out under load")
    in_title = await log(store, now, "Gunicorn workers time out")
    tagged = await log(store, now, "Slow pages", tags="gunicorn")
    solved = await log(store, now, "Requests pile up")
    await store.add_solution(GUILD, solved.number, BOB, "Raise the gunicorn worker count", now)
    found = await numbers(store, "gunicorn")
    assert found[0] == in_title.number
    assert set(found) == {in_description.number, in_title.number, tagged.number, solved.number}
    assert await numbers(store, "gunicorn", tag="gunicorn") == [tagged.number]
    assert await numbers(store, "worker count") == [solved.number]


async def test_search_falls_back_to_any_word(store: ChallengeStore, now: datetime) -> None:
    await log(store, now, "Celery retries")
    await log(store, now, "Docker volumes")
    result = await store.search(GUILD, "celery docker", limit=10)
    assert result.mode == "any" and result.total == 2
    exact = await store.search(GUILD, "celery retries", limit=10)
    assert exact.mode == "all" and exact.total == 1


@pytest.mark.parametrize(
    "query", ['"', "*", "NEAR(", "a AND", "(", ") OR (", "title:x", "^x", "-x", "x NOT", "{title}:", "'", "\\"]
)
async def test_search_treats_fts_syntax_as_text(store: ChallengeStore, now: datetime, query: str) -> None:
    await log(store, now, "Plain title")
    result = await store.search(GUILD, query, limit=10)
    assert result.total >= 0


async def test_search_is_guild_scoped_and_paginated(store: ChallengeStore, now: datetime) -> None:
    for i in range(7):
        await log(store, now + timedelta(minutes=i), f"Postgres lock {i}")
    await log(store, now, "Postgres lock elsewhere", guild=OTHER)
    first = await store.search(GUILD, "postgres lock", limit=5)
    second = await store.search(GUILD, "postgres lock", limit=5, offset=5)
    beyond = await store.search(GUILD, "postgres lock", limit=5, offset=10)
    assert (first.total, second.total, beyond.total) == (7, 7, 7)
    assert len(first.hits) == 5 and len(second.hits) == 2 and beyond.hits == []
    assert {h.challenge.guild_id for h in first.hits + second.hits} == {GUILD}


async def test_search_excerpt_shows_where_the_word_is(store: ChallengeStore, now: datetime) -> None:
    await log(store, now, "Long one", description="filler " * 80 + "the culprit was a missing index " + "end " * 40)
    [hit] = (await store.search(GUILD, "culprit", limit=5)).hits
    assert "culprit" in hit.excerpt


async def test_similar_finds_earlier_related_challenges(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    await store.seed_curated(GUILD, seeds, now)
    challenge = await log(store, now, "Migrations fail on staging after merge", description="Conflicting migrations")
    similar = await store.similar(GUILD, challenge)
    assert similar and similar[0].number == 1
    assert challenge.number not in [c.number for c in similar]
    assert len(similar) <= 3


# Listing, autocomplete, leaderboard, counts.


async def test_list_filters_newest_first(store: ChallengeStore, now: datetime) -> None:
    a = await log(store, now, "A", tags="django")
    b = await log(store, now, "B", author=BOB, tags="django, orm")
    c = await log(store, now, "C", solution="fixed", tags="orm")
    assert [x.number for x in (await store.list_challenges(GUILD))[0]] == [c.number, b.number, a.number]
    assert [x.number for x in (await store.list_challenges(GUILD, status="open"))[0]] == [b.number, a.number]
    assert [x.number for x in (await store.list_challenges(GUILD, status="solved"))[0]] == [c.number]
    assert [x.number for x in (await store.list_challenges(GUILD, tag="orm"))[0]] == [c.number, b.number]
    assert [x.number for x in (await store.list_challenges(GUILD, author_id=BOB))[0]] == [b.number]
    page, total = await store.list_challenges(GUILD, limit=2, offset=2)
    assert ([x.number for x in page], total) == ([a.number], 3)


async def test_autocomplete_open_challenges(store: ChallengeStore, now: datetime) -> None:
    for i in range(30):
        await log(store, now, f"Issue {i}")
    await log(store, now, "Kubernetes probes failing")
    await log(store, now, "Solved thing", solution="done")
    newest = await store.autocomplete(GUILD, "")
    assert len(newest) == 25 and newest[0] == (31, "Kubernetes probes failing")
    assert 32 not in [n for n, _ in newest]
    assert (await store.autocomplete(GUILD, "12"))[0] == (12, "Issue 11")
    assert (await store.autocomplete(GUILD, "#3"))[0][0] == 3
    # Numbers first (the one typed, then those starting with it, newest first), then titles holding the digits.
    ones = [n for n, _ in await store.autocomplete(GUILD, "1")]
    assert ones[:11] == [1, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10] and ones[11:] == [2]  # "Issue 1" is #2
    assert [n for n, _ in await store.autocomplete(GUILD, "3")][:3] == [3, 31, 30]
    assert 30 not in [n for n, _ in await store.autocomplete(GUILD, "03")]
    assert await store.autocomplete(GUILD, "kube") == [(31, "Kubernetes probes failing")]
    assert await store.autocomplete(GUILD, "solved") == []
    assert (await store.autocomplete(GUILD, "solved", open_only=False))[0][0] == 32
    assert await store.autocomplete(GUILD, '"(*') == []


async def test_autocomplete_solutions_lists_what_the_member_may_accept(store: ChallengeStore, now: datetime) -> None:
    mine = await log(store, now, "Mine")
    theirs = await log(store, now, "Theirs", author=BOB)
    await store.add_solution(GUILD, mine.number, BOB, "for alice", now)
    await store.add_solution(GUILD, theirs.number, CAROL, "for bob", now)
    assert [row[0] for row in await store.autocomplete_solutions(GUILD, "", ALICE, is_moderator=False)] == [1]
    assert [row[0] for row in await store.autocomplete_solutions(GUILD, "", MOD, is_moderator=True)] == [2, 1]
    assert [row[0] for row in await store.autocomplete_solutions(GUILD, "s2", MOD, is_moderator=True)] == [2]


async def test_leaderboard_counts_accepted_and_helpful(store: ChallengeStore, now: datetime) -> None:
    for i in range(3):
        challenge = await log(store, now, f"Challenge {i}")
        await store.add_solution(GUILD, challenge.number, BOB, "bob", now)
        await store.add_solution(GUILD, challenge.number, CAROL, "carol", now)
    await store.accept(GUILD, 1, ALICE, is_moderator=False, now=now)  # bob
    await store.accept(GUILD, 3, ALICE, is_moderator=False, now=now)  # bob
    await store.accept(GUILD, 6, ALICE, is_moderator=False, now=now)  # carol
    for voter in (ALICE, MOD, 7):
        await store.mark_helpful(GUILD, 2, voter, now)  # carol
    await store.mark_helpful(GUILD, 1, ALICE, now)  # bob
    await log(store, now, "Alice's own fix", solution="I fixed it myself")  # self-accepted: not on the board
    by_accepted, by_helpful = await store.leaderboard(GUILD)
    assert [(x.member_id, x.accepted, x.helpful) for x in by_accepted] == [(BOB, 2, 1), (CAROL, 1, 3)]
    assert [(x.member_id, x.helpful) for x in by_helpful] == [(CAROL, 3), (BOB, 1)]
    assert await store.leaderboard(OTHER) == ([], [])


async def test_leaderboard_shows_ten(store: ChallengeStore, now: datetime) -> None:
    challenge = await log(store, now, "Popular")
    for member in range(100, 115):
        await store.add_solution(GUILD, challenge.number, member, "answer", now)
    for number in range(1, 16):
        await store.mark_helpful(GUILD, number, ALICE, now)
    _, by_helpful = await store.leaderboard(GUILD)
    assert len(by_helpful) == 10


# Export and import.


async def fill(store: ChallengeStore, seeds: list[CuratedSeed], now: datetime) -> None:
    await store.seed_curated(GUILD, seeds, now)
    first = await log(store, now, "Exported", tags="django, orm", solution="my own fix")
    second = await log(store, now + timedelta(seconds=1), "Vanishing unicorn", author=BOB)
    third = await log(store, now + timedelta(seconds=2), "Open one", author=CAROL, tags="redis")
    await store.add_solution(GUILD, first.number, BOB, "bob's way", now)
    await store.add_solution(
        GUILD, third.number, BOB, "from chat", now, captured_by=ALICE, source_channel_id=5, source_message_id=6
    )
    await store.mark_helpful(GUILD, 5, CAROL, now)
    await store.mark_helpful(GUILD, 5, ALICE, now)
    await store.mark_helpful(GUILD, 1, ALICE, now)
    await store.set_message(GUILD, first.number, 70, 80)
    await store.delete(GUILD, second.number, BOB, is_moderator=False, now=now)
    await log(store, now, "Other guild", guild=OTHER)


async def test_export_import_export_is_identical(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime, tmp_path: Path
) -> None:
    await fill(store, seeds, now)
    exported = await store.export_guild(GUILD)
    assert [c["number"] for c in exported["challenges"]] == [1, 2, 3, 4, 5, 6]
    assert exported["challenges"][4]["deleted_at"] is not None
    assert all(c["title"] != "Other guild" for c in exported["challenges"])

    target = await Database.open(tmp_path / "restored.db")
    try:
        restored = ChallengeStore(target)
        await restored.seed_curated(GUILD, seeds, now)  # a fresh start planted the curated ones first
        await restored.import_guild(GUILD, exported)
        assert await restored.export_guild(GUILD) == exported
        assert await restored.counts(GUILD) == await store.counts(GUILD)
        assert await numbers(restored, "chat") == await numbers(store, "chat")
        assert await numbers(restored, "unicorn") == []
        assert (await restored.create_challenge(GUILD, ALICE, data("Next"), now))[0].number == 7
        assert await restored.seed_curated(GUILD, seeds, now) == 0
        await target.execute("INSERT INTO challenge_search (challenge_search) VALUES ('integrity-check')")
    finally:
        await target.close()


async def test_import_refuses_a_guild_with_member_data(
    store: ChallengeStore, seeds: list[CuratedSeed], now: datetime
) -> None:
    await fill(store, seeds, now)
    exported = await store.export_guild(GUILD)
    with pytest.raises(ValueError, match="already has challenge data"):
        await store.import_guild(GUILD, exported)


async def test_a_broken_import_writes_nothing(store: ChallengeStore, now: datetime) -> None:
    broken = {
        "challenges": [{"number": 1, "title": "t", "description": "d", "created_at": now.isoformat()}],
        "solutions": [{"number": 1, "challenge_number": 9, "body": "b", "created_at": now.isoformat()}],
        "helpful_votes": [],
    }
    with pytest.raises(ValueError, match="unknown"):
        await store.import_guild(GUILD, broken)
    assert await store.export_guild(GUILD) == {"challenges": [], "solutions": [], "helpful_votes": []}
    with pytest.raises(ValueError):
        await store.import_guild(GUILD, {"challenges": 5})  # type: ignore[dict-item]


async def test_a_broad_search_ranks_only_the_newest_matches(
    store: ChallengeStore, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cogs.challenges.store.RANK_WINDOW", 3)
    for i in range(5):
        await log(store, now, f"Celery beat problem {i}", description="celery " * (5 - i))
    result = await store.search(GUILD, "celery", limit=10)
    assert result.capped and result.total == 3
    assert sorted(hit.challenge.number for hit in result.hits) == [3, 4, 5]
    narrow = await store.search(GUILD, "celery 0", limit=10)
    assert not narrow.capped and [hit.challenge.number for hit in narrow.hits] == [1]


async def test_the_search_index_stays_consistent_through_every_write(
    store: ChallengeStore, db: Database, seeds: list[CuratedSeed], now: datetime
) -> None:
    await fill(store, seeds, now)  # seeding, logs, solutions, votes, a soft delete
    await store.accept(GUILD, 5, ALICE, is_moderator=False, now=now)  # moves the mark from her own solution
    # FTS5 compares its index with its content and raises (SQLITE_CORRUPT_VTAB) on any difference.
    await db.execute("INSERT INTO challenge_search (challenge_search) VALUES ('integrity-check')")
    indexed = await db.fetchval("SELECT COUNT(*) FROM challenge_search")
    live = await db.fetchval("SELECT COUNT(*) FROM challenges WHERE deleted_at IS NULL")
    assert indexed == live
