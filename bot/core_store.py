"""The core's own rows: key-value metadata (`meta`) and the saved queries of paginated listings (`page_state`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.database import Database


@dataclass(frozen=True)
class PageState:
    """A listing's saved query: which guild, which page source, and the source's payload."""

    guild_id: int
    kind: str
    payload: dict[str, Any]


class CoreStore:
    """All SQL of bot/: the command-sync digest and the paginator's listings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_meta(self, key: str) -> str | None:
        """A metadata value, or None when never set."""
        value: str | None = await self.db.fetchval("SELECT value FROM meta WHERE key = ?", (key,))
        return value

    async def set_meta(self, key: str, value: str) -> None:
        """Set (or replace) a metadata value."""
        await self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def save_page_state(self, guild_id: int, kind: str, payload: dict[str, Any], now: datetime) -> int:
        """Save a listing's query; returns the id its page buttons carry."""
        return await self.db.execute(
            "INSERT INTO page_state (guild_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
            (guild_id, kind, json.dumps(payload), now.isoformat()),
        )

    async def page_state(self, state_id: int) -> PageState | None:
        """A saved listing, or None when it was pruned or never existed."""
        row = await self.db.fetchone("SELECT guild_id, kind, payload FROM page_state WHERE id = ?", (state_id,))
        return None if row is None else PageState(row["guild_id"], row["kind"], json.loads(row["payload"]))

    async def prune_page_states(self, older_than: datetime) -> None:
        """Forget listings saved before `older_than` (their buttons then say the listing expired)."""
        await self.db.execute("DELETE FROM page_state WHERE created_at < ?", (older_than.isoformat(),))
