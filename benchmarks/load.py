"""The closed-loop load: colleagues at once, each next message only after the bot's reply.

Each colleague sends ``/start TOKEN`` and six answers. After every message the driver waits
(a long poll on the stand-in, no busy polling) for the bot's message in that chat that asks
the next question (after the last answer: any message). The time from pushing the message to
that reply is the step's latency. A step whose reply does not come within ``step_timeout``
counts as a lost reply, and that colleague stops there (they would still be waiting).

What one run reports (:class:`LoadResult`): answers/s (answers acknowledged, over the time
from the first message to the last reply), latency percentiles over every step, the bot's CPU
seconds per 1,000 answers (its process and children, read from /proc before and after),
its peak RSS, colleagues finished, replies lost and the 429s the stand-in gave.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import tomllib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.contenders import TEMPLATE, Contender, prepare
from benchmarks.processes import Child, cpu_seconds, folder, peak_rss
from benchmarks.server import Line, StandIn

__all__ = [
    "Drive",
    "LoadResult",
    "Steps",
    "drive",
    "median",
    "percentile",
    "questions",
    "run_load",
    "steps",
]

FIRST_USER = 600_001

#: One step: the text a colleague sends and the text the reply must show (None: any reply).
Steps = list[tuple[str, str | None]]


def questions(template: Path = TEMPLATE) -> list[str]:
    """The question texts of the benchmark intake."""
    with template.open("rb") as file:
        return [q["text"] for q in tomllib.load(file)["questions"]]


def steps(start: str, asked: list[str]) -> Steps:
    """A colleague's conversation: ``start``, then one answer per question."""
    answers = [
        f"Antwoord {n}: hier doen we veel aan, samen met de partners in de wijk."
        for n in range(1, len(asked) + 1)
    ]
    expected: list[str | None] = [*asked, None]
    return list(zip([start, *answers], expected, strict=True))


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Drive:
    """What the driver saw: latencies, and who finished."""

    latencies: list[float] = field(default_factory=list)
    """Seconds per step that got its reply (push -> reply), in completion order."""
    pushed_at: list[float] = field(default_factory=list)
    """``time.perf_counter()`` when each of those steps was sent, in the same order."""
    replied_at: list[float] = field(default_factory=list)
    """``time.perf_counter()`` of each reply, in the same order."""
    answers: int = 0
    finished: int = 0
    lost: int = 0
    started: float = 0.0
    ended: float = 0.0


async def drive(
    standin: StandIn, conversations: list[Steps], *, step_timeout: float = 30.0
) -> Drive:
    """Plays every conversation at once in a closed loop; returns what it saw."""
    seen = Drive()

    async def colleague(index: int, conversation: Steps) -> None:
        user = FIRST_USER + index
        for number, (text, expected) in enumerate(conversation):
            pushed = time.perf_counter()
            message_id = await standin.push(user, f"Collega {index + 1}", text)
            reply = await standin.next_message(user, message_id, expected, step_timeout)
            if reply is None:
                seen.lost += 1
                return
            now = time.perf_counter()
            seen.latencies.append(now - pushed)
            seen.pushed_at.append(pushed)
            seen.replied_at.append(now)
            if number > 0:
                seen.answers += 1
        seen.finished += 1

    seen.started = time.perf_counter()
    await asyncio.gather(*(colleague(i, c) for i, c in enumerate(conversations)))
    seen.ended = max(seen.replied_at, default=seen.started)
    return seen


@dataclass(frozen=True)
class LoadResult:
    """One run of one bot under one condition."""

    contender: str
    colleagues: int
    finished: int
    answers: int
    lost: int
    seconds: float
    latencies: tuple[float, ...]
    cpu_seconds: float
    peak_rss: int
    refused: int
    standin_cpu_seconds: float = 0.0
    """The stand-in's CPU seconds meanwhile: shows whether the server kept up."""

    @property
    def answers_per_second(self) -> float:
        """Answers acknowledged per second of the run."""
        return self.answers / self.seconds if self.seconds > 0 else 0.0

    def latency(self, fraction: float) -> float:
        """A latency percentile over every step, in seconds."""
        return percentile(list(self.latencies), fraction)

    @property
    def cpu_per_1000(self) -> float:
        """The bot's CPU seconds per 1,000 answers."""
        return self.cpu_seconds / self.answers * 1000 if self.answers else float("nan")

    def summary(self) -> str:
        """One line, for progress output."""
        return (
            f"{self.contender}: {self.answers_per_second:.1f} answers/s, "
            f"p99 {self.latency(0.99):.3f} s, {self.finished}/{self.colleagues} finished, "
            f"{self.lost} lost, {self.refused} x 429, CPU {self.cpu_per_1000:.2f} s/1000 "
            f"(stand-in {self.standin_cpu_seconds:.1f} s in {self.seconds:.1f} s)"
        )


async def run_load(
    contender: Contender,
    line: Line,
    send_rate: float,
    colleagues: int,
    work: Path,
    *,
    step_timeout: float = 30.0,
    around: Callable[[Child], AbstractAsyncContextManager[object]] | None = None,
) -> LoadResult:
    """One run: a fresh stand-in, the bot as a process, the closed loop, the measurements.

    ``around(bot)`` wraps the closed loop (a profiler attached to the bot, for instance).
    """
    folder(work)
    async with StandIn(line, work / "standin.log") as standin:
        prepared = await prepare(contender, work / "bot", standin, colleagues, send_rate)
        bot = Child(prepared.argv, prepared.env, work / "bot.log", prepared.cwd)
        bot.start()
        try:
            await standin.polling(bot)
            asked = questions()
            conversations = [steps(s, asked) for s in prepared.starts]
            wrapper = around(bot) if around is not None else contextlib.nullcontext()
            async with wrapper:
                before, server_before = cpu_seconds(bot.pid), cpu_seconds(standin.child.pid)
                seen = await drive(standin, conversations, step_timeout=step_timeout)
            used = cpu_seconds(bot.pid) - before
            server_used = cpu_seconds(standin.child.pid) - server_before
            peak = peak_rss(bot.pid)
            refused = await standin.refused()
        finally:
            await bot.stop()
    return LoadResult(
        contender=contender.key,
        colleagues=colleagues,
        finished=seen.finished,
        answers=seen.answers,
        lost=seen.lost,
        seconds=seen.ended - seen.started,
        latencies=tuple(seen.latencies),
        cpu_seconds=used,
        peak_rss=peak,
        refused=refused,
        standin_cpu_seconds=server_used,
    )


def median(values: list[float]) -> float:
    """The median, NaN for none."""
    return statistics.median(values) if values else float("nan")
