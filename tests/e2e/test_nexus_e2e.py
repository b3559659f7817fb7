"""`/nexus ping` and `/nexus config` end to end, and how the bot survives the gateway and REST failing under it."""

from __future__ import annotations

import signal

import pytest

from bot.app import NexusBot
from sandbox import StandIn
from sandbox.harness import BotProcess

pytestmark = pytest.mark.asyncio

MODERATORS_ONLY = "Only moderators can do that"


async def test_ping_answers_privately_with_latency_and_database_time(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")

    ix = await standin.slash(alice, "nexus ping")

    assert ix.ephemeral
    assert ix.message is not None
    assert ix.message.content.startswith("Pong!")
    assert "database" in ix.message.content
    assert ix.message.allowed_mentions == {"parse": []}


async def test_commands_are_synced_once_to_the_dev_guild(standin: StandIn, nexus: NexusBot) -> None:
    [sync] = standin.command_syncs
    assert sync.path == f"/applications/{standin.application_id}/guilds/{standin.guild.id}/commands"
    config = next(c for c in standin.commands(standin.guild) if c["name"] == "nexus")
    assert {o["name"] for o in config["options"]} >= {"ping", "config"}


async def test_config_is_refused_for_a_member_without_manage_server(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")

    # Discord applies default permissions per top-level command (discord.py ignores them on subcommands), and
    # /nexus also holds /nexus ping: members see /nexus config. The bot's own check is what refuses them.
    refused = await standin.slash(alice, "nexus config")

    assert refused.ephemeral
    assert refused.message is not None
    assert MODERATORS_ONLY in refused.message.content


async def test_a_manager_sets_the_moderator_role_which_then_may_configure(standin: StandIn, nexus: NexusBot) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    mentors = standin.add_role("Mentors")
    mentor = standin.add_member("mentor", roles=[mentors])
    challenges = standin.add_channel("challenges")

    shown = await standin.slash(manager, "nexus config")
    assert shown.message is not None
    assert "not set" in shown.message.text
    updated = await standin.slash(manager, "nexus config", moderator_role=mentors, challenge_channel=challenges)
    assert updated.ephemeral
    assert updated.message is not None
    assert mentors.mention in updated.message.text
    assert challenges.mention in updated.message.text
    assert not updated.message.pings  # showing the role must not ping it

    by_mentor = await standin.slash(mentor, "nexus config")
    assert by_mentor.message is not None
    assert MODERATORS_ONLY not in by_mentor.message.text
    assert challenges.mention in by_mentor.message.text


async def test_after_a_dropped_socket_the_bot_resumes_and_answers(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")

    await standin.drop_connection()
    await standin.wait_until_connected()
    ix = await standin.slash(alice, "nexus ping")

    assert ix.message is not None
    assert ix.message.content.startswith("Pong!")
    assert (standin.gateway.identifies, standin.gateway.resumes) == (1, 1)


async def test_a_rate_limited_callback_is_retried_and_the_member_answered(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    standin.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.05)

    ix = await standin.slash(alice, "nexus ping")

    assert ix.message is not None
    assert ix.message.content.startswith("Pong!")
    assert [r.status for r in standin.requests_to("POST", "/interactions/*/callback")] == [429, 200]


async def test_a_restarted_process_keeps_its_commands_without_syncing_again(
    standin: StandIn, bot_process: BotProcess
) -> None:
    alice = standin.add_member("alice")

    await bot_process.start()
    assert len(standin.command_syncs) == 1
    assert (await standin.slash(alice, "nexus ping")).acknowledged
    assert await bot_process.stop() == 0  # SIGTERM: a clean exit

    await bot_process.start()
    assert (await standin.slash(alice, "nexus ping")).acknowledged
    assert await bot_process.kill() == -signal.SIGKILL

    await bot_process.start()
    assert (await standin.slash(alice, "nexus ping")).acknowledged
    assert len(standin.command_syncs) == 1
    assert standin.gateway.identifies == 3
