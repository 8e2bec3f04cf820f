"""Where the figures come from (machine, versions, command, date) and docs/benchmarks.md.

``python -m benchmarks`` rewrites only the parts of docs/benchmarks.md between the
``<!-- results:PART -->`` markers (``python -m benchmarks.profile`` the part between the
``<!-- profile -->`` markers); everything around them is written by hand and kept.
"""

from __future__ import annotations

import os
import platform
import shlex
import sqlite3
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["DOCS", "load_average", "machine", "machine_lines", "replace_block"]

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

_SKELETON = """\
# Benchmarks

<!-- {name} -->
<!-- /{name} -->
"""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine() -> dict[str, Any]:
    """The machine and software the figures were measured on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "nproc": usable or os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "python-telegram-bot": _version("python-telegram-bot"),
        "aiogram": _version("aiogram"),
        "aiosqlite": _version("aiosqlite"),
        "load": load_average(),
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def command_line(argv: list[str]) -> str:
    """The command as typed: ``python -m benchmarks ...``."""
    return shlex.join(["python", "-m", "benchmarks", *argv])


def machine_lines(info: dict[str, Any], command: str, started: datetime, seconds: float) -> str:
    """The provenance of a run, as Markdown lines."""
    return "\n".join(
        [
            f"- measured {started:%Y-%m-%d %H:%M} (local, took {seconds / 60:.1f} min) with "
            f"`{command}`",
            f"- {info['nproc']} usable CPUs ({info['cpu']}), {info['platform']}; "
            f"Python {info['python']}, SQLite {info['sqlite']}, "
            f"python-telegram-bot {info['python-telegram-bot']}, aiogram {info['aiogram']}, "
            f"aiosqlite {info['aiosqlite']}",
            f"- load average (1, 5, 15 min) {info['load']} at the start, {load_average()} at "
            "the end: a shared machine, see above",
        ]
    )


def replace_block(path: Path, name: str, body: str) -> None:
    """Rewrites the text between ``<!-- name -->`` and ``<!-- /name -->`` in ``path``
    (creating the file, or appending the markers, when they are missing)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else _SKELETON.format(name=name)
    if start not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{start}\n{body.strip()}\n{end}{tail}", encoding="utf-8")
