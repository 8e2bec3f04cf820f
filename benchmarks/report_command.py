"""`themabot report` as a coordinator runs it: the whole command, start to exit.

:mod:`benchmarks.documents` times what the bot's document worker does (build + render of a
round already in memory). A coordinator at the terminal waits for more: Python's start-up,
the imports, opening the database, reading the round, and writing the file. This part writes
a round of :func:`benchmarks.big_round.big_round` (1,000 colleagues by default) into a fresh
database through the store, then runs the installed ``themabot report --output FILE`` on it
for each format in turn (html, docx, xlsx, html, ...), each run a process of its own, and
takes the median wall time per format. One untimed run per format first, as a coordinator's
second report would find it: Python's compiled modules (``make bench`` compiles them ahead,
as ``make run`` does) and Jinja's compiled template kept.

The targets are the document targets (HTML <= 1 s, Word <= 3 s, Excel <= 3 s at 1,000
colleagues), held against the whole command. Timing lives here, never in a test assertion.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from benchmarks.big_round import big_round, store_round
from benchmarks.documents import TARGETS_AT_1000
from benchmarks.processes import PYTHON, ROOT
from benchmarks.tables import Target, table
from storage import open_store

__all__ = ["FORMATS", "CommandRun", "as_json", "render_table", "run_report_command", "targets"]

FORMATS = ("html", "docx", "xlsx")


@dataclass(frozen=True)
class CommandRun:
    """The whole `themabot report` command for one format, several times."""

    colleagues: int
    answers: int
    fmt: str
    seconds: list[float]  # wall time, start to exit
    cpu_seconds: list[float]  # user + system of the process
    size_bytes: int

    @property
    def median(self) -> float:
        """Median wall seconds."""
        return statistics.median(self.seconds)


def _command() -> list[str]:
    """The console script beside this Python (what `make` installs), else `python -m bot`."""
    script = Path(PYTHON).with_name("themabot")
    return [str(script)] if script.exists() else [PYTHON, "-m", "bot"]


def _fresh_database(work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    for leftover in work.glob("report.db*"):
        leftover.unlink()
    return work / "report.db"


def _run_once(argv: list[str], env: dict[str, str], output: Path) -> tuple[float, float, int]:
    """Runs one report into ``output``; returns (wall seconds, CPU seconds, bytes written)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, output.stat().st_size


async def run_report_command(
    work: Path, colleagues: int, runs: int, progress: TextIO | None = None
) -> list[CommandRun]:
    """Writes the round, then times ``runs`` reports per format, the formats alternating."""
    db = await asyncio.to_thread(_fresh_database, work)
    snapshot = big_round(colleagues)
    if progress is not None:
        print(f"[command] writing a round of {colleagues:,} colleagues...", file=progress)
    store = await open_store(db)
    try:
        round_id = await store_round(store, snapshot)
    finally:
        await store.close()
    env = {**os.environ, "THEMABOT_DB": str(db), "THEMABOT_LANGUAGE": "nl"}
    env.pop("THEMABOT_DOCX_TEMPLATE", None)  # the plain document, as the targets mean
    base = [*_command(), "report", "--round", str(round_id), "--output"]
    walls: dict[str, list[float]] = {f: [] for f in FORMATS}
    cpus: dict[str, list[float]] = {f: [] for f in FORMATS}
    sizes: dict[str, int] = {}
    for timed in [False] + [True] * runs:
        for fmt in FORMATS:
            output = work / f"x.{fmt}"
            wall, cpu, sizes[fmt] = await asyncio.to_thread(
                _run_once, [*base, str(output)], env, output
            )
            if timed:
                walls[fmt].append(wall)
                cpus[fmt].append(cpu)
    found = []
    for fmt in FORMATS:
        run = CommandRun(
            colleagues,
            len(snapshot.answers),
            fmt,
            walls[fmt],
            cpus[fmt],
            sizes[fmt],
        )
        if progress is not None:
            print(f"[command] report {fmt}: {run.median:.2f} s", file=progress, flush=True)
        found.append(run)
    return found


def targets(runs: list[CommandRun]) -> list[Target]:
    """The document targets against the whole command (only at 1,000 colleagues)."""
    return [
        Target.at_most(
            f"themabot report, 1,000 colleagues, {r.fmt} <= {TARGETS_AT_1000[r.fmt]:g} s "
            "(the whole command)",
            r.median,
            TARGETS_AT_1000[r.fmt],
        )
        for r in runs
        if r.colleagues == 1000 and r.fmt in TARGETS_AT_1000
    ]


def render_table(runs: list[CommandRun]) -> str:
    """One row per format, then the targets."""
    header = ["colleagues", "answers", "format", "median s", "runs", "CPU s (median)", "size KiB"]
    rows = [
        [
            f"{r.colleagues:,}",
            f"{r.answers:,}",
            r.fmt,
            f"{r.median:.2f}",
            str(len(r.seconds)),
            f"{statistics.median(r.cpu_seconds):.2f}",
            f"{r.size_bytes / 1024:,.0f}",
        ]
        for r in runs
    ]
    return "\n".join([table(header, rows), "", *(t.line() for t in targets(runs))])


def as_json(runs: list[CommandRun]) -> list[dict[str, Any]]:
    """Every run as JSON-able data."""
    return [{**asdict(r), "median": r.median} for r in runs]
