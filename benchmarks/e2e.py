"""End-to-end figures: the real bot as the operator runs it (`python -m bot`, a separate process) against the local
Discord stand-in (in this process), on a database filled in bulk before the bot starts (see benchmarks/dataset.py).

Every latency is measured by the stand-in's own clock: from the moment it dispatches INTERACTION_CREATE on the
gateway to the moment it has served the bot's callback (the acknowledgement), or, for a deferred answer, the request
that completed it (the edit of the original response or the first follow-up). Both ends are in the same process, so
there is no clock skew; the bot's side of the work is all in between.

The floor is `/nexus ping` measured the same way in the same run; every other figure is reported as a ratio to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks import bench_challenges, bench_concepts, bench_pairing
from benchmarks.dataset import FAR_ZONES, NEAR_ZONES, SEED, Scale, build
from sandbox import InteractionHandle, Member, NoResponse, StandIn
from sandbox.harness import BotProcess
from sandbox.models import Guild, RecordedRequest

REPO = Path(__file__).resolve().parent.parent
UNEXPECTED = "Something went wrong on my side"
COOLDOWN = "try again in"
FINAL_WITHIN = 30.0
BURST_DEADLINE = 3.0
LISTEN_BACKLOG = 4096

Log = Callable[[str], None]


class TimedStandIn(StandIn):
    """The stand-in, stamping when each interaction was dispatched, acknowledged and completed (perf_counter_ns)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_ns: dict[int, int] = {}
        self.acked_ns: dict[int, int] = {}
        self.final_ns: dict[int, int] = {}
        self.backlog: int | None = None

    async def start(self) -> TimedStandIn:
        """Listen as StandIn does, then widen the listening socket's backlog (see `widen_backlog`)."""
        await super().start()
        self.backlog = widen_backlog(self._runner, LISTEN_BACKLOG)
        return self

    def emit(self, event: str, data: dict[str, Any], *, intent: int = 0) -> bool:
        """Stamp INTERACTION_CREATE as it is queued for the bot's socket."""
        if event == "INTERACTION_CREATE":
            self.sent_ns[int(data["id"])] = time.perf_counter_ns()
        return super().emit(event, data, intent=intent)

    def _serve(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        response = super()._serve(request, recorded)
        parts = recorded.path.split("/")
        ix: InteractionHandle | None = None
        if recorded.path.startswith("/interactions/") and len(parts) > 2 and parts[2].isdigit():
            ix = self.interactions.get(int(parts[2]))
        elif recorded.path.startswith("/webhooks/") and len(parts) > 3:
            ix = self.interactions_by_token.get(parts[3])
        if ix is not None:
            now = time.perf_counter_ns()
            if ix.acknowledged:
                self.acked_ns.setdefault(ix.id, now)
            if ix.final:
                self.final_ns.setdefault(ix.id, now)
        return response

    def latency_ms(self, ix: InteractionHandle, *, final: bool = True) -> float:
        """Dispatch to acknowledgement, or to the completed answer."""
        end = (self.final_ns if final else self.acked_ns)[ix.id]
        return (end - self.sent_ns[ix.id]) / 1e6


def widen_backlog(runner: web.AppRunner | None, backlog: int) -> int | None:
    """Let up to `backlog` connections wait to be accepted; returns it, or None if the socket was not found.

    aiohttp listens with a backlog of 128. A burst makes discord.py open one connection per simultaneous callback
    (it sets no connection limit), so 1,000 at once overflow that queue: the kernel drops the SYNs and the bot's
    connects are retried 1 s and 3 s later, which is the stand-in's limit, not the bot's (Discord's edge accepts them).
    Calling listen() again on a listening socket changes its backlog (Linux).
    """
    if runner is None:
        return None
    widened = None
    for site in runner.sites:
        server = getattr(site, "_server", None)
        for transport_socket in getattr(server, "sockets", None) or ():
            with contextlib.suppress(OSError), socket.socket(fileno=os.dup(transport_socket.fileno())) as duplicate:
                duplicate.listen(backlog)
                widened = backlog
    return widened


def figures(samples: Sequence[float]) -> dict[str, float]:
    """p50, p99, max and mean in ms (p99: the value below which 99 % of the samples fall)."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * 99 // 100) - 1))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def answer_text(ix: InteractionHandle) -> str:
    """What the member reads: content and embed titles/descriptions of the answer and its follow-ups."""
    parts = []
    for message in ix.messages:
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
    return "\n".join(parts)


@dataclass
class Tally:
    """How the answers of one scenario went (besides their latency)."""

    unexpected: int = 0
    cooldowns: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def note(self, ix: InteractionHandle, outcome: str | None = None) -> None:
        text = answer_text(ix)
        if UNEXPECTED in text:
            self.unexpected += 1
        elif COOLDOWN in text.lower():
            self.cooldowns += 1
        if outcome is not None:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@dataclass
class Crowd:
    """The stand-in members taking part, by what they do."""

    readers: list[Member]
    waiting: list[Member]
    paired: list[Member]
    with_history: list[Member]
    loggers: list[Member]
    solvers: list[Member]
    joiners: list[Member]
    burst: list[Member]
    mixed_burst: list[Member]

    def everyone(self) -> list[Member]:
        return [
            *self.readers, *self.waiting, *self.paired, *self.with_history, *self.loggers, *self.solvers,
            *self.joiners, *self.burst, *self.mixed_burst,
        ]  # fmt: skip


def make_crowd(standin: StandIn, scale: Scale) -> Crowd:
    """Distinct members for every write (per-member cooldowns never interfere) and for each pairing state."""
    count = scale.runs + scale.warmup

    def members(prefix: str, number: int) -> list[Member]:
        return [standin.add_member(f"{prefix}{index}") for index in range(number)]

    return Crowd(
        readers=members("reader", 100),
        waiting=members("waiting", scale.waiting),
        paired=members("paired", 50),
        with_history=members("veteran", 100),
        loggers=members("logger", count),
        solvers=members("solver", count),
        joiners=members("joiner", count),
        burst=members("burst", scale.burst),
        mixed_burst=members("mixed", scale.burst),
    )


@contextlib.contextmanager
def off_the_guild_list(guild: Guild, members: Sequence[Member]) -> Iterator[None]:
    """Keep the benchmark's members out of GUILD_CREATE while the bot connects. Discord lists only a handful of
    members of a large guild to a bot without the members intent (this bot has none); the stand-in would list all
    of them. They stay members for the interactions."""
    for member in members:
        guild.members.pop(member.id, None)
    try:
        yield
    finally:
        for member in members:
            guild.members[member.id] = member


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in kB."""
    found: dict[str, int] = {}
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


class Bench:
    """One run: the stand-in, the bot process, the members, and the figures gathered so far."""

    def __init__(self, scale: Scale, folder: Path, *, log: Log, profile: str | None = None) -> None:
        self.scale = scale
        self.folder = folder
        self.say = log
        self.profile = profile
        self.standin = TimedStandIn()
        self.rng = random.Random(SEED + 9)
        self.results: dict[str, Any] = {"scale": scale.name}
        self.bot: BotProcess
        self.crowd: Crowd
        self.concept_names: list[str] = []
        self.profiler: asyncio.subprocess.Process | None = None

    # Setup -----------------------------------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Members and channels in the stand-in, then the database, then the bot process (started twice: the first
        start syncs the commands, the second is an ordinary restart, whose start-up is measured)."""
        standin, scale = self.standin, self.scale
        self.crowd = make_crowd(standin, scale)
        self.challenge_channel = standin.add_channel("challenges")
        self.pairing_channel = standin.add_channel("pairing")
        self.tips_channel = standin.add_channel("tips")
        path = self.folder / "nexus.db"
        self.say(f"building the database ({scale.challenges:,} challenges, {scale.solutions:,} solutions)…")
        built = await build(
            path,
            scale,
            guild_id=standin.guild.id,
            challenge_channel=self.challenge_channel.id,
            pairing_channel=self.pairing_channel.id,
            tips_channel=self.tips_channel.id,
            waiting=[member.id for member in self.crowd.waiting],
            paired=[member.id for member in self.crowd.paired],
            with_history=[member.id for member in self.crowd.with_history],
        )
        self.concept_names = built.pop("concept_names")
        built.pop("people")
        self.results["database"] = built
        self.say(f"database built in {built['build_s']} s ({built['database_mb']} MB): {built['counts']}")

        command: list[str] = [sys.executable, "-m", "bot"]
        if self.profile == "cprofile":
            command = [sys.executable, "-m", "cProfile", "-o", str(self.folder / "bot.prof"), "-m", "bot"]
        elif self.profile == "sql":
            command = [sys.executable, "-m", "benchmarks.sqltrace", str(self.folder / "sql.json")]
        self.bot = BotProcess(standin, path, command=command, cwd=REPO)
        with off_the_guild_list(standin.guild, self.crowd.everyone()):
            await self.bot.start(within=60)
            first_ping = await standin.slash(self.crowd.readers[0], "nexus ping")
            await self.bot.stop()
            started = time.perf_counter_ns()
            await self.bot.start(within=60)
            identified = time.perf_counter_ns()
            ping = await standin.slash(self.crowd.readers[0], "nexus ping")
        assert first_ping.acknowledged and self.bot.process is not None
        self.results["startup"] = {
            "identify_s": round((identified - started) / 1e9, 3),
            "first_answer_s": round((self.standin.acked_ns[ping.id] - started) / 1e9, 3),
        }
        self.results["memory_kb"] = {"after_start": rss_kb(self.bot.process.pid)}
        self.say(f"bot restarted: first answer {self.results['startup']['first_answer_s']} s after the process began")
        if self.profile == "py-spy":
            await self._start_py_spy()
        await self.sql_phase("startup")

    async def _start_py_spy(self) -> None:
        assert self.bot.process is not None
        output = self.folder / "bot.pyspy.txt"
        self.profiler = await asyncio.create_subprocess_exec(
            "py-spy", "record", "--pid", str(self.bot.process.pid), "--format", "raw", "--rate", "250",
            "--output", str(output), "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        self.results["profile"] = str(output)

    async def finish(self) -> None:
        """Stop the profiler and the bot; record the stand-in's violations of Discord's rules."""
        if self.profiler is not None and self.profiler.returncode is None:
            self.profiler.send_signal(signal.SIGINT)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.profiler.wait(), 30)
        if self.bot.running:
            await self.bot.stop(within=30)
        if self.profile == "cprofile":
            self.results["profile"] = str(self.folder / "bot.prof")
        elif self.profile == "sql":
            self.results["profile"] = str(self.folder / "sql.json")
        violations = self.standin.take_violations()
        self.results["violations"] = len(violations)
        self.results["violation_samples"] = [str(violation)[:300] for violation in violations[:5]]

    # Measuring -------------------------------------------------------------------------------------------------

    async def timed(
        self,
        key: str,
        act: Callable[[int], Awaitable[InteractionHandle]],
        *,
        outcome: Callable[[InteractionHandle], str | None] | None = None,
        runs: int | None = None,
    ) -> dict[str, Any]:
        """Run `act(i)` one after the other (warm-up first); each returns the interaction to time."""
        runs = self.scale.runs if runs is None else runs
        samples, acks, tally = [], [], Tally()
        by_outcome: dict[str, list[float]] = {}
        requests_before = len(self.standin.requests)
        started = time.perf_counter()
        for index in range(self.scale.warmup + runs):
            ix = await act(index)
            if not ix.final:
                await ix.wait_final(within=FINAL_WITHIN)
            if index < self.scale.warmup:
                continue
            samples.append(self.standin.latency_ms(ix))
            acks.append(self.standin.latency_ms(ix, final=False))
            kind = outcome(ix) if outcome is not None else None
            tally.note(ix, kind)
            if kind is not None:
                by_outcome.setdefault(kind, []).append(samples[-1])
        result: dict[str, Any] = figures(samples)
        if acks != samples:
            result["ack"] = figures(acks)
        result["unexpected_errors"] = tally.unexpected
        result["cooldowns"] = tally.cooldowns
        if tally.outcomes:
            result["outcomes"] = tally.outcomes
        if len(by_outcome) > 1:
            result["by_outcome"] = {kind: figures(values) for kind, values in by_outcome.items()}
        result["wall_s"] = round(time.perf_counter() - started, 1)
        # Requests the bot made to the Discord API per run (a modal's opening included for the modal submits).
        result["api_requests_per_run"] = round(
            (len(self.standin.requests) - requests_before) / (self.scale.warmup + runs), 2
        )
        self.results.setdefault("interactions", {})[key] = result
        await self.sql_phase(key)
        self.say(f"  {key:<22} p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms  ({result['wall_s']} s)")
        return result

    def last_interaction(self) -> InteractionHandle:
        return next(reversed(self.standin.interactions.values()))

    async def floor(self) -> None:
        """`/nexus ping`, the floor every other figure is compared with."""
        member = self.crowd.readers[0]
        await self.timed("ping", lambda _: self.standin.slash(member, "nexus ping"))

    async def reads(self) -> None:
        """The read commands, at scale."""
        standin, rng, scale, crowd = self.standin, self.rng, self.scale, self.crowd
        total = scale.runs + scale.warmup
        readers = crowd.readers

        def reader(index: int) -> Member:
            return readers[index % len(readers)]

        curated = bench_concepts.curated_concepts()
        names = [concept.name for concept in curated] + self.concept_names
        shown = [rng.choice(names) if rng.random() < 0.9 else rng.choice(bench_concepts.TYPOS) for _ in range(total)]
        await self.timed(
            "concept_show",
            lambda i: standin.slash(reader(i), "concept show", name=shown[i]),
            outcome=lambda ix: "shown" if not ix.ephemeral else "did you mean",
        )

        corpus = bench_concepts.Corpus.from_concepts(curated)
        queries = [
            " ".join(rng.sample(corpus.content_words, rng.randint(1, 2)))
            if rng.random() < 0.8
            else rng.choice(bench_concepts.QUESTIONS)
            for _ in range(total)
        ]
        await self.timed(
            "concept_search",
            lambda i: standin.slash(reader(i), "concept search", query=queries[i]),
            outcome=lambda ix: "found" if ix.message is not None and ix.message.embeds else "none",
        )

        typed = [name[: rng.randint(0, min(len(name), 8))] for name in rng.choices(names, k=total)]

        async def complete_concept(i: int) -> InteractionHandle:
            await standin.autocomplete(reader(i), "concept show", focused="name", value=typed[i])
            return self.last_interaction()

        await self.timed(
            "concept_autocomplete",
            complete_concept,
            outcome=lambda ix: "choices" if ix.choices else "empty",
        )

        words = bench_challenges.WORDS
        numbers_typed = [
            rng.choice(words)[: rng.randint(2, 6)] if rng.random() < 0.6 else str(rng.randint(1, scale.challenges))[:3]
            for _ in range(total)
        ]

        async def complete_challenge(i: int) -> InteractionHandle:
            await standin.autocomplete(reader(i), "challenge solve", focused="id", value=numbers_typed[i])
            return self.last_interaction()

        await self.timed(
            "challenge_autocomplete",
            complete_challenge,
            outcome=lambda ix: "choices" if ix.choices else "empty",
        )

        searches: list[tuple[str, str | None]] = []
        for _ in range(total):
            roll = rng.random()
            if roll < 0.6:
                searches.append((" ".join(rng.sample(words, rng.randint(1, 2))), None))
            elif roll < 0.8:
                searches.append((" ".join(rng.sample(words, 3)), None))
            else:
                searches.append((rng.choice(words), rng.choice(bench_challenges.TAGS)))

        def search(i: int) -> Awaitable[InteractionHandle]:
            query, tag = searches[i]
            return standin.slash(reader(i), "challenge search", query=query, tag=tag)

        await self.timed(
            "challenge_search",
            search,
            outcome=lambda ix: "found" if ix.message is not None and ix.message.embeds else "none",
        )

        numbers = [rng.randint(1, scale.challenges) for _ in range(total)]
        await self.timed(
            "challenge_show",
            lambda i: standin.slash(reader(i), "challenge show", id=numbers[i]),
            outcome=lambda ix: "shown" if ix.message is not None and ix.message.embeds else "other",
        )

        states = [*crowd.waiting[:100], *crowd.paired, *crowd.with_history, *readers]
        rng.shuffle(states)
        await self.timed(
            "pair_status",
            lambda i: standin.slash(states[i % len(states)], "pair status"),
            outcome=pair_status_outcome,
        )
        await self.timed("tip_status", lambda i: standin.slash(reader(i), "tip status"))

    async def writes(self) -> None:
        """The write commands, at scale: each by a member who has not used it yet."""
        standin, rng, scale, crowd = self.standin, self.rng, self.scale, self.crowd
        vocabulary = bench_challenges.Vocabulary(random.Random(SEED + 11))
        tags = bench_challenges.TAGS
        self.results["modal_open"] = {}

        opened: list[float] = []

        async def log(i: int) -> InteractionHandle:
            member = crowd.loggers[i]
            form = await standin.slash(member, "challenge log")
            opened.append(standin.latency_ms(form))
            values = {
                "Title": vocabulary.text(6)[:100].strip() or "a challenge",
                "What happened": vocabulary.text(40),
                "Tags (optional, comma-separated)": ", ".join(rng.sample(tags, 3)),
            }
            if i % 4 == 0:
                values["Solution (optional)"] = vocabulary.text(30)
            return await standin.submit_modal(member, form, values)

        await self.timed(
            "challenge_log",
            log,
            outcome=lambda ix: "logged" if "Challenge #" in answer_text(ix) else "other",
        )
        self.results["modal_open"]["challenge_log"] = figures(opened[scale.warmup :])

        opened.clear()

        async def solve(i: int) -> InteractionHandle:
            member = crowd.solvers[i]
            form = await standin.slash(member, "challenge solve", id=rng.randint(1, scale.challenges))
            opened.append(standin.latency_ms(form))
            return await standin.submit_modal(member, form, {"Your solution": vocabulary.text(30)})

        await self.timed(
            "challenge_solve",
            solve,
            outcome=lambda ix: "added" if ix.message is not None and ix.message.embeds else "other",
        )
        self.results["modal_open"]["challenge_solve"] = figures(opened[scale.warmup :])

        def join(i: int) -> Awaitable[InteractionHandle]:
            zone = rng.choice(NEAR_ZONES) if rng.random() < 0.8 else rng.choice(FAR_ZONES)
            topics = ", ".join(rng.sample(bench_pairing.TOPICS, rng.randint(0, 3))) or None
            role = "backend" if i % 2 else "frontend"
            return standin.slash(crowd.joiners[i], "pair join", role=role, topics=topics, timezone=zone)

        await self.timed("pair_join", join, outcome=join_outcome)

    async def bursts(self) -> None:
        """1,000 interactions dispatched at once: `/nexus ping`, then a mix of read commands."""
        standin, crowd, scale, rng = self.standin, self.crowd, self.scale, self.rng
        own_profile = await self._profile_self() if self.profile == "py-spy" else None
        try:
            await self._bursts(standin, crowd, scale, rng)
        finally:
            if own_profile is not None and own_profile.returncode is None:
                own_profile.send_signal(signal.SIGINT)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(own_profile.wait(), 30)

    async def _profile_self(self) -> asyncio.subprocess.Process:
        """py-spy on this process (the stand-in's side of the bursts)."""
        output = self.folder / "standin.pyspy.txt"
        self.results["standin_profile"] = str(output)
        return await asyncio.create_subprocess_exec(
            "py-spy", "record", "--pid", str(os.getpid()), "--format", "raw", "--rate", "250",
            "--output", str(output), "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    async def _bursts(self, standin: TimedStandIn, crowd: Crowd, scale: Scale, rng: random.Random) -> None:
        await self.burst("burst_ping", [standin.slash(member, "nexus ping", wait=False) for member in crowd.burst])

        def mixed(index: int, member: Member) -> Awaitable[InteractionHandle]:
            kind = index % 5
            if kind == 0:
                return standin.slash(member, "concept show", name=rng.choice(self.concept_names), wait=False)
            if kind == 1:
                return standin.slash(member, "challenge show", id=rng.randint(1, scale.challenges), wait=False)
            if kind == 2:
                return standin.slash(member, "pair status", wait=False)
            if kind == 3:
                return standin.slash(member, "tip status", wait=False)
            return standin.slash(member, "nexus ping", wait=False)

        await self.burst("burst_mixed_reads", [mixed(i, member) for i, member in enumerate(crowd.mixed_burst)])

    async def burst(self, key: str, dispatches: list[Awaitable[InteractionHandle]]) -> None:
        """Dispatch every interaction (each call returns as soon as it is queued on the gateway), then wait."""
        assert self.bot.process is not None
        bot_cpu, own_cpu = cpu_seconds(self.bot.process.pid), time.process_time()
        started = time.perf_counter_ns()
        handles = [await dispatch for dispatch in dispatches]
        dispatched = time.perf_counter_ns()
        outcomes = await asyncio.gather(*(ix.wait_acknowledged() for ix in handles), return_exceptions=True)
        missed = sum(isinstance(outcome, NoResponse) for outcome in outcomes)
        answered = [ix for ix in handles if ix.acknowledged]
        for ix in answered:
            if not ix.final:
                with contextlib.suppress(AssertionError):
                    await ix.wait_final(within=FINAL_WITHIN)
        acks = [self.standin.latency_ms(ix, final=False) for ix in answered]
        finals = [self.standin.latency_ms(ix) for ix in answered if ix.id in self.standin.final_ns]
        last = max(self.standin.final_ns.get(ix.id, 0) for ix in answered) if answered else dispatched
        tally = Tally()
        for ix in answered:
            tally.note(ix)
        ack_figures = figures(acks) if acks else {}
        result = {
            "interactions": len(handles),
            "dispatch_ms": round((dispatched - started) / 1e6, 1),
            "acknowledged": len(answered),
            "missed_deadline": missed,
            "slowest_ack_ms": round(max(acks), 1) if acks else None,
            "ack": ack_figures,
            "final": figures(finals) if finals else {},
            "throughput_per_s": round(len(answered) / ((last - started) / 1e9), 1),
            "unexpected_errors": tally.unexpected,
            "all_within_deadline": missed == 0 and bool(acks) and max(acks) <= BURST_DEADLINE * 1000,
            "wall_s": round((time.perf_counter_ns() - started) / 1e9, 2),
            "bot_cpu_s": round(cpu_seconds(self.bot.process.pid) - bot_cpu, 2),
            "standin_cpu_s": round(time.process_time() - own_cpu, 2),
        }
        self.results.setdefault("bursts", {})[key] = result
        self.say(
            f"  {key:<22} {len(answered)}/{len(handles)} acknowledged, slowest {result['slowest_ack_ms']} ms, "
            f"{result['throughput_per_s']}/s (CPU: bot {result['bot_cpu_s']} s, stand-in {result['standin_cpu_s']} s, "
            f"wall {result['wall_s']} s)"
        )
        # Expired interactions were recorded as violations by the stand-in; they are part of this figure instead.
        self.standin.take_violations(10062)

    async def sql_phase(self, name: str) -> None:
        """With `--profile sql`: have the bot write the statements of the scenario that just ended."""
        if self.profile != "sql" or self.bot.process is None:
            return
        (self.folder / "sql.phase").write_text(name, encoding="utf-8")
        self.bot.process.send_signal(signal.SIGUSR1)
        await asyncio.sleep(0.2)

    async def memory(self, when: str) -> None:
        assert self.bot.process is not None
        self.results["memory_kb"][when] = rss_kb(self.bot.process.pid)


def pair_status_outcome(ix: InteractionHandle) -> str:
    text = answer_text(ix)
    if "queue, position" in text or "position" in text:
        return "waiting"
    if "paired with" in text:
        return "paired"
    return "neither"


def join_outcome(ix: InteractionHandle) -> str:
    text = answer_text(ix)
    if "paired with" in text:
        return "matched"
    if "in the queue" in text:
        return "queued"
    return "other"


async def run(scale: Scale, folder: Path, *, log: Log = print, profile: str | None = None) -> dict[str, Any]:
    """The whole end-to-end part; returns its figures."""
    started = time.perf_counter()
    # Interactions missed in a burst are counted in its figures; one warning line each would drown the output.
    logging.getLogger("sandbox").setLevel(logging.ERROR)
    bench = Bench(scale, folder, log=log, profile=profile)
    async with bench.standin:
        bench.results["standin_listen_backlog"] = bench.standin.backlog or "aiohttp's default (128)"
        try:
            await bench.prepare()
            log("floor and reads:")
            await bench.floor()
            await bench.reads()
            log("writes:")
            await bench.writes()
            await bench.memory("after_reads_writes")
            log("bursts:")
            await bench.bursts()
            await bench.memory("after_bursts")
        finally:
            with contextlib.suppress(Exception):
                await bench.finish()
    bench.results["wall_s"] = round(time.perf_counter() - started, 1)
    return bench.results
