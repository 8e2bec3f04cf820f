"""Looking at a database file the way an auditor would: every value in every table.

For tests that promise something is *not* stored anywhere (a stranger's text, a purged name),
whatever table a future change adds. Uses the standard library only, read-only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def stored_values(path: Path) -> list[object]:
    """Returns every value of every row of every table in the SQLite file at ``path``."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        values: list[object] = []
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # names from sqlite_master
                values.extend(row)
    return values


def stored_text(path: Path) -> str:
    """Returns every value in the file as one text, for ``"secret" not in stored_text(...)``."""
    return "\n".join(str(v) for v in stored_values(path))


def saved_versions(path: Path) -> list[tuple[int, str, str, str]]:
    """Returns every saved version of every answer as (user id, theme, question, text), in the
    order saved: an answer stored twice shows up twice."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(
            db.execute(
                "SELECT p.user_id, a.theme_key, a.question_key, v.text FROM answer_versions v"
                " JOIN answers a ON a.id = v.answer_id"
                " JOIN participants p ON p.id = a.participant_id ORDER BY v.id"
            )
        )
