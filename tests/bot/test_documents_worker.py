"""The bot's document worker (bot/documents.py) never outlives the bot, even a killed one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")

BOT_LIKE = """
import sys, time
from bot.documents import Documents
documents = Documents("process")
documents.warm()
print("warm", flush=True)
time.sleep(120)
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float = 30.0) -> bool:
    # A liveness wait, not a timing assertion: generous, and it returns as soon as it holds.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_killed_bot_leaves_no_document_worker_behind():
    bot = subprocess.Popen([sys.executable, "-c", BOT_LIKE], stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None and bot.stdout.readline().strip() == "warm"
        assert _wait_for(lambda: bool(_children(bot.pid)))
        workers = _children(bot.pid)
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait()
        assert _wait_for(lambda: not any(_alive(w) for w in workers))
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
        assert bot.stdout is not None
        bot.stdout.close()
