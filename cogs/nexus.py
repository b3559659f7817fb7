"""`/nexus`: operations commands (ping, config)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only
from bot.guild_settings import GuildSettings
from bot.ui import NO_MENTIONS

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)


def _channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def settings_embed(settings: GuildSettings, title: str) -> discord.Embed:
    """This guild's settings as an embed."""
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    embed.add_field(name="Challenge channel", value=_channel(settings.challenge_channel_id), inline=False)
    embed.add_field(
        name="Pairing channel",
        value=_channel(settings.pairing_channel_id)
        + ("" if settings.pairing_channel_id else " (threads open where `/pair join` runs)"),
        inline=False,
    )
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "not set (Manage Server only)"
    embed.add_field(name="Moderator role", value=role, inline=False)
    return embed


@app_commands.guild_only()
class Nexus(commands.GroupCog, group_name="nexus", group_description="Nexus bot operations"):
    """Ping, settings, statistics and export."""

    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="ping", description="Gateway latency and a database round trip")
    async def ping(self, interaction: discord.Interaction[Any]) -> None:
        """Answer with the gateway latency and a measured database round trip."""
        started = time.perf_counter()
        await self.bot.db.fetchval("SELECT 1")
        database_ms = (time.perf_counter() - started) * 1000
        gateway_ms = self.bot.latency * 1000 if self.bot.latency == self.bot.latency else float("nan")
        gateway = f"{gateway_ms:.0f} ms" if gateway_ms == gateway_ms else "not measured yet"
        await interaction.response.send_message(
            f"Pong! Gateway {gateway} · database {database_ms:.2f} ms", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="config", description="Show or change this server's Nexus settings (moderators)")
    @app_commands.describe(
        challenge_channel="Where new challenges are also posted",
        pairing_channel="Where pairing threads are opened",
        moderator_role="Members with this role may run moderator commands",
    )
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def config(
        self,
        interaction: discord.Interaction[Any],
        challenge_channel: discord.TextChannel | None = None,
        pairing_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
    ) -> None:
        """Show the settings, or change the ones given."""
        assert interaction.guild_id is not None
        changes: dict[str, int | None] = {}
        if challenge_channel is not None:
            changes["challenge_channel_id"] = challenge_channel.id
        if pairing_channel is not None:
            changes["pairing_channel_id"] = pairing_channel.id
        if moderator_role is not None:
            if moderator_role.is_default():
                await interaction.response.send_message(
                    "@everyone can't be the moderator role: pick a role that only moderators have.", ephemeral=True
                )
                return
            changes["moderator_role_id"] = moderator_role.id
        if changes:
            settings = await self.bot.guild_settings.update(interaction.guild_id, self.bot.clock.now(), **changes)
            log.info("Guild %s settings changed by %s: %s", interaction.guild_id, interaction.user.id, sorted(changes))
            title = "Settings updated"
        else:
            settings = await self.bot.guild_settings.get(interaction.guild_id)
            title = "Nexus settings"
        await interaction.response.send_message(
            embed=settings_embed(settings, title), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: NexusBot) -> None:
    """Load the /nexus commands."""
    await bot.add_cog(Nexus(bot))
