"""The bot as a new user meets it: the `themabot` command in a real process, polling an HTTP
Bot API stand-in on loopback, killed with SIGKILL half-way and started again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from devtools.chat import ChatUser
from devtools.standin import BotMessage, FakeBotAPI, file_base_url, serve_http
from devtools.transports import PollingTelegram

TEMPLATE = """\
key = "buiten"
title = "Input veiligheidsplan"
language = "nl"

[[questions]]
key = "inhoud"
text = "Waar gaat dit thema over?"

[[questions]]
key = "partners"
text = "Met wie werk je samen?"
kind = "list"

[[questions]]
key = "ontwikkelingen"
text = "Welke ontwikkelingen zie je?"

[[themes]]
key = "ondermijning"
title = "Aanpak ondermijning"

[[themes]]
key = "jeugd"
title = "Jeugdoverlast"
"""

COORDINATOR = 4242
WAIT = 20.0  # seconds; generous for a slow shared machine, never reached when all is well


async def themabot(env: dict[str, str], *args: str) -> str:
    """Runs one CLI command and returns its stdout.

    In a thread: the command may call the stand-in (getMe), which answers on this loop.
    """
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


class BotProcess:
    """`themabot run` in its own process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], env=self.env, stdout=out, stderr=out
            )

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@pytest.fixture
async def outside(tmp_path):
    api = FakeBotAPI(username="themabot_buiten_bot")
    runner, base_url = await serve_http(api)
    env = {
        **os.environ,
        "THEMABOT_TOKEN": "123456:outside-test-token",
        "THEMABOT_API_URL": base_url,
        "THEMABOT_FILE_URL": file_base_url(base_url),
        "THEMABOT_DB": str(tmp_path / "bot.db"),
        "THEMABOT_COORDINATORS": str(COORDINATOR),
        "PTB_TIMEDELTA": "true",
    }
    (tmp_path / "template.toml").write_text(TEMPLATE, encoding="utf-8")
    process = BotProcess(env, tmp_path / "bot.log")
    try:
        yield PollingTelegram(api, timeout=WAIT), env, process, tmp_path
    finally:
        process.stop()
        await runner.cleanup()


async def round_with_alice(env: dict[str, str], tmp_path: Path, name: str, *themes: str):
    """Creates a round from the template file and invites Alice; returns (round id, invite)."""
    template = str(tmp_path / "template.toml")
    created = json.loads(
        await themabot(env, "round", "create", "--name", name, "--template", template, "--json")
    )
    round_id = str(created["round"])
    theme_args = [arg for theme in themes for arg in ("--theme", theme)]
    invite = await themabot(
        env, "invite", "--round", round_id, "--name", "Alice", *theme_args, "--json"
    )
    return round_id, json.loads(invite)


def shown(messages: list[BotMessage]) -> str:
    """What a list of the bot's messages shows, one message after the other."""
    return "\n".join(m.shown for m in messages)


async def document_for(user: ChatUser, command: str) -> bytes:
    """Sends a command and waits for the one document it brings (compiled in a worker)."""
    before = len(user.documents)
    await user.send(command)
    await until(lambda: len(user.documents) > before)
    assert len(user.documents) == before + 1, user.transcript()
    return user.last_document[1]


async def until(done: Callable[[], bool]) -> None:
    """Waits (at most WAIT seconds) for something the bot does in the background."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not done():
        assert loop.time() < deadline, "the bot did not get there in time"
        await asyncio.sleep(0.02)


async def test_six_answers_survive_a_kill_and_reach_the_overview(outside):
    tg, env, process, tmp_path = outside
    round_id, invite = await round_with_alice(env, tmp_path, "Ronde <1>", "ondermijning", "jeugd")
    # The bot has never run, but a token is set: the command line asked the Bot API its name.
    assert invite["link"] == f"https://t.me/themabot_buiten_bot?start={invite['token']}"
    process.start()
    alice = tg.user(1001, "Alice")
    await alice.send(f"/start {invite['token']}")
    assert "Welkom, Alice" in shown(alice.new_replies)
    answers = [
        "Criminele geldstromen in de haven.",
        "Politie, RIEC, Belastingdienst",
        "Meer Bibob-toetsen verwacht.",
        "Overlast rond het winkelcentrum.",
        "Jongerenwerk; Halt",
        "<script>alert('x')</script> nieuwe groep",
    ]
    for answer in answers[:3]:
        await alice.send(answer)
    process.kill()
    # Messages sent while the bot is down wait at Telegram and are handled after the restart.
    with tg.bot_down():
        await alice.send(answers[3])
    process.start()
    await tg.caught_up()
    assert "vraag 2/3" in alice.last_reply, alice.transcript()
    for answer in answers[4:]:
        await alice.send(answer)
    assert "Overzicht van je antwoorden" in shown(alice.replies)

    # The link is known from the database now.
    later = json.loads(
        await themabot(env, "invite", "--round", round_id, "--name", "Bob", "--json")
    )
    assert later["link"] == f"https://t.me/themabot_buiten_bot?start={later['token']}"

    coordinator = tg.user(COORDINATOR, "Coby")
    html = (await document_for(coordinator, "/overview")).decode("utf-8")
    for answer in answers:
        if "<script>" in answer:
            assert "&lt;script&gt;" in html and "<script>alert" not in html
        else:
            for item in answer.replace(";", ",").split(","):
                assert item.strip() in html, item
    assert process.alive()


async def test_strangers_and_bad_input_leave_the_bot_running(outside):
    tg, env, process, tmp_path = outside
    _, invite = await round_with_alice(env, tmp_path, "R", "jeugd")
    token = invite["token"]
    process.start()
    mallory = tg.user(666, "Mallory")
    await mallory.send("mijn geheim 12345")
    assert "uitnodiging" in mallory.last_reply
    await mallory.send("/start notatokenatall")
    assert "ken ik niet" in mallory.last_reply
    alice = tg.user(1001, "Alice")
    await alice.send(f"/start {token}")
    await mallory.send(f"/start {token}")
    assert "gebruikt" in mallory.last_reply
    await alice.send_sticker()
    assert "alleen tekst" in alice.last_reply
    await alice.send("x" * 4096)
    assert "vraag 2/3" in alice.last_reply
    process.stop()
    db = sqlite_rows(env["THEMABOT_DB"], "SELECT text FROM answers")
    assert all("geheim" not in row[0] for row in db)
    assert "Mallory" not in (tmp_path / "bot.log").read_text(errors="replace")


def sqlite_rows(path: str, sql: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return list(db.execute(sql))


async def test_coordinator_documents_progress_and_partners_from_outside(outside):
    import io

    import docx
    import openpyxl

    tg, env, process, tmp_path = outside
    round_id, alice_invite = await round_with_alice(env, tmp_path, "Ronde", "ondermijning", "jeugd")
    bob_invite = json.loads(
        await themabot(
            env, "invite", "--round", round_id, "--name", "Bob", "--theme", "jeugd", "--json"
        )
    )
    process.start()
    alice, bob = tg.user(1001, "Alice"), tg.user(1002, "Bob")
    await alice.send(f"/start {alice_invite['token']}")
    for text in [
        "Geldstromen",
        "Politie, RIEC",
        "Meer vastgoed",
        "Overlast",
        "de politie",
        "Nieuwe groep",
    ]:
        await alice.send(text)
    await bob.send(f"/start {bob_invite['token']}")
    for text in ["Jongeren in het park", " politie; Halt"]:
        await bob.send(text)

    coordinator = tg.user(COORDINATOR, "Coby")

    async def document(command: str) -> bytes:
        return await document_for(coordinator, command)

    word = docx.Document(io.BytesIO(await document("/overview docx")))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings.count("Aanpak ondermijning") == 1 and headings.count("Jeugdoverlast") == 1
    body = "\n".join(p.text for p in word.paragraphs)
    for answer in [
        "Geldstromen",
        "Meer vastgoed",
        "Overlast",
        "Nieuwe groep",
        "Jongeren in het park",
    ]:
        assert answer in body
    book = openpyxl.load_workbook(io.BytesIO(await document("/overview xlsx")))
    assert book.worksheets[0].max_row - 1 == 8  # one row per answer
    police = [
        r for r in book.worksheets[1].iter_rows(values_only=True) if r[0] and "olitie" in str(r[0])
    ]
    assert len(police) == 1, police

    await coordinator.send("/progress")
    progress = shown(coordinator.new_replies)
    assert "Alice — ingestuurd" not in progress and "Alice" in progress and "Bob" in progress
    await alice.send("/overview docx")
    assert "opdracht voor de coördinator" in alice.last_reply
    await alice.send("/progress")
    assert "opdracht voor de coördinator" in alice.last_reply
    assert alice.documents == []


async def test_remind_reaches_exactly_the_one_who_should_get_it_from_outside(outside):
    tg, env, process, tmp_path = outside
    round_id, half_invite = await round_with_alice(env, tmp_path, "Ronde", "jeugd")
    invites = {
        name: json.loads(
            await themabot(
                env, "invite", "--round", round_id, "--name", name, "--theme", "jeugd", "--json"
            )
        )["token"]
        for name in ("Dirk", "Eva")
    }
    process.start()
    half, done, blocked = tg.user(1001, "Alice"), tg.user(1002, "Dirk"), tg.user(1003, "Eva")
    await half.send(f"/start {half_invite['token']}")
    await half.send("Half af")
    await done.send(f"/start {invites['Dirk']}")
    for text in ["Een", "Twee", "Drie"]:
        await done.send(text)
    await blocked.send(f"/start {invites['Eva']}")
    tg.api.block(blocked.chat_id)
    seen = {user.chat_id: len(user.replies) for user in (half, done)}

    coordinator = tg.user(COORDINATOR, "Coby")
    await coordinator.send("/remind")
    assert "2 collega's met open vragen kunnen" in coordinator.last_reply
    await coordinator.press("Stuur 2 herinneringen")
    # The batch runs beside the pipeline; its digest comes when it is done.
    await until(lambda: "1 verstuurd, 1 onbereikbaar" in shown(coordinator.replies))

    reminders = [m.shown for m in half.replies[seen[half.chat_id] :]]
    assert len(reminders) == 1 and reminders[0].startswith("⏰ Hoi Alice")
    assert done.replies[seen[done.chat_id] :] == []
    await coordinator.send("/progress")
    assert "Eva — bezig" not in coordinator.last_reply
    assert "onbereikbaar" in coordinator.last_reply
    await half.send("Nog een antwoord")
    assert "vraag 3/3" in half.last_reply
    assert process.alive()
