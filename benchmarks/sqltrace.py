"""Run the bot with every SQLite call timed: `python -m benchmarks.sqltrace OUT.json [bot arguments…]`.

Used by `python -m benchmarks --profile sql`, never by the bot itself. aiosqlite runs each connection's calls on its
own thread; this wraps `aiosqlite.Connection._execute` so that each call is timed on that thread (the time SQLite
spent, without the hop between threads) and attributed to its statement (fetches and cursor closes count towards the
statement they read). It also times the whole call as the event loop sees it (queueing and the hop included). At
exit, the statements are written to OUT.json, the most expensive first.

SIGUSR1 writes what was gathered since the last one to OUT.<phase>.json and starts afresh, <phase> being the text of
the file OUT.phase (the benchmark writes the scenario's name there first): one table of statements per scenario.
"""

from __future__ import annotations

import atexit
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import aiosqlite.core

Stats = dict[str, list[int]]  # statement -> [calls, executes, thread ns, max thread ns, awaited ns]

STATS: Stats = {}
LOCK = threading.RLock()  # the SIGUSR1 handler runs on the main thread, maybe inside _record
LOCAL = threading.local()


def _record(key: str, executes: int, thread_ns: int, awaited_ns: int) -> None:
    with LOCK:
        entry = STATS.setdefault(key, [0, 0, 0, 0, 0])
        entry[0] += 1
        entry[1] += executes
        entry[2] += thread_ns
        entry[3] = max(entry[3], thread_ns)
        entry[4] += awaited_ns


def install() -> None:
    """Wrap aiosqlite's one entry point to its worker threads."""
    original = aiosqlite.core.Connection._execute

    async def _execute(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sql = args[0] if args and isinstance(args[0], str) else None
        spent = [0]
        statement: list[str] = [sql or str(getattr(fn, "__name__", "?"))]

        def timed() -> Any:
            # On the connection's own thread: a fetch or close belongs to the last statement run there.
            if sql is not None:
                LOCAL.last = sql
            else:
                statement[0] = str(getattr(LOCAL, "last", None) or statement[0])
            started = time.perf_counter_ns()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] = time.perf_counter_ns() - started

        started = time.perf_counter_ns()
        try:
            return await original(self, timed)  # type: ignore[no-untyped-call]
        finally:
            executes = 1 if sql is not None else 0
            _record(" ".join(statement[0].split()), executes, spent[0], time.perf_counter_ns() - started)

    aiosqlite.core.Connection._execute = _execute  # type: ignore[method-assign]


def dump(path: Path, *, reset: bool = False) -> None:
    """Statements by total thread time, most expensive first."""
    with LOCK:
        rows = sorted(STATS.items(), key=lambda item: -item[1][2])
        if reset:
            STATS.clear()
    document = [
        {
            "sql": sql[:400],
            "calls": calls,
            "executes": executes,
            "thread_ms": round(thread / 1e6, 2),
            "thread_ms_per_execute": round(thread / 1e6 / max(executes, 1), 3),
            "max_call_ms": round(longest / 1e6, 3),
            "awaited_ms": round(awaited / 1e6, 2),
        }
        for sql, (calls, executes, thread, longest, awaited) in rows
    ]
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    """Install the timing, arrange the report at exit, then run the bot's own command line."""
    out = Path(sys.argv[1])
    install()
    atexit.register(dump, out)

    def dump_phase(signum: int, frame: FrameType | None) -> None:
        phase_file = out.with_suffix(".phase")
        phase = phase_file.read_text(encoding="utf-8").strip() if phase_file.exists() else "phase"
        dump(out.with_suffix(f".{phase}.json"), reset=True)

    signal.signal(signal.SIGUSR1, dump_phase)
    from bot.__main__ import main as bot_main

    return bot_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
