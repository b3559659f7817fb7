"""Discord I/O for this feature (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import NexusBot


class Challenges(commands.Cog):
    """Placeholder until the feature lands."""

    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
