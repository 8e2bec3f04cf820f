"""The fault test from outside: `python -m devtools.standin --fail-500 0.1 --fail-429 0.05`
in a process of its own, the real `themabot run` against it, colleagues played through the
stand-in's control API over HTTP. Every colleague gets every next question and finishes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter

import pytest

from devtools.standin import file_base_url
from tests.auxil.database import saved_versions
from tests.test_crash import PROMPTS, REVIEW_END, set_up_round
from tests.test_outside import BotProcess

pytestmark = pytest.mark.slow

COLLEAGUES = 8
FAULTS = ("--fail-500", "0.1", "--fail-429", "0.05", "--fault-seed", "3")
WAIT = 60.0


def call(url: str, body: dict | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def standin():
    """The stand-in as its own process, failing 10 % of sends with 500 and 5 % with 429."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.standin", "--port", "0", *FAULTS],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # "Bot API stand-in on http://127.0.0.1:PORT/bot  (...)"
        yield line.split()[4]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


async def test_every_colleague_finishes_against_a_failing_standin_process(standin, tmp_path):
    base_url = standin
    control = base_url.removesuffix("/bot") + "/_standin"
    db = tmp_path / "bot.db"
    tokens = await set_up_round(db, COLLEAGUES)
    env = {
        **os.environ,
        "THEMABOT_TOKEN": "123456:faults-test-token",
        "THEMABOT_API_URL": base_url,
        "THEMABOT_FILE_URL": file_base_url(base_url),
        "THEMABOT_DB": str(db),
        "PTB_TIMEDELTA": "true",
    }
    bot = BotProcess(env, tmp_path / "bot.log")
    bot.start()
    try:

        async def colleague(i: int) -> None:
            user_id = 1001 + i
            texts = [f"/start {tokens[i]}"] + [f"antwoord {s} van {user_id}" for s in range(1, 7)]
            for step, text in enumerate(texts):
                body = {"user_id": user_id, "first_name": f"Collega{i}", "text": text}
                sent = await asyncio.to_thread(call, f"{control}/messages", body)
                expect = PROMPTS[step] if step < 6 else REVIEW_END
                loop = asyncio.get_running_loop()
                deadline = loop.time() + WAIT
                while True:
                    shown = await asyncio.to_thread(call, f"{control}/chats/{user_id}")
                    if any(
                        m["message_id"] > sent["message_id"] and expect in (m["plain_text"] or "")
                        for m in shown
                    ):
                        break
                    assert loop.time() < deadline, (user_id, text, shown[-1:])
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(colleague(i) for i in range(COLLEAGUES)))
    finally:
        bot.stop()
    versions = Counter((v[0], v[1], v[2]) for v in saved_versions(db))
    assert set(versions.values()) == {1} and len(versions) == 6 * COLLEAGUES
    calls = await asyncio.to_thread(call, f"{control}/calls?method=sendMessage")
    chats = [
        await asyncio.to_thread(call, f"{control}/chats/{1001 + i}") for i in range(COLLEAGUES)
    ]
    delivered = sum(len(chat) for chat in chats)
    assert len(calls) >= delivered * 1.05  # failed sends, each tried again until it went out
