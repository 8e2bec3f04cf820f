"""What the demo shows in the terminal: a progress bar, one-line texts, the bot's log kept apart."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["ProgressBar", "collected_logs", "one_line"]


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ProgressBar:
    """``[#####.....] 12/40 antwoorden`` on one terminal line; only the end when not a TTY."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width
        self.live = stream.isatty()

    def line(self) -> str:
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        return f"[{bar}] {self.done}/{self.total} antwoorden"

    def advance(self) -> None:
        self.done += 1
        if self.live:
            self.stream.write("\r  " + self.line())
            self.stream.flush()

    def finish(self) -> None:
        self.stream.write(("\r  " if self.live else "  ") + self.line() + "\n")
        self.stream.flush()


@contextmanager
def collected_logs(records: list[str]) -> Iterator[None]:
    """Sends all logging to ``records`` for the run: the terminal shows the demo, not PTB."""
    root = logging.getLogger()
    handler = _ListHandler(records)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[str]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))
