"""A store that fails on demand, as a full disk, an I/O error or a locked database would.

It wraps the real store: reads go through; a write runs its block on the real transaction
and then, while failing, raises :class:`~storage.contract.StoreUnavailable` instead of
committing, so the real store rolls the block back (nothing of it is stored), exactly as
when SQLite refuses the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from storage import Store, Writer
from storage.contract import StoreUnavailable


class FailingStore:
    """The real store, with writes that fail while :meth:`fail` is in force."""

    def __init__(self, real: Store, reason: str = "database or disk is full") -> None:
        self.real = real
        self.reason = reason
        self.failures = 0  # writes refused so far
        self._left: int | None = 0  # writes still to refuse; None: until healed
        self._skip = 0

    def fail(self, times: int | None = None, *, skip: int = 0) -> None:
        """Refuses the next ``times`` writes (None: every one until :meth:`heal`), after
        letting ``skip`` writes through."""
        self._left = times
        self._skip = skip

    def heal(self) -> None:
        """Writes commit again (the disk has room again)."""
        self._left = 0

    @property
    def failing(self) -> bool:
        return self._left is None or self._left > 0

    def read(self) -> Any:
        return self.real.read()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Writer]:
        async with self.real.write() as tx:
            yield tx
            if self.failing:
                if self._skip:
                    self._skip -= 1
                else:
                    if self._left is not None:
                        self._left -= 1
                    self.failures += 1
                    raise StoreUnavailable(self.reason)

    def __getattr__(self, name: str) -> Any:  # schema_version, close, backup, path ...
        return getattr(self.real, name)
