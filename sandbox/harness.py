"""Running a discord.py client against a StandIn: in-process (`run_client`) or as a separate process (`BotProcess`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import discord
import yarl

from sandbox.server import StandIn

# A fake token; tests check it never shows up in logs.
TEST_TOKEN = "standin-test-token.not-a-real-one"
# discord.py waits this long after the last GUILD_CREATE before `ready` (default 2 s); the stand-in sends them at once.
GUILD_READY_TIMEOUT = 0.05


def point_discord_at(standin: StandIn) -> None:
    """Send discord.py's REST and gateway traffic to the stand-in (what the bot does with its settings)."""
    discord.http.Route.BASE = standin.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)


def make_fast(client: discord.Client) -> None:
    """Remove discord.py's production waits: 2 s before `ready`, and 5 s before every re-IDENTIFY."""
    client._connection.guild_ready_timeout = GUILD_READY_TIMEOUT

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_wait  # type: ignore[method-assign]


async def run_client(
    client: discord.Client, standin: StandIn, *, token: str = TEST_TOKEN, within: float = 10.0
) -> asyncio.Task[None]:
    """Log in (running `setup_hook`), connect, and wait until `ready`. Returns the task running the connection.

    Raises the client's own exception if it fails to connect, rather than waiting for the timeout.
    """
    make_fast(client)
    await client.login(token)
    connection = asyncio.create_task(client.connect(), name="standin-client-connect")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({connection, ready}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if connection in done:
            connection.result()  # raises what made the client give up
        connection.cancel()
        raise TimeoutError(f"the client was not ready within {within:g} s")
    return connection


async def stop_client(client: discord.Client, connection: asyncio.Task[None] | None) -> None:
    """Close the client and wait for its connection task to end."""
    await client.close()
    if connection is not None:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(connection, 5)


class BotProcess:
    """The bot as the operator runs it (`python -m bot`), configured through its environment to use the stand-in.

    `start()` returns once the bot identified on the stand-in's gateway (commands are synced before that, in
    `setup_hook`). `stop()` sends SIGTERM, `kill()` SIGKILL; `start()` again restarts on the same database.
    Output goes to `log_path`; `log()` reads it.
    """

    def __init__(
        self,
        standin: StandIn,
        database_path: Path,
        *,
        token: str = TEST_TOKEN,
        command: Sequence[str] = (sys.executable, "-m", "bot"),
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.standin = standin
        self.database_path = database_path
        self.token = token
        self.command = tuple(command)
        self.extra_env = dict(env or {})
        self.cwd = cwd
        self.log_path = database_path.with_name(database_path.stem + ".log")
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        """The process environment: this one's, minus any real Discord settings, plus the stand-in's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
        env.update(
            DISCORD_TOKEN=self.token,
            DATABASE_PATH=str(self.database_path),
            DEV_GUILD_ID=str(self.standin.guild.id),
            DISCORD_API_URL=self.standin.api_url,
            DISCORD_GATEWAY_URL=self.standin.gateway_url,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self, within: float = 30.0) -> None:
        """Start the process and wait until it identified on the gateway; raise with its log if it exits."""
        if self.running:
            raise RuntimeError("the bot process is already running")
        identified = self.standin.gateway.identifies
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                *self.command, env=self.environment(), cwd=self.cwd, stdout=log, stderr=asyncio.subprocess.STDOUT
            )
        loop = asyncio.get_running_loop()
        end = loop.time() + within

        def connected() -> bool:
            return self.standin.gateway.identifies > identified and self.standin.connected

        while not connected():
            if self.process.returncode is not None:
                raise RuntimeError(f"the bot exited with status {self.process.returncode}:\n{self.log()}")
            if loop.time() > end:
                await self.kill()
                raise TimeoutError(f"the bot did not connect within {within:g} s:\n{self.log()}")
            # Waits on the whole condition: waiting on a part already true would spin without yielding, and the
            # stand-in (same event loop) could never write READY.
            with contextlib.suppress(TimeoutError):
                await self.standin.wait_for(connected, 0.1)

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.returncode is None

    async def stop(self, within: float = 15.0) -> int:
        """SIGTERM (what `docker stop` sends), then wait for the exit status."""
        return await self._signal(signal.SIGTERM, within)

    async def kill(self) -> int:
        """SIGKILL: a crash, no chance to clean up."""
        return await self._signal(signal.SIGKILL, 10.0)

    async def _signal(self, signum: int, within: float) -> int:
        if self.process is None:
            raise RuntimeError("the bot process was never started")
        if self.process.returncode is None:
            self.process.send_signal(signum)
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise TimeoutError(f"the bot did not exit within {within:g} s of signal {signum}:\n{self.log()}") from None

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def __aenter__(self) -> BotProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self.running:
            await self.stop()
