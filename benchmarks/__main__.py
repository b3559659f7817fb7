"""`python -m benchmarks`: every benchmark from one entry point; prints a table and writes the figures as JSON.

First the end-to-end part (benchmarks/e2e.py): the real bot as a separate process (`python -m bot`) against the local
Discord stand-in, on a database of 100,000 challenges, 300,000 solutions, 10,000 learners in the pairing history and
1,000 extra concepts. Then each feature's own in-process benchmark (`run()` of benchmarks/bench_*.py). Every latency
is also shown as a ratio to the floor, the round trip of `/nexus ping` measured in the same run.

Options: `--quick` (a small smoke run, without the per-feature benchmarks unless `--features` is given too),
`--out PATH` (default benchmarks/results/latest.json), `--markdown` (also print the table as Markdown),
`--profile cprofile|py-spy|sql` (profile the bot process, or time its SQL per scenario; the files are named
in the output; use with `--keep DIR`), `--skip-e2e`,
`--skip-features`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import e2e
from benchmarks.dataset import FULL, QUICK, Scale

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results" / "latest.json"
FEATURES = ("concepts", "challenges", "pairing", "tips")
READ_FACTOR = 1.5  # read commands: p99 at most 1.5 × the floor's p99
WRITE_FACTOR = 2.0  # write commands: p99 at most 2 × the floor's p99
BURST_DEADLINE_MS = 3000.0
RSS_TARGET_MB = 120.0
STARTUP_TARGET_S = 2.0

READS = (
    ("concept_show", "/concept show"),
    ("concept_search", "/concept search"),
    ("concept_autocomplete", "autocomplete: /concept show name"),
    ("challenge_autocomplete", "autocomplete: /challenge solve id"),
    ("challenge_search", "/challenge search"),
    ("challenge_show", "/challenge show"),
    ("pair_status", "/pair status"),
    ("tip_status", "/tip status"),
)
WRITES = (
    ("challenge_log", "/challenge log (modal submit)"),
    ("challenge_solve", "/challenge solve (modal submit)"),
    ("pair_join", "/pair join (to the follow-up)"),
)


@dataclass
class Row:
    """One line of the table."""

    section: str
    label: str
    value: str
    ratio: str
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return "-" if self.met is None else "yes" if self.met else "NO"


def _ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}×" if floor > 0 else "-"


def e2e_rows(results: dict[str, Any]) -> list[Row]:
    """The end-to-end figures as table rows."""
    rows: list[Row] = []
    interactions = results["interactions"]
    floor = interactions["ping"]
    floor_p99 = floor["p99_ms"]
    rows.append(
        Row(
            "floor",
            f"/nexus ping round trip, p50 / p99 (n={floor['n']:,})",
            f"{_ms(floor['p50_ms'])} / {_ms(floor_p99)}",
            "1×",
            "-",
            None,
        )
    )
    for section, items, factor in (("read", READS, READ_FACTOR), ("write", WRITES, WRITE_FACTOR)):
        for key, label in items:
            figures = interactions.get(key)
            if figures is None:
                continue
            limit = factor * floor_p99
            errors = figures["unexpected_errors"] + figures["cooldowns"]
            rows.append(
                Row(
                    section,
                    f"{label}, p50 / p99 (n={figures['n']:,})" + (f", {errors} errors" if errors else ""),
                    f"{_ms(figures['p50_ms'])} / {_ms(figures['p99_ms'])}",
                    f"{_ratio(figures['p50_ms'], floor['p50_ms'])} / {_ratio(figures['p99_ms'], floor_p99)}",
                    f"p99 ≤ {factor:g}× floor ({_ms(limit)})",
                    figures["p99_ms"] <= limit and errors == 0,
                )
            )
            for outcome, part in figures.get("by_outcome", {}).items() if key == "pair_join" else ():
                rows.append(
                    Row(
                        section,
                        f"/pair join, of which {outcome} (n={part['n']:,}), p50 / p99",
                        f"{_ms(part['p50_ms'])} / {_ms(part['p99_ms'])}",
                        f"{_ratio(part['p50_ms'], floor['p50_ms'])} / {_ratio(part['p99_ms'], floor_p99)}",
                        "-",
                        None,
                    )
                )
    for key, label in (("burst_ping", "/nexus ping"), ("burst_mixed_reads", "mixed reads")):
        burst = results.get("bursts", {}).get(key)
        if burst is None or not burst.get("ack"):
            continue
        rows.append(
            Row(
                "burst",
                f"{burst['interactions']:,} × {label} at once: slowest acknowledgement "
                f"({burst['acknowledged']:,} acknowledged)",
                _ms(burst["slowest_ack_ms"]),
                _ratio(burst["slowest_ack_ms"], floor_p99),
                f"all ≤ {BURST_DEADLINE_MS:,.0f} ms",
                bool(burst["all_within_deadline"]),
            )
        )
        throughput = f"{burst['throughput_per_s']:,.0f}/s"
        rows.append(
            Row("burst", f"{burst['interactions']:,} × {label} at once: throughput", throughput, "-", "-", None)
        )
    memory = results.get("memory_kb", {})
    for key, label in (("after_start", "after start"), ("after_bursts", "after the bursts")):
        if key in memory:
            mb = memory[key]["VmRSS"] / 1024
            rows.append(
                Row("resources", f"bot resident memory (VmRSS) {label}", f"{mb:.0f} MB", "-",
                    f"< {RSS_TARGET_MB:.0f} MB", mb < RSS_TARGET_MB)
            )  # fmt: skip
    startup = results.get("startup")
    if startup:
        rows.append(
            Row("resources", "restart: process start → first interaction answered",
                f"{startup['first_answer_s']:.2f} s", "-", f"< {STARTUP_TARGET_S:g} s",
                startup["first_answer_s"] < STARTUP_TARGET_S)
        )  # fmt: skip
    return rows


def _feature_row(
    feature: str, label: str, figures: dict[str, Any] | None, target_ms: float | None, floor_p99: float | None
) -> Row | None:
    if not figures or "p99_ms" not in figures:
        return None
    p50, p99 = figures.get("p50_ms"), figures["p99_ms"]
    value = f"{_ms(p50)} / {_ms(p99)}" if p50 is not None else _ms(p99)
    ratio = _ratio(p99, floor_p99) if floor_p99 else "-"
    target = f"p99 < {target_ms:g} ms" if target_ms is not None else "-"
    return Row(feature, label, value, ratio, target, None if target_ms is None else p99 < target_ms)


def feature_rows(features: dict[str, Any], floor_p99: float | None) -> list[Row]:
    """The per-feature benchmarks' main figures as table rows (their own targets, in-process store timings)."""
    rows: list[Row | None] = []
    for feature, results in features.items():
        if "error" in results:
            rows.append(Row(feature, f"{feature} benchmark failed: {results['error'][:80]}", "-", "-", "-", False))
    concepts = features.get("concepts", {})
    if "curated" in concepts:
        t = concepts.get("targets", {})
        rows += [
            _feature_row("concepts", "autocomplete, +1,000 community, p50 / p99", concepts["with_1000"]["autocomplete"],
                         t.get("autocomplete_p99_ms"), floor_p99),
            _feature_row("concepts", "show lookup, +1,000 community, p50 / p99", concepts["with_1000"]["show_lookup"],
                         t.get("show_lookup_p99_ms"), floor_p99),
            _feature_row("concepts", "search, 10,000 concepts, p50 / p99", concepts["search_10000"]["mixed"],
                         t.get("search_p99_ms"), floor_p99),
        ]  # fmt: skip
    challenges = features.get("challenges", {})
    if "search" in challenges:
        module = importlib.import_module("benchmarks.bench_challenges")
        rows += [
            _feature_row("challenges", "store search, p50 / p99", challenges["search"],
                         getattr(module, "SEARCH_TARGET_MS", None), floor_p99),
            _feature_row("challenges", "store log (insert + index), p50 / p99", challenges["log"],
                         getattr(module, "LOG_TARGET_MS", None), floor_p99),
            _feature_row("challenges", "store show, p50 / p99", challenges["show"],
                         getattr(module, "SHOW_TARGET_MS", None), floor_p99),
            _feature_row("challenges", "store similar, p50 / p99", challenges.get("similar"), None, floor_p99),
            _feature_row("challenges", "store autocomplete, p50 / p99", challenges.get("autocomplete"), None,
                         floor_p99),
        ]  # fmt: skip
    pairing = features.get("pairing", {})
    if "join_p99_ms" in pairing:
        module = importlib.import_module("benchmarks.bench_pairing")
        join = {"p50_ms": pairing["join_p50_ms"], "p99_ms": pairing["join_p99_ms"]}
        rows.append(_feature_row("pairing", "store join, 10,000 waiting, p50 / p99", join,
                                 getattr(module, "JOIN_TARGET_MS", None), floor_p99))  # fmt: skip
        round_s = pairing["round_store_seconds"]
        target_s = getattr(module, "ROUND_TARGET_SECONDS", None)
        rows.append(
            Row("pairing", f"round over {pairing['round_learners']:,} learners (store), score "
                f"{pairing['round_ratio']:.4f} of optimal", f"{round_s:.2f} s", "-",
                f"< {target_s:g} s" if target_s else "-", bool(pairing.get("round_target_met")))
        )  # fmt: skip
    tips = features.get("tips", {})
    if "claim_ms_p99" in tips:
        module = importlib.import_module("benchmarks.bench_tips")
        claim = {"p50_ms": tips["claim_ms_median"], "p99_ms": tips["claim_ms_p99"]}
        rows.append(_feature_row("tips", "claim a week, p50 / p99", claim, getattr(module, "CLAIM_TARGET_MS", None),
                                 floor_p99))  # fmt: skip
        idle = {"p99_ms": tips["idle_pass_ms_best"]}
        rows.append(_feature_row("tips", f"weekly loop idle pass, {tips['guilds']:,} guilds (best of passes)", idle,
                                 getattr(module, "PASS_TARGET_MS", None), floor_p99))  # fmt: skip
    return [row for row in rows if row is not None]


def render_text(rows: list[Row]) -> str:
    """A plain-text table."""
    headers = ("", "measurement", "value", "ratio to floor", "target", "met")
    cells = [(row.section, row.label, row.value, row.ratio, row.target, row.verdict) for row in rows]
    widths = [max(len(str(line[i])) for line in [headers, *cells]) for i in range(len(headers))]
    lines = ["  ".join(str(value).ljust(width) for value, width in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(str(value).ljust(width) for value, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def render_markdown(rows: list[Row]) -> str:
    """The same table in Markdown (what README.md's Performance section shows)."""
    lines = ["| | measurement | value | ratio to floor | target | met? |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {row.section} | {row.label} | {row.value} | {row.ratio} | {row.target} | {row.verdict} |" for row in rows
    ]
    return "\n".join(lines)


def run_features(names: tuple[str, ...], say: Callable[[str], None]) -> dict[str, Any]:
    """Each feature's `run()`, in this process, one after the other; a failure is reported, not raised."""
    found: dict[str, Any] = {}
    for name in names:
        say(f"feature benchmark: {name}…")
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            found[name] = module.run()
        except Exception as error:  # one feature's failure must not hide the others' figures
            found[name] = {"error": f"{type(error).__name__}: {error}"}
        found[name]["wall_s"] = round(time.perf_counter() - started, 1)
        say(f"  {name} done in {found[name]['wall_s']} s")
    return found


def git_commit() -> str:
    """The commit measured (with "+dirty" when the working tree has changes)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small-scale smoke run (seconds, not minutes)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results file (default {DEFAULT_OUT})")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--profile", choices=("cprofile", "py-spy", "sql"), help="profile the bot process")
    parser.add_argument("--skip-e2e", action="store_true", help="only the per-feature benchmarks")
    parser.add_argument("--skip-features", action="store_true", help="only the end-to-end benchmark")
    parser.add_argument("--features", action="store_true", help="with --quick: run the per-feature benchmarks too")
    parser.add_argument("--keep", type=Path, help="keep the database, bot log and profiles in this folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run, print, write; exit status 0 (a missed target is a finding, not a failure of the run), 2 on bad options."""
    args = parse_args(argv)
    if args.profile == "py-spy" and shutil.which("py-spy") is None:
        print("python -m benchmarks: --profile py-spy needs py-spy (pip install py-spy)", file=sys.stderr)
        return 2
    scale: Scale = QUICK if args.quick else FULL
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {text}", flush=True)

    document: dict[str, Any] = {
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "scale": scale.name,
            "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
            "command": " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])]),
        }
    }
    if not args.skip_e2e:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            document["e2e"] = asyncio.run(e2e.run(scale, args.keep, log=say, profile=args.profile))
        else:
            with tempfile.TemporaryDirectory(prefix="nexus-bench-") as folder:
                document["e2e"] = asyncio.run(e2e.run(scale, Path(folder), log=say, profile=args.profile))
    run_them = not args.skip_features and (not args.quick or args.features)
    document["features"] = run_features(FEATURES, say) if run_them else {}
    document["meta"]["runtime_s"] = round(time.perf_counter() - started, 1)
    document["meta"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]

    rows = e2e_rows(document["e2e"]) if "e2e" in document else []
    floor_p99 = document["e2e"]["interactions"]["ping"]["p99_ms"] if "e2e" in document else None
    rows += feature_rows(document["features"], floor_p99)
    document["table"] = [row.__dict__ | {"met": row.met} for row in rows]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(render_text(rows))
    if args.markdown:
        print()
        print(render_markdown(rows))
    print()
    print(f"{document['meta']['runtime_s']} s in all ({document['meta']['commit']}); figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
