"""``python -m benchmarks.profile``: where themabot's CPU time goes per answer, under load.

Runs the loopback load of :mod:`benchmarks.load` (100 colleagues, ``THEMABOT_SEND_RATE=0``)
against the real ``themabot run`` process with py-spy attached for the closed loop: 200 times
a second it samples the thread that holds the GIL, whichever it is (the event loop or one of
aiosqlite's SQLite threads), so the samples add up to the CPU time /proc counts, less what
SQLite spends in C without the GIL. py-spy comes with the ``bench`` extra and needs ptrace
rights (root, or ``kernel.yama.ptrace_scope=0``); without them, ``python -m pyinstrument -o
bot.html -m bot run`` profiles the event loop alone.

Printed per answer: milliseconds by thread, by library of the innermost frame (own time), the
functions with the most own time, and this project's functions by inclusive time. ``--write``
puts the summary between the ``<!-- profile -->`` markers of docs/benchmarks.md; ``--raw FILE``
summarises an earlier recording instead of running.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks.conditions import CONDITIONS
from benchmarks.contenders import CONTENDERS
from benchmarks.load import LoadResult, run_load
from benchmarks.processes import Child
from benchmarks.report import DOCS, replace_block
from benchmarks.tables import table

__all__ = ["Profile", "main", "parse_raw", "summary"]

RATE = 200  # samples a second
OWN_PACKAGES = ("bot", "conversations", "storage", "reports")
# The start-up chain every sample of the main thread passes through: not worth listing.
_ENTRY = {
    "<module> (bot/__main__.py)",
    "main (bot/cli/__init__.py)",
    "_run (bot/cli/__init__.py)",
    "run (bot/cli/system.py)",
}
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


@dataclass
class Profile:
    """Aggregated py-spy samples of one recording."""

    rate: int = RATE
    by_thread: collections.Counter[str] = field(default_factory=collections.Counter)
    by_library: collections.Counter[str] = field(default_factory=collections.Counter)
    own: collections.Counter[str] = field(default_factory=collections.Counter)
    inclusive: collections.Counter[str] = field(default_factory=collections.Counter)
    samples: int = 0


def _library(file: str) -> str:
    """The package a frame's file belongs to (py-spy shortens paths to the package part)."""
    path = file.replace("\\", "/")
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "?"
    head = parts[0].removesuffix(".py")
    if re.fullmatch(r"python3(\.\d+)?", head) or head in {"lib", "usr"}:
        return "stdlib:" + (parts[-1].removesuffix(".py") if len(parts) > 1 else head)
    return head


def _frame(text: str) -> tuple[str, str]:
    """``(function label, library)`` of one frame ``"name (file:line)"``."""
    match = _FRAME.match(text.strip())
    if match is None:
        return text.strip(), "?"
    file = match["file"]
    label = f"{match['function']} ({file})"
    return label, _library(file)


def _thread_kind(header: str) -> str:
    """What a thread is, from py-spy's ``thread (ID): NAME``."""
    name = header.split(":", 1)[1].strip() if ":" in header else header
    if name == "MainThread":
        return "event loop (main thread)"
    if "_connection_worker_thread" in name:
        return "aiosqlite's SQLite threads"
    return "other threads (" + re.sub(r"[-_]?\d+", "", name).strip() + ")"


def parse_raw(lines: Iterable[str], rate: int = RATE) -> Profile:
    """Aggregates py-spy's ``--format raw --threads`` output: per line the thread, then the
    frames outermost first, separated by ``;``, then the sample count."""
    profile = Profile(rate=rate)
    for line in lines:
        stack, _, count_text = line.strip().rpartition(" ")
        if not count_text.isdigit() or not stack:
            continue
        count = int(count_text)
        header, *frames = stack.split(";")
        if not header.startswith("thread "):
            header, frames = "thread (?): ?", [header, *frames]
        labels = [_frame(f) for f in frames]
        profile.samples += count
        profile.by_thread[_thread_kind(header)] += count
        if labels:
            leaf, library = labels[-1]
            profile.own[leaf] += count
            profile.by_library[library] += count
        own = {label for label, library in labels if library in OWN_PACKAGES}
        for label in own - _ENTRY:
            profile.inclusive[label] += count
    return profile


def summary(profile: Profile, answers: int, top: int = 12) -> str:
    """The profile per answer, as Markdown tables."""

    def ms(count: int) -> str:
        return f"{count / profile.rate / answers * 1000:.2f}"

    total = profile.samples
    lines = [
        f"{total / profile.rate:.1f} CPU seconds sampled over {answers} answers: "
        f"**{ms(total)} ms per answer** in all.",
        "",
        table(
            ["thread", "ms per answer", "share"],
            [
                [name, ms(n), f"{n / total:.0%}"]
                for name, n in profile.by_thread.most_common()
                if n / total >= 0.005
            ],
        ),
        "",
        "Own time by library (the innermost frame's package):",
        "",
        table(
            ["library", "ms per answer", "share"],
            [[name, ms(n), f"{n / total:.0%}"] for name, n in profile.by_library.most_common(top)],
        ),
        "",
        "Functions with the most own time:",
        "",
        table(
            ["function", "ms per answer", "share"],
            [[f"`{name}`", ms(n), f"{n / total:.0%}"] for name, n in profile.own.most_common(top)],
        ),
        "",
        "This project's functions by inclusive time (all they call):",
        "",
        table(
            ["function", "ms per answer", "share"],
            [
                [f"`{name}`", ms(n), f"{n / total:.0%}"]
                for name, n in profile.inclusive.most_common(top * 2)
            ],
        ),
    ]
    return "\n".join(lines)


@asynccontextmanager
async def _py_spy(output: Path, rate: int, log: Path, bot: Child) -> AsyncIterator[None]:
    """py-spy attached to ``bot`` while the block runs; stopped with SIGINT (it writes then)."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    argv = [exe, "record", "--pid", str(bot.pid), "--format", "raw", "--output", str(output)]
    # --gil: only the thread holding the GIL is sampled, so samples add up to CPU time as
    # /proc counts it (without it, threads waiting for the GIL count too); blocking sampling
    # (no --nonblocking) keeps each stack consistent.
    argv += ["--rate", str(rate), "--threads", "--function", "--gil"]
    spy = Child(argv, os.environ, log)
    spy.start()
    await asyncio.sleep(1.0)  # attaching takes a moment; the load must not start before
    if not spy.alive():
        raise RuntimeError(f"py-spy did not start (ptrace rights?); see {log}")
    try:
        yield
    finally:
        assert spy.proc is not None
        spy.proc.send_signal(signal.SIGINT)  # SIGTERM would end it without writing
        await asyncio.to_thread(spy.proc.wait, 60)


async def record(
    work: Path, colleagues: int, rate: int, condition: str = "loopback"
) -> tuple[Path, LoadResult]:
    """Runs the profiled load under one condition; returns the raw file and the run's figures."""
    themabot = next(c for c in CONTENDERS if c.key == "themabot")
    under = next(c for c in CONDITIONS if c.key == condition)
    raw = work / "themabot.pyspy.txt"

    def around(bot: Child) -> AbstractAsyncContextManager[None]:
        return _py_spy(raw, rate, work / "py-spy.log", bot)

    result = await run_load(
        themabot, under.line, under.send_rate, colleagues, work / "load", around=around
    )
    return raw, result


def main(argv: list[str] | None = None) -> int:
    """Profiles themabot under one condition's load (or summarises ``--raw``) and prints it."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--colleagues", type=int, default=100)
    parser.add_argument(
        "--condition", choices=[c.key for c in CONDITIONS], default="loopback", help="the line"
    )
    parser.add_argument("--rate", type=int, default=RATE, help="samples a second")
    parser.add_argument("--raw", type=Path, help="summarise this py-spy raw file instead")
    parser.add_argument("--answers", type=int, help="answers the --raw recording covered")
    parser.add_argument("--work", type=Path, help="keep the recording and logs here")
    parser.add_argument("--write", action="store_true", help=f"update {DOCS}")
    args = parser.parse_args(argv)
    if args.raw:
        answers = args.answers or args.colleagues * 6
        profile = parse_raw(args.raw.read_text().splitlines(), args.rate)
        heading = f"py-spy recording {args.raw.name}"
    else:
        work = args.work or Path(tempfile.mkdtemp(prefix="themabot-profile-"))
        raw, result = asyncio.run(record(work, args.colleagues, args.rate, args.condition))
        answers = result.answers
        profile = parse_raw(raw.read_text().splitlines(), args.rate)
        print(f"py-spy recording: {raw}", file=sys.stderr)
        heading = (
            f"{datetime.now():%Y-%m-%d %H:%M}, `python -m benchmarks.profile`: themabot under "
            f"the {args.condition} load, {args.colleagues} colleagues, py-spy at {args.rate} Hz. "
            f"The run: {result.summary()}."
        )
    text = f"{heading}\n\n{summary(profile, answers)}"
    print(text)
    if args.write:
        replace_block(DOCS, "profile", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
