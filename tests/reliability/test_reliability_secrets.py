"""Secrets: a whole session of the bot process (`python -m bot`, logging at DEBUG) with a recognisable token: many
commands, refusals, an unexpected failure with its traceback, a 429, an export, a restart, a refused login and a
start with invalid settings. Then every byte the bot wrote is searched: its output, every request it sent to the
stand-in (bodies, uploaded files, headers other than Authorization, paths), every gateway frame it sent (the token
field of IDENTIFY and RESUME aside), and every file it left (the SQLite database, its WAL and shared memory, the
anything else in its folder). The token appears nowhere, in plain text or base64.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox import StandIn
from sandbox.harness import BotProcess

from .conftest import Figures
from .support import TITLE, WHAT

pytestmark = pytest.mark.asyncio

CANARY = "SECRET-TOKEN-canary-1234"


def forms(secret: str) -> list[bytes]:
    """The token as it could leak: plain, base64 (of itself and of the Authorization header), UTF-16."""
    raw = secret.encode()
    encoded = [base64.b64encode(raw), base64.urlsafe_b64encode(raw), base64.b64encode(b"Bot " + raw)]
    return [raw, secret.encode("utf-16-le"), *(e.rstrip(b"=") for e in encoded)]


def leaks(data: bytes) -> list[bytes]:
    """The forms of the token found in `data`."""
    return [form for form in forms(CANARY) if form in data]


def frames_sent(standin: StandIn) -> bytes:
    """Every gateway frame the bot sent, without the token field IDENTIFY and RESUME must carry."""
    cleaned = []
    for frame in standin.gateway.received:
        data = frame.get("d")
        if frame.get("op") in (2, 6) and isinstance(data, dict):
            assert data.get("token") == CANARY  # the canary really was the token in use
            data = {key: value for key, value in data.items() if key != "token"}
        cleaned.append({**frame, "d": data})
    return json.dumps(cleaned, ensure_ascii=False).encode()


def requests_sent(standin: StandIn) -> bytes:
    """Every REST request as the stand-in recorded it (it never records the Authorization header)."""
    parts = []
    for request in standin.requests:
        parts.append(f"{request.method} {request.path} {json.dumps(request.query)} {json.dumps(request.headers)}")
        parts.append(json.dumps(request.json, ensure_ascii=False))
        parts += [file.filename + "\n" + file.data.decode(errors="replace") for file in request.files]
    return "\n".join(parts).encode()


def files_left(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by name."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
async def canary_bot(standin: StandIn, database_path: Path) -> AsyncIterator[BotProcess]:
    """The bot process with the canary token, logging at DEBUG."""
    process = BotProcess(standin, database_path, token=CANARY, env={"LOG_LEVEL": "DEBUG"})
    yield process
    if process.running:
        await process.kill()


async def test_the_token_appears_in_nothing_the_bot_wrote(
    standin: StandIn,
    canary_bot: BotProcess,
    database_path: Path,
    tmp_path: Path,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    challenges = standin.add_channel("challenges")
    await canary_bot.start()
    assert CANARY in standin.tokens_seen

    # A session: settings, content, refusals, bad input, a rate limit, an unexpected failure, an export.
    await standin.slash(manager, "nexus config", challenge_channel=challenges)
    opened = await standin.slash(alice, "challenge log")
    await standin.submit_modal(alice, opened, {TITLE: "Token in settings.py", WHAT: "Where do secrets go?"})
    solved = await standin.slash(bob, "challenge solve", id=4)
    await standin.submit_modal(bob, solved, {"your solution": "Environment variables, never the repo."})
    for ix in await asyncio.gather(
        standin.slash(alice, "concept show", name="jwt"),
        standin.slash(alice, "concept search", query="secrets"),
        standin.slash(bob, "challenge search", query="settings"),
        standin.slash(bob, "pair join", role="backend", timezone="Mars/Olympus"),  # refused: unknown zone
        standin.slash(alice, "pair join", role="frontend", timezone="Africa/Lagos"),
        standin.slash(bob, "nexus config", bypass_permissions=True),  # refused: not a moderator
        standin.slash(alice, "tip now"),
        standin.slash(bob, "nexus stats"),
    ):
        await ix.wait_final()
    standin.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.05)
    await standin.slash(alice, "nexus ping")
    standin.fail_next("POST", "/webhooks/*/*", status=400)  # the leaderboard's follow-up fails: a traceback
    failed = await standin.slash(bob, "challenge leaderboard")
    await failed.wait_final()
    assert "Something went wrong" in failed.messages[-1].content
    export = await standin.slash(manager, "nexus export")
    await export.wait_final()
    [exported] = export.messages[-1].files
    assert json.loads(exported.text)["guild_id"] == standin.guild.id

    written_while_running = files_left(tmp_path)
    assert any(name.endswith("-wal") for name in written_while_running)

    # A restart, a login Discord refuses, and a start with invalid settings.
    assert await canary_bot.stop() == 0
    await canary_bot.start()
    await standin.slash(alice, "challenge show", id=4)
    assert await canary_bot.stop() == 0
    standin.accepted_token = "a-different-token"
    with pytest.raises(RuntimeError, match="exited with status 2"):
        await canary_bot.start()
    standin.accepted_token = None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    env.update(DISCORD_TOKEN=CANARY, DEV_GUILD_ID="not-a-number", DISCORD_API_URL="ftp://x")
    env["DATABASE_PATH"] = str(database_path)
    invalid = subprocess.run(  # noqa: ASYNC221 -- a process that exits at once
        [sys.executable, "-m", "bot"], env=env, cwd=tmp_path, capture_output=True, timeout=60
    )
    assert invalid.returncode == 2 and b"DEV_GUILD_ID is invalid" in invalid.stderr

    searched = {
        "bot output": canary_bot.log().encode(),
        "invalid-settings output": invalid.stdout + invalid.stderr,
        "REST requests": requests_sent(standin),
        "gateway frames": frames_sent(standin),
        **{f"{name} (while running)": data for name, data in written_while_running.items()},
        **files_left(tmp_path),
    }
    found = {name: leaks(data) for name, data in searched.items() if leaks(data)}
    assert not found, found
    assert b"Traceback" in searched["bot output"] and b"DEBUG" in searched["bot output"]
    total = sum(len(data) for data in searched.values())
    figures.add(
        "secrets",
        f"canary token searched in {len(searched)} sources, {total / 1e6:.1f} MB (DEBUG log with a traceback, "
        f"{len(standin.requests)} requests incl. the export file, {len(standin.gateway.received)} gateway frames, "
        "database, WAL and shared memory while running and after): 0 occurrences",
        capsys,
    )
