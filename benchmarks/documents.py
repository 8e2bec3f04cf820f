"""The coordinator's documents: build + render per format and round size, time and memory.

Times what the coordinator waits for after asking ``/overview FMT`` (or ``themabot report``):
:func:`bot.documents.compile_document` (build, render, file name, summary), on the rounds of
:mod:`benchmarks.big_round` (100, 1,000 and 5,000 colleagues by default). Each size and format
runs in a fresh process (``python -m benchmarks.documents --cell N FMT``), so its peak memory
is its own: the resident set's high-water mark (``VmHWM``, which counts lxml's C allocations
that tracemalloc cannot see), reset once the round is built, so "compile peak" is what
compiling added on top of the round in memory.

Targets: at 1,000 colleagues HTML <= 1 s, Word <= 3 s, Excel <= 3 s; at 5,000 within 1.5x of
five times the 1,000 figure (no worse than linear).

Timing lives here, never in a test assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from benchmarks.big_round import NOW, big_round
from benchmarks.processes import PYTHON, ROOT, peak_rss, rss, run_command
from benchmarks.tables import Target, table
from bot.documents import compile_document

__all__ = ["FORMATS", "Measurement", "measure", "render_table", "run_documents", "targets"]

FORMATS = ("html", "docx", "xlsx", "md", "csv")
#: Seconds allowed for build + render at 1,000 colleagues.
TARGETS_AT_1000 = {"html": 1.0, "docx": 3.0, "xlsx": 3.0}
#: At 5,000 colleagues: within this factor of five times the 1,000-colleague figure.
LINEAR_SLACK = 1.5
#: A cell stops repeating once its runs took this long: today's slow formats stay bearable.
CELL_BUDGET = 90.0


@dataclass(frozen=True)
class Measurement:
    """Build + render of one format at one round size."""

    colleagues: int
    answers: int
    fmt: str
    seconds: list[float]
    baseline_rss: int
    """Bytes resident once the round was built, before compiling."""
    peak_rss: int
    """The process's peak resident bytes while compiling (the round included)."""
    size_bytes: int

    @property
    def median(self) -> float:
        """Median seconds of build + render."""
        return statistics.median(self.seconds)

    @property
    def compile_peak(self) -> int:
        """Peak bytes compiling added on top of the round in memory."""
        return max(0, self.peak_rss - self.baseline_rss)


def _reset_peak() -> None:
    """Resets VmHWM to the current RSS (Linux >= 4.0); without it the peak is the whole life."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure_here(colleagues: int, fmt: str, runs: int) -> Measurement:
    """Times ``runs`` build + render runs in this process (stopping early past the budget)."""
    snapshot = big_round(colleagues)
    gc.collect()
    baseline = rss(os.getpid())
    _reset_peak()
    seconds: list[float] = []
    size = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        size = len(compile_document(snapshot, NOW, fmt).content)  # as the bot's worker does
        seconds.append(time.perf_counter() - start)
        if sum(seconds) > CELL_BUDGET:
            break
    return Measurement(
        colleagues, len(snapshot.answers), fmt, seconds, baseline, peak_rss(os.getpid()), size
    )


async def measure(colleagues: int, fmt: str, runs: int) -> Measurement:
    """Measures one cell in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [PYTHON, "-m", "benchmarks.documents", "--cell", str(colleagues), fmt]
    out = await run_command([*argv, "--runs", str(runs)], env, time_limit=CELL_BUDGET * 4 + 120)
    return Measurement(**json.loads(out))


async def run_documents(
    sizes: list[int], formats: list[str], runs: int, progress: TextIO | None = None
) -> list[Measurement]:
    """Measures every size and format, one process each."""
    results = []
    for size in sizes:
        for fmt in formats:
            m = await measure(size, fmt, runs)
            if progress is not None:
                print(
                    f"[documents] {size} colleagues, {fmt}: {m.median:.3f} s, "
                    f"peak {m.peak_rss / 2**20:.0f} MiB",
                    file=progress,
                    flush=True,
                )
            results.append(m)
    return results


def targets(measurements: list[Measurement]) -> list[Target]:
    """The document targets, each met or not (those whose size was not run are left out)."""
    at_1000 = {m.fmt: m.median for m in measurements if m.colleagues == 1000}
    found = []
    for m in measurements:
        if m.colleagues == 1000 and m.fmt in TARGETS_AT_1000:
            limit = TARGETS_AT_1000[m.fmt]
            found.append(
                Target.at_most(f"1,000 colleagues, {m.fmt} <= {limit:g} s", m.median, limit)
            )
        if m.colleagues == 5000 and m.fmt in at_1000:
            limit = at_1000[m.fmt] * 5 * LINEAR_SLACK
            found.append(
                Target.at_most(
                    f"5,000 colleagues, {m.fmt} <= 1.5 x 5 x the 1,000 figure ({limit:.2f} s)",
                    m.median,
                    limit,
                )
            )
    return found


def render_table(measurements: list[Measurement]) -> str:
    """The results as a table, one row per size and format, and the targets."""
    header = [
        "colleagues",
        "answers",
        "format",
        "median s",
        "runs",
        "peak RSS MiB",
        "compile peak MiB",
        "size KiB",
    ]
    rows = [
        [
            f"{m.colleagues:,}",
            f"{m.answers:,}",
            m.fmt,
            f"{m.median:.3f}",
            str(len(m.seconds)),
            f"{m.peak_rss / 2**20:.0f}",
            f"{m.compile_peak / 2**20:.0f}",
            f"{m.size_bytes / 1024:,.0f}",
        ]
        for m in measurements
    ]
    lines = [table(header, rows), ""]
    lines += [t.line() for t in targets(measurements)]
    return "\n".join(lines)


def as_json(measurements: list[Measurement]) -> list[dict[str, Any]]:
    """Every cell as JSON-able data."""
    return [{**asdict(m), "median": m.median} for m in measurements]


def main(argv: list[str] | None = None) -> int:
    """Runs the document benchmark (or, with ``--cell``, one cell) and prints the result."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.documents", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--formats", nargs="+", default=list(FORMATS))
    parser.add_argument("--runs", type=int, default=3, help="timed runs per cell (median)")
    parser.add_argument(
        "--cell", nargs=2, metavar=("COLLEAGUES", "FORMAT"), help="measure one cell here, as JSON"
    )
    args = parser.parse_args(argv)
    if args.cell:
        m = measure_here(int(args.cell[0]), args.cell[1], args.runs)
        print(json.dumps(asdict(m)))
        return 0
    results = asyncio.run(run_documents(args.sizes, args.formats, args.runs, sys.stderr))
    print(render_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
