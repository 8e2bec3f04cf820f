"""The store: a typed contract (storage.contract) returning records (storage.records), and its
SQLite backend (storage.sqlite). Everything outside storage/ opens a store with ``open_store``
and uses only the contract."""

from __future__ import annotations

from pathlib import Path

from storage.contract import Reader, Store, Writer
from storage.records import DatabaseCheck
from storage.tokens import hash_token, new_token


async def open_store(path: str | Path) -> Store:
    """Opens the database at ``path`` (created and migrated as needed)."""
    from storage.sqlite import SqliteStore

    return await SqliteStore.open(path)


def check_database(path: str | Path) -> DatabaseCheck:
    """Looks at a database file (a backup) without changing it; see DatabaseCheck."""
    from storage.sqlite.backup import check_database as check

    return check(path)


__all__ = [
    "DatabaseCheck",
    "Reader",
    "Store",
    "Writer",
    "check_database",
    "hash_token",
    "new_token",
    "open_store",
]
