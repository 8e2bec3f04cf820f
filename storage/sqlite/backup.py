"""A consistent copy of the database while the bot runs, and a check of such a copy.

SQLite's online backup API copies every page inside one read transaction (one step): in WAL
mode that read sees one committed moment and never blocks the writer, so the bot goes on
answering while the copy is made. The copy is written beside the target and renamed into place
only once SQLite found it sound, so a backup file is whole or not there at all; it is switched
to a rollback journal, so that it is one self-contained file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from storage.contract import StoreUnavailable
from storage.records import DatabaseCheck

COUNTED = ("rounds", "participants", "answers")


def copy_database(source: str | Path, target: str | Path) -> None:
    """Writes a consistent copy of the database at ``source`` to ``target`` (replaced whole).

    Raises StoreUnavailable when the source cannot be read, OSError when the target cannot be
    written.
    """
    target = Path(target)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        try:
            with (
                contextlib.closing(sqlite3.connect(source, timeout=10)) as src,
                contextlib.closing(sqlite3.connect(temporary)) as dst,
            ):
                src.backup(dst)  # pages=-1: everything in one step, one snapshot
                dst.execute("PRAGMA journal_mode=DELETE")
                dst.commit()
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc
        check = check_database(temporary)
        if not check.ok:
            raise StoreUnavailable("; ".join(check.problems))
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def check_database(path: str | Path) -> DatabaseCheck:
    """Looks at a database file without changing it: SQLite's integrity check, the schema
    version and how many rounds, participants and answers it holds."""
    if not Path(path).is_file():
        return DatabaseCheck(False, (f"no file {path}",))
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{Path(path).absolute()}?mode=ro", uri=True)
        ) as db:
            problems = tuple(
                str(row[0]) for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"
            )
            problems += tuple(
                f"foreign key: {row[0]} row {row[1]}"
                for row in db.execute("PRAGMA foreign_key_check")
            )
            version = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            counts = tuple(
                (table, int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]))
                for table in COUNTED  # our own table names, never user input
            )
    except sqlite3.Error as exc:
        return DatabaseCheck(False, (str(exc),))
    return DatabaseCheck(not problems, problems, int(version or 0), counts)
