"""`/nexus`: operations commands (ping, stats, config, export)."""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import portability
from bot.checks import moderator_only
from bot.guild_settings import GuildSettings
from bot.portability import GuildDataStore
from bot.ui import NO_MENTIONS
from cogs import FEATURE_COGS

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


def stats_embed(counts: dict[str, int]) -> discord.Embed:
    """The guild's figures as an embed; a feature that is not loaded shows as 0."""
    embed = discord.Embed(title="Nexus in figures", colour=discord.Colour.blurple())
    embed.add_field(name="Concepts", value=f"{counts.get('concepts', 0):,}")
    embed.add_field(
        name="Challenges",
        value=f"{counts.get('challenges_open', 0):,} open · {counts.get('challenges_solved', 0):,} solved",
    )
    embed.add_field(name="Solutions", value=f"{counts.get('solutions', 0):,}")
    embed.add_field(
        name="Pairing",
        value=f"{counts.get('learners_waiting', 0):,} waiting · {counts.get('learners_paired', 0):,} paired now",
    )
    embed.add_field(
        name="Pairs",
        value=f"{counts.get('pairs_total', 0):,} in total · {counts.get('met_yes', 0):,} said they met",
    )
    embed.add_field(
        name="Tips",
        value=f"{counts.get('tips_posted', 0):,} posted · {counts.get('tips_pending', 0):,} suggestions to review",
    )
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

    def stores(self) -> dict[str, GuildDataStore]:
        """The loaded features' stores, by feature name."""
        found: dict[str, GuildDataStore] = {}
        for feature, cog_name in FEATURE_COGS.items():
            store = getattr(self.bot.get_cog(cog_name), "store", None)
            if store is not None:
                found[feature] = store
        return found

    @app_commands.command(name="stats", description="Concepts, challenges, solutions, pairing and tips in figures")
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        """Answer with this guild's figures."""
        assert interaction.guild_id is not None
        counts: dict[str, int] = {}
        for store in self.stores().values():
            counts.update(await store.counts(interaction.guild_id))
        await interaction.response.send_message(embed=stats_embed(counts), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="export", description="This server's Nexus data as a JSON file (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Send this guild's data as a JSON attachment, visible to the moderator only."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        document = await portability.export_guild(
            self.bot.db, self.stores(), interaction.guild_id, self.bot.clock.now()
        )
        payload = portability.dumps(document).encode("utf-8")
        if len(payload) > interaction.filesize_limit:
            await interaction.followup.send(
                f"The export is {len(payload) / 1e6:.1f} MB, over Discord's {interaction.filesize_limit / 1e6:.0f} MB "
                "attachment limit. The operator can write it with `nexus-bot export --guild "
                f"{interaction.guild_id} PATH`.",
                ephemeral=True,
            )
            return
        stamp = self.bot.clock.now().strftime("%Y%m%d-%H%M")
        file = discord.File(io.BytesIO(payload), filename=f"nexus-export-{interaction.guild_id}-{stamp}.json")
        log.info("Guild %s exported by %s (%d bytes)", interaction.guild_id, interaction.user.id, len(payload))
        await interaction.followup.send(
            f"This server's Nexus data ({len(payload):,} bytes, format version {portability.FORMAT_VERSION}).",
            file=file,
            ephemeral=True,
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
