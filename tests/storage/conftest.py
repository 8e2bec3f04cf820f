"""The store backends the contract tests run against: today SQLite; a PostgreSQL store joins
by adding a factory here, and must then pass tests/storage/test_contract.py unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage import Store
from storage.sqlite import SqliteStore


async def _sqlite(tmp_path: Path) -> Store:
    return await SqliteStore.open(tmp_path / "contract.db")


BACKENDS: dict[str, Callable[[Path], Awaitable[Store]]] = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(BACKENDS))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, empty store of each backend."""
    opened = await BACKENDS[request.param](tmp_path)
    try:
        yield opened
    finally:
        await opened.close()
