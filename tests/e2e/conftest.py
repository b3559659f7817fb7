"""End-to-end fixtures: the real bot, over real HTTP and a real websocket, against the local Discord stand-in.

- `standin`: a started StandIn; at teardown it fails the test on any violation of Discord's rules, unknown
  endpoint or unanswered interaction (`StandIn.assert_clean`).
- `nexus`: the real NexusBot in this process, connected, commands synced, with a FakeClock (`clock`) and a
  temporary SQLite file. `start_bot` is the factory behind it, to start again on the same database.
- `bot_process`: the bot as the operator runs it (`python -m bot`), for SIGTERM / SIGKILL / restart tests.
Every fixture checks at teardown that the bot token never appeared in a log.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import NexusBot
from bot.clock import FakeClock
from bot.settings import Settings
from sandbox import StandIn
from sandbox.harness import TEST_TOKEN, BotProcess, point_discord_at, run_client, stop_client

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday morning

StartBot = Callable[..., Awaitable[NexusBot]]


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A local Discord; the test fails at teardown if the bot broke one of Discord's rules."""
    async with StandIn() as server:
        yield server
        await server.settle()
        server.assert_clean()


@pytest.fixture
def clock() -> FakeClock:
    """The bot's clock: move it with `clock.advance(timedelta(...))`."""
    return FakeClock(START)


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    """The bot's SQLite file for this test."""
    return tmp_path / "nexus.db"


def settings_for(standin: StandIn, database_path: Path, **overrides: Any) -> Settings:
    """Settings pointing the bot at the stand-in (never at a .env file or the real Discord)."""
    values: dict[str, Any] = {
        "discord_token": TEST_TOKEN,
        "database_path": database_path,
        "dev_guild_id": standin.guild.id,
        "discord_api_url": standin.api_url,
        "discord_gateway_url": standin.gateway_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def start_bot(
    standin: StandIn, database_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[StartBot]:
    """`await start_bot(**settings)`: start the real bot (closing the one already running, if any), wait until it
    is connected and its commands synced. Starting again reuses the database: a restart."""
    caplog.set_level(logging.INFO)
    running: list[tuple[NexusBot, Any]] = []

    async def start(**overrides: Any) -> NexusBot:
        while running:
            await stop_client(*running.pop())
        point_discord_at(standin)
        bot = NexusBot(settings_for(standin, database_path, **overrides), clock=clock)
        connection = await run_client(bot, standin, token=TEST_TOKEN)
        running.append((bot, connection))
        return bot

    yield start
    while running:
        await stop_client(*running.pop())
    assert TEST_TOKEN not in caplog.text, "the bot token appeared in the log"


@pytest.fixture
async def nexus(start_bot: StartBot) -> NexusBot:
    """The real bot, connected to the stand-in, commands synced."""
    return await start_bot()


@pytest.fixture
async def bot_process(standin: StandIn, database_path: Path) -> AsyncIterator[BotProcess]:
    """`python -m bot` against the stand-in (not started: call `await bot_process.start()`)."""
    process = BotProcess(standin, database_path)
    yield process
    if process.running:
        await process.stop()
    assert TEST_TOKEN not in process.log(), "the bot token appeared in the bot's output"
