"""Per-guild settings (channels and moderator role): the store behind `/nexus config` and the moderator check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.database import Database

SETTING_COLUMNS = ("challenge_channel_id", "pairing_channel_id", "moderator_role_id")


@dataclass(frozen=True)
class GuildSettings:
    """One guild's settings; None means "not set"."""

    guild_id: int
    challenge_channel_id: int | None = None
    pairing_channel_id: int | None = None
    moderator_role_id: int | None = None


class GuildSettingsStore:
    """Reads and writes the `guild_settings` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        """The guild's settings, defaults when never configured."""
        query = """
            SELECT challenge_channel_id, pairing_channel_id, moderator_role_id
            FROM guild_settings WHERE guild_id = ?
        """
        row = await self.db.fetchone(query, (guild_id,))
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, row[0], row[1], row[2])

    async def update(self, guild_id: int, now: datetime, **changes: int | None) -> GuildSettings:
        """Set the given columns (others unchanged) and return the new settings."""
        unknown = set(changes) - set(SETTING_COLUMNS)
        if unknown:
            raise ValueError(f"unknown guild settings: {sorted(unknown)}")
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, now.isoformat()),
            )
            for column, value in changes.items():
                # Column names come from SETTING_COLUMNS above, never from input.
                query = f"UPDATE guild_settings SET {column} = ?, updated_at = ? WHERE guild_id = ?"  # noqa: S608
                await connection.execute(query, (value, now.isoformat(), guild_id))
        return await self.get(guild_id)
