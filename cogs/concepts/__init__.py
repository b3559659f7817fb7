"""`/concept`: see cog.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.concepts.cog import Concepts

if TYPE_CHECKING:
    from bot.app import NexusBot


async def setup(bot: NexusBot) -> None:
    """Load the /concept commands."""
    await bot.add_cog(Concepts(bot))
