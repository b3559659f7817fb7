"""What the reliability tests share: acting as many members at once, reading what they got, and checking every
message the bot sent for mentions that could ping @everyone, @here or a role."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox import InteractionHandle, Member, StandIn

# The modal of /challenge log, by label (the stand-in matches labels case-insensitively).
TITLE, WHAT, SOLUTION, TAGS = "title", "what happened", "solution (optional)", "tags (optional, comma-separated)"
# What the bot answers for an unexpected failure (bot/errors.py): never acceptable under faults or bad input.
UNEXPECTED = "Something went wrong"
CHALLENGE_TITLE = re.compile(r"^Challenge #(\d+): ")
# Interaction callback types that carry a message body (send, update).
MESSAGE_CALLBACKS = (4, 7)


def texts(ix: InteractionHandle) -> list[str]:
    """Everything the member read in answer: the response message and every follow-up."""
    return [message.text for message in ix.messages]


def unexpected(handles: Iterable[InteractionHandle]) -> list[str]:
    """The answers that report an unexpected failure (a ref code), with what was asked."""
    return [f"{ix.describe()}: {text}" for ix in handles for text in texts(ix) if UNEXPECTED in text]


def confirmed_challenge(ix: InteractionHandle) -> tuple[int, str] | None:
    """(number, title) of the challenge a /challenge log submit confirmed to the member, if it did."""
    if not ix.acknowledged or ix.message is None or ix.message.ephemeral or not ix.message.embeds:
        return None
    match = CHALLENGE_TITLE.match(ix.message.embeds[0].get("title", ""))
    if match is None:
        return None
    return int(match[1]), ix.message.embeds[0]["title"][match.end() :]


async def open_log_modals(standin: StandIn, members: list[Member]) -> list[InteractionHandle]:
    """Each member runs /challenge log (one modal each, opened concurrently)."""
    return list(await asyncio.gather(*(standin.slash(member, "challenge log") for member in members)))


async def all_final(handles: Iterable[InteractionHandle], within: float = 15.0) -> None:
    """Wait until every interaction was acknowledged and, if deferred, completed."""
    await asyncio.gather(*(ix.wait_final(within) for ix in handles))


def rows(database: Path, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows read straight from the bot's SQLite file, read-only (committed data, as another process sees it)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return list(connection.execute(query, params))
    finally:
        connection.close()


def dump(database: Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ordinary table (FTS shadow tables and `skip` left out): a snapshot to compare."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        shadows = {
            name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
        }
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"'), key=repr)
            for name in names
            if name not in skip and not any(name.startswith(shadow + "_") for shadow in shadows)
        }
    finally:
        connection.close()


def db_check(database: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot db check` on the file, as the operator runs it (no token needed, no .env picked up)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    env["DATABASE_PATH"] = str(database)
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", "check"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


# Mentions.


@dataclass(frozen=True)
class Sent:
    """A request that creates or edits a message: where it went and the message body."""

    what: str
    body: dict[str, Any]


def message_bodies(standin: StandIn) -> list[Sent]:
    """The body of every recorded request that creates or edits a message (responses, follow-ups, edits, posts)."""
    found = []
    for request in standin.requests:
        body = request.json if isinstance(request.json, dict) else None
        if body is None:
            continue
        where = f"{request.method} {request.path}"
        if request.method == "POST" and request.path.endswith("/callback"):
            if body.get("type") in MESSAGE_CALLBACKS:
                found.append(Sent(where, body.get("data") or {}))
        elif request.path.startswith("/webhooks/") or (
            request.path.startswith("/channels/")
            and "/messages" in request.path
            and request.method in ("POST", "PATCH")
        ):
            found.append(Sent(where, body))
    return found


def mention_problems(standin: StandIn, *, never_pinged: Iterable[int] = ()) -> list[str]:
    """Every message body that could ping @everyone, @here or a role, or that lacks `allowed_mentions` while it has
    content (Discord's default then pings everything mentioned); and every stored message that pings a user of
    `never_pinged`. Returns one line per problem."""
    problems = []
    for sent in message_bodies(standin):
        allowed = sent.body.get("allowed_mentions")
        if allowed is None:
            if sent.body.get("content"):
                problems.append(f"{sent.what}: content without allowed_mentions: {sent.body['content'][:80]!r}")
            continue
        parse = set(allowed.get("parse", []))
        if parse & {"everyone", "roles"} or allowed.get("roles"):
            problems.append(f"{sent.what}: allowed_mentions {allowed}")
    bystanders = set(never_pinged)
    for message in standin.messages:
        if message.author.id == standin.bot_user.id and message.pings.users & bystanders:
            problems.append(f"message {message.id} pings {message.pings.users & bystanders}: {message.content[:80]!r}")
    return problems


def count(handles: Iterable[InteractionHandle], predicate: Callable[[InteractionHandle], bool]) -> int:
    """How many handles satisfy `predicate`."""
    return sum(1 for ix in handles if predicate(ix))
