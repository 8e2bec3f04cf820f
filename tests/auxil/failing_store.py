"""A store that fails on demand, as a full disk, an I/O error or a locked database would.

It wraps the real store: reads go through; a write runs its block on the real transaction
and then, while failing, raises :class:`~storage.contract.StoreUnavailable` instead of
committing, so the real store rolls the block back (nothing of it is stored), exactly as
when SQLite refuses the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
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
        self._sparing: frozenset[str] = frozenset()

    def fail(self, times: int | None = None, *, sparing: Iterable[str] = ()) -> None:
        """Refuses the next ``times`` writes (None: every one until :meth:`heal`), except
        those that call one of the store methods named in ``sparing`` (``receive_updates``:
        the inbox takes updates, so the failure hits what a handler writes)."""
        self._left = times
        self._sparing = frozenset(sparing)

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
            recording = _Recording(tx)
            yield recording  # type: ignore[misc]  # a Writer in all but name
            if self.failing and not recording.called & self._sparing:
                if self._left is not None:
                    self._left -= 1
                self.failures += 1
                raise StoreUnavailable(self.reason)

    def __getattr__(self, name: str) -> Any:  # schema_version, close, backup, path ...
        return getattr(self.real, name)


class _Recording:
    """A transaction that notes which of its methods were called."""

    def __init__(self, tx: Writer) -> None:
        self._tx = tx
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.called.add(name)
        return getattr(self._tx, name)
