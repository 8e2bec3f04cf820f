"""The three load conditions, runs alternating between the bots, medians, ratios and targets.

1. loopback: the stand-in answers at once; themabot with ``THEMABOT_SEND_RATE=0``;
2. 50 ms per Bot API call (``THEMABOT_SEND_RATE=0``);
3. 50 ms per call, and the stand-in answers 429 above 30 messages a second, as Telegram does
   (themabot at its default send rate, 30).

Per run one bot after the other (themabot, PTB, aiogram, then the next run starting one bot
later, so none always runs first or last on the shared machine); each figure is the median
over the runs, the ratios are ratios of those medians.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from benchmarks.contenders import CONTENDERS, Contender, available
from benchmarks.load import LoadResult, median, run_load
from benchmarks.server import Line
from benchmarks.tables import Target, ratio_text, table

__all__ = ["CONDITIONS", "Condition", "ConditionResult", "run_conditions"]


@dataclass(frozen=True)
class Condition:
    """One line quality, with the send rate themabot runs at under it."""

    key: str
    title: str
    line: Line
    send_rate: float

    def heading(self, colleagues: int, runs: int) -> str:
        """The table's title."""
        return (
            f"{self.title} (THEMABOT_SEND_RATE={self.send_rate:g}): {colleagues} colleagues, "
            f"median of {runs} run{'s' * (runs != 1)}"
        )


CONDITIONS = (
    Condition("loopback", "Loopback", Line(), 0),
    Condition("latency", "50 ms per call", Line(latency=0.05), 0),
    Condition("capped", "50 ms per call + 429 above 30 messages/s", Line(0.05, 30), 30),
)


@dataclass
class ConditionResult:
    """Every run of every bot under one condition."""

    condition: Condition
    colleagues: int
    runs: dict[str, list[LoadResult]]

    def median(self, key: str, measure: Callable[[LoadResult], float]) -> float:
        """The median of ``measure`` over the runs of bot ``key`` (NaN when it did not run)."""
        return median([measure(r) for r in self.runs.get(key, [])])

    def answers_per_second(self, key: str) -> float:
        """The median answers/s of one bot."""
        return self.median(key, lambda r: r.answers_per_second)

    def ratio(self, key: str) -> float:
        """themabot's median answers/s over another bot's (NaN when either did not run)."""
        ours, theirs = self.answers_per_second("themabot"), self.answers_per_second(key)
        if math.isnan(ours) or math.isnan(theirs):
            return float("nan")
        if theirs == 0:
            return float("inf") if ours > 0 else float("nan")
        return ours / theirs

    def targets(self) -> list[Target]:
        """The issue's targets for this condition, each met or not."""
        ptb, aiogram = self.ratio("ptb"), self.ratio("aiogram")
        key = self.condition.key
        if key == "loopback":
            return [
                Target.at_least("answers/s >= 1.5x PTB", ptb, 1.5),
                Target.at_least("(aim) answers/s >= 1.0x aiogram", aiogram, 1.0),
            ]
        if key == "latency":
            return [
                Target.at_least("answers/s >= 10x PTB", ptb, 10),
                Target.at_least("answers/s >= 1.0x aiogram", aiogram, 1.0),
            ]
        runs = self.runs.get("themabot", [])
        finished = min((r.finished for r in runs), default=0)
        lost = max((r.lost for r in runs), default=0)
        return [
            Target(
                f"all {self.colleagues} colleagues finish (worst run)",
                f"{finished}/{self.colleagues}",
                bool(runs) and finished == self.colleagues,
            ),
            Target("no reply lost (worst run)", str(lost), bool(runs) and lost == 0),
            Target.at_least("answers/s >= 1.3x PTB", ptb, 1.3),
        ]

    def rows(self) -> list[list[str]]:
        """One row per bot: the medians."""
        rows = []
        for contender in CONTENDERS:
            runs = self.runs.get(contender.key)
            if not runs:
                rows.append([contender.label, "not run", *[""] * 8])
                continue

            def m(
                measure: Callable[[LoadResult], float],
                digits: int,
                scale: float = 1.0,
                runs: list[LoadResult] = runs,
            ) -> str:
                value = median([measure(r) for r in runs]) / scale
                return "n/a" if math.isnan(value) else f"{value:.{digits}f}"

            rows.append(
                [
                    contender.label,
                    m(lambda r: r.answers_per_second, 1),
                    m(lambda r: r.latency(0.50), 3),
                    m(lambda r: r.latency(0.95), 3),
                    m(lambda r: r.latency(0.99), 3),
                    # CPU per 1,000 answers is unknown for a bot that got no answer through.
                    m(lambda r: r.cpu_per_1000, 2),
                    m(lambda r: r.peak_rss, 0, 2**20),
                    f"{min(r.finished for r in runs)}/{self.colleagues}",
                    f"{max(r.lost for r in runs)}",
                    m(lambda r: r.refused, 0),
                ]
            )
        return rows

    def render(self, runs: int) -> str:
        """The condition's table, ratios and targets, as plain text (Markdown-compatible)."""
        header = [
            "bot",
            "answers/s",
            "p50 s",
            "p95 s",
            "p99 s",
            "CPU s/1000 answers",
            "peak RSS MiB",
            "finished (worst)",
            "lost (worst)",
            "429s",
        ]
        lines = [
            f"### {self.condition.heading(self.colleagues, runs)}",
            "",
            table(header, self.rows()),
            "",
            f"themabot / PTB: {ratio_text(self.ratio('ptb'))} · "
            f"themabot / aiogram: {ratio_text(self.ratio('aiogram'))} (answers/s, medians)",
            "",
        ]
        lines += [target.line() for target in self.targets()]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        """Every run's figures, for ``--json``."""
        return {
            "condition": self.condition.key,
            "line": {"latency": self.condition.line.latency, "cap": self.condition.line.cap},
            "send_rate": self.condition.send_rate,
            "colleagues": self.colleagues,
            "ratios": {"ptb": self.ratio("ptb"), "aiogram": self.ratio("aiogram")},
            "targets": [t.as_json() for t in self.targets()],
            "runs": {
                key: [
                    {
                        "answers_per_second": r.answers_per_second,
                        "p50": r.latency(0.5),
                        "p95": r.latency(0.95),
                        "p99": r.latency(0.99),
                        "cpu_per_1000": r.cpu_per_1000,
                        "peak_rss": r.peak_rss,
                        "finished": r.finished,
                        "lost": r.lost,
                        "refused": r.refused,
                        "seconds": r.seconds,
                        "standin_cpu_seconds": r.standin_cpu_seconds,
                    }
                    for r in results
                ]
                for key, results in self.runs.items()
            },
        }


def rotation(contenders: list[Contender], run: int) -> list[Contender]:
    """The order of one run: each run starts one bot later than the one before."""
    shift = run % len(contenders) if contenders else 0
    return contenders[shift:] + contenders[:shift]


async def run_conditions(
    conditions: list[Condition],
    contenders: list[Contender],
    *,
    colleagues: int,
    runs: int,
    work: Path,
    step_timeout: float,
    progress: TextIO | None = None,
) -> list[ConditionResult]:
    """Runs every condition ``runs`` times for each available bot, alternating the order."""
    usable = [c for c in contenders if available(c)]
    for skipped in (c for c in contenders if not available(c)):
        _say(progress, f"{skipped.label}: not installed (pip install -e '.[bench]'), skipped")
    results = []
    for condition in conditions:
        result = ConditionResult(condition, colleagues, {c.key: [] for c in usable})
        for run in range(runs):
            for contender in rotation(usable, run):
                folder = work / condition.key / f"{contender.key}-{run + 1}"
                outcome = await run_load(
                    contender,
                    condition.line,
                    condition.send_rate,
                    colleagues,
                    folder,
                    step_timeout=step_timeout,
                )
                result.runs[contender.key].append(outcome)
                _say(progress, f"[{condition.key} {run + 1}/{runs}] {outcome.summary()}")
        results.append(result)
    return results


def _say(progress: TextIO | None, text: str) -> None:
    if progress is not None:
        print(text, file=progress, flush=True)
