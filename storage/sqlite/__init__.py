"""The SQLite backend of the store contract (the default)."""

from storage.sqlite.store import SqliteStore, migrations

__all__ = ["SqliteStore", "migrations"]
