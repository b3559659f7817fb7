"""`/challenge`: see cog.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.challenges.cog import Challenges

if TYPE_CHECKING:
    from bot.app import NexusBot


async def setup(bot: NexusBot) -> None:
    """Load the /challenge commands."""
    await bot.add_cog(Challenges(bot))
