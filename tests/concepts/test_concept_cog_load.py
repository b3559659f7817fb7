"""Loading /concept: invalid curated content stops the bot's start with the content's own message."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from bot.app import NexusBot
from bot.content import ContentError
from bot.database import Database
from bot.settings import Settings

PROBLEM = "data/concepts.toml: concept #3 'redis': field 'summary': String should have at least 10 characters"


async def test_invalid_curated_content_stops_loading_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NexusBot points discord.py at the configured URLs; put them back after this test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    websocket = discord.gateway.DiscordWebSocket
    monkeypatch.setattr(websocket, "DEFAULT_GATEWAY", websocket.DEFAULT_GATEWAY)

    def broken() -> None:
        raise ContentError([PROBLEM])

    # Patch the module load_extension will use: a bot closed by an earlier test unloads (and forgets) the one
    # imported when this file was collected.
    concepts_cog = importlib.import_module("cogs.concepts.cog")
    monkeypatch.setattr(concepts_cog, "load_default_content", broken)
    settings = Settings(_env_file=None, discord_token="test-token", database_path=tmp_path / "n.db")  # type: ignore[call-arg]
    bot = NexusBot(settings, extensions=())
    bot.db = await Database.open(settings.database_path)
    # A failed load_extension drops the package's modules from sys.modules; keep them for the other tests.
    loaded = {name: module for name, module in sys.modules.items() if name.startswith("cogs.concepts")}
    try:
        with pytest.raises(commands.ExtensionFailed) as caught:
            await bot.load_extension("cogs.concepts")
    finally:
        sys.modules.update(loaded)
        await bot.db.close()

    assert isinstance(caught.value.original, ContentError)
    assert PROBLEM in str(caught.value)
    assert "1 problem in the curated content:" in str(caught.value)
    assert bot.get_cog("Concepts") is None
