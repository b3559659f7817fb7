"""`/tip`: see cog.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.tips.cog import Tips

if TYPE_CHECKING:
    from bot.app import NexusBot


async def setup(bot: NexusBot) -> None:
    """Load the /tip commands."""
    await bot.add_cog(Tips(bot))
