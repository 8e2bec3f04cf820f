"""The whole benchmark run: sizes, the environment it ran in, and the report table."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any, TextIO

from benchmarks import answering, overview_export, store_writes
from benchmarks.measure import Comparison

__all__ = ["DEFAULT", "QUICK", "Sizes", "environment", "report", "run_all"]


@dataclass(frozen=True)
class Sizes:
    """How much work each benchmark does; the default run stays well under a minute."""

    answers_per_round: int
    answer_rounds: int
    colleagues: int
    themes_each: int
    overview_rounds: int
    writes_per_round: int
    write_rounds: int


#: What ``make bench`` runs: 200 answers and 200 writes a round, a 60-colleague round.
DEFAULT = Sizes(
    answers_per_round=200,
    answer_rounds=9,
    colleagues=60,
    themes_each=3,
    overview_rounds=7,
    writes_per_round=200,
    write_rounds=9,
)

#: A smoke run: proves every benchmark executes and yields ratios; the numbers mean little.
QUICK = Sizes(
    answers_per_round=10,
    answer_rounds=2,
    colleagues=4,
    themes_each=2,
    overview_rounds=2,
    writes_per_round=10,
    write_rounds=2,
)


async def run_all(sizes: Sizes, progress: TextIO | None = None) -> list[Comparison]:
    """Runs every benchmark in turn; says on ``progress`` what it is doing (it takes a while)."""
    steps: list[tuple[str, Callable[[], Awaitable[Comparison | list[Comparison]]]]] = [
        (
            "answers",
            lambda: answering.run(answers=sizes.answers_per_round, rounds=sizes.answer_rounds),
        ),
        (
            "overview",
            lambda: overview_export.run(
                colleagues=sizes.colleagues,
                themes_each=sizes.themes_each,
                rounds=sizes.overview_rounds,
            ),
        ),
        (
            "store writes",
            lambda: store_writes.run(writes=sizes.writes_per_round, rounds=sizes.write_rounds),
        ),
    ]
    results: list[Comparison] = []
    for name, step in steps:
        start = time.perf_counter()
        outcome = await step()
        results.extend(outcome if isinstance(outcome, list) else [outcome])
        if progress is not None:
            print(f"{name}: done in {time.perf_counter() - start:.1f} s", file=progress)
    return results


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def environment() -> dict[str, Any]:
    """Where the numbers come from: interpreter, machine, libraries, disk of the temp dir."""
    # sched_getaffinity: a container may see more CPUs than it may use.
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
        "sqlite": sqlite3.sqlite_version,
        "python-telegram-bot": _version("python-telegram-bot"),
        "aiosqlite": _version("aiosqlite"),
        "tempdir": tempfile.gettempdir(),
        "executable": sys.executable,
    }


def _duration(seconds: float) -> str:
    """A time with a unit that keeps three significant digits readable."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def report(results: list[Comparison], sizes: Sizes, env: dict[str, Any]) -> str:
    """The results as a plain-text table, with the environment and what each reference is."""
    lines = [
        f"themabot benchmarks: Python {env['python']} ({env['implementation']}), "
        f"{env['cpu_count']} CPUs ({env['usable_cpus']} usable), SQLite {env['sqlite']}, "
        f"python-telegram-bot {env['python-telegram-bot']}, aiosqlite {env['aiosqlite']}",
        f"{env['platform']}; databases in {env['tempdir']}",
        "Medians of interleaved rounds after one warm-up; ratio = ours / reference "
        "(lower is better, 1.0x = as fast as the reference).",
        "",
    ]
    header = ("benchmark", "unit", "rounds", "ours", "reference", "ratio", "ours/s")
    rows = [
        (
            c.name,
            f"{c.unit} (x{c.units_per_round})" if c.units_per_round > 1 else c.unit,
            str(len(c.ours)),
            _duration(c.ours_median),
            _duration(c.reference_median),
            f"{c.ratio:.1f}x",
            f"{1 / c.ours_median:,.1f}",
        )
        for c in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    left = {0, 1}  # names left-aligned, numbers right-aligned

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i in left else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines += [line(header), line(tuple("-" * w for w in widths)), *map(line, rows), ""]
    lines.append("References:")
    seen: set[str] = set()
    for c in results:
        if c.reference_name not in seen:
            seen.add(c.reference_name)
            lines.append(f"  {c.unit}: {c.reference_name}")
    lines.append(f"Sizes: {asdict(sizes)}")
    return "\n".join(lines)
