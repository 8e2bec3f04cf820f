"""Colleagues' replies while the coordinator's overview of a 1,000-colleague round is compiled.

themabot runs (loopback, ``THEMABOT_SEND_RATE=0``) on a database with two rounds: the
benchmark round, whose colleagues answer in the closed loop of :mod:`benchmarks.load`, and a
round of 1,000 colleagues x 3 themes x 7 questions (:func:`benchmarks.big_round.big_round`,
19,110 answers, written through the store contract), the coordinator's active round. Half a
second into the load the coordinator sends ``/overview xlsx``; the *window* runs from then
until the document has arrived. Reported: how long the document took, the colleagues' reply
latencies for the steps sent inside the window (p50, p99) and, to compare, for the steps sent
before or after it. Target: p99 inside the window under 1 s.

The database is made once (the round by the real CLI, the big round by the store) and copied
for every run, so each run starts from the same state.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from benchmarks.big_round import big_round, store_round
from benchmarks.contenders import themabot_env, themabot_round
from benchmarks.load import Drive, drive, percentile, questions, steps
from benchmarks.processes import PYTHON, Child, folder
from benchmarks.server import Line, StandIn
from benchmarks.tables import Target, table
from storage import open_store

__all__ = ["OverviewUnderLoad", "render_table", "run_overview_load"]

COORDINATOR = 4242
LEAD = 0.5  # seconds of load before the coordinator asks
SETTLE = 2.0  # seconds after the bot polls: its document worker process starts meanwhile
TARGET_P99 = 1.0


@dataclass(frozen=True)
class OverviewUnderLoad:
    """One run: the document's wait and the colleagues' replies meanwhile."""

    fmt: str
    big: int
    colleagues: int
    document_seconds: float
    """From the coordinator's command to the document; NaN when none came."""
    window_latencies: tuple[float, ...]
    outside_p99: float
    """p99 of the steps sent before or after the window: the same load without the document."""
    finished: int
    lost: int

    @property
    def window_p50(self) -> float:
        """Median reply latency of the steps sent while the document was compiled."""
        return percentile(list(self.window_latencies), 0.5)

    @property
    def window_p99(self) -> float:
        """p99 reply latency of the steps sent while the document was compiled."""
        return percentile(list(self.window_latencies), 0.99)


async def _seed(work: Path, colleagues: int, big: int) -> tuple[Path, list[str]]:
    """The database every run copies, and the colleagues' tokens."""
    folder(work)
    async with StandIn(Line(), work / "standin.log") as standin:
        env = themabot_env(work, standin, 0, str(COORDINATOR))
        tokens = await themabot_round(env, work, colleagues)
    store = await open_store(env["THEMABOT_DB"])
    try:
        await store_round(store, big_round(big))
    finally:
        await store.close()
    return Path(env["THEMABOT_DB"]), tokens


async def _run_once(
    seed: Path, tokens: list[str], work: Path, fmt: str, big: int, step_timeout: float
) -> OverviewUnderLoad:
    folder(work)
    async with StandIn(Line(), work / "standin.log") as standin:
        env = themabot_env(work, standin, 0, str(COORDINATOR))
        shutil.copyfile(seed, env["THEMABOT_DB"])
        bot = Child([PYTHON, "-m", "bot", "run"], env, work / "bot.log", work)
        bot.start()
        try:
            await standin.polling(bot)
            await asyncio.sleep(SETTLE)
            asked = questions()

            async def coordinator() -> tuple[float, float, dict[str, Any] | None]:
                await asyncio.sleep(LEAD)
                asked_at = time.perf_counter()
                message_id = await standin.push(COORDINATOR, "Coby", f"/overview {fmt}")
                document = await standin.next_message(COORDINATOR, message_id, None, 300)
                return asked_at, time.perf_counter(), document

            conversations = [steps(s, asked) for s in (f"/start {t}" for t in tokens)]
            seen, (asked_at, received_at, document) = await asyncio.gather(
                drive(standin, conversations, step_timeout=step_timeout), coordinator()
            )
        finally:
            await bot.stop()
    got_document = document is not None and document.get("document") is not None
    return OverviewUnderLoad(
        fmt=fmt,
        big=big,
        colleagues=len(tokens),
        document_seconds=received_at - asked_at if got_document else float("nan"),
        window_latencies=_during(seen, asked_at, received_at, inside=True),
        outside_p99=percentile(list(_during(seen, asked_at, received_at, inside=False)), 0.99),
        finished=seen.finished,
        lost=seen.lost,
    )


def _during(seen: Drive, start: float, end: float, *, inside: bool) -> tuple[float, ...]:
    """The latencies of the steps sent inside (or outside) ``[start, end]``."""
    return tuple(
        latency
        for latency, pushed in zip(seen.latencies, seen.pushed_at, strict=True)
        if (start <= pushed <= end) is inside
    )


async def run_overview_load(
    work: Path,
    *,
    colleagues: int,
    big: int,
    runs: int,
    fmt: str = "xlsx",
    step_timeout: float = 30.0,
    progress: TextIO | None = None,
) -> list[OverviewUnderLoad]:
    """Makes the database once, then runs the load with the overview ``runs`` times."""
    seed, tokens = await _seed(work / "seed", colleagues, big)
    results = []
    for run in range(runs):
        result = await _run_once(seed, tokens, work / f"run-{run + 1}", fmt, big, step_timeout)
        results.append(result)
        if progress is not None:
            print(
                f"[overview under load {run + 1}/{runs}] /overview {fmt} of {big} colleagues: "
                f"{result.document_seconds:.2f} s; colleagues meanwhile p99 "
                f"{result.window_p99:.3f} s over {len(result.window_latencies)} replies",
                file=progress,
                flush=True,
            )
    return results


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def target(results: list[OverviewUnderLoad]) -> Target:
    """Replies under 1 s p99 while the document is compiled (median over runs)."""
    p99 = _median([r.window_p99 for r in results])
    big = results[0].big if results else 0
    return Target.at_most(
        f"replies p99 < {TARGET_P99:g} s while /overview of {big:,} colleagues is compiled",
        p99,
        TARGET_P99,
    )


def render_table(results: list[OverviewUnderLoad]) -> str:
    """One row of medians over the runs, and the target."""
    if not results:
        return "(not run)"
    first = results[0]
    header = [
        "document",
        "document s",
        "replies in window",
        "p50 s in window",
        "p99 s in window",
        "p99 s outside window",
        "finished (worst)",
        "lost (worst)",
    ]
    row = [
        f"/overview {first.fmt} ({first.big:,} colleagues)",
        f"{_median([r.document_seconds for r in results]):.2f}",
        f"{_median([float(len(r.window_latencies)) for r in results]):.0f}",
        f"{_median([r.window_p50 for r in results]):.3f}",
        f"{_median([r.window_p99 for r in results]):.3f}",
        f"{_median([r.outside_p99 for r in results]):.3f}",
        f"{min(r.finished for r in results)}/{first.colleagues}",
        f"{max(r.lost for r in results)}",
    ]
    return "\n".join([table(header, [row]), "", target(results).line()])


def as_json(results: list[OverviewUnderLoad]) -> list[dict[str, Any]]:
    """Every run as JSON-able data."""
    return [
        {
            "format": r.fmt,
            "big": r.big,
            "colleagues": r.colleagues,
            "document_seconds": r.document_seconds,
            "window_replies": len(r.window_latencies),
            "window_p50": r.window_p50,
            "window_p99": r.window_p99,
            "outside_p99": r.outside_p99,
            "finished": r.finished,
            "lost": r.lost,
        }
        for r in results
    ]
