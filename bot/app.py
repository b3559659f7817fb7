"""The Bot subclass: opens the database, loads the cogs, syncs commands only when they changed, closes cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import discord
import yarl
from discord.ext import commands

from bot.clock import Clock
from bot.core_store import CoreStore
from bot.database import Database
from bot.errors import NexusTree
from bot.guild_settings import GuildSettingsStore
from bot.settings import Settings
from bot.ui import PAGE_STATE_RETENTION, PageButton, PageSource

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.nexus",
    "cogs.concepts",
    "cogs.challenges",
    "cogs.pairing",
    "cogs.tips",
)
SYNC_HASH_KEY = "commands_sync_hash"
# discord.py opens one HTTP connection per simultaneous request (its pool is unlimited): a burst of 1,000 interactions
# opened 1,000 connections (1,000 TLS handshakes against Discord), costing CPU just when it is scarce, and memory that
# stays. A bounded pool reuses connections; a request waits for a free one only while 100 are in flight
# (python -m benchmarks, 1,000 mixed reads at once: 504 -> 1,000 answered in time; resident memory 137 -> 119 MB).
HTTP_CONNECTIONS = 100
HEARTBEAT_INTERVAL = 30.0
HEARTBEAT_FILE = ".heartbeat"
# A stop (SIGTERM) lets the interactions being handled finish for this long before the connection, the HTTP session
# and the database close under them (docker stop waits 10 s before SIGKILL).
SHUTDOWN_GRACE = 5.0
# The tasks discord.py runs interaction handlers in: slash commands and autocompletes, views, modals, dynamic items.
INTERACTION_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)


def heartbeat_path(database_path: Path) -> Path:
    """Where the bot refreshes its heartbeat (next to the database, on the same volume)."""
    return database_path.parent / HEARTBEAT_FILE


def point_client_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say: Discord, a proxy, or a local stand-in."""
    discord.http.Route.BASE = settings.discord_api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class NexusBot(commands.Bot):
    """Nexus bot. Resources are passed in or opened in `setup_hook`, and closed in `close`."""

    db: Database

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, extensions: Sequence[str] = EXTENSIONS
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=NexusTree,
            help_command=None,
        )
        self.settings = settings
        self.clock = clock or Clock()
        self.extensions_to_load = tuple(extensions)
        self.page_sources: dict[str, PageSource] = {}
        self.synced_commands = False
        self._heartbeat_task: asyncio.Task[None] | None = None
        self.guild_settings: GuildSettingsStore
        self.core: CoreStore
        point_client_at(settings)

    async def setup_hook(self) -> None:
        """Open the database, load every cog, register restart-proof buttons, sync commands if they changed."""
        self.db = await Database.open(self.settings.database_path)
        self.guild_settings = GuildSettingsStore(self.db)
        self.core = CoreStore(self.db)
        await self.core.prune_page_states(self.clock.now() - PAGE_STATE_RETENTION)
        self.add_dynamic_items(PageButton)
        for extension in self.extensions_to_load:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="nexus-heartbeat")

    async def login(self, token: str) -> None:
        """Log in over a bounded pool of HTTP connections (HTTP_CONNECTIONS), made here: it needs the running loop."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        await super().login(token)

    def register_page_source(self, kind: str, source: PageSource) -> None:
        """Make a listing kind available to the shared paginator."""
        self.page_sources[kind] = source

    def _sync_target(self) -> discord.Object | None:
        return discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None

    def commands_hash(self) -> str:
        """A digest of every command definition and where they go: a change means a sync is needed."""
        target = self._sync_target()
        if target is not None:
            self.tree.copy_global_to(guild=target)
        definitions = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=target)]
        definitions.sort(key=lambda item: (item.get("type", 1), item["name"]))
        blob = json.dumps({"target": target.id if target else None, "commands": definitions}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Sync with Discord only when the definitions differ from the last successful sync (rate limits are daily)."""
        digest = self.commands_hash()
        if await self.core.get_meta(SYNC_HASH_KEY) == digest:
            log.info("Commands unchanged since the last sync; not syncing")
            return False
        target = self._sync_target()
        synced = await self.tree.sync(guild=target)
        await self.core.set_meta(SYNC_HASH_KEY, digest)
        log.info("Synced %d commands %s", len(synced), f"to guild {target.id}" if target else "globally")
        self.synced_commands = True
        return True

    async def _heartbeat(self) -> None:
        """Refresh the heartbeat file while connected, for the container's HEALTHCHECK."""
        path = heartbeat_path(self.settings.database_path)
        while not self.is_closed():
            if self.is_ready() and not self.is_ws_ratelimited():
                with contextlib.suppress(OSError):
                    path.write_text(self.clock.now().isoformat(), encoding="utf-8")
            await asyncio.sleep(HEARTBEAT_INTERVAL)

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("Connected as %s (id %s) to %d guilds", self.user, self.user and self.user.id, len(self.guilds))

    async def finish_interactions(self, within: float = SHUTDOWN_GRACE) -> None:
        """Wait (at most `within` seconds) for the interactions being handled, so that a member who was answered
        "thinking…" gets the answer, and what follows an answer (its writes) is done before the database closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            current = asyncio.current_task()
            pending = {
                task
                for task in asyncio.all_tasks()
                if task is not current and not task.done() and task.get_name().startswith(INTERACTION_TASKS)
            }
            remaining = deadline - loop.time()
            if not pending or remaining <= 0:
                if pending:
                    log.warning("Stopping with %d interactions still being handled", len(pending))
                return
            await asyncio.wait(pending, timeout=remaining)

    async def close(self) -> None:
        """Let interactions in progress finish, stop background work, disconnect, then close the database."""
        if not self.is_closed():
            await self.finish_interactions()
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat_task
        await super().close()
        if hasattr(self, "db"):
            await self.db.close()


async def run(settings: Settings) -> None:
    """Run the bot until it is stopped; SIGTERM (docker stop) closes it cleanly."""
    bot = NexusBot(settings)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Future[None]] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, lambda: closing.append(asyncio.ensure_future(bot.close())))
    async with bot:
        await bot.start(settings.discord_token.get_secret_value())
    # `start` returns as soon as the client is marked closed, and `async with` then skips `close`: wait for the
    # signal's close to finish, or asyncio.run cancels it mid-way and an open aiosqlite thread keeps the process alive.
    await asyncio.gather(*closing)
