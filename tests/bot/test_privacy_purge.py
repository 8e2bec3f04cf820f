"""Purging while the bot runs: from another process (the command line), or by the bot itself
once a round's retention period is over; and no log line that holds what a colleague typed."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
from datetime import timedelta

import docx
import openpyxl
import pytest

from bot.retention import purge_expired, tick
from conversations.template import PrivacyPolicy, load_template
from reports.render import FORMATS
from storage.records import ActorRole, AuditAction
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text

ALICE_SAYS = "Alice-geheim over geldstromen"
BRAM_SAYS = "Bram-geheim over vastgoed"
NAMES = ("Alice Vermeer", "Bram Oosting")


async def answered(bot, template=SMALL):
    """A round where Alice and Bram (Telegram names alike) each answered a question."""
    round_id = await bot.create_round(template, name="Ronde")
    users = []
    for user_id, name, text in ((1001, NAMES[0], ALICE_SAYS), (1002, NAMES[1], BRAM_SAYS)):
        first, last = name.split()
        user = bot.tg.user(user_id, first, last_name=last)
        await user.send(f"/start {await bot.invite(round_id, name, ['ondermijning'])}")
        await user.send(text)
        users.append(user)
    return round_id, users


def on_disk(bot) -> bytes:
    wal = bot.db_path.with_name(bot.db_path.name + "-wal")
    return bot.db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def readable(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
        )
    return content.decode("utf-8-sig")


async def themabot(bot, *args: str) -> str:
    """Runs `themabot` in a process of its own on the bot's database (in a thread: the
    running bot goes on meanwhile)."""
    env = {**os.environ, "THEMABOT_DB": str(bot.db_path), "THEMABOT_LANGUAGE": "en"}
    env.pop("THEMABOT_TOKEN", None)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_purge_from_the_command_line_while_the_bot_runs_leaves_nothing_anywhere(bot):
    round_id, (alice, _) = await answered(bot)
    coby = bot.coordinator()
    await coby.send("/progress")
    assert NAMES[0] in coby.last_reply
    await themabot(bot, "round", "close", "--round", str(round_id), "--yes")
    out = await themabot(bot, "purge", "--round", str(round_id), "--yes")
    assert "hold nothing of the erased data" in out
    secrets = (*NAMES, "Alice", "Bram", ALICE_SAYS, BRAM_SAYS)
    raw = on_disk(bot)
    for what in secrets:
        assert what.encode() not in raw, what

    # The bot runs on: the coordinator's views name nobody, the colleagues are strangers now.
    await coby.send("/progress")
    progress = coby.last_reply
    assert "Gewist op" in progress and "2 deelnemers, 0 ingestuurd" in progress
    for fmt in FORMATS:
        await coby.send(f"/overview {fmt}")
        shown = readable(fmt, coby.last_document[1])
        assert "Aanpak ondermijning" in shown, fmt
        for what in secrets:
            assert what not in shown, (fmt, what)
    await alice.send("Nog iets geheims na het wissen")
    assert "nog geen uitnodiging" in alice.last_reply
    for what in (*secrets, "Nog iets geheims"):
        assert what not in progress and what not in stored_text(bot.db_path), what
    # Her new update was written down before the bot knew she is a stranger now, and deleted
    # after (overwritten in its page); the bot's hourly scrub empties the older copy in the WAL.
    await tick(bot.services, bot.clock())
    for what in (*secrets, "Nog iets geheims"):
        assert what.encode() not in on_disk(bot), what
    async with bot.store.read() as tx:
        actions = [(e.action, e.actor.role) for e in await tx.audit_trail(round_id)]
    assert actions == [
        (AuditAction.CLOSE, ActorRole.COMMAND_LINE),
        (AuditAction.PURGE, ActorRole.COMMAND_LINE),
    ]


async def test_the_bot_purges_a_round_once_its_retention_period_is_over(bot):
    policy = PrivacyPolicy(retention_days=7)
    template = load_template(SMALL).model_copy(update={"privacy": policy})
    round_id, (alice, _) = await answered(bot, template)
    await alice.send("/privacy")
    assert "daarna nog 7 dagen" in alice.last_reply
    coby = bot.coordinator()
    await coby.send("/close")
    assert "7 dagen na het sluiten vanzelf gewist" in coby.last_reply
    await coby.press("Ronde sluiten")
    await bot.services.postman.drain(startup=True)
    assert "Je antwoorden worden bewaard tot vrijdag 4 december 2026" in alice.last_reply

    closed = bot.clock()
    assert await purge_expired(bot.services, closed + timedelta(days=6)) == []
    (purged,) = await purge_expired(bot.services, closed + timedelta(days=7, minutes=1))
    assert purged.done and purged.scrubbed and purged.colleagues == 2
    assert await purge_expired(bot.services, closed + timedelta(days=8)) == []
    async with bot.store.read() as tx:
        round_ = await tx.get_round(round_id)
        entries = await tx.audit_trail(round_id)
    assert round_.purged_at == closed + timedelta(days=7, minutes=1)
    assert [e.actor.role for e in entries] == [ActorRole.COORDINATOR, ActorRole.BOT]
    assert entries[0].actor.name is None  # the coordinator's name went with the purge
    for what in (*NAMES, ALICE_SAYS):
        assert what.encode() not in on_disk(bot)


@pytest.fixture
def logs_as_the_bot_runs(caplog):
    """Captures log records at the levels `themabot run` sets: INFO, the Telegram and HTTP
    libraries at WARNING; our own modules at DEBUG, stricter than the bot is."""
    caplog.set_level(logging.INFO)
    for name in ("httpx", "httpcore", "telegram", "aiosqlite"):
        caplog.set_level(logging.WARNING, logger=name)
    for name in ("bot", "storage", "reports", "conversations"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


async def test_no_log_line_holds_what_a_colleague_typed(bot, logs_as_the_bot_runs):
    round_id, (alice, bram) = await answered(bot)
    await alice.send("/mydata")
    await alice.send("/withdraw")
    await alice.press("Ja, wis mijn input")
    await bram.send("/review")
    coby = bot.coordinator()
    for command in ("/progress", "/overview docx", "/close"):
        await coby.send(command)
    await coby.press("Ronde sluiten")
    await bram.send("Na het sluiten nog een geheim")
    await purge_expired(bot.services, bot.clock())  # no retention period: nothing happens
    async with bot.store.write() as tx:
        await tx.set_retention(round_id, 0)
    await purge_expired(bot.services, bot.clock())
    records = logs_as_the_bot_runs.records
    assert any("purged" in r.getMessage() for r in records)  # the logs do say what happened
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in records)
    for what in (ALICE_SAYS, BRAM_SAYS, "Na het sluiten", *NAMES):
        assert what not in logged, what
