"""`/tip` end to end: the real bot (with a FakeClock) and the real discord.py client against the Discord stand-in.

Time is moved with the bot's FakeClock; the tests wait for the weekly loop to have *looked* (a pass that began after
the clock moved) rather than for wall-clock time, so they are deterministic.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import NexusBot
from bot.clock import FakeClock
from bot.content import Tip, load_default_content
from cogs.tips.cog import Tips
from sandbox import Member, Message, StandIn
from sandbox.harness import point_discord_at, run_client, stop_client
from sandbox.models import SEND_MESSAGES

from .conftest import settings_for

pytestmark = pytest.mark.asyncio

MONDAY_0600 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # a Monday
LAGOS_0900 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # Monday 09:00 in Africa/Lagos (UTC+1, no DST)


def curated() -> tuple[Tip, ...]:
    return load_default_content().tips


class Harness:
    """Starts and stops the real NexusBot on one database file, each time with the clock the test gives.

    The shared `start_bot` fixture restarts at once; these tests also need the bot *down* while time passes.
    """

    def __init__(self, standin: StandIn, database: Path) -> None:
        self.standin = standin
        self.database = database
        self.bot: NexusBot | None = None
        self._connection: Any = None

    async def start(self, clock: FakeClock) -> NexusBot:
        point_discord_at(self.standin)
        self.bot = NexusBot(settings_for(self.standin, self.database), clock=clock)
        self._connection = await run_client(self.bot, self.standin)
        await self.looked()  # the loop's first pass (catch-up) is over
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await stop_client(self.bot, self._connection)
            self.bot = None

    @property
    def cog(self) -> Tips:
        assert self.bot is not None
        cog = self.bot.get_cog("Tips")
        assert cog is not None
        # Not isinstance: each bot start re-imports the extension (discord.py unloads its modules at close).
        return cast(Tips, cog)

    @property
    def clock(self) -> FakeClock:
        assert self.bot is not None and isinstance(self.bot.clock, FakeClock)
        return self.bot.clock

    async def looked(self) -> None:
        """Wait until a pass of the weekly loop that began after this call has finished."""
        async with asyncio.timeout(10):
            await self.cog.fresh_pass()

    async def advance(self, delta: timedelta) -> None:
        """Move the bot's time forward and wait for the loop to look at the new time."""
        self.clock.advance(delta)
        await self.looked()


@pytest.fixture
async def harness(standin: StandIn, tmp_path: Path) -> AsyncIterator[Harness]:
    runner = Harness(standin, tmp_path / "nexus.db")
    yield runner
    await runner.stop()


@pytest.fixture
def mod(standin: StandIn) -> Member:
    return standin.add_member("mentor", manage_guild=True)


def tip_messages(standin: StandIn, channel: Any) -> list[Message]:
    return [m for m in standin.messages_in(channel) if m.embeds]


def button_ids(message: Message) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row.get("components", []) if "custom_id" in c]


async def schedule(standin: StandIn, mod: Member, channel: Any, **options: Any) -> Any:
    values = {"channel": channel, "weekday": 0, "time": "09:00", "timezone": "Africa/Lagos", **options}
    return await standin.slash(mod, "tip schedule", values)


def assert_is_tip_post(message: Message, index: int) -> None:
    tip = curated()[index]
    embed = message.embeds[0]
    assert embed["title"] == tip.title
    assert embed["description"] == tip.body
    assert {f["name"]: f["value"] for f in embed["fields"]}["Category"] == tip.category.label
    if tip.concept:
        assert button_ids(message) == [f"nx:concept:{tip.concept}"]
    if tip.link:
        assert embed["url"] == str(tip.link)
    assert message.allowed_mentions is not None
    assert message.allowed_mentions.get("parse") == []


# The weekly post -----------------------------------------------------------------------------------------------


async def test_a_scheduled_tip_is_posted_exactly_once_even_across_a_restart(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    tips = standin.add_channel("tips")
    await harness.start(FakeClock(MONDAY_0600))

    ix = await schedule(standin, mod, tips)
    assert ix.ephemeral
    assert ix.message is not None
    first_slot = int(LAGOS_0900.timestamp())
    assert f"<t:{first_slot}:F>" in ix.message.content and f"<t:{first_slot}:R>" in ix.message.content
    assert "every Monday at 09:00 (Africa/Lagos)" in ix.message.content

    await harness.advance(timedelta(hours=1, minutes=59))  # 07:59 UTC: not yet
    assert tip_messages(standin, tips) == []
    await harness.advance(timedelta(minutes=1, seconds=30))  # 08:00:30 UTC: due
    posts = tip_messages(standin, tips)
    assert len(posts) == 1
    assert_is_tip_post(posts[0], 0)
    assert posts[0].embeds[0]["author"]["name"] == "💡 Tip of the week"
    # "Learn more" opens the tip's concept (answered by the concepts feature) for whoever presses it.
    concept = load_default_content().get_concept(curated()[0].concept or "")
    assert concept is not None
    learner = standin.add_member("learner")
    opened = await standin.click(learner, posts[0], label=f"Learn more: {concept.name}")
    assert opened.ephemeral and opened.message is not None
    assert opened.message.embeds[0]["title"].startswith(concept.name)

    await harness.advance(timedelta(hours=3))
    assert len(tip_messages(standin, tips)) == 1

    # A restart in the same week (same database, the clock a little later): no second post.
    later = harness.clock.now() + timedelta(minutes=10)
    await harness.stop()
    await harness.start(FakeClock(later))
    await harness.advance(timedelta(hours=1))
    assert len(tip_messages(standin, tips)) == 1

    # Next Monday: the next tip of the rotation.
    next_monday = LAGOS_0900 + timedelta(days=7, seconds=5)
    await harness.advance(next_monday - harness.clock.now())
    posts = tip_messages(standin, tips)
    assert len(posts) == 2
    assert_is_tip_post(posts[1], 1)

    status = await standin.slash(mod, "tip status")
    assert status.ephemeral and status.message is not None
    text = status.message.text
    assert curated()[1].title in text
    assert f"<t:{int((LAGOS_0900 + timedelta(days=14)).timestamp())}:F>" in text
    assert "Needs attention" not in text


@pytest.mark.parametrize(("late", "posted"), [(timedelta(hours=2), True), (timedelta(hours=8), False)])
async def test_a_post_missed_while_down_is_caught_up_only_if_less_than_6_hours_late(
    standin: StandIn, harness: Harness, mod: Member, late: timedelta, posted: bool
) -> None:
    tips = standin.add_channel("tips")
    await harness.start(FakeClock(MONDAY_0600))
    await schedule(standin, mod, tips)
    await harness.stop()  # down across the slot

    await harness.start(FakeClock(LAGOS_0900 + late))
    assert len(tip_messages(standin, tips)) == (1 if posted else 0)
    await harness.advance(timedelta(hours=1))
    assert len(tip_messages(standin, tips)) == (1 if posted else 0)

    status = await standin.slash(mod, "tip status")
    assert status.message is not None
    if posted:
        assert_is_tip_post(tip_messages(standin, tips)[0], 0)
        assert "Needs attention" not in status.message.text
    else:
        assert "was skipped" in status.message.text and "more than 6 hours late" in status.message.text
        # The skipped week does not use up a tip: next week's post is the first tip.
        await harness.advance(LAGOS_0900 + timedelta(days=7) - harness.clock.now())
        posts = tip_messages(standin, tips)
        assert len(posts) == 1
        assert_is_tip_post(posts[0], 0)


async def test_a_deleted_channel_or_a_missing_permission_never_stops_the_loop(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    doomed = standin.add_channel("doomed")
    await harness.start(FakeClock(MONDAY_0600))
    await schedule(standin, mod, doomed)
    await standin.delete_channel(doomed)
    await harness.advance(LAGOS_0900 - harness.clock.now())

    status = await standin.slash(mod, "tip status")
    assert status.message is not None
    assert "no longer exists" in status.message.text and "Needs attention" in status.message.text
    member = standin.add_member("learner")
    plain = await standin.slash(member, "tip status")
    assert plain.message is not None and "Needs attention" not in plain.message.text

    # The loop goes on: a new channel works the next week, and the failed week did not use up a tip.
    tips = standin.add_channel("tips")
    await schedule(standin, mod, tips)
    await harness.advance(timedelta(days=7))
    posts = tip_messages(standin, tips)
    assert len(posts) == 1
    assert_is_tip_post(posts[0], 0)

    # Take Send Messages away from the bot: the week fails, status says what to grant.
    # (The stand-in does not enforce channel permissions: the bot must notice by itself, from its roles.)
    for role in standin.guild.roles.values():
        if role.managed or role.id == standin.guild.id:  # the bot's own role and @everyone
            role.permissions &= ~SEND_MESSAGES
            standin.emit("GUILD_ROLE_UPDATE", {"guild_id": str(standin.guild.id), "role": role.payload()})
    await standin.gateway.flush()
    await harness.advance(timedelta(days=7))
    assert len(tip_messages(standin, tips)) == 1
    status = await standin.slash(mod, "tip status")
    assert status.message is not None and "missing permissions" in status.message.text
    assert "Send Messages" in status.message.text


async def test_unschedule_stops_the_weekly_post(standin: StandIn, harness: Harness, mod: Member) -> None:
    tips = standin.add_channel("tips")
    await harness.start(FakeClock(MONDAY_0600))
    await schedule(standin, mod, tips)
    ix = await standin.slash(mod, "tip unschedule")
    assert ix.message is not None and "stopped" in ix.message.content
    await harness.advance(timedelta(days=1))
    assert tip_messages(standin, tips) == []
    again = await standin.slash(mod, "tip unschedule")
    assert again.message is not None and "No weekly tip is scheduled" in again.message.content
    status = await standin.slash(mod, "tip status")
    assert status.message is not None and "No weekly tip is scheduled" in status.message.text


# Schedule input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"time": "25:00"}, "24-hour clock"),
        ({"time": "9am"}, "24-hour clock"),
        ({"timezone": "Europe/Londn"}, "Did you mean `Europe/London`"),
        ({"timezone": "Mars/Olympus"}, "isn't a time zone"),
    ],
)
async def test_wrong_schedule_input_gets_a_clear_answer(
    standin: StandIn, harness: Harness, mod: Member, options: dict[str, Any], expected: str
) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    ix = await schedule(standin, mod, standin.guild.general, **options)
    assert ix.ephemeral and ix.message is not None
    assert expected in ix.message.content
    assert await harness.cog.store.get_schedule(standin.guild.id) is None


async def test_timezone_autocomplete(standin: StandIn, harness: Harness, mod: Member) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    values = {"channel": standin.guild.general, "weekday": 0, "time": "09:00"}
    empty = await standin.autocomplete(mod, "tip schedule", values, focused="timezone", value="")
    assert 0 < len(empty) <= 25 and empty[0]["value"] == "UTC"
    typo = await standin.autocomplete(mod, "tip schedule", values, focused="timezone", value="Londn")
    assert typo[0]["value"] == "Europe/London"
    assert len(await standin.autocomplete(mod, "tip schedule", values, focused="timezone", value="a")) <= 25


async def test_default_timezone_is_utc_and_the_answer_tells_when(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    ix = await standin.slash(mod, "tip schedule", channel=standin.guild.general, weekday=4, time="18:30")
    assert ix.message is not None
    friday = datetime(2026, 1, 9, 18, 30, tzinfo=UTC)
    assert f"<t:{int(friday.timestamp())}:F>" in ix.message.content
    assert "every Friday at 18:30 (UTC)" in ix.message.content


# Members and moderators ----------------------------------------------------------------------------------------


async def test_a_plain_member_cannot_schedule_or_review(standin: StandIn, harness: Harness) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    learner = standin.add_member("learner")
    for command, options in (
        ("tip schedule", {"channel": standin.guild.general, "weekday": 0, "time": "09:00"}),
        ("tip unschedule", {}),
        ("tip review", {}),
    ):
        # Discord applies default permissions per top-level command, and /tip also holds member commands: members
        # see these subcommands. The bot's own check is what refuses them.
        refused = await standin.slash(learner, command, options)
        assert refused.ephemeral and refused.message is not None
        assert "Only moderators" in refused.message.content
    assert await harness.cog.store.get_schedule(standin.guild.id) is None


async def test_a_member_with_the_moderator_role_may_schedule(standin: StandIn, harness: Harness, mod: Member) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    mentors = standin.add_role("Mentors")
    mentor = standin.add_member("mentor-by-role", roles=[mentors])
    await standin.slash(mod, "nexus config", moderator_role=mentors)
    ix = await schedule(standin, mentor, standin.guild.general)
    assert ix.message is not None and "Next tip" in ix.message.content
    assert await harness.cog.store.get_schedule(standin.guild.id) is not None


async def test_suggest_review_approve_puts_the_tip_into_the_rotation(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    learner = standin.add_member("learner")

    opened = await standin.slash(learner, "tip suggest")
    assert opened.modal is not None
    thanks = await standin.submit_modal(
        learner,
        opened,
        Title="Pin your base image @everyone",
        Tip="Use `python:3.12-slim` with a digest, so builds do not change under you.",
        Category="docker",
        **{"Related concept (optional)": "", "Link (optional, https)": "https://docs.docker.com/build/"},
    )
    assert thanks.ephemeral and thanks.message is not None
    assert "suggestion #1" in thanks.message.content

    review = await standin.slash(mod, "tip review")
    assert review.ephemeral and review.message is not None
    assert "Pin your base image" in review.message.text
    assert button_ids(review.message) == ["nx:tipreview:approve:1", "nx:tipreview:reject:1"]

    # Restart before clicking: the buttons still work.
    clock = FakeClock(harness.clock.now())
    await harness.stop()
    await harness.start(clock)

    approved = await standin.click(mod, review, label="Approve")
    assert approved.message is not None
    assert "Approved suggestion #1" in approved.message.content
    assert "No more suggestions" in approved.message.content

    # Every curated tip went out already: the member's tip is next, credited, and pings nobody.
    store = harness.cog.store
    for _ in curated():
        claim = await store.claim_now(standin.guild.id, standin.guild.general, None, clock.now())
        assert claim is not None
        await store.mark_sent(claim.post_id, None, clock.now())
    posted = await standin.slash(learner, "tip now")
    assert not posted.ephemeral and posted.message is not None
    embed = posted.message.embeds[0]
    assert embed["title"] == "Pin your base image @everyone"
    assert {f["name"]: f["value"] for f in embed["fields"]}["Suggested by"] == f"<@{learner.id}>"
    assert posted.message.allowed_mentions is not None and posted.message.allowed_mentions.get("parse") == []

    empty = await standin.slash(mod, "tip review")
    assert empty.message is not None and "No suggestions are waiting" in empty.message.content


async def test_review_buttons_refuse_a_plain_member_and_reject_works(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    learner = standin.add_member("learner")
    for title in ("First idea", "Second idea"):
        opened = await standin.slash(learner, "tip suggest")
        await standin.submit_modal(learner, opened, Title=title, Tip="Some advice.", Category="Python")
        harness.clock.advance(timedelta(minutes=1))
    review = await standin.slash(mod, "tip review")
    assert review.message is not None and "First idea" in review.message.text
    assert "1 more waiting" in review.message.text

    rejected = await standin.click(mod, review, label="Reject")
    assert rejected.message is not None
    assert "Rejected suggestion #1" in rejected.message.content and "Second idea" in rejected.message.text

    # Moderator status is checked on click, not only when the message was sent.
    mod_role = standin.guild.roles[standin.guild.manager_role_id]
    mod.roles.remove(mod_role.id)
    refused = await standin.click(mod, review, label="Approve")
    assert refused.ephemeral and refused.message is not None
    assert "Only moderators" in refused.message.content
    assert await harness.cog.store.pending_count(standin.guild.id) == 1


async def test_suggestion_input_is_checked_and_kept(standin: StandIn, harness: Harness) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    learner = standin.add_member("learner")
    opened = await standin.slash(learner, "tip suggest")
    answer = await standin.submit_modal(
        learner,
        opened,
        Title="Cache it",
        Tip="Cache the expensive view.",
        Category="cachng",
        **{"Link (optional, https)": "http://insecure.example"},
    )
    assert answer.ephemeral and answer.message is not None
    assert "wasn't saved" in answer.message.content and "Did you mean `caching`" in answer.message.content
    assert "Cache the expensive view." in answer.message.content  # nothing typed is lost
    opened = await standin.slash(learner, "tip suggest", wait=True)
    answer = await standin.submit_modal(
        learner,
        opened,
        Title="Cache it",
        Tip="Cache it.",
        Category="caching",
        **{"Related concept (optional)": "no-such-concept"},
    )
    assert answer.message is not None and "no concept `no-such-concept`" in answer.message.content
    assert await harness.cog.store.pending_count(standin.guild.id) == 0


async def test_tip_now_posts_the_rotation_here_with_a_cooldown(standin: StandIn, harness: Harness) -> None:
    await harness.start(FakeClock(MONDAY_0600))
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    first = await standin.slash(alice, "tip now")
    assert not first.ephemeral and first.message is not None
    assert_is_tip_post(first.message, 0)
    assert first.message.embeds[0]["author"]["name"] == "💡 Nexus tip"
    second = await standin.slash(bob, "tip now")
    assert second.message is not None
    assert_is_tip_post(second.message, 1)
    again = await standin.slash(alice, "tip now")
    assert again.ephemeral and again.message is not None and "Try again in" in again.message.content

    category = curated()[0].category
    carol = standin.add_member("carol")
    by_category = await standin.slash(carol, "tip now", category=category.value)
    assert by_category.message is not None
    expected = [tip for tip in curated() if tip.category is category][1]  # the first one went out already
    assert by_category.message.embeds[0]["title"] == expected.title

    # `/tip now` answers first and records the post as sent right after: wait for the record, not for time.
    store = harness.cog.store
    for _ in range(500):
        last = await store.last_posted(standin.guild.id)
        if last is not None and last.title == expected.title:
            break
        await asyncio.sleep(0.01)
    status = await standin.slash(carol, "tip status")
    assert status.message is not None and expected.title in status.message.text


async def test_a_crash_between_claim_and_send_is_never_sent_twice_and_status_says_so(
    standin: StandIn, harness: Harness, mod: Member
) -> None:
    tips = standin.add_channel("tips")
    await harness.start(FakeClock(MONDAY_0600))
    await schedule(standin, mod, tips)
    # What a process killed mid-send leaves behind: the week claimed, the message maybe out, never marked.
    store = harness.cog.store
    claim = await store.claim_scheduled(standin.guild.id, "2026-W02", LAGOS_0900, tips.id, LAGOS_0900)
    assert claim is not None
    await harness.stop()

    await harness.start(FakeClock(LAGOS_0900 + timedelta(minutes=30)))
    assert tip_messages(standin, tips) == []  # at most once: the week is not retried
    status = await standin.slash(mod, "tip status")
    assert status.message is not None and "may not have been posted" in status.message.text
    # That tip counts as shown: next week brings the second one.
    await harness.advance(LAGOS_0900 + timedelta(days=7) - harness.clock.now())
    posts = tip_messages(standin, tips)
    assert len(posts) == 1
    assert_is_tip_post(posts[0], 1)
