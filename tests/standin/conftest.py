"""A tiny discord.py bot whose behaviour each test sets, connected to a fresh stand-in.

The stand-in's rules are tested through the real client: the test puts what the bot should do in `tiny.on_run`
(the body of `/demo run` and of the "Quote" message command), and the bot records the exceptions it got.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from sandbox import StandIn
from sandbox.harness import point_discord_at, run_client, stop_client

Action = Callable[[discord.Interaction[Any]], Awaitable[None]]


async def reply_ok(interaction: discord.Interaction[Any]) -> None:
    await interaction.response.send_message("ok", ephemeral=True)


class TinyBot(commands.Bot):
    """Slash commands, a subcommand group, options of every common type, autocomplete and a message command."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents(guilds=True), help_command=None)
        self.guild_id = guild_id
        self.on_run: Action = reply_ok
        self.choices: list[app_commands.Choice[str]] = [app_commands.Choice(name="alpha", value="alpha")]
        self.errors: list[BaseException] = []
        self.seen: dict[str, Any] = {}

    async def run_action(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.on_run(interaction)
        except Exception as error:
            self.errors.append(error)

    async def setup_hook(self) -> None:
        demo = app_commands.Group(name="demo", description="Demo commands")
        # Discord keeps default permissions per top-level command, so moderator commands get their own group.
        mod = app_commands.Group(
            name="mod", description="Moderators", default_permissions=discord.Permissions(manage_guild=True)
        )

        @demo.command(name="run", description="Do what the test says")
        async def run(interaction: discord.Interaction[Any]) -> None:
            await self.run_action(interaction)

        @demo.command(name="pick", description="Options of every kind")
        @app_commands.describe(name="A name", count="How many")
        async def pick(
            interaction: discord.Interaction[Any],
            name: str,
            count: app_commands.Range[int, 1, 10] | None = None,
            loud: bool | None = None,
            who: discord.Member | None = None,
            where: discord.TextChannel | None = None,
            role: discord.Role | None = None,
            colour: str | None = None,
        ) -> None:
            self.seen = {"name": name, "count": count, "loud": loud, "who": who, "where": where, "role": role}
            await interaction.response.send_message(f"picked {name}", ephemeral=True)

        @pick.autocomplete("name")
        async def pick_name(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
            self.seen["current"] = current
            return self.choices

        @demo.command(name="upload", description="Read an attached file")
        async def upload(interaction: discord.Interaction[Any], file: discord.Attachment) -> None:
            self.seen["uploaded"] = (file.filename, await file.read())
            await interaction.response.send_message(f"read {file.size} bytes", ephemeral=True)

        @mod.command(name="reset", description="Moderators only")
        async def reset(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_message("reset done", ephemeral=True)

        @app_commands.context_menu(name="Quote")
        async def quote(interaction: discord.Interaction[Any], message: discord.Message) -> None:
            self.seen["quoted"] = message.content
            await self.run_action(interaction)

        self.tree.add_command(demo)
        self.tree.add_command(mod)
        self.tree.add_command(quote)
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "standin(**kwargs): keyword arguments for the StandIn of this test")


@pytest.fixture
async def standin(request: pytest.FixtureRequest) -> AsyncIterator[StandIn]:
    marker = request.node.get_closest_marker("standin")
    async with StandIn(**(marker.kwargs if marker else {})) as server:
        yield server
        await server.settle()
        server.assert_clean()


@pytest.fixture
async def tiny(standin: StandIn) -> AsyncIterator[TinyBot]:
    point_discord_at(standin)
    bot = TinyBot(standin.guild.id)
    connection = await run_client(bot, standin)
    yield bot
    await stop_client(bot, connection)
