"""`/challenge` end to end: the real bot and the real discord.py client against the Discord stand-in, members acting
through slash commands, modals, buttons and the "Add as solution" message menu.

The three curated challenges are #1-#3 in every guild (solutions 1-3), so a member's first challenge is #4 and the
first member solution is solution 4.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any, cast

import pytest

from bot.app import NexusBot
from cogs.challenges.cog import Challenges
from sandbox import InteractionHandle, Member, Message, NotPossible, StandIn
from sandbox.harness import BotProcess

from .conftest import StartBot

pytestmark = pytest.mark.asyncio

TITLE, WHAT, SOLUTION, TAGS = "title", "what happened", "solution (optional)", "tags (optional, comma-separated)"
FIRST = 4  # the first member challenge's number (and the first member solution's number)


def cog(bot: NexusBot) -> Challenges:
    found = bot.get_cog("Challenges")
    assert found is not None
    return cast(Challenges, found)  # not isinstance: every bot start re-imports the extension


async def log(
    standin: StandIn,
    member: Member,
    title: str,
    what: str = "It broke.",
    *,
    solution: str = "",
    tags: str = "",
    in_channel: Any = None,
) -> Message:
    opened = await standin.slash(member, "challenge log", in_channel=in_channel)
    done = await standin.submit_modal(member, opened, {TITLE: title, WHAT: what, SOLUTION: solution, TAGS: tags})
    assert done.message is not None, done
    assert not done.ephemeral, done.message.text
    return done.message


async def solve(standin: StandIn, member: Member, number: int, text: str) -> InteractionHandle:
    opened = await standin.slash(member, "challenge solve", id=number)
    assert opened.modal is not None, opened.message and opened.message.text
    return await standin.submit_modal(member, opened, {"your solution": text})


def error_of(ix: InteractionHandle) -> str:
    message = ix.followups[-1] if ix.followups else ix.message
    assert message is not None and message.ephemeral, ix
    assert not message.pings
    return message.content


async def until(predicate: Callable[[], bool], attempts: int = 500) -> None:
    """Wait for the bot's own work (no request to the stand-in marks its end), checking every 10 ms."""
    for _ in range(attempts):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def final(ix: InteractionHandle) -> Message:
    """The answer a deferred interaction ends with."""
    await ix.wait_final()
    message = ix.messages[-1]
    assert not message.pings
    return message


async def answer_text(ix: InteractionHandle) -> str:
    """What the clicking member read: an error answer, or the thanks that follows an updated message."""
    if ix.message is not None and ix.message.ephemeral:
        return ix.message.content
    [thanks] = await ix.wait_followups()
    return thanks.content


def field(message: Message, name_part: str) -> str:
    for embed in message.embeds:
        for item in embed.get("fields", []):
            if name_part in item["name"]:
                return str(item["value"])
    raise KeyError(f"no field {name_part!r} in {message.text}")


# Curated content.


async def test_curated_challenges_are_there_from_the_first_start_and_never_twice(
    standin: StandIn, start_bot: StartBot
) -> None:
    alice = standin.add_member("alice")
    bot = await start_bot()
    await until(lambda: standin.guild.id in cog(bot).seeded_guilds)  # planted at ready, before anyone asks
    assert await cog(bot).store.counts(standin.guild.id) == {
        "challenges_open": 0,
        "challenges_solved": 3,
        "solutions": 3,
    }
    shown = await standin.slash(alice, "challenge show", id=2)
    assert shown.message is not None
    assert shown.message.embeds[0]["title"].startswith("Challenge #2: Our list endpoint took 4 seconds")
    assert "select_related" in shown.message.text and "✅ Accepted · Solution 2" in shown.message.text
    assert "the ProDev programme (curated)" in shown.message.text
    assert shown.message.component(custom_id="nx:concept:select-related-prefetch-related")

    bot = await start_bot()  # a restart plants nothing again
    await standin.slash(alice, "challenge list")
    assert (await cog(bot).store.counts(standin.guild.id))["challenges_solved"] == 3
    assert (await log(standin, alice, "After a restart")).embeds[0]["title"].startswith(f"Challenge #{FIRST}:")


# /challenge log.


async def test_log_answers_challenge_n_with_similar_ones_and_pings_nobody(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    message = await log(
        standin,
        alice,
        "@everyone migrations fail on staging <@&123>",
        "The migration ran locally but staging says the column does not exist. @here",
        tags="Django, migrations, #CI",
    )
    [embed] = message.embeds
    assert embed["title"] == f"Challenge #{FIRST}: @everyone migrations fail on staging <@&123>"
    assert "@here" in embed["description"]
    assert field(message, "Tags") == "`django` `migrations` `ci`"
    assert field(message, "Status") == "🟠 open"
    assert alice.mention in field(message, "Logged by")
    assert "#1" in field(message, "Similar earlier challenges")  # the curated migrations challenge
    assert not message.pings
    assert message.allowed_mentions == {"parse": []}
    assert [b["label"] for b in message.buttons] == ["Add solution", "Full text"]
    assert message.component(custom_id=f"nx:chl:add:{FIRST}")


async def test_log_with_a_solution_is_solved_by_its_author(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    message = await log(standin, alice, "Docker build slow", "Every build reinstalls deps", solution="Copy reqs first")
    assert field(message, "Status") == "✅ solved"
    assert field(message, f"Solution {FIRST}") == "Copy reqs first"
    listed = await standin.slash(alice, "challenge list", status="solved")
    assert listed.message is not None and "Docker build slow" in listed.message.text


async def test_log_is_also_posted_in_the_challenge_channel(standin: StandIn, nexus: NexusBot) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    alice = standin.add_member("alice")
    channel = standin.add_channel("challenges")
    await standin.slash(manager, "nexus config", challenge_channel=channel)

    await log(standin, alice, "Celery tasks vanish @everyone")
    await standin.wait_for(lambda: bool(standin.messages_in(channel)))  # posted right after the answer
    [posted] = standin.messages_in(channel)
    assert posted.embeds[0]["title"] == f"Challenge #{FIRST}: Celery tasks vanish @everyone"
    assert not posted.pings
    assert posted.component(custom_id=f"nx:chl:add:{FIRST}")

    await log(standin, alice, "Logged in the channel itself", in_channel=channel)
    assert len(standin.messages_in(channel)) == 2  # the answer itself, not a second copy


async def test_log_tells_the_member_when_the_challenge_channel_is_gone(standin: StandIn, nexus: NexusBot) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    alice = standin.add_member("alice")
    channel = standin.add_channel("challenges")
    await standin.slash(manager, "nexus config", challenge_channel=channel)
    await standin.delete_channel(channel)

    opened = await standin.slash(alice, "challenge log")
    done = await standin.submit_modal(alice, opened, {TITLE: "Still saved", WHAT: "yes"})
    assert done.message is not None and not done.ephemeral
    [notice] = await done.wait_followups()
    assert notice.ephemeral and f"saved as #{FIRST}" in notice.content and "no longer exists" in notice.content


@pytest.mark.parametrize(
    ("values", "answer"),
    [
        ({TITLE: "   ", WHAT: "x"}, "The title can't be empty"),
        ({TITLE: "t", WHAT: " \n "}, "description (what happened) can't be empty"),
        ({TITLE: "t", WHAT: "x", TAGS: "a, b, c, d, e, f"}, "That's 6 tags; a challenge can have at most 5"),
        ({TITLE: "t", WHAT: "x", TAGS: "@everyone"}, "tags may only use letters"),
        ({TITLE: "t", WHAT: "x", TAGS: "x" * 31}, "longer than 30 characters"),
    ],
)
async def test_log_refuses_bad_input_and_stores_nothing(
    standin: StandIn, nexus: NexusBot, values: dict[str, str], answer: str
) -> None:
    alice = standin.add_member("alice")
    opened = await standin.slash(alice, "challenge log")
    done = await standin.submit_modal(alice, opened, values)
    assert answer in error_of(done)
    assert (await cog(nexus).store.counts(standin.guild.id))["challenges_open"] == 0


async def test_the_log_modal_declares_the_limits_the_client_enforces(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    opened = await standin.slash(alice, "challenge log")
    with pytest.raises(NotPossible, match="to 100 characters"):
        await standin.submit_modal(alice, opened, {TITLE: "x" * 101, WHAT: "x"})
    opened = await standin.slash(alice, "challenge log")
    with pytest.raises(NotPossible, match="to 4000 characters"):
        await standin.submit_modal(alice, opened, {TITLE: "t", WHAT: "x" * 4001})


async def test_logging_has_a_per_member_cooldown(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    for _ in range(5):
        assert (await standin.slash(alice, "challenge log")).modal is not None
    refused = await standin.slash(alice, "challenge log")
    assert refused.modal is None and "Try again in" in error_of(refused)
    assert (await standin.slash(bob, "challenge log")).modal is not None


# Restart.


async def test_a_challenge_survives_a_restart_and_its_buttons_still_work(standin: StandIn, start_bot: StartBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    await start_bot()
    message = await log(standin, alice, "Gunicorn workers time out", "Under load the workers get killed", tags="ops")
    answer = await solve(standin, carol, FIRST, "More workers")
    assert answer.message is not None

    await start_bot()  # a new bot on the same database
    found = await final(await standin.slash(bob, "challenge search", query="gunicorn workers"))
    assert found.ephemeral and f"**#{FIRST}** Gunicorn workers time out" in found.text
    opened = await standin.click(bob, message, f"nx:chl:add:{FIRST}")
    assert opened.modal is not None and opened.modal["title"] == f"Solution for challenge #{FIRST}"
    answered = await standin.submit_modal(bob, opened, {"your solution": "Raise the timeout, add workers"})
    assert answered.message is not None and answered.message.pings.users == {alice.id}
    voted = await standin.click(bob, answer.message, f"nx:chl:helpful:{FIRST}:a")
    assert "You marked solution 4 helpful (1 member so far)" in await answer_text(voted)


async def test_a_challenge_survives_the_process_being_killed(standin: StandIn, bot_process: BotProcess) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    await bot_process.start()
    await log(standin, alice, "Uvicorn reload loop", "The dev server restarts forever")
    assert await bot_process.kill() == -signal.SIGKILL  # no clean shutdown: what was answered was committed

    await bot_process.start()
    found = await final(await standin.slash(bob, "challenge search", query="uvicorn reload"))
    assert f"**#{FIRST}** Uvicorn reload loop" in found.text
    shown = await standin.slash(bob, "challenge show", id=FIRST)
    assert shown.message is not None and "The dev server restarts forever" in shown.message.text


# /challenge solve and the author's notification.


async def test_solving_notifies_the_author_once_and_nobody_else(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    await log(standin, alice, "Redis connection refused")
    answered = await solve(standin, bob, FIRST, f"Start redis first. @everyone {carol.mention} <@&{standin.guild.id}>")
    message = answered.message
    assert message is not None and not answered.ephemeral
    assert message.content.count(alice.mention) == 1
    assert message.pings.users == {alice.id} and not message.pings.roles and not message.pings.everyone
    assert message.embeds[0]["title"] == f"Solution {FIRST} to challenge #{FIRST}"
    assert bob.mention in field(message, "Credit")
    assert message.component(custom_id=f"nx:chl:helpful:{FIRST}:a")

    own = await solve(standin, alice, FIRST, "Found another way myself")
    assert own.message is not None and not own.message.pings and alice.mention not in own.message.content


async def test_curated_challenges_notify_nobody(standin: StandIn, nexus: NexusBot) -> None:
    bob = standin.add_member("bob")
    answered = await solve(standin, bob, 3, "Also: a CDN in front")
    assert answered.message is not None and not answered.message.pings and not answered.message.content


async def test_solve_unknown_or_deleted_numbers(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    unknown = await standin.slash(alice, "challenge solve", id=99)
    assert unknown.modal is None and "There's no challenge #99 in this server" in error_of(unknown)
    await log(standin, alice, "To be deleted")
    asked = await standin.slash(alice, "challenge delete", id=FIRST)
    await standin.click(alice, asked, label="Delete")
    gone = await standin.slash(alice, "challenge solve", id=FIRST)
    assert "Challenge #4 was deleted" in error_of(gone)


async def test_an_empty_solution_is_refused(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    await log(standin, alice, "Needs an answer")
    refused = await solve(standin, alice, FIRST, "   ")
    assert "The solution can't be empty" in error_of(refused)
    assert (await cog(nexus).store.counts(standin.guild.id))["solutions"] == 3


async def test_solve_autocomplete_offers_open_challenges_best_first(standin: StandIn, nexus: NexusBot) -> None:
    members = [standin.add_member(f"m{i}") for i in range(7)]  # five logs each per ten minutes
    for i in range(28):
        await log(standin, members[i % 6], f"Issue number {i}")
    await log(standin, members[6], "Kubernetes probes failing")

    newest = await standin.autocomplete(members[0], "challenge solve", focused="id", value="")
    assert len(newest) == 25
    assert newest[0] == {"name": f"#{FIRST + 28} Kubernetes probes failing", "value": FIRST + 28}
    assert all(choice["value"] > 3 for choice in newest)  # the curated ones are solved
    typed = await standin.autocomplete(members[0], "challenge solve", focused="id", value="kube")
    assert typed == [{"name": f"#{FIRST + 28} Kubernetes probes failing", "value": FIRST + 28}]
    by_number = await standin.autocomplete(members[0], "challenge solve", focused="id", value="12")
    assert by_number[0]["value"] == 12


# /challenge show and "Helpful".


async def test_show_lists_solutions_accepted_then_helpful_with_numbers(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol, dave = (standin.add_member(n) for n in ("alice", "bob", "carol", "dave"))
    await log(standin, alice, "Slow admin page")
    await solve(standin, bob, FIRST, "Use list_select_related")  # solution 4
    await solve(standin, carol, FIRST, "Add an index")  # solution 5
    await solve(standin, dave, FIRST, "Paginate")  # solution 6
    shown = await standin.slash(alice, "challenge show", id=FIRST)
    assert shown.message is not None
    await standin.click(bob, shown, "nx:chl:helpful:6:s")
    await standin.slash(alice, "challenge accept", solution=5)

    shown = await standin.slash(alice, "challenge show", id=FIRST)
    assert shown.message is not None and not shown.message.pings
    names = [f["name"] for f in shown.message.embeds[0]["fields"][1:]]
    assert names == ["✅ Accepted · Solution 5", "Solution 6 · 👍 1 helpful", "Solution 4"]
    labels = [b["label"] for b in shown.message.buttons]
    assert labels == [
        "Add solution",
        "Full text",
        "Helpful: Solution 5",
        "Helpful: Solution 6 (1)",
        "Helpful: Solution 4",
    ]


async def test_helpful_votes_count_once_per_member_and_not_for_the_author(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    await log(standin, alice, "Votes")
    await solve(standin, bob, FIRST, "Bob's fix")
    shown = await standin.slash(carol, "challenge show", id=FIRST)

    voted = await standin.click(carol, shown, f"nx:chl:helpful:{FIRST}:s")
    assert voted.message is not None and "Solution 4 · 👍 1 helpful" in voted.message.text
    [thanks] = await voted.wait_followups()
    assert thanks.ephemeral and "You marked solution 4 helpful (1 member so far)" in thanks.content

    again = await standin.click(carol, shown, f"nx:chl:helpful:{FIRST}:s")
    assert "You already marked solution 4 helpful" in error_of(again)
    own = await standin.click(bob, shown, f"nx:chl:helpful:{FIRST}:s")
    assert "You can't mark your own solution helpful" in error_of(own)


async def test_concurrent_helpful_clicks_count_twice_for_two_members_once_for_one(
    standin: StandIn, nexus: NexusBot
) -> None:
    alice, bob, carol, dave = (standin.add_member(n) for n in ("alice", "bob", "carol", "dave"))
    await log(standin, alice, "Concurrency")
    answer = await solve(standin, bob, FIRST, "Use a lock")
    assert answer.message is not None
    button = f"nx:chl:helpful:{FIRST}:a"

    await asyncio.gather(standin.click(carol, answer.message, button), standin.click(dave, answer.message, button))
    assert (await cog(nexus).store.get_solution(standin.guild.id, FIRST)).helpful == 2

    twice = await asyncio.gather(
        standin.click(alice, answer.message, button), standin.click(alice, answer.message, button)
    )
    assert (await cog(nexus).store.get_solution(standin.guild.id, FIRST)).helpful == 3
    answers = [await answer_text(ix) for ix in twice]
    assert sum("already marked" in text for text in answers) == 1


async def test_full_text_sends_everything_as_a_private_file(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    long_text = "Step. " * 650 + "THE END"
    await log(standin, alice, "Long story", long_text)
    await solve(standin, bob, FIRST, "Short fix")
    shown = await standin.slash(bob, "challenge show", id=FIRST)
    assert shown.message is not None
    assert "THE END" not in shown.message.text and "press **Full text**" in shown.message.text

    full = await standin.click(bob, shown, f"nx:chl:full:{FIRST}")
    assert full.message is not None and full.ephemeral
    [attachment] = full.message.files
    assert attachment.filename == f"challenge-{FIRST}.md"
    assert "THE END" in attachment.text and "Short fix" in attachment.text


# /challenge accept.


async def test_only_the_author_or_a_moderator_accepts(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    moderator = standin.add_member("mentor", manage_guild=True)
    await log(standin, alice, "Accept me")
    await solve(standin, bob, FIRST, "bob's")
    await solve(standin, carol, FIRST, "carol's")

    refused = await standin.slash(bob, "challenge accept", solution=FIRST)
    assert "Only the author of challenge #4 or a moderator can accept" in error_of(refused)

    accepted = await standin.slash(alice, "challenge accept", solution=FIRST)
    assert accepted.message is not None and not accepted.ephemeral
    assert accepted.message.content.startswith(f"✅ Solution {FIRST} by {bob.mention} is now the accepted answer")
    assert not accepted.message.pings

    again = await standin.slash(alice, "challenge accept", solution=FIRST)
    assert "already the accepted answer" in error_of(again)
    moved = await standin.slash(moderator, "challenge accept", solution=FIRST + 1)
    assert moved.message is not None and f"(instead of solution {FIRST})" in moved.message.content

    curated = await standin.slash(alice, "challenge accept", solution=FIRST)
    assert curated.message is not None  # alice moves it back: her challenge
    on_curated = await solve(standin, bob, 1, "another way")
    assert on_curated.message is not None
    not_theirs = await standin.slash(alice, "challenge accept", solution=FIRST + 2)
    assert "or a moderator" in error_of(not_theirs)
    unknown = await standin.slash(alice, "challenge accept", solution=999)
    assert "There's no solution 999" in error_of(unknown)


async def test_accept_autocomplete_lists_the_members_own_challenges(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    await log(standin, alice, "Alice's problem")
    await log(standin, bob, "Bob's problem")
    await solve(standin, bob, FIRST, "for alice")
    await solve(standin, alice, FIRST + 1, "for bob")
    choices = await standin.autocomplete(alice, "challenge accept", focused="solution", value="")
    assert choices == [{"name": f"Solution {FIRST} on #{FIRST} Alice's problem: for alice", "value": FIRST}]


# /challenge delete.


async def test_delete_asks_first_and_hides_the_challenge(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    await log(standin, alice, "Unique zebra problem")

    refused = await standin.slash(bob, "challenge delete", id=FIRST)
    assert "Only the author of challenge #4 or a moderator can delete it" in error_of(refused)
    assert "There's no challenge #40" in error_of(await standin.slash(alice, "challenge delete", id=40))

    asked = await standin.slash(alice, "challenge delete", id=FIRST)
    assert asked.message is not None and asked.ephemeral and "Delete challenge #4" in asked.message.content
    cancelled = await standin.click(alice, asked, label="Cancel")
    assert cancelled.message is not None and "stays" in cancelled.message.content
    assert (await standin.slash(alice, "challenge show", id=FIRST)).message is not None

    asked = await standin.slash(alice, "challenge delete", id=FIRST)
    done = await standin.click(alice, asked, label="Delete")
    assert done.message is not None and done.message.content == "Challenge #4 is deleted."
    assert not done.message.components

    assert "Challenge #4 was deleted" in error_of(await standin.slash(alice, "challenge show", id=FIRST))
    nothing = await final(await standin.slash(alice, "challenge search", query="zebra"))
    assert nothing.ephemeral and "No challenge matches that" in nothing.text
    assert await cog(nexus).store.counts(standin.guild.id) == {
        "challenges_open": 0,
        "challenges_solved": 3,
        "solutions": 3,
    }


async def test_a_moderator_deletes_someone_elses_challenge(standin: StandIn, nexus: NexusBot) -> None:
    bob = standin.add_member("bob")
    mentors = standin.add_role("Mentors")
    mentor = standin.add_member("mentor", roles=[mentors])
    manager = standin.add_member("manager", manage_guild=True)
    await standin.slash(manager, "nexus config", moderator_role=mentors)
    await log(standin, bob, "Bob's")
    asked = await standin.slash(mentor, "challenge delete", id=FIRST)
    done = await standin.click(mentor, asked, label="Delete")
    assert done.message is not None and done.message.content == "Challenge #4 is deleted."


# /challenge search and /challenge list.


async def test_search_is_ranked_paginated_and_filtered_by_tag(standin: StandIn, nexus: NexusBot) -> None:
    members = [standin.add_member(f"m{i}") for i in range(3)]
    for i in range(8):
        await log(standin, members[i % 3], f"Postgres deadlock {i}", "Two transactions wait on each other", tags="db")
    await log(standin, members[0], "Deadlock in the admin", "Postgres again", tags="admin")

    found = await final(await standin.slash(members[1], "challenge search", query="postgres deadlock"))
    assert found.ephemeral
    assert "9 matches, best first · page 1 of 2" in found.embeds[0]["footer"]["text"]
    page_two = await standin.click(members[1], found, label="Next ▶")
    assert page_two.message is not None and "page 2 of 2" in page_two.message.embeds[0]["footer"]["text"]

    tagged = await final(await standin.slash(members[1], "challenge search", query="deadlock", tag="#Admin"))
    assert "Deadlock in the admin" in tagged.text and "Postgres deadlock" not in tagged.text


@pytest.mark.parametrize("query", ['"', "NEAR(", "* OR *", ") AND (", "title:x", "^", "'; DROP TABLE challenges; --"])
async def test_search_syntax_from_members_is_harmless(standin: StandIn, nexus: NexusBot, query: str) -> None:
    alice = standin.add_member("alice")
    answer = await final(await standin.slash(alice, "challenge search", query=query))
    assert answer.ephemeral and "Something went wrong" not in answer.text


async def test_search_refuses_a_query_without_words(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    assert "at least one word" in error_of(await standin.slash(alice, "challenge search", query="?!*"))
    assert "the limit is 200" in error_of(await standin.slash(alice, "challenge search", query="q" * 201))
    bad_tag = await standin.slash(alice, "challenge search", query="x", tag="no spaces?")
    assert "tags may only use" in error_of(bad_tag)


async def test_list_filters_by_status_tag_and_author(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    await log(standin, alice, "Alice open", tags="django")
    await log(standin, bob, "Bob solved", solution="done", tags="django")
    await log(standin, bob, "Bob open", tags="redis")

    everything = await standin.slash(alice, "challenge list")
    assert everything.message is not None and everything.ephemeral and not everything.message.pings
    text = everything.message.text
    assert text.index("Bob open") < text.index("Bob solved") < text.index("Alice open") < text.index("Migrations")

    open_ones = await standin.slash(alice, "challenge list", status="open")
    assert open_ones.message is not None
    assert "Bob solved" not in open_ones.message.text and "Alice open" in open_ones.message.text
    by_bob = await standin.slash(alice, "challenge list", author=bob, tag="django")
    assert by_bob.message is not None and "Bob solved" in by_bob.message.text
    assert "Alice open" not in by_bob.message.text and "Bob open" not in by_bob.message.text
    nothing = await standin.slash(alice, "challenge list", tag="cobol")
    assert nothing.message is not None and "No challenge matches that" in nothing.message.text

    tags = await standin.autocomplete(alice, "challenge list", focused="tag", value="dj")
    assert tags == [{"name": "django", "value": "django"}]


# /challenge leaderboard.


async def test_leaderboard_renders_mentions_without_pinging(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    await log(standin, alice, "Board")
    answer = await solve(standin, bob, FIRST, "fix")
    assert answer.message is not None
    await standin.slash(alice, "challenge accept", solution=FIRST)
    await standin.click(carol, answer.message, f"nx:chl:helpful:{FIRST}:a")

    board = await standin.slash(carol, "challenge leaderboard")
    await board.wait_final()
    message = board.messages[-1]
    assert not message.ephemeral and not message.pings
    assert f"1. {bob.mention}: 1 accepted · 1 helpful" in field(message, "Most accepted")
    assert f"1. {bob.mention}: 1 helpful · 1 accepted" in field(message, "Most helpful")


# "Add as solution".


async def test_add_as_solution_captures_a_chat_answer_in_two_clicks(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    await log(standin, alice, "Celery tasks vanish")
    chat = await standin.say(carol, "Set acks_late=True and a visibility timeout @everyone")

    opened = await standin.message_command(bob, "Add as solution", chat)
    assert opened.modal is not None
    fields = {
        c["component"]["label"] if "component" in c else c["components"][0]["label"]: c
        for c in opened.modal["components"]
    }
    assert len(fields) == 2
    done = await standin.submit_modal(bob, opened)  # both fields pre-filled: the second click
    message = done.message
    assert message is not None and not done.ephemeral
    assert message.pings.users == {alice.id} and not message.pings.everyone
    credit = field(message, "Credit")
    assert carol.mention in credit and "captured from [a chat message]" in credit and bob.mention in credit
    _, [solution] = await cog(nexus).store.show(standin.guild.id, FIRST)
    assert (solution.author_id, solution.captured_by, solution.source_message_id) == (carol.id, bob.id, chat.id)
    assert solution.body == "Set acks_late=True and a visibility timeout @everyone"


async def test_add_as_solution_refuses_bot_messages_and_unknown_numbers(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    logged = await log(standin, alice, "Something")
    refused = await standin.message_command(bob, "Add as solution", logged)
    assert refused.modal is None and "comes from a bot" in error_of(refused)

    chat = await standin.say(bob, "try turning it off and on", in_channel=standin.add_channel("random"))
    opened = await standin.message_command(bob, "Add as solution", chat)
    assert opened.modal is not None
    wrong = await standin.submit_modal(bob, opened, {"challenge number": "twelve"})
    assert "isn't a challenge number" in error_of(wrong)
    opened = await standin.message_command(bob, "Add as solution", chat)
    unknown = await standin.submit_modal(bob, opened, {"challenge number": "#77"})
    assert "There's no challenge #77" in error_of(unknown)
