"""Export one guild's data to a JSON document, and import it into an empty database (moving a community's bot).

The core owns the envelope and the guild settings; each feature's store owns its own rows through the
`GuildDataStore` protocol, so a new feature adds its data by implementing three methods.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from bot import __version__
from bot.database import Database
from bot.guild_settings import SETTING_COLUMNS, GuildSettingsStore

FORMAT_NAME = "nexus-bot-export"
FORMAT_VERSION = 1


class ExportFormatError(Exception):
    """The file is not an export this release can import; the message says why."""


class GuildDataStore(Protocol):
    """What a feature's store provides for `/nexus stats`, `/nexus export` and `nexus-bot import`."""

    async def counts(self, guild_id: int) -> dict[str, int]:
        """The feature's figures for /nexus stats."""

    async def export_guild(self, guild_id: int) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready rows of everything stored for this guild, in a deterministic order."""

    async def import_guild(self, guild_id: int, data: dict[str, list[dict[str, Any]]]) -> None:
        """Restore rows produced by `export_guild` into an empty database, in one transaction."""


async def export_guild(
    db: Database, stores: Mapping[str, GuildDataStore], guild_id: int, now: datetime
) -> dict[str, Any]:
    """The whole export document for one guild."""
    settings = await GuildSettingsStore(db).get(guild_id)
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "bot_version": __version__,
        "guild_id": guild_id,
        "settings": {column: getattr(settings, column) for column in SETTING_COLUMNS},
        "features": {},
    }
    for name, store in sorted(stores.items()):
        document["features"][name] = await store.export_guild(guild_id)
    return document


def dumps(document: Mapping[str, Any]) -> str:
    """Stable JSON: the same data always gives the same bytes (apart from `exported_at`)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def validate(document: Any) -> dict[str, Any]:
    """Check the envelope of an export; returns it typed, or raises ExportFormatError."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ExportFormatError("this is not a Nexus bot export (no 'format': 'nexus-bot-export')")
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ExportFormatError(
            f"export format version {version!r} is not supported (this release reads 1 to {FORMAT_VERSION})"
        )
    if not isinstance(document.get("guild_id"), int) or not isinstance(document.get("features"), dict):
        raise ExportFormatError("the export has no guild_id or no features")
    return document


async def import_guild(db: Database, stores: Mapping[str, GuildDataStore], document: Any, now: datetime) -> int:
    """Restore an export into a database that holds nothing for that guild; returns the guild id."""
    document = validate(document)
    guild_id: int = document["guild_id"]
    for name, store in stores.items():
        if any((await store.export_guild(guild_id)).values()):
            raise ExportFormatError(
                f"the database already holds {name} data for guild {guild_id}; import into an empty database"
            )
    unknown = set(document["features"]) - set(stores)
    if unknown:
        raise ExportFormatError(f"the export holds features this release does not know: {', '.join(sorted(unknown))}")
    settings = {key: value for key, value in document.get("settings", {}).items() if key in SETTING_COLUMNS}
    if any(value is not None for value in settings.values()):
        await GuildSettingsStore(db).update(guild_id, now, **settings)
    for name, data in document["features"].items():
        await stores[name].import_guild(guild_id, data)
    return guild_id
