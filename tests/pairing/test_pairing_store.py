"""The pairing store against a real SQLite file: joins, matches, rounds, concurrency, check-ins, export/import."""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.database import Database
from cogs.pairing.matching import Learner, Role, build_history, instant_match
from cogs.pairing.store import JoinRequest, PairingStore, topics_text, topics_tuple
from cogs.pairing.timezones import utc_offset_minutes

GUILD = 111
OTHER_GUILD = 222
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture
def store(db: Database) -> PairingStore:
    return PairingStore(db)


def request(
    user: int, role: Role = "backend", topics: tuple[str, ...] = (), zone: str | None = "Africa/Lagos"
) -> JoinRequest:
    return JoinRequest(user, f"learner{user}", role, topics, zone, 999)


async def test_a_lone_learner_queues_and_the_next_fitting_one_is_matched_at_once(store: PairingStore):
    first = await store.join(GUILD, request(1, "backend", ("django", "docker")), NOW)
    assert first.kind == "queued" and first.position == 1 and first.waiting_other == 0
    assert first.entry is not None and first.entry.topics == ("django", "docker")
    second = await store.join(GUILD, request(2, "backend"), NOW)
    assert second.kind == "queued" and second.position == 2

    match = await store.join(GUILD, request(3, "frontend", ("react", "docker"), "Europe/Berlin"), NOW)
    assert match.kind == "matched" and match.pair is not None
    pair = match.pair
    assert (pair.backend.user_id, pair.frontend.user_id) == (1, 3)  # shared topic beats waiting order
    assert pair.shared_topics == ("docker",)
    assert pair.source == "join" and pair.intro_status == "pending" and pair.channel_id == 999
    assert pair.checkin_due_at == NOW + timedelta(days=7)
    assert await store.queue_entry(GUILD, 1) is None
    assert (await store.current_pair(GUILD, 3)) == pair
    assert await store.counts(GUILD) == {"learners_waiting": 1, "learners_paired": 2, "pairs_total": 1, "met_yes": 0}
    entry = await store.queue_entry(GUILD, 2)
    assert entry is not None and await store.position(entry) == (1, 1)


async def test_joining_twice_or_while_paired_changes_nothing(store: PairingStore):
    await store.join(GUILD, request(1), NOW)
    again = await store.join(GUILD, request(1, "frontend", ("vue",)), NOW + timedelta(hours=1))
    assert again.kind == "already_queued" and again.entry is not None
    assert again.entry.role == "backend" and again.entry.joined_at == NOW and again.position == 1
    await store.join(GUILD, request(2, "frontend"), NOW)
    before = await store.export_guild(GUILD)
    for role in ("backend", "frontend"):
        paired = await store.join(GUILD, request(1, role), NOW)
        assert paired.kind == "already_paired" and paired.pair is not None and paired.pair.has(1)
    assert await store.export_guild(GUILD) == before


async def test_far_clocks_and_past_partners_wait_for_a_round(store: PairingStore):
    assert (await store.join(GUILD, request(1, "backend", zone="America/New_York"), NOW)).kind == "queued"
    far = await store.join(GUILD, request(2, "frontend", zone="Asia/Tokyo"), NOW)
    assert far.kind == "queued" and far.waiting_other == 1
    # An unknown zone fits anyone.
    assert (await store.join(GUILD, request(3, "frontend", zone=None), NOW)).kind == "matched"
    await store.end(GUILD, 1, NOW)
    # 1 and 3 were paired before: no instant rematch.
    assert (await store.join(GUILD, request(1, "backend", zone=None), NOW)).kind == "matched"  # with 2 (unknown)
    await store.end(GUILD, 2, NOW)
    assert (await store.join(GUILD, request(3, "frontend", zone=None), NOW)).kind == "queued"
    assert (await store.join(GUILD, request(1, "backend", zone=None), NOW)).kind == "queued"  # 3 was a partner
    outcome = await store.run_round(GUILD, NOW)
    assert outcome is not None and len(outcome.pairs) == 1  # a round pairs everyone, past partners last
    assert {outcome.pairs[0].backend.user_id, outcome.pairs[0].frontend.user_id} == {1, 3}


async def test_leave_and_end_answer_none_when_there_is_nothing_to_leave_or_end(store: PairingStore):
    assert await store.leave(GUILD, 1) is None
    assert await store.end(GUILD, 1, NOW) is None
    await store.join(GUILD, request(1), NOW)
    assert await store.end(GUILD, 1, NOW) is None
    left = await store.leave(GUILD, 1)
    assert left is not None and left.user_id == 1
    assert await store.queue_entry(GUILD, 1) is None
    assert await store.leave(GUILD, 1) is None


async def test_ending_keeps_history_newest_first(store: PairingStore):
    await store.join(GUILD, request(1), NOW)
    await store.join(GUILD, request(2, "frontend"), NOW)
    ended = await store.end(GUILD, 2, NOW + timedelta(days=3))
    assert ended is not None and ended.ended_at == NOW + timedelta(days=3) and ended.ended_by == 2
    assert await store.current_pair(GUILD, 1) is None
    await store.join(GUILD, request(1), NOW + timedelta(days=4))
    await store.join(GUILD, request(3, "frontend"), NOW + timedelta(days=4))
    history = await store.history(GUILD, 1)
    assert [pair.partner_of(1).user_id for pair in history] == [3, 2]
    assert history[0].ended_at is None and history[1].ended_at is not None
    assert await store.history_count(GUILD, 1) == 2 and await store.history_count(GUILD, 3) == 1
    assert await store.history(GUILD, 1, limit=1, offset=1) == history[1:]
    assert await store.history_count(OTHER_GUILD, 1) == 0


async def test_guilds_are_separate(store: PairingStore):
    await store.join(GUILD, request(1), NOW)
    assert (await store.join(OTHER_GUILD, request(2, "frontend"), NOW)).kind == "queued"
    assert (await store.join(OTHER_GUILD, request(1, "backend"), NOW)).kind == "matched"
    assert (await store.counts(GUILD))["learners_waiting"] == 1


async def test_fifty_simultaneous_joins_never_put_anyone_in_two_pairs(store: PairingStore):
    rng = random.Random(5)
    zones = ["Africa/Lagos", "Africa/Nairobi", "America/New_York", "Asia/Kolkata", None]
    requests = [
        request(user, rng.choice(["backend", "frontend"]), tuple(rng.sample(["a", "b", "c"], 1)), rng.choice(zones))
        for user in range(1, 51)
    ]
    outcomes = await asyncio.gather(*(store.join(GUILD, req, NOW) for req in requests))
    matched = [outcome.pair for outcome in outcomes if outcome.kind == "matched"]
    queued = [outcome.entry for outcome in outcomes if outcome.kind == "queued"]
    assert len(matched) + len(queued) == 50
    users = [user for pair in matched if pair for user in (pair.backend.user_id, pair.frontend.user_id)]
    users += [entry.user_id for entry in queued if entry]
    in_pairs = await store.db.fetchall("SELECT backend_id, frontend_id FROM pair_pairs WHERE ended_at IS NULL")
    paired = [user for row in in_pairs for user in row]
    waiting = [row[0] for row in await store.db.fetchall("SELECT user_id FROM pair_queue")]
    assert len(paired) == len(set(paired))
    assert not set(paired) & set(waiting)
    assert sorted(paired + waiting) == list(range(1, 51))
    assert len(users) == 50 + len(matched)  # every pair reported once to its joiner


async def test_concurrent_rounds_and_joins_keep_everyone_in_one_place(store: PairingStore):
    for user in range(1, 21):
        zone = "America/New_York" if user % 2 else "Asia/Tokyo"
        await store.join(GUILD, request(user, "backend" if user % 2 else "frontend", zone=zone), NOW)
    late = [request(100 + user, "frontend" if user % 2 else "backend", zone="Asia/Tokyo") for user in range(10)]
    results = await asyncio.gather(
        store.run_round(GUILD, NOW), *(store.join(GUILD, req, NOW) for req in late), store.run_round(GUILD, NOW)
    )
    assert all(result is not None for result in results)
    rows = await store.db.fetchall("SELECT backend_id, frontend_id FROM pair_pairs WHERE ended_at IS NULL")
    paired = [user for row in rows for user in row]
    waiting = [row[0] for row in await store.db.fetchall("SELECT user_id FROM pair_queue")]
    assert len(paired) == len(set(paired)) and not set(paired) & set(waiting)
    assert len(paired) + len(waiting) == 30


async def test_a_weekly_slot_runs_once(store: PairingStore):
    await store.join(GUILD, request(1, zone="America/New_York"), NOW)
    await store.join(GUILD, request(2, "frontend", zone="Asia/Tokyo"), NOW)
    first = await store.run_round(GUILD, NOW, slot="2026-W02")
    assert first is not None and len(first.pairs) == 1 and first.pairs[0].source == "round"
    await store.join(GUILD, request(3, zone="America/New_York"), NOW)
    await store.join(GUILD, request(4, "frontend", zone="Asia/Tokyo"), NOW)
    assert await store.run_round(GUILD, NOW, slot="2026-W02") is None
    assert (await store.counts(GUILD))["learners_waiting"] == 2
    assert await store.slot_done(GUILD, "round", "2026-W02")
    assert not await store.slot_done(GUILD, "round", "2026-W03")
    assert await store.claim_reminder(GUILD, "2026-W03", NOW)
    assert not await store.claim_reminder(GUILD, "2026-W03", NOW)


async def test_a_round_over_an_odd_queue_keeps_the_odd_one_out_waiting(store: PairingStore):
    for user in range(1, 6):
        await store.join(GUILD, request(user, "backend", zone="America/New_York"), NOW + timedelta(minutes=user))
    for user in range(6, 10):
        await store.join(GUILD, request(user, "frontend", zone="Asia/Tokyo"), NOW)
    outcome = await store.run_round(GUILD, NOW + timedelta(hours=1))
    assert outcome is not None
    assert len(outcome.pairs) == 4 and [entry.user_id for entry in outcome.leftover] == [5]
    assert (await store.queue_entry(GUILD, 5)) is not None
    assert all(pair.matched_at == NOW + timedelta(hours=1) for pair in outcome.pairs)
    empty = await store.run_round(GUILD, NOW)
    assert empty is not None and empty.pairs == [] and [entry.user_id for entry in empty.leftover] == [5]


async def test_introductions_and_checkins_are_tracked(store: PairingStore):
    await store.join(GUILD, request(1), NOW)
    pair = (await store.join(GUILD, request(2, "frontend"), NOW)).pair
    assert pair is not None
    assert [p.id for p in await store.pending_intros()] == [pair.id]
    assert await store.due_checkins(NOW + timedelta(days=8)) == []  # no introduction, nowhere to ask
    await store.set_intro(pair.id, "thread", channel_id=5, thread_id=6, message_id=7)
    assert await store.pending_intros() == []
    stored = await store.get_pair(pair.id)
    assert stored is not None and (stored.channel_id, stored.thread_id, stored.intro_message_id) == (5, 6, 7)
    assert await store.next_checkin_due() == NOW + timedelta(days=7)
    assert await store.due_checkins(NOW + timedelta(days=6)) == []
    due = await store.due_checkins(NOW + timedelta(days=7))
    assert [p.id for p in due] == [pair.id]
    assert await store.claim_checkin(pair.id, NOW + timedelta(days=7))
    assert not await store.claim_checkin(pair.id, NOW + timedelta(days=7))
    assert await store.due_checkins(NOW + timedelta(days=8)) == []
    await store.release_checkin(pair.id)
    assert await store.claim_checkin(pair.id, NOW + timedelta(days=7))

    await store.answer_checkin(pair.id, 1, "not_yet", NOW)
    assert (await store.counts(GUILD))["met_yes"] == 0
    await store.answer_checkin(pair.id, 1, "yes", NOW)
    await store.answer_checkin(pair.id, 2, "yes", NOW)
    assert await store.checkin_answers(pair.id) == {1: "yes", 2: "yes"}
    assert (await store.counts(GUILD))["met_yes"] == 1  # pairs that met, not answers


async def test_schedules_are_replaced_not_added(store: PairingStore):
    assert await store.get_schedule(GUILD) is None
    await store.set_schedule(GUILD, 0, "18:00", "Africa/Lagos", 5, 9, NOW)
    later = await store.set_schedule(GUILD, 4, "09:30", "UTC", 6, 9, NOW + timedelta(hours=1))
    assert await store.get_schedule(GUILD) == later
    assert [s.guild_id for s in await store.schedules()] == [GUILD]


async def test_export_import_export_is_identical(store: PairingStore, tmp_path: Path):
    await store.join(GUILD, request(1, topics=("django", "rest")), NOW)
    await store.join(GUILD, request(2, "frontend", topics=("react",), zone=None), NOW)
    await store.join(GUILD, request(3, zone="Asia/Tokyo"), NOW)
    await store.join(GUILD, request(4, "frontend"), NOW)
    pair = await store.current_pair(GUILD, 1)
    assert pair is not None
    await store.set_intro(pair.id, "channel", channel_id=5, message_id=8)
    await store.answer_checkin(pair.id, 2, "yes", NOW)
    await store.set_schedule(GUILD, 2, "18:00", "Africa/Lagos", 5, 9, NOW)
    await store.run_round(GUILD, NOW, slot="2026-W02")
    await store.claim_reminder(GUILD, "2026-W03", NOW)
    await store.end(GUILD, 4, NOW + timedelta(days=1))
    await store.join(GUILD, request(5, topics=("vue",)), NOW)
    await store.join(OTHER_GUILD, request(7), NOW)
    exported = await store.export_guild(GUILD)
    assert all(exported[table] for table in exported)

    other = await Database.open(tmp_path / "restored.db")
    try:
        restored = PairingStore(other)
        await restored.import_guild(GUILD, exported)
        assert await restored.export_guild(GUILD) == exported
        assert await restored.counts(GUILD) == await store.counts(GUILD)
        assert await restored.export_guild(OTHER_GUILD) == {table: [] for table in exported}
    finally:
        await other.close()


@pytest.mark.parametrize(
    ("topics", "text"),
    [((), ""), (("django",), ",django,"), (("ci/cd", "next.js"), ",ci/cd,next.js,")],
)
def test_topics_are_stored_so_that_instr_finds_them(topics: tuple[str, ...], text: str):
    assert topics_text(topics) == text
    assert topics_tuple(text) == topics


ZONES = ["Africa/Lagos", "Africa/Nairobi", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", None]
TOPICS = ["django", "react", "docker", "rest", "vue"]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["backend", "frontend"]),
            st.sampled_from(ZONES),
            st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
        ),
        min_size=1,
        max_size=25,
    ),
    st.sets(st.tuples(st.integers(1, 25), st.integers(1, 25)), max_size=15),
)
def test_the_sql_instant_match_agrees_with_the_pure_matcher(
    joins: list[tuple[Role, str | None, list[str]]], past: set[tuple[int, int]]
):
    """Replay joins through the store; before each, the pure `instant_match` over the same queue and history must
    name the same partner (or nobody) as the store picks."""

    async def scenario(path: Path) -> None:
        db = await Database.open(path)
        try:
            store = PairingStore(db)
            history_pairs = {(a, b) for a, b in past if a != b}
            for a, b in history_pairs:  # seed history with ended pairings
                await db.execute(
                    "INSERT INTO pair_pairs (guild_id, backend_id, backend_name, backend_joined_at, frontend_id, "
                    "frontend_name, frontend_joined_at, source, score, project, matched_at, checkin_due_at, "
                    "ended_at) VALUES (?, ?, 'b', ?, ?, 'f', ?, 'join', 0, 'task-board', ?, ?, ?)",
                    (GUILD, a, NOW.isoformat(), b, NOW.isoformat(), NOW.isoformat(), NOW.isoformat(), NOW.isoformat()),
                )
            history = build_history(history_pairs)
            for user, (role, zone, topics) in enumerate(joins, start=1):
                queue = await store.queue(GUILD)
                waiting = [entry.learner(NOW) for entry in queue]
                pure = instant_match(Learner(user, role, 10**9, frozenset(topics), _offset(zone)), waiting, history)
                outcome = await store.join(GUILD, JoinRequest(user, "x", role, tuple(topics), zone, None), NOW)
                if pure is None:
                    assert outcome.kind == "queued"
                else:
                    assert outcome.kind == "matched" and outcome.pair is not None
                    assert outcome.pair.partner_of(user).user_id == pure.user_id
                    history = build_history([*history_pairs, (user, pure.user_id)])
                    history_pairs.add((user, pure.user_id))
        finally:
            await db.close()

    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(Path(folder) / "t.db"))


def _offset(zone: str | None) -> int | None:
    return utc_offset_minutes(zone, NOW)
