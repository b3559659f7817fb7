"""Crash durability: the bot process (`python -m bot`) is SIGKILLed in the middle of a burst of 200 `/challenge log`
submissions. After a restart, every challenge whose confirmation reached its member is there, numbers go on without
reuse, and `nexus-bot db check` passes on the crashed file and after the restart.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox import StandIn
from sandbox.harness import BotProcess

from .conftest import Figures
from .support import TITLE, WHAT, confirmed_challenge, count, db_check, open_log_modals, rows

pytestmark = pytest.mark.asyncio

SUBMISSIONS = 200
LOG_ALLOWANCE = 5  # /challenge log: five per member per ten minutes
KILL_AFTER = SUBMISSIONS // 2  # confirmations seen before the SIGKILL


@pytest.fixture
async def bot_process(standin: StandIn, database_path: Path) -> AsyncIterator[BotProcess]:
    """`python -m bot` against the stand-in (not started)."""
    process = BotProcess(standin, database_path)
    yield process
    if process.running:
        await process.kill()


async def test_sigkill_during_a_burst_of_challenge_logs_loses_nothing_confirmed(
    standin: StandIn,
    bot_process: BotProcess,
    database_path: Path,
    tmp_path: Path,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    members = [standin.add_member(f"learner{i}") for i in range(SUBMISSIONS // LOG_ALLOWANCE)]
    authors = [members[i % len(members)] for i in range(SUBMISSIONS)]
    await bot_process.start()
    modals = await open_log_modals(standin, authors)

    submits = [
        await standin.submit_modal(
            author, modal, {TITLE: f"Crash test challenge {i:03d}", WHAT: f"Submission {i} of the burst."}, wait=False
        )
        for i, (author, modal) in enumerate(zip(authors, modals, strict=True))
    ]
    await standin.wait_for(lambda: count(submits, lambda ix: ix.acknowledged) >= KILL_AFTER, 30)
    assert await bot_process.kill() == -signal.SIGKILL
    await asyncio.sleep(0.1)  # let the stand-in finish serving what the dead process had already sent
    for ix in submits:
        if not ix.acknowledged:
            ix.cancel()  # the member of a crashed bot sees "did not respond": expected, not a violation

    confirmed = {c for c in map(confirmed_challenge, submits) if c is not None}
    unanswered = count(submits, lambda ix: not ix.acknowledged)
    assert len(confirmed) == SUBMISSIONS - unanswered  # every acknowledgement was a confirmation
    assert 0 < unanswered < SUBMISSIONS

    crashed = db_check(database_path, tmp_path)  # the file as the crash left it (WAL not checkpointed)
    assert crashed.returncode == 0, crashed.stdout + crashed.stderr
    stored = set(rows(database_path, "SELECT number, title FROM challenges WHERE author_id IS NOT NULL"))
    assert confirmed <= stored, sorted(confirmed - stored)

    await bot_process.start()
    shown = await asyncio.gather(
        *(standin.slash(members[0], "challenge show", id=number) for number, _ in sorted(confirmed))
    )
    for ix, (number, title) in zip(shown, sorted(confirmed), strict=True):
        assert ix.message is not None and ix.message.embeds[0]["title"] == f"Challenge #{number}: {title}"
    after = await standin.submit_modal(
        members[-1], await standin.slash(members[-1], "challenge log"), {TITLE: "After the crash", WHAT: "Still here."}
    )
    next_number = confirmed_challenge(after)
    assert next_number is not None and next_number[0] > max(number for number, _ in stored)  # no number reused
    assert await bot_process.stop() == 0

    healthy = db_check(database_path, tmp_path)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    figures.add(
        "crash (SIGKILL)",
        f"{SUBMISSIONS} /challenge log submits, killed after {len(confirmed)} confirmations: "
        f"{len(confirmed)}/{len(confirmed)} confirmed challenges present after restart "
        f"({len(stored)} stored in all, {unanswered} unanswered at the kill); db check ok before and after restart",
        capsys,
    )


async def test_sigterm_during_a_burst_finishes_what_was_acknowledged(
    standin: StandIn,
    bot_process: BotProcess,
    database_path: Path,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    members = [standin.add_member(f"learner{i}") for i in range(120)]
    await bot_process.start()
    loggers = members[:40]
    modals = await open_log_modals(standin, loggers)
    handles = [
        await standin.submit_modal(member, modal, {TITLE: f"Stop test {i}", WHAT: "x"}, wait=False)
        for i, (member, modal) in enumerate(zip(loggers, modals, strict=True))
    ]
    for i, member in enumerate(members[40:]):
        kind = i % 4
        if kind == 0:
            handles.append(
                await standin.slash(member, "pair join", role=("backend", "frontend")[i % 8 // 4], wait=False)
            )
        elif kind == 1:
            handles.append(await standin.slash(member, "tip now", wait=False))
        elif kind == 2:
            handles.append(await standin.slash(member, "challenge leaderboard", wait=False))
        else:
            handles.append(await standin.slash(member, "concept show", name="redis", wait=False))
    await standin.wait_for(lambda: count(handles, lambda ix: ix.acknowledged) >= len(handles) // 2, 30)
    assert await bot_process.stop() == 0  # SIGTERM, as `docker stop` sends
    await asyncio.sleep(0.1)
    for ix in handles:
        if not ix.acknowledged:
            ix.cancel()
    acknowledged = [ix for ix in handles if ix.acknowledged]
    unfinished = [ix.describe() for ix in acknowledged if not ix.final]
    stopped_log = bot_process.log()
    errors = [line for line in stopped_log.splitlines() if " ERROR " in line or "Traceback" in line]
    sending = rows(database_path, "SELECT id FROM tip_posts WHERE status = 'sending'")
    figures.add(
        "graceful stop (SIGTERM)",
        f"{len(handles)} interactions, SIGTERM after {len(acknowledged)} acknowledgements: "
        f"{len(acknowledged) - len(unfinished)} completed, {len(unfinished)} left unfinished, "
        f"{len(errors)} ERROR lines, {len(sending)} tip posts stuck 'sending'",
        capsys,
    )
    assert not unfinished, unfinished
    assert not errors, errors[:5]
    assert not sending
