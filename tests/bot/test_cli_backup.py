"""`themabot backup FILE`: a consistent copy while the bot answers, a check of a copy, and a
restore as the README describes it."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.auxil.cli import Cli
from tests.auxil.data import SMALL
from tests.auxil.database import saved_versions


def command_line(db: Path, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("THEMABOT_DB", str(db))
    monkeypatch.setenv("THEMABOT_LANGUAGE", "en")
    monkeypatch.delenv("THEMABOT_TOKEN", raising=False)
    return Cli(capsys, db)


@pytest.fixture
async def cli(bot, capsys, monkeypatch):
    """The command line on the running bot's database, in English; run it in a thread
    (``asyncio.to_thread``), as another process beside the bot."""
    return command_line(bot.db_path, capsys, monkeypatch)


@pytest.fixture
def offline(tmp_path, capsys, monkeypatch):
    """The command line on a database of its own, no bot running."""
    cli = command_line(tmp_path / "themabot.db", capsys, monkeypatch)
    cli.ok("round", "create", "--name", "IVP 2027")  # creates the database
    return cli


async def test_a_backup_made_while_colleagues_answer_is_consistent(bot, cli, tmp_path):
    round_id = await bot.create_round(SMALL)
    users = []
    for i in range(4):
        user = bot.user(1001 + i, f"Collega {i}")
        await user.send(f"/start {await bot.invite(round_id, f'Collega {i}', ['ondermijning'])}")
        users.append(user)

    async def answering() -> None:
        for step in range(2):
            await asyncio.gather(*(u.send(f"antwoord {step} van {u.chat_id}") for u in users))

    target = tmp_path / "copy.db"
    # The command runs in a thread of its own, as another process would, while the bot writes.
    _, done = await asyncio.gather(answering(), asyncio.to_thread(cli.json, "backup", str(target)))
    assert done["ok"] is True and done["rounds"] == 1 and done["participants"] == 4
    copied = saved_versions(target)
    assert copied == saved_versions(bot.db_path)[: len(copied)]  # one moment, in commit order
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    checked = await asyncio.to_thread(cli.json, "backup", "--check", str(target))
    assert checked["ok"] is True and checked["problems"] == [] and checked["schema_version"] >= 7
    assert "is sound" in await asyncio.to_thread(cli.ok, "backup", "--check", str(target))


async def test_a_backup_is_restored_by_copying_it_over_the_stopped_bots_database(
    bot, cli, tmp_path
):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    await alice.send("Geldstromen")
    target = tmp_path / "nightly.db"
    out = await asyncio.to_thread(cli.ok, "backup", str(target))
    assert f"Backup written to {target}: 1 rounds, 1 colleagues, 1 answers" in out
    await alice.send("Politie")  # after the backup: lost with the disk

    await bot.stop()  # 1. stop the bot
    for stale in bot.db_path.parent.glob(bot.db_path.name + "-*"):
        stale.unlink()  # 2. remove the old -wal and -shm files
    shutil.copyfile(target, bot.db_path)  # 3. copy the backup into place
    await bot.start()  # 4. start the bot
    await alice.send("/start")
    assert "vraag 2/3" in alice.last_reply  # where she was at the backup
    await alice.send("Politie, RIEC")
    assert [v[3] for v in saved_versions(bot.db_path)] == ["Geldstromen", "Politie, RIEC"]


def test_check_refuses_what_is_not_a_sound_database(offline, tmp_path):
    cli = offline
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\0" + b"\x07" * 5000)
    assert "is not a sound themabot database" in cli.fails("backup", "--check", str(garbage))
    assert "no file" in cli.fails("backup", "--check", str(tmp_path / "missing.db"))
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert "no such table" in cli.fails("backup", "--check", str(empty))


def test_backup_refuses_to_overwrite_the_database_or_to_invent_one(offline, tmp_path, monkeypatch):
    cli = offline
    assert "is the database itself" in cli.fails("backup", str(cli.db))
    assert "does not exist" in cli.fails("backup", str(tmp_path / "no" / "such" / "dir.db"))
    monkeypatch.setenv("THEMABOT_DB", str(tmp_path / "nothing.db"))
    assert "no database at" in cli.fails("backup", str(tmp_path / "copy.db"))
    assert not (tmp_path / "nothing.db").exists() and not (tmp_path / "copy.db").exists()
