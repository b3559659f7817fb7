"""Load held: 500 interactions injected at once across every command group. Each is acknowledged within Discord's
3-second deadline (the stand-in enforces it and records a violation otherwise), none is lost, nothing is logged at
ERROR. Prints the slowest acknowledgement and the throughput.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import NexusBot
from bot.database import Database
from sandbox import InteractionHandle, Member, StandIn

from .conftest import Figures
from .support import count, mention_problems, rows, texts, unexpected

pytestmark = pytest.mark.asyncio

INTERACTIONS = 500
MEMBERS = 125  # with 12 kinds, no member runs one kind twice (no cooldown answers, one /pair join each)
CONCEPTS = ("django-orm", "JWT", "n+1 query", "redis")
SEARCHES = ("cache", "slow queries", "docker")
TYPED = ("", "d", "dj", "dja", "djan")
ZONES = ("Africa/Lagos", "Europe/London", "Africa/Nairobi", "America/New_York")

Act = Callable[[StandIn, Member, int], Awaitable[InteractionHandle | list[dict[str, Any]]]]

# (kind, how a member does it, what its successful answer shows)
ACTIONS: list[tuple[str, Act, str]] = [
    ("concept show", lambda s, m, i: s.slash(m, "concept show", name=CONCEPTS[i % 4]), "Official resources"),
    ("concept search", lambda s, m, i: s.slash(m, "concept search", query=SEARCHES[i % 3]), "Concept search"),
    ("concept autocomplete", lambda s, m, i: s.autocomplete(m, "concept show", focused="name", value=TYPED[i % 5]), ""),
    ("challenge search", lambda s, m, i: s.slash(m, "challenge search", query="migrations staging"), "matching"),
    ("challenge show", lambda s, m, i: s.slash(m, "challenge show", id=1 + i % 3), "Challenge #"),
    ("challenge list", lambda s, m, i: s.slash(m, "challenge list", status=("open", "solved", "all")[i % 3]), "#"),
    ("pair status", lambda s, m, i: s.slash(m, "pair status"), "queue"),
    (
        "pair join",
        lambda s, m, i: s.slash(
            m, "pair join", role=("backend", "frontend")[i % 2], topics="django, react", timezone=ZONES[i % 4]
        ),
        "",  # queued or paired: checked against the database below
    ),
    ("tip status", lambda s, m, i: s.slash(m, "tip status"), "Weekly tips"),
    ("tip now", lambda s, m, i: s.slash(m, "tip now"), "Nexus tip"),
    ("nexus ping", lambda s, m, i: s.slash(m, "nexus ping"), "Pong!"),
    ("nexus stats", lambda s, m, i: s.slash(m, "nexus stats"), "Nexus in figures"),
]


async def test_500_interactions_at_once_are_all_acknowledged_in_time(
    standin: StandIn,
    nexus: NexusBot,
    database_path: Path,
    caplog: pytest.LogCaptureFixture,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    members = [standin.add_member(f"learner{i}") for i in range(MEMBERS)]
    await standin.slash(members[0], "challenge list")  # the curated challenges are planted before the clock starts
    loop = asyncio.get_running_loop()
    latencies: dict[str, list[float]] = {name: [] for name, _, _ in ACTIONS}
    handles: list[tuple[InteractionHandle, str]] = []

    async def timed(name: str, act: Act, shows: str, member: Member, i: int) -> None:
        sent = loop.time()  # the interaction is dispatched before `act` first waits
        result = await act(standin, member, i)  # returns once acknowledged (NoResponse past the deadline)
        latencies[name].append(loop.time() - sent)
        if isinstance(result, InteractionHandle):
            handles.append((result, shows))
        else:
            assert 0 < len(result) <= 25

    started = loop.time()
    await asyncio.gather(*(timed(*ACTIONS[i % len(ACTIONS)], members[i % MEMBERS], i) for i in range(INTERACTIONS)))
    acknowledged = loop.time() - started
    await asyncio.gather(*(ix.wait_final(15) for ix, _ in handles))
    finished = loop.time() - started

    assert sum(len(values) for values in latencies.values()) == INTERACTIONS
    assert not standin.violations  # among them: any acknowledgement later than 3 s
    answered = [ix for ix, _ in handles]
    assert count(answered, lambda ix: ix.final) == len(answered)
    assert not unexpected(answered), unexpected(answered)
    # Each answer is the one asked for, not an error (e.g. "This listing has expired" when a read missed a write).
    wrong = [f"{ix.describe()}: {texts(ix)}" for ix, shows in handles if not any(shows in t for t in texts(ix))]
    assert not wrong, wrong[:5]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]
    assert not mention_problems(standin), mention_problems(standin)
    joined = {ix.member.id for ix in answered if ix.describe().startswith("command /pair join")}
    paired = {user for pair in rows(database_path, "SELECT backend_id, frontend_id FROM pair_pairs") for user in pair}
    waiting = {user for (user,) in rows(database_path, "SELECT user_id FROM pair_queue")}
    assert joined == paired | waiting and not paired & waiting

    slowest_kind, slowest = max(((name, max(values)) for name, values in latencies.items()), key=lambda x: x[1])
    every = sorted(value for values in latencies.values() for value in values)
    p50, p99 = every[len(every) // 2], every[int(len(every) * 0.99)]
    figures.add(
        "load",
        f"{INTERACTIONS} interactions at once (12 kinds, {MEMBERS} members): {INTERACTIONS} acknowledged, 0 late, "
        f"0 lost, 0 errors logged; acknowledgement p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, slowest "
        f"{slowest * 1000:.0f} ms ({slowest_kind}); {INTERACTIONS / acknowledged:.0f} acknowledgements/s, all "
        f"answers complete in {finished:.2f} s",
        capsys,
    )


async def test_a_committed_write_is_read_back_while_other_reads_run(tmp_path: Path) -> None:
    """Read-your-writes under concurrent reads: what a command just wrote, its next read finds (the paginator
    inserts a listing's state, then renders it; under load it used to answer "This listing has expired")."""
    database = await Database.open(tmp_path / "t.db")
    try:
        await database.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(f"k{i}", "v") for i in range(200)])
        reading = True

        async def reader() -> None:
            while reading:
                await database.fetchall("SELECT key FROM meta")
                await database.fetchone("SELECT value FROM meta WHERE key = 'k1'")

        readers = [asyncio.create_task(reader()) for _ in range(20)]
        await asyncio.sleep(0.05)
        missed = 0
        for _ in range(200):
            state = await database.execute(
                "INSERT INTO page_state (guild_id, kind, payload, created_at) VALUES (1, 'x', '{}', '')"
            )
            missed += await database.fetchone("SELECT id FROM page_state WHERE id = ?", (state,)) is None
        reading = False
        await asyncio.gather(*readers)
        assert missed == 0
    finally:
        await database.close()
