"""The bot's HTTP connections come from a bounded pool (discord.py's own is unlimited)."""

from __future__ import annotations

import aiohttp

from bot.app import HTTP_CONNECTIONS, NexusBot


async def test_the_bot_logs_in_over_a_bounded_pool(nexus: NexusBot) -> None:
    connector = nexus.http.connector
    assert isinstance(connector, aiohttp.TCPConnector)
    assert connector.limit == HTTP_CONNECTIONS
