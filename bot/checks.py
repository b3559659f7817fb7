"""The moderator check shared by every cog: Manage Server, or the moderator role set with `/nexus config`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.errors import NotModeratorError

if TYPE_CHECKING:
    from bot.app import NexusBot

T = TypeVar("T")


async def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Whether the member behind `interaction` may run moderator commands in this guild."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    # interaction.permissions is what Discord resolved for this member in this channel.
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    bot: NexusBot = interaction.client
    settings = await bot.guild_settings.get(interaction.guild_id)
    return settings.moderator_role_id is not None and any(
        role.id == settings.moderator_role_id for role in member.roles
    )


async def ensure_moderator(interaction: discord.Interaction[Any]) -> None:
    """Raise NotModeratorError unless the member is a moderator (for checks inside buttons and modals)."""
    if not await is_moderator(interaction):
        raise NotModeratorError("moderator only")


def moderator_only() -> Callable[[T], T]:
    """App-command check: the bot refuses non-moderators itself, whatever Discord's permission settings say."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        await ensure_moderator(interaction)
        return True

    return app_commands.check(predicate)
