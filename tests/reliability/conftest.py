"""Fixtures of the reliability suite, and the figures it reports.

The bot runs for real against the local Discord stand-in, as in tests/e2e (whose conftest these fixtures mirror:
a non-root conftest cannot declare `pytest_plugins`). Each test records its headline figure with `figures.add(...)`;
the figure is printed as the test runs and again, with every other one, in a table at the end of the session.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import NexusBot
from bot.clock import FakeClock
from bot.settings import Settings
from sandbox import StandIn
from sandbox.harness import TEST_TOKEN, point_discord_at, run_client, stop_client

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday morning

StartBot = Callable[..., Awaitable[NexusBot]]


@dataclass
class Figures:
    """The figures the suite measured, in the order they were recorded: (name, text)."""

    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, text: str, capsys: pytest.CaptureFixture[str] | None = None) -> None:
        """Record a figure and print it at once (outside pytest's capture when given `capsys`)."""
        self.rows.append((name, text))
        line = f"FIGURE {name}: {text}"
        if capsys is None:
            print(line)
            return
        with capsys.disabled():
            print(f"\n{line}")


FIGURES = Figures()


@pytest.fixture
def figures() -> Figures:
    """Where a test records its figures."""
    return FIGURES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures of this run, one row each, after the test results."""
    if not FIGURES.rows:
        return
    terminalreporter.write_sep("=", "reliability figures")
    width = max(len(name) for name, _ in FIGURES.rows)
    for name, text in FIGURES.rows:
        terminalreporter.write_line(f"{name.ljust(width)}  {text}")


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A local Discord; the test fails at teardown if the bot broke one of Discord's rules."""
    async with StandIn() as server:
        yield server
        server.assert_clean()


@pytest.fixture
def clock() -> FakeClock:
    """The bot's clock."""
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
    """`await start_bot()`: start the real bot in this process (closing the one running, if any)."""
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
