"""Command line: `nexus-bot` runs the bot; `db migrate | backup PATH | check`; `health`; `export`; `import`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import discord

from bot import __version__, portability
from bot.app import heartbeat_path, run
from bot.content import ContentError, load_default_content
from bot.database import Database, DatabaseError
from bot.settings import Settings, SettingsError, StorageSettings, load_settings
from cogs import guild_data_stores

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
HEALTHY_HEARTBEAT_AGE = 120.0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="nexus-bot",
        description="Nexus bot for the ProDev Project Nexus community. With no command, runs the bot.",
    )
    parser.add_argument("--version", action="version", version=f"nexus-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    db = commands.add_parser("db", help="database operations").add_subparsers(dest="db_command", metavar="ACTION")
    db.required = True
    db.add_parser("migrate", help="apply pending migrations")
    backup = db.add_parser("backup", help="take an online backup to PATH")
    backup.add_argument("path", type=Path, help="the backup file to create (must not exist)")
    db.add_parser("check", help="check integrity and schema version; exit 0 only when healthy")
    commands.add_parser("health", help="exit 0 when the running bot refreshed its heartbeat recently")
    export = commands.add_parser("export", help="write one server's data as a JSON file")
    export.add_argument("--guild", type=int, required=True, metavar="ID", help="the server (guild) id")
    export.add_argument("path", type=Path, help="the JSON file to write (must not exist)")
    restore = commands.add_parser("import", help="restore a JSON export into a database that has no data for it")
    restore.add_argument("path", type=Path, help="a file written by `export` or `/nexus export`")
    return parser


def configure_logging(level: int) -> None:
    """Log to stderr in one readable format; discord.py's own loggers follow the same level."""
    discord.utils.setup_logging(level=level, root=True)


async def _db_command(settings: StorageSettings, action: str, path: Path | None) -> int:
    database = await Database.open(settings.database_path, migrate=action != "check")
    try:
        if action == "migrate":
            print(f"{settings.database_path}: schema version {await database.schema_version()}")
        elif action == "backup" and path is not None:
            await database.backup(path)
            print(f"Backed up {settings.database_path} to {path}")
        elif action == "check":
            problems = await database.check()
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return EXIT_FAILURE
            print(f"{settings.database_path}: ok (schema version {await database.schema_version()})")
    finally:
        await database.close()
    return EXIT_OK


async def _export_document(settings: StorageSettings, guild_id: int) -> dict[str, object]:
    database = await Database.open(settings.database_path)
    try:
        stores = await guild_data_stores(database, load_default_content())
        return await portability.export_guild(database, stores, guild_id, datetime.now(UTC))
    finally:
        await database.close()


def _export(settings: StorageSettings, guild_id: int, path: Path) -> int:
    if path.exists():
        print(f"nexus-bot: {path} already exists; choose a new file name", file=sys.stderr)
        return EXIT_FAILURE
    document = asyncio.run(_export_document(settings, guild_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(portability.dumps(document), encoding="utf-8")
    print(f"Exported guild {guild_id} to {path}")
    return EXIT_OK


async def _import_document(settings: StorageSettings, document: object) -> int:
    database = await Database.open(settings.database_path)
    try:
        stores = await guild_data_stores(database, load_default_content())
        return await portability.import_guild(database, stores, document, datetime.now(UTC))
    finally:
        await database.close()


def _import(settings: StorageSettings, path: Path) -> int:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"nexus-bot: cannot read {path}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        guild_id = asyncio.run(_import_document(settings, document))
    except portability.ExportFormatError as error:
        print(f"nexus-bot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"Imported guild {guild_id} from {path} into {settings.database_path}")
    return EXIT_OK


def _health(settings: StorageSettings) -> int:
    path = heartbeat_path(settings.database_path)
    try:
        beat = datetime.fromisoformat(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return EXIT_FAILURE
    age = (datetime.now(UTC) - beat).total_seconds()
    if age > HEALTHY_HEARTBEAT_AGE:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return EXIT_FAILURE
    print(f"healthy: last heartbeat {age:.0f} s ago")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `nexus-bot` and `python -m bot`; returns the exit status."""
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(Settings if command == "run" else StorageSettings)
    except SettingsError as error:
        for problem in error.problems:
            print(f"nexus-bot: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level_number)
    try:
        if command == "db":
            return asyncio.run(_db_command(settings, args.db_command, getattr(args, "path", None)))
        if command == "health":
            return _health(settings)
        if command == "export":
            return _export(settings, args.guild, args.path)
        if command == "import":
            return _import(settings, args.path)
        assert isinstance(settings, Settings)
        load_default_content()  # invalid curated content stops the start here, with one line per problem
        asyncio.run(run(settings))
    except ContentError as error:
        for problem in error.problems:
            print(f"nexus-bot: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseError as error:
        print(f"nexus-bot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except discord.LoginFailure:
        print("nexus-bot: Discord refused the token (DISCORD_TOKEN); check it in the developer portal", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        pass
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
