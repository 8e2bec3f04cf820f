"""`themabot backup FILE | backup --check FILE`: a consistent copy while the bot runs, and a
look at a copy before trusting it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, Console
from conversations.texts import os_reason
from storage import DatabaseCheck, check_database, open_store
from storage.contract import StoreUnavailable


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `backup`."""
    backup = sub.add_parser(
        "backup",
        help="copy the database (safe while the bot runs), or check a copy",
        parents=[common],
        description="Writes a consistent copy of THEMABOT_DB to FILE (SQLite's online backup; "
        "the bot may keep running). An existing FILE is replaced whole. With --check, looks "
        "at FILE instead: SQLite's integrity check and what it holds.",
    )
    backup.add_argument("file", type=Path, help="the backup file to write (or to check)")
    backup.add_argument("--check", action="store_true", help="check FILE instead of writing it")
    backup.add_argument("--json", action="store_true", help="print JSON")


async def run(console: Console, args: argparse.Namespace) -> int:
    """Writes a backup, or checks one (exit code 2 when it is not sound)."""
    target: Path = args.file
    if args.check:
        return _report(console, target, check_database(target))
    source = _checked(console, target)
    try:
        store = await open_store(source)
    except StoreUnavailable as exc:
        console.fail("db_unavailable", db=console.settings.db, detail=str(exc))
    try:
        await store.backup(target)
    except StoreUnavailable as exc:
        console.fail("db_unavailable", db=console.settings.db, detail=str(exc))
    except OSError as exc:
        console.fail("output_not_writable", path=str(target), reason=os_reason(exc, console.t))
    finally:
        await store.close()
    check = check_database(target)
    console.json({"file": target, "ok": check.ok, **dict(check.counts)})
    console.say("backup_written", file=str(target), **dict(check.counts))
    return 0


def _checked(console: Console, target: Path) -> Path:
    """Returns the database to copy, or stops: none there (opening would create an empty
    one), the target is the database itself, or its folder does not exist."""
    source = Path(console.settings.db)
    if not source.is_file():
        console.fail("backup_no_database", db=console.settings.db)
    if target.exists() and target.resolve() == source.resolve():
        console.fail("backup_same_file", file=str(target))
    if not target.parent.is_dir():
        console.fail("output_no_folder", folder=str(target.parent))
    return source


def _report(console: Console, target: Path, check: DatabaseCheck) -> int:
    data = {"file": target, "ok": check.ok, "problems": list(check.problems)}
    data.update({"schema_version": check.schema_version, **dict(check.counts)})
    if not check.ok:
        problems = "; ".join(check.problems[:5])
        raise CliError(console.text("backup_broken", file=str(target), problems=problems), data)
    console.json(data)
    console.say(
        "backup_sound", file=str(target), version=check.schema_version, **dict(check.counts)
    )
    return 0
