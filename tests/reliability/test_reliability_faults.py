"""Faults survived: the gateway socket dropped in the middle of a burst of commands, RECONNECT (op 7), INVALID_SESSION
(op 9, resumable or not), and storms of 429s and 5xx on message sends, thread creation, follow-ups and interaction
callbacks. Every interaction is answered (or fails with a clear message), and nothing the bot acknowledged is lost:
every challenge confirmed to its member is in the database, every pair made is introduced.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import NexusBot
from bot.clock import FakeClock
from sandbox import InteractionHandle, Member, StandIn

from .conftest import Figures
from .support import TITLE, WHAT, confirmed_challenge, count, mention_problems, open_log_modals, rows, unexpected

pytestmark = pytest.mark.asyncio

BURST = 60  # interactions per burst
KINDS = 6  # challenge log submit, ping, concept show, challenge search, pair join, tip now
Fault = Callable[[], Awaitable[None]]


def acknowledged(ix: InteractionHandle) -> bool:
    """Whether the bot acknowledged the interaction."""
    return ix.acknowledged


_members = itertools.count()


def new_members(standin: StandIn, n: int) -> list[Member]:
    """Fresh members (no cooldown or queue state carried over from another burst)."""
    return [standin.add_member(f"member{next(_members)}") for _ in range(n)]


async def burst(standin: StandIn, *, fault: Fault, label: str, reconnects: bool = True) -> list[InteractionHandle]:
    """BURST interactions of six kinds by fresh members; `fault` strikes once half of the first half is answered.

    With `reconnects`, the second half is sent while the bot is away (Discord buffers it for the resume);
    otherwise it waits until the bot is back (after a session that cannot be resumed, Discord would not deliver
    them either). Returns every handle."""
    members = new_members(standin, BURST)
    loggers = members[0::KINDS]
    modals = dict(zip((m.id for m in loggers), await open_log_modals(standin, loggers), strict=True))
    handles: list[InteractionHandle] = []
    for i, member in enumerate(members):
        if i == BURST // 2:
            await standin.wait_for(lambda: count(handles, acknowledged) >= BURST // 4, 10)
            await fault()
            if not reconnects:
                await standin.wait_until_connected()
        kind = i % KINDS
        if kind == 0:
            values = {TITLE: f"{label} challenge {i:02d}", WHAT: f"Logged during the {label} fault."}
            ix = await standin.submit_modal(member, modals[member.id], values, wait=False)
        elif kind == 1:
            ix = await standin.slash(member, "nexus ping", wait=False)
        elif kind == 2:
            ix = await standin.slash(member, "concept show", name="N+1 query problem", wait=False)
        elif kind == 3:
            ix = await standin.slash(member, "challenge search", query="migrations", wait=False)
        elif kind == 4:
            role = "backend" if (i // KINDS) % 2 else "frontend"
            ix = await standin.slash(member, "pair join", role=role, timezone="Africa/Lagos", wait=False)
        else:
            ix = await standin.slash(member, "tip now", wait=False)
        handles.append(ix)
    await asyncio.gather(*(ix.wait_final(15) for ix in handles))
    return handles


async def assert_nothing_lost(
    standin: StandIn, clock: FakeClock, database: Path, handles: list[InteractionHandle]
) -> int:
    """Every interaction answered without an unexpected error; every confirmed challenge stored; every pair
    introduced (the pairing loop retries an introduction that failed). Returns the confirmed challenges."""
    assert all(ix.acknowledged and ix.final for ix in handles)
    assert not unexpected(handles), unexpected(handles)
    confirmed = [c for c in map(confirmed_challenge, handles) if c is not None]
    assert len(confirmed) == count(handles, lambda ix: ix.kind == 5)
    stored = dict(rows(database, "SELECT number, title FROM challenges WHERE guild_id = ?", (standin.guild.id,)))
    for number, title in confirmed:
        assert stored.get(number) == title, (number, title)
    joined = [ix.member.id for ix in handles if ix.describe().startswith("command /pair join")]
    in_pairs = rows(database, "SELECT backend_id, frontend_id FROM pair_pairs WHERE ended_at IS NULL")
    waiting = [user for (user,) in rows(database, "SELECT user_id FROM pair_queue")]
    paired = [user for pair in in_pairs for user in pair]
    assert len(paired) == len(set(paired)) and not set(paired) & set(waiting)
    assert set(joined) <= set(paired) | set(waiting)

    def introduced() -> bool:
        return not rows(database, "SELECT id FROM pair_pairs WHERE intro_status = 'pending'")

    for _ in range(20):  # the pairing loop retries failed introductions on its next pass
        if introduced():
            break
        clock.advance(timedelta(minutes=5))
        await asyncio.sleep(0.1)
    assert introduced()
    assert not rows(database, "SELECT id FROM pair_pairs WHERE intro_status = 'failed'")
    assert not mention_problems(standin), mention_problems(standin)
    return len(confirmed)


async def test_gateway_faults_in_the_middle_of_bursts(
    standin: StandIn,
    nexus: NexusBot,
    clock: FakeClock,
    database_path: Path,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def drop() -> None:
        await standin.drop_connection()

    async def reconnect() -> None:
        await standin.send_reconnect()

    async def invalid_resumable() -> None:
        await standin.invalidate_session(resumable=True)

    async def invalid_for_good() -> None:
        await standin.invalidate_session(resumable=False)

    handles: list[InteractionHandle] = []
    handles += await burst(standin, fault=drop, label="dropped-socket")
    handles += await burst(standin, fault=reconnect, label="op7-reconnect")
    handles += await burst(standin, fault=invalid_resumable, label="op9-resumable")
    handles += await burst(standin, fault=invalid_for_good, label="op9-new-session", reconnects=False)

    assert (standin.gateway.identifies, standin.gateway.resumes) == (2, 3)
    confirmed = await assert_nothing_lost(standin, clock, database_path, handles)
    answered = count(handles, lambda ix: ix.final)
    figures.add(
        "faults (gateway)",
        f"{len(handles)} interactions across a dropped socket, op 7, op 9 resumable and op 9 not: "
        f"{answered} answered, {len(handles) - answered} lost; "
        f"{confirmed} challenges confirmed, all {confirmed} stored",
        capsys,
    )


async def test_rate_limit_storms_and_server_errors(
    standin: StandIn,
    nexus: NexusBot,
    clock: FakeClock,
    database_path: Path,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    challenges, pairing = standin.add_channel("challenges"), standin.add_channel("pairing")
    await standin.slash(manager, "nexus config", challenge_channel=challenges, pairing_channel=pairing)

    injected = [
        # 5xx first (faults match in this order, so a 429 never comes before a 5xx on one request: discord.py's
        # backoff counts the 429 as an attempt and would wait 3 s instead of 1 s before retrying the 5xx).
        # discord.py retries 500/502/504 on REST and any 5xx on webhooks and interaction callbacks.
        standin.fail_next("POST", "/interactions/*/callback", status=500, times=1),
        standin.fail_next("POST", "/channels/*/threads", status=502, times=1),
        standin.fail_next("POST", "/channels/*/messages", status=500, times=1),
        standin.fail_next("POST", "/webhooks/*/*", status=503, times=1),
        # A 503 on a channel post is not retried by discord.py: the bot must say so, or retry on its own.
        standin.fail_next("POST", f"/channels/{challenges.id}/messages", status=503, times=1),
        standin.fail_next("POST", "/channels/*/messages", status=503, times=1),
        # 429 storms: interaction callbacks, channel posts (challenge channel, introductions), follow-ups.
        standin.fail_next("POST", "/interactions/*/callback", status=429, times=15, retry_after=0.05),
        standin.fail_next("POST", "/channels/*/messages", status=429, times=10, retry_after=0.05),
        standin.fail_next("POST", "/webhooks/*/*", status=429, times=5, retry_after=0.05),
    ]

    async def nothing() -> None:
        return None

    handles = await burst(standin, fault=nothing, label="storm")
    handles += await burst(standin, fault=nothing, label="storm-2")
    assert all(fault.remaining == 0 for fault in injected), [f for f in injected if f.remaining]
    confirmed = await assert_nothing_lost(standin, clock, database_path, handles)

    # Every confirmed challenge reached the challenge channel, or its member was told it did not.
    posted = {m.embeds[0]["title"] for m in standin.messages_in(challenges) if m.embeds}
    told = [
        ix
        for ix in handles
        if any("couldn't post it in the challenge channel" in m.content for m in ix.followups if m.ephemeral)
    ]
    logged = [ix for ix in handles if confirmed_challenge(ix)]
    assert len(posted) + len(told) == len(logged)
    statuses = [r.status for r in standin.requests]
    figures.add(
        "faults (REST)",
        f"{len(handles)} interactions under {sum(s == 429 for s in statuses)} 429s and "
        f"{sum(s >= 500 for s in statuses)} 5xx: {count(handles, lambda ix: ix.final)} answered, 0 lost; "
        f"{confirmed} challenges confirmed and stored, {len(posted)} posted to the challenge channel, "
        f"{len(told)} member{'s' if len(told) != 1 else ''} told it could not be (a 503 discord.py does not retry)",
        capsys,
    )
