"""`/pair` end to end: the real bot (with a FakeClock) and the real discord.py client against the Discord stand-in.

Deferred answers are awaited until the "thinking" message is filled; the weekly loop is awaited by its passes
(a pass that began after the clock moved), never by wall-clock time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import NexusBot
from bot.clock import FakeClock
from bot.database import Database
from bot.settings import Settings
from cogs.pairing.cog import Pairing
from cogs.pairing.store import JoinRequest, PairingStore
from sandbox import InteractionHandle, Member, Message, StandIn
from sandbox.harness import TEST_TOKEN, point_discord_at, run_client, stop_client
from sandbox.models import MANAGE_THREADS

pytestmark = pytest.mark.asyncio

MONDAY_0900 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MODERATORS_ONLY = "Only moderators can do that"
PRIVATE_THREAD = 12


class Harness:
    """Starts and stops the real NexusBot on one database file, each time with the clock the test gives."""

    def __init__(self, standin: StandIn, database: Path) -> None:
        self.standin = standin
        self.database = database
        self.bot: NexusBot | None = None
        self._connection: Any = None

    async def start(self, clock: FakeClock) -> NexusBot:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=TEST_TOKEN,
            database_path=self.database,
            dev_guild_id=self.standin.guild.id,
            discord_api_url=self.standin.api_url,
            discord_gateway_url=self.standin.gateway_url,
        )
        point_discord_at(self.standin)
        self.bot = NexusBot(settings, clock=clock)
        self._connection = await run_client(self.bot, self.standin)
        await self.looked()
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await stop_client(self.bot, self._connection)
            self.bot = None

    @property
    def cog(self) -> Pairing:
        assert self.bot is not None
        return pairing_cog(self.bot)

    @property
    def clock(self) -> FakeClock:
        assert self.bot is not None and isinstance(self.bot.clock, FakeClock)
        return self.bot.clock

    async def looked(self) -> None:
        """Wait until a pass of the loop that began after this call has finished."""
        cog = self.cog
        target = cog.passes_started + 1
        cog.schedules_changed()
        await settle(lambda: cog.passes_done >= target)

    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        await self.looked()


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        yield server
        server.assert_clean()


@pytest.fixture
async def harness(standin: StandIn, tmp_path: Path) -> AsyncIterator[Harness]:
    runner = Harness(standin, tmp_path / "nexus.db")
    yield runner
    await runner.stop()


@pytest.fixture
async def bot(harness: Harness) -> NexusBot:
    return await harness.start(FakeClock(MONDAY_0900))


@pytest.fixture
def mod(standin: StandIn) -> Member:
    return standin.add_member("mentor", manage_guild=True)


async def settle(predicate: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until `predicate()` holds, polling: the bot's own progress (its loop's passes) makes no request that
    would wake `StandIn.wait_for`."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not predicate():
        if loop.time() > end:
            raise TimeoutError(f"condition not met within {within:g} s")
        await asyncio.sleep(0.005)


def pairing_cog(bot: NexusBot) -> Pairing:
    """The loaded cog (by name: a restart re-imports the extension, so the class object differs)."""
    cog = bot.get_cog("Pairing")
    assert cog is not None and type(cog).__name__ == "Pairing"
    return cast(Pairing, cog)


async def answered(standin: StandIn, ix: InteractionHandle) -> Message:
    """The interaction's answer, once a deferred one has been filled in."""
    await standin.wait_for(lambda: ix.message is not None and not ix.message.loading, 10)
    assert ix.message is not None
    return ix.message


async def join(standin: StandIn, member: Member, role: str, **options: Any) -> Message:
    ix = await standin.slash(member, "pair join", role=role, **options)
    message = await answered(standin, ix)
    assert message.ephemeral
    return message


def intro_of(standin: StandIn, thread: Any) -> Message:
    [intro] = [m for m in standin.messages_in(thread) if m.embeds]
    return intro


def only_pings(message: Message, *members: Member) -> None:
    """The message pings exactly these members, and its allowed_mentions could never ping anyone else."""
    assert message.allowed_mentions is not None
    assert message.allowed_mentions.get("parse") == []
    assert {int(u) for u in message.allowed_mentions.get("users", [])} == {m.id for m in members}
    assert message.pings.users == {m.id for m in members}
    assert not message.pings.roles and not message.pings.everyone


# The whole journey of one pair -------------------------------------------------------------------------------


async def test_a_backend_queues_a_frontend_joins_and_both_meet_in_a_private_thread(
    standin: StandIn, bot: NexusBot
) -> None:
    alice = standin.add_member("alice")
    bob = standin.add_member("bob")
    general = standin.guild.general

    queued = await join(standin, alice, "backend", topics="Django, Docker, @everyone", timezone="Africa/Lagos")
    assert "You are in the queue, position 1" in queued.content
    assert "No frontend learner is waiting" in queued.content
    assert not queued.pings

    paired = await join(standin, bob, "frontend", topics="react, docker", timezone="accra")  # city name is enough
    assert f"paired with <@{alice.id}>" in paired.content
    assert not paired.pings  # the ephemeral answer names the partner without pinging

    # A private thread in the channel where /pair join ran, with both members added.
    created = standin.requests_to("POST", f"/channels/{general}/threads")
    assert len(created) == 1
    assert created[0].json["type"] == PRIVATE_THREAD and created[0].json["invitable"] is False
    [thread] = standin.threads
    assert thread.parent_id == general and "Alice" in thread.name and "Bob" in thread.name
    for member in (alice, bob):
        assert standin.requests_to("PUT", f"/channels/{thread.id}/thread-members/{member.id}")
    assert {alice.id, bob.id} <= thread.member_ids

    intro = intro_of(standin, thread)
    only_pings(intro, alice, bob)
    text = intro.text
    assert "django, docker, everyone" in text  # member text is shown, never as a ping
    assert "react, docker" in text
    assert "Africa/Lagos, 10:00 there now (UTC+01:00)" in text
    assert "Africa/Accra, 09:00 there now (UTC±00:00)" in text
    assert "In common" in text and "docker" in text
    assert "First project: Dockerised URL shortener" in text  # picked from the shared topic
    assert "**API** (<@" in text and "**Page** (<@" in text
    assert f"<#{thread.id}>" in paired.content

    for member, partner in ((alice, bob), (bob, alice)):
        status = await standin.slash(member, "pair status")
        assert status.ephemeral and status.message is not None
        assert f"paired with <@{partner.id}>" in status.message.content
        assert f"<#{thread.id}>" in status.message.content
        assert not status.message.pings

    ended = await answered(standin, await standin.slash(bob, "pair end"))
    assert ended.ephemeral
    assert f"pairing with <@{alice.id}> has ended and its thread is archived" in ended.content
    assert thread.archived
    assert "ended by Bob" in standin.messages_in(thread)[-1].content

    history = await standin.slash(alice, "pair history")
    assert history.ephemeral and history.message is not None
    assert "Bob" in history.message.text and f"<@{bob.id}>" in history.message.text
    assert f"<t:{int(MONDAY_0900.timestamp())}:D> → <t:{int(MONDAY_0900.timestamp())}:D>" in history.message.text
    assert not history.message.pings

    after = await standin.slash(alice, "pair status")
    assert after.message is not None and "not in the queue and not paired" in after.message.content


async def test_status_in_the_queue_shows_since_when_and_position(standin: StandIn, bot: NexusBot) -> None:
    alice, carol = standin.add_member("alice"), standin.add_member("carol")
    await join(standin, alice, "backend", timezone="America/New_York")
    second = await join(standin, carol, "backend")
    assert "position 2" in second.content
    status = await standin.slash(carol, "pair status")
    assert status.message is not None
    assert "position **2** of 2" in status.message.content
    assert f"<t:{int(MONDAY_0900.timestamp())}:R>" in status.message.content

    left = await standin.slash(alice, "pair leave")
    assert left.ephemeral and left.message is not None and "left the backend queue" in left.message.content
    status = await standin.slash(carol, "pair status")
    assert status.message is not None and "position **1** of 1" in status.message.content


# Wrong inputs: clear answers, nothing changes -----------------------------------------------------------------


async def test_wrong_inputs_get_clear_answers_and_change_nothing(standin: StandIn, bot: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    cog = pairing_cog(bot)
    empty = await cog.store.export_guild(standin.guild.id)

    too_many = ", ".join(f"t{i}" for i in range(12))
    refused = await join(standin, alice, "backend", topics=too_many)
    assert "at most 10 topics (you gave 12)" in refused.content
    refused = await join(standin, alice, "backend", timezone="Africa/Lgs")
    assert "isn't a time zone I know" in refused.content and "Did you mean `Africa/Lagos`" in refused.content
    assert not refused.pings
    left = await standin.slash(alice, "pair leave")
    assert left.message is not None and "You're not in the queue" in left.message.content
    ended = await standin.slash(alice, "pair end")
    assert ended.message is not None and "You're not paired right now" in ended.message.content
    history = await standin.slash(alice, "pair history")
    assert history.message is not None and "haven't been paired yet" in history.message.content
    assert await cog.store.export_guild(standin.guild.id) == empty

    await join(standin, carol, "backend", timezone="Africa/Lagos")
    before = await cog.store.export_guild(standin.guild.id)
    twice = await join(standin, carol, "frontend", topics="vue")
    assert "already in the backend queue (position 1" in twice.content and "Nothing changed" in twice.content
    assert await cog.store.export_guild(standin.guild.id) == before

    await join(standin, bob, "frontend", timezone="Africa/Lagos")
    while_paired = await join(standin, bob, "frontend")
    assert f"already paired with <@{carol.id}>" in while_paired.content
    assert not while_paired.pings
    leave_paired = await standin.slash(bob, "pair leave")
    assert leave_paired.message is not None and "use `/pair end`" in leave_paired.message.content
    assert len(standin.threads) == 1


async def test_timezone_autocomplete_is_typo_tolerant_and_capped(standin: StandIn, bot: NexusBot) -> None:
    alice = standin.add_member("alice")
    choices = await standin.autocomplete(alice, "pair join", focused="timezone", value="", role="backend")
    assert 0 < len(choices) <= 25 and choices[0]["value"] == "UTC"
    choices = await standin.autocomplete(alice, "pair join", focused="timezone", value="nairob", role="backend")
    assert choices[0]["value"] == "Africa/Nairobi"
    choices = await standin.autocomplete(alice, "pair join", focused="timezone", value="Lgos", role="backend")
    assert "Africa/Lagos" in [c["value"] for c in choices]


# Without permission to create threads ---------------------------------------------------------------------------


async def test_without_thread_permission_the_introduction_goes_to_the_channel(standin: StandIn, bot: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    await join(standin, alice, "backend")
    standin.fail_next("POST", "/channels/*/threads", status=403)
    paired = await join(standin, bob, "frontend")
    assert standin.threads == []
    [intro] = [m for m in standin.messages_in(standin.guild.general) if m.embeds]
    assert "couldn't open a private thread" in intro.content
    only_pings(intro, alice, bob)
    assert f"/{intro.channel_id}/{intro.id}" in paired.content  # the answer links to the introduction


# Rounds ---------------------------------------------------------------------------------------------------------


async def test_a_round_pairs_ten_waiting_learners_each_pair_in_its_own_thread(
    standin: StandIn, bot: NexusBot, mod: Member
) -> None:
    pairing = standin.add_channel("pairing")
    await standin.slash(mod, "nexus config", pairing_channel=pairing)
    backends = [standin.add_member(f"back{i}") for i in range(5)]
    frontends = [standin.add_member(f"front{i}") for i in range(5)]
    for member in backends:
        answer = await join(standin, member, "backend", timezone="America/New_York", topics="django")
        assert "You are in the queue" in answer.content
    for member in frontends:  # 14 h away from New York: nobody fits at once
        answer = await join(standin, member, "frontend", timezone="Asia/Tokyo", topics="react")
        assert "5 backend learners are waiting, but none fits yet" in answer.content

    plain = standin.add_member("plain")
    refused = await standin.slash(plain, "pair round")
    assert refused.ephemeral and refused.message is not None and MODERATORS_ONLY in refused.message.content
    assert standin.threads == []

    ix = await standin.slash(mod, "pair round")
    summary = await answered(standin, ix)
    assert not summary.ephemeral
    assert "5** new pairs" in summary.text
    assert not summary.pings
    await standin.wait_for(lambda: len(standin.threads) == 5 and all(intro_ready(standin, t) for t in standin.threads))
    seen: set[int] = set()
    for thread in standin.threads:
        assert thread.parent_id == pairing.id  # the configured pairing channel
        intro = intro_of(standin, thread)
        pinged = intro.pings.users
        assert len(pinged) == 2 and not pinged & seen
        seen |= pinged
        assert len(pinged & {m.id for m in backends}) == 1 and len(pinged & {m.id for m in frontends}) == 1
        assert intro.allowed_mentions is not None and intro.allowed_mentions.get("parse") == []
    assert seen == {m.id for m in backends + frontends}
    cog = pairing_cog(bot)
    assert await cog.store.counts(standin.guild.id) == {
        "learners_waiting": 0,
        "learners_paired": 10,
        "pairs_total": 5,
        "met_yes": 0,
    }


def intro_ready(standin: StandIn, thread: Any) -> bool:
    return any(m.embeds for m in standin.messages_in(thread))


async def test_fifty_joins_at_once_leave_nobody_in_two_pairs(standin: StandIn, bot: NexusBot) -> None:
    zones = ["Africa/Lagos", "Africa/Nairobi", "America/New_York", "Asia/Tokyo"]
    members = [standin.add_member(f"learner{i}") for i in range(50)]
    handles = await asyncio.gather(
        *(
            standin.slash(m, "pair join", role="backend" if i % 2 else "frontend", timezone=zones[i % 4])
            for i, m in enumerate(members)
        )
    )
    answers = await asyncio.gather(*(answered(standin, ix) for ix in handles))
    paired = [a for a in answers if "You're paired with" in a.content]
    queued = [a for a in answers if "You are in the queue" in a.content]
    assert len(paired) + len(queued) == 50
    rows = await bot.db.fetchall("SELECT backend_id, frontend_id FROM pair_pairs WHERE ended_at IS NULL")
    in_pairs = [user for row in rows for user in row]
    waiting = [row[0] for row in await bot.db.fetchall("SELECT user_id FROM pair_queue")]
    assert len(in_pairs) == len(set(in_pairs)) and not set(in_pairs) & set(waiting)
    assert sorted(in_pairs + waiting) == sorted(m.id for m in members)
    assert len(paired) == len(rows)  # each pair was announced once, to the one whose join made it
    await standin.wait_for(
        lambda: len(standin.threads) == len(rows) and all(intro_ready(standin, t) for t in standin.threads)
    )
    in_threads = [user for t in standin.threads for user in intro_of(standin, t).pings.users]
    assert len(in_threads) == len(set(in_threads)) == 2 * len(rows)


# The weekly schedule, reminders and the check-in ------------------------------------------------------------


async def test_weekly_rounds_run_once_with_a_reminder_and_a_check_in_a_week_later(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    await harness.start(FakeClock(MONDAY_0900))
    general = standin.guild.general
    plain = standin.add_member("plain")
    refused = await standin.slash(plain, "pair schedule", weekday=2, time="18:00", timezone="Africa/Lagos")
    assert refused.message is not None and MODERATORS_ONLY in refused.message.content
    wrong = await standin.slash(mod, "pair schedule", weekday=2, time="25:00")
    assert wrong.message is not None and "isn't a time" in wrong.message.content

    ix = await standin.slash(mod, "pair schedule", weekday=2, time="18:00", timezone="Africa/Lagos")
    assert ix.ephemeral and ix.message is not None
    wednesday = datetime(2026, 1, 7, 17, 0, tzinfo=UTC)  # 18:00 in Lagos
    assert "every **Wednesday at 18:00**, Africa/Lagos (UTC+01:00)" in ix.message.content
    assert f"<t:{int(wednesday.timestamp())}:F>" in ix.message.content

    # Eve can see the private thread (Manage Threads), but she is not one of the partners.
    keepers = standin.add_role("Thread keepers", permissions=MANAGE_THREADS)
    alice, bob, outsider = (
        standin.add_member("alice"),
        standin.add_member("bob"),
        standin.add_member("eve", roles=[keepers]),
    )
    await join(standin, alice, "backend", timezone="America/New_York")
    queued = await join(standin, bob, "frontend", timezone="Asia/Tokyo")
    assert f"Next pairing round: <t:{int(wednesday.timestamp())}:F>" in queued.content

    def posts() -> list[Message]:
        return [m for m in standin.messages_in(general) if m.author.id == standin.bot_user.id]

    await harness.advance(wednesday - timedelta(days=1, minutes=1) - harness.clock.now())
    assert posts() == []
    await harness.advance(timedelta(minutes=2))  # a day before: the reminder
    [reminder] = posts()
    assert "Next pairing round" in reminder.content and "1 backend, 1 frontend" in reminder.content
    assert not reminder.pings

    await harness.advance(wednesday + timedelta(seconds=30) - harness.clock.now())
    await standin.wait_for(lambda: len(standin.threads) == 1 and intro_ready(standin, standin.threads[0]))
    rounds = [m for m in posts() if m.embeds and "Weekly pairing round" in m.text]
    assert len(rounds) == 1 and "1** new pair" in rounds[0].text
    [thread] = standin.threads
    only_pings(intro_of(standin, thread), alice, bob)

    # Later that day, and after a restart in the same week: no second round.
    await standin.slash(standin.add_member("carol"), "pair join", role="backend", timezone="America/New_York")
    await harness.advance(timedelta(hours=2))
    later = harness.clock.now() + timedelta(minutes=5)
    await harness.stop()
    await harness.start(FakeClock(later))
    assert len([m for m in posts() if "Weekly pairing round" in m.text]) == 1
    assert len(standin.threads) == 1

    # A week after the match: "did you meet?" in the thread, pinging the two only.
    await harness.advance(wednesday + timedelta(days=7, minutes=1) - harness.clock.now())
    await standin.wait_for(lambda: any(m.components for m in standin.messages_in(thread)))
    [question] = [m for m in standin.messages_in(thread) if m.components]
    only_pings(question, alice, bob)
    assert "Did you manage to meet?" in question.content

    # The buttons survive a restart; only the partners may answer.
    now = harness.clock.now()
    await harness.stop()
    await harness.start(FakeClock(now))
    nosy = await standin.click(outsider, question, label="Yes, we met")
    assert nosy.ephemeral and nosy.message is not None and "Only" in nosy.message.content
    assert not nosy.message.pings
    yes = await standin.click(alice, question, label="Yes, we met")
    assert yes.ephemeral and yes.message is not None and "noted that you met" in yes.message.content
    not_yet = await standin.click(bob, question, label="Not yet")
    assert not_yet.message is not None and "not yet" in not_yet.message.content.lower()
    assert (await harness.cog.store.counts(standin.guild.id))["met_yes"] == 1
    history = await standin.slash(alice, "pair history")
    assert history.message is not None and "met: yes" in history.message.text

    # The second week's round ran too (only carol waits: nobody to pair) and asked nothing twice.
    await harness.advance(timedelta(hours=1))
    assert len([m for m in standin.messages_in(thread) if m.components]) == 1
    assert len([m for m in posts() if "Weekly pairing round" in m.text]) == 2


async def test_a_restart_posts_interrupted_introductions_and_a_round_missed_while_down(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    await harness.start(FakeClock(MONDAY_0900))
    await standin.slash(mod, "pair schedule", weekday=2, time="18:00", timezone="Africa/Lagos")
    alice, bob, carol, dave = (standin.add_member(name) for name in ("alice", "bob", "carol", "dave"))
    await join(standin, alice, "backend", timezone="America/New_York")
    await join(standin, bob, "frontend", timezone="Asia/Tokyo")
    await harness.stop()

    # While the bot is down: a match whose introduction never went out (as if it stopped right after matching).
    database = await Database.open(harness.database)
    try:
        store = PairingStore(database)
        general = standin.guild.general
        await store.join(
            standin.guild.id, JoinRequest(carol.id, "Carol", "backend", (), "Africa/Lagos", general), MONDAY_0900
        )
        outcome = await store.join(
            standin.guild.id, JoinRequest(dave.id, "Dave", "frontend", (), "Africa/Lagos", general), MONDAY_0900
        )
        assert outcome.kind == "matched"
    finally:
        await database.close()

    wednesday = datetime(2026, 1, 7, 17, 0, tzinfo=UTC)
    await harness.start(FakeClock(wednesday + timedelta(hours=2)))  # back 2 h after the slot: still worth it
    await standin.wait_for(lambda: len(standin.threads) == 2 and all(intro_ready(standin, t) for t in standin.threads))
    pinged = [intro_of(standin, thread).pings.users for thread in standin.threads]
    assert sorted(pinged, key=min) == sorted([{carol.id, dave.id}, {alice.id, bob.id}], key=min)
    rounds = [m for m in standin.messages_in(standin.guild.general) if "Weekly pairing round" in m.text]
    assert len(rounds) == 1
    await harness.advance(timedelta(hours=1))
    assert len(standin.threads) == 2
