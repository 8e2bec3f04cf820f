"""The coordinator's documents, compiled off the event loop.

Building and rendering a large overview takes seconds of pure Python (python-docx, openpyxl):
on the event loop, nobody would get a reply meanwhile. :class:`Documents` runs
:func:`compile_document` in a separate process (the bot) or a thread (tests, where starting a
process per test costs more than it shows): the snapshot goes in, bytes come out.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Literal

from msgspec import Struct

from reports.overview import build_overview
from reports.render import filename, gc_paused, render
from reports.summary import summary_text
from storage.records import RoundSnapshot

Worker = Literal["process", "thread"]


class Document(Struct, frozen=True):
    """A compiled overview: the file, its name and the summary for the chat caption."""

    content: bytes
    filename: str
    summary: str


def compile_document(
    snapshot: RoundSnapshot,
    now: datetime,
    fmt: str,
    submitted_only: bool = False,
    docx_template: Path | None = None,
) -> Document:
    """Builds the overview of a snapshot and renders it in ``fmt`` (runs in the worker)."""
    with gc_paused():
        overview = build_overview(snapshot, now, submitted_only=submitted_only)
        content = render(overview, fmt, docx_template=docx_template)
        return Document(content, filename(overview, fmt), summary_text(overview))


def _nothing() -> None:
    """A job that only makes the worker start."""


PARENT_CHECK_SECONDS = 1.0


def _watch_parent(parent: int) -> None:
    """Runs in the worker as it starts: the worker ends itself once the bot is gone.

    A bot stopped with kill -9 cannot stop its worker, and a worker waiting for its next job
    never notices on its own: every crash left one behind for good (measured: 154 of them,
    56 MB each, after a day of crash tests). When the bot dies the worker gets a new parent.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)  # nothing of the worker's is worth finishing: the bot that asked is gone

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Documents:
    """Compiles documents in a worker, one at a time (two cores: the bot keeps the other)."""

    def __init__(self, worker: Worker = "process") -> None:
        self.worker = worker
        self._pool: concurrent.futures.Executor | None = None

    def _executor(self) -> concurrent.futures.Executor:
        if self._pool is None:
            if self.worker == "process":
                # spawn, not fork: the bot has threads (SQLite) that a fork would copy mid-step.
                context = multiprocessing.get_context("spawn")
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    1, mp_context=context, initializer=_watch_parent, initargs=(os.getpid(),)
                )
            else:
                self._pool = concurrent.futures.ThreadPoolExecutor(1, "documents")
        return self._pool

    def warm(self) -> None:
        """Starts the worker now (a process takes a second to start and import), so the first
        /overview does not wait for it."""
        self._executor().submit(_nothing)

    async def compile(
        self,
        snapshot: RoundSnapshot,
        now: datetime,
        fmt: str,
        *,
        submitted_only: bool = False,
        docx_template: Path | None = None,
    ) -> Document:
        """Returns the compiled document; the event loop goes on meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(),
            compile_document,
            snapshot,
            now,
            fmt,
            submitted_only,
            docx_template,
        )

    def close(self) -> None:
        """Stops the worker (documents being compiled are abandoned)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
