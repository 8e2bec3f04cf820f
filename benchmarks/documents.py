"""``python -m benchmarks.documents``: build + render of the overview per format and round size.

Times what the coordinator waits for after asking ``/overview FMT`` (or ``themabot report``):
:func:`reports.overview.build_overview` then :func:`reports.render.render`, on the rounds of
:mod:`benchmarks.big_round` (100, 1,000 and 5,000 colleagues by default). Prints the median of
a few runs, the peak memory Python allocated during one more run (tracemalloc), the document
size, and whether the targets are met: at 1,000 colleagues HTML <= 1 s, Word <= 3 s,
Excel <= 3 s; at 5,000 within 1.5x of five times the 1,000 figure (no worse than linear).

Timing lives here, never in a test assertion.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass

from benchmarks.big_round import NOW, big_round
from reports.overview import build_overview
from reports.render import render

__all__ = ["Measurement", "main", "measure"]

#: Seconds allowed for build + render at 1,000 colleagues.
TARGETS_AT_1000 = {"html": 1.0, "docx": 3.0, "xlsx": 3.0}
#: At 5,000 colleagues: within this factor of five times the 1,000-colleague figure.
LINEAR_SLACK = 1.5


@dataclass(frozen=True)
class Measurement:
    colleagues: int
    answers: int
    fmt: str
    seconds: list[float]
    peak_bytes: int | None
    size_bytes: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(colleagues: int, fmt: str, runs: int, *, memory: bool = True) -> Measurement:
    """Times ``runs`` build + render runs of one format; one more run under tracemalloc."""
    snapshot = big_round(colleagues)
    seconds = []
    size = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        size = len(render(build_overview(snapshot, NOW), fmt))
        seconds.append(time.perf_counter() - start)
    peak = None
    if memory:
        gc.collect()
        tracemalloc.start()
        render(build_overview(snapshot, NOW), fmt)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Measurement(colleagues, len(snapshot.answers), fmt, seconds, peak, size)


def _verdict(m: Measurement, at_1000: dict[str, float]) -> str:
    if m.colleagues == 1000 and m.fmt in TARGETS_AT_1000:
        target = TARGETS_AT_1000[m.fmt]
        return f"{'met' if m.median <= target else 'NOT met'} (<= {target:g} s)"
    if m.colleagues == 5000 and m.fmt in at_1000:
        limit = at_1000[m.fmt] * 5 * LINEAR_SLACK
        return f"{'met' if m.median <= limit else 'NOT met'} (<= {limit:.2f} s)"
    return ""


def table(measurements: list[Measurement]) -> str:
    """The results as a plain-text table, one line per size and format."""
    at_1000 = {m.fmt: m.median for m in measurements if m.colleagues == 1000}
    lines = [
        f"{'colleagues':>10} {'answers':>8} {'format':<6} {'median':>9} {'runs':>4} "
        f"{'peak MiB':>9} {'size KiB':>9}  target",
    ]
    for m in measurements:
        peak = f"{m.peak_bytes / 2**20:9.1f}" if m.peak_bytes is not None else f"{'-':>9}"
        lines.append(
            f"{m.colleagues:>10} {m.answers:>8} {m.fmt:<6} {m.median:>8.3f}s {len(m.seconds):>4} "
            f"{peak} {m.size_bytes / 1024:>9.0f}  {_verdict(m, at_1000)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Runs the document benchmark and prints the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.documents", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--formats", nargs="+", default=["html", "docx", "xlsx", "md", "csv"])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per cell (median)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        for fmt in args.formats:
            m = measure(size, fmt, args.runs, memory=not args.no_memory)
            print(f"  {size} colleagues, {fmt}: {m.median:.3f} s", file=sys.stderr, flush=True)
            results.append(m)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
