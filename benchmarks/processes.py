"""The processes a benchmark run starts, and what Linux says they used (``/proc``).

Every bot under test and the Bot API stand-in run as processes of their own, so the driver's
work never slows them and their CPU time and memory can be read apart: CPU seconds from
``/proc/PID/stat`` (user + system, the process and its children still alive, such as
themabot's document worker), peak memory from ``VmHWM`` in ``/proc/PID/status`` (the resident
set's high-water mark of the main process).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

__all__ = ["PYTHON", "ROOT", "Child", "cpu_seconds", "folder", "peak_rss", "rss", "run_command"]

#: The repository root: every child runs from here, so ``python -m bot`` finds this checkout.
ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants so far."""
    total = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = _stat_fields(current)
            stack += _children(current)
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
        # utime and stime are fields 14 and 15 of stat; after the name they are 12 and 13.
        total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def peak_rss(pid: int) -> int:
    """The resident set's high-water mark of ``pid`` in bytes (``VmHWM``)."""
    return _status_kib(pid, "VmHWM") * 1024


def rss(pid: int) -> int:
    """The resident set of ``pid`` now, in bytes (``VmRSS``)."""
    return _status_kib(pid, "VmRSS") * 1024


class Child:
    """A process of the run, its output in a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path = ROOT
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.log = log
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The process id (started)."""
        assert self.proc is not None, "not started"
        return self.proc.pid

    def start(self, stdout: int | IO[bytes] | None = None) -> None:
        """Starts the process; its stderr (and stdout, unless given) goes to the log."""
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=out if stdout is None else stdout,
                stderr=out,
            )

    def alive(self) -> bool:
        """Whether it still runs."""
        return self.proc is not None and self.proc.poll() is None

    async def stop(self, grace: float = 15.0) -> int | None:
        """Asks it to stop (SIGTERM), kills it after ``grace`` seconds; returns its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                await asyncio.to_thread(self.proc.wait, 10)
        return self.proc.returncode


def folder(path: Path) -> Path:
    """Makes a folder (and its parents) if need be; returns it. Quick: fine on the loop."""
    path.mkdir(parents=True, exist_ok=True)
    return path


async def run_command(
    argv: Sequence[str], env: Mapping[str, str], *, time_limit: float = 120, cwd: Path = ROOT
) -> str:
    """Runs a command to its end (in a thread: it may call a stand-in this loop serves) and
    returns its stdout; raises RuntimeError with its stderr when it fails."""
    done = await asyncio.to_thread(
        subprocess.run,
        list(argv),
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=time_limit,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout
