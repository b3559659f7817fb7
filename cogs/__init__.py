"""The bot's features, one package (or module) each.

`guild_data_stores` is the one place that knows every feature's store, for the command line's export and import
(inside the running bot, `/nexus` reaches the same stores through the loaded cogs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content import Content
    from bot.database import Database
    from bot.portability import GuildDataStore

# Feature name in exports -> the cog that owns its store.
FEATURE_COGS: dict[str, str] = {
    "concepts": "Concepts",
    "challenges": "Challenges",
    "pairing": "Pairing",
    "tips": "Tips",
}


async def guild_data_stores(db: Database, content: Content) -> dict[str, GuildDataStore]:
    """Every feature's store on `db`, ready for export and import without a running bot."""
    # Imported here: importing them at the top would load every feature package whenever one extension loads.
    from cogs.challenges.store import ChallengeStore
    from cogs.concepts.store import ConceptStore
    from cogs.pairing.store import PairingStore
    from cogs.tips.store import TipStore, entry_from_tip

    concepts = ConceptStore(db, content.concepts)
    await concepts.sync_curated()
    return {
        "concepts": concepts,
        "challenges": ChallengeStore(db),
        "pairing": PairingStore(db),
        "tips": TipStore(db, [entry_from_tip(tip) for tip in content.tips]),
    }
