"""`/pairing`: see cog.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pairing.cog import Pairing

if TYPE_CHECKING:
    from bot.app import NexusBot


async def setup(bot: NexusBot) -> None:
    """Load the /pairing commands."""
    await bot.add_cog(Pairing(bot))
