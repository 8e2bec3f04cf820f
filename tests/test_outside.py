"""The bot as a new user meets it: the `themabot` command in a real process, polling an HTTP
Bot API stand-in on loopback, killed with SIGKILL half-way and started again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.standin import FakeBotAPI, file_base_url, private_chat, serve_http

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


class Person:
    """Someone typing into the stand-in, waiting for the bot's answer like a person would."""

    def __init__(self, api: FakeBotAPI, user_id: int, name: str) -> None:
        self.api = api
        self.user = {"id": user_id, "is_bot": False, "first_name": name, "language_code": "nl"}
        self.chat = api.register_chat(private_chat(self.user)).chat
        self.chat_id = user_id

    def seen(self) -> int:
        return len(self.api.messages(self.chat_id))

    async def say(self, text: str, *, expect_reply: bool = True) -> str:
        before = self.seen()
        self.api.push_update({"message": self.api.user_message(self.user, self.chat, text)})
        if expect_reply:
            await self.wait_for_reply(before)
        return self.last()

    async def wait_for_reply(self, before: int) -> None:
        deadline = time.monotonic() + WAIT
        while self.seen() <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"no reply from the bot; chat so far: {self.texts()}")
            await asyncio.sleep(0.02)

    async def press(self, label: str) -> None:
        """Presses the newest inline button with this label and waits for the bot to answer."""
        for message in reversed(self.api.messages(self.chat_id)):
            for row in message.inline_keyboard:
                for button in row:
                    if button.get("text") == label:
                        query_id = self.api.new_callback_query_id()
                        self.api.push_update(
                            {
                                "callback_query": {
                                    "id": query_id,
                                    "from": self.user,
                                    "chat_instance": "ci",
                                    "message": self.api.message_json(message),
                                    "data": button["callback_data"],
                                }
                            }
                        )
                        deadline = time.monotonic() + WAIT
                        while self.api.callback_answer(query_id) is None:
                            assert time.monotonic() < deadline, "the bot never answered the press"
                            await asyncio.sleep(0.02)
                        return
        raise AssertionError(f"no button {label!r}; chat: {self.texts()}")

    def last(self) -> str:
        return self.api.messages(self.chat_id)[-1].shown

    def texts(self) -> list[str]:
        return [m.shown for m in self.api.messages(self.chat_id)]


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
        yield api, env, process, tmp_path
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


async def test_six_answers_survive_a_kill_and_reach_the_overview(outside):
    api, env, process, tmp_path = outside
    round_id, invite = await round_with_alice(env, tmp_path, "Ronde <1>", "ondermijning", "jeugd")
    # The bot has never run, but a token is set: the command line asked the Bot API its name.
    assert invite["link"] == f"https://t.me/themabot_buiten_bot?start={invite['token']}"
    process.start()
    alice = Person(api, 1001, "Alice")
    assert "Welkom, Alice" in "\n".join(
        [await alice.say(f"/start {invite['token']}"), *alice.texts()]
    )
    answers = [
        "Criminele geldstromen in de haven.",
        "Politie, RIEC, Belastingdienst",
        "Meer Bibob-toetsen verwacht.",
        "Overlast rond het winkelcentrum.",
        "Jongerenwerk; Halt",
        "<script>alert('x')</script> nieuwe groep",
    ]
    for answer in answers[:3]:
        await alice.say(answer)
    process.kill()
    # Messages sent while the bot is down wait at Telegram and are handled after the restart.
    before = alice.seen()
    await alice.say(answers[3], expect_reply=False)
    process.start()
    await alice.wait_for_reply(before)
    for answer in answers[4:]:
        await alice.say(answer)
    assert "Overzicht van je antwoorden" in "\n".join(alice.texts())

    # The link is known from the database now.
    later = json.loads(
        await themabot(env, "invite", "--round", round_id, "--name", "Bob", "--json")
    )
    assert later["link"] == f"https://t.me/themabot_buiten_bot?start={later['token']}"

    coordinator = Person(api, COORDINATOR, "Coby")
    before = coordinator.seen()
    coordinator.api.push_update(
        {"message": api.user_message(coordinator.user, coordinator.chat, "/overview")}
    )
    await coordinator.wait_for_reply(before)
    document = api.messages(COORDINATOR)[-1].document
    assert document is not None, coordinator.texts()
    html = document[1].decode("utf-8")
    for answer in answers:
        if "<script>" in answer:
            assert "&lt;script&gt;" in html and "<script>alert" not in html
        else:
            for item in answer.replace(";", ",").split(","):
                assert item.strip() in html, item
    assert process.alive()


async def test_strangers_and_bad_input_leave_the_bot_running(outside):
    api, env, process, tmp_path = outside
    _, invite = await round_with_alice(env, tmp_path, "R", "jeugd")
    token = invite["token"]
    process.start()
    mallory = Person(api, 666, "Mallory")
    assert "uitnodiging" in await mallory.say("mijn geheim 12345")
    assert "ken ik niet" in await mallory.say("/start notatokenatall")
    alice = Person(api, 1001, "Alice")
    await alice.say(f"/start {token}")
    assert "gebruikt" in await mallory.say(f"/start {token}")
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    before = alice.seen()
    api.push_update({"message": api.user_message(alice.user, alice.chat, None, sticker=sticker)})
    await alice.wait_for_reply(before)
    assert "alleen tekst" in alice.last()
    assert "vraag 2/3" in await alice.say("x" * 4096)
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

    api, env, process, tmp_path = outside
    round_id, alice_invite = await round_with_alice(env, tmp_path, "Ronde", "ondermijning", "jeugd")
    bob_invite = json.loads(
        await themabot(
            env, "invite", "--round", round_id, "--name", "Bob", "--theme", "jeugd", "--json"
        )
    )
    process.start()
    alice, bob = Person(api, 1001, "Alice"), Person(api, 1002, "Bob")
    await alice.say(f"/start {alice_invite['token']}")
    for text in [
        "Geldstromen",
        "Politie, RIEC",
        "Meer vastgoed",
        "Overlast",
        "de politie",
        "Nieuwe groep",
    ]:
        await alice.say(text)
    await bob.say(f"/start {bob_invite['token']}")
    for text in ["Jongeren in het park", " politie; Halt"]:
        await bob.say(text)

    coordinator = Person(api, COORDINATOR, "Coby")

    async def document(command: str) -> bytes:
        before = coordinator.seen()
        await coordinator.say(command)
        await coordinator.wait_for_reply(before)
        found = api.messages(COORDINATOR)[-1].document
        assert found is not None, coordinator.texts()
        return found[1]

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

    assert "Alice" in await coordinator.say("/progress")
    progress = coordinator.last()
    assert "Alice — ingestuurd" not in progress and "Alice" in progress and "Bob" in progress
    assert "opdracht voor de coördinator" in await alice.say("/overview docx")
    assert "opdracht voor de coördinator" in await alice.say("/progress")
    assert not [m for m in api.messages(1001) if m.document]


async def test_remind_reaches_exactly_the_one_who_should_get_it_from_outside(outside):
    api, env, process, tmp_path = outside
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
    half, done, blocked = (
        Person(api, 1001, "Alice"),
        Person(api, 1002, "Dirk"),
        Person(api, 1003, "Eva"),
    )
    await half.say(f"/start {half_invite['token']}")
    await half.say("Half af")
    await done.say(f"/start {invites['Dirk']}")
    for text in ["Een", "Twee", "Drie"]:
        await done.say(text)
    await blocked.say(f"/start {invites['Eva']}")
    api.block(blocked.chat_id)
    seen = {p.chat_id: p.seen() for p in (half, done)}

    coordinator = Person(api, COORDINATOR, "Coby")
    assert "2 collega's met open vragen kunnen" in await coordinator.say("/remind")
    before = coordinator.seen()
    await coordinator.press("Stuur 2 herinneringen")
    await coordinator.wait_for_reply(before)
    assert "1 verstuurd, 1 onbereikbaar" in "\n".join(coordinator.texts())

    reminders = [m.shown for m in api.messages(half.chat_id)[seen[half.chat_id] :]]
    assert len(reminders) == 1 and reminders[0].startswith("⏰ Hoi Alice")
    assert api.messages(done.chat_id)[seen[done.chat_id] :] == []
    await coordinator.say("/progress")
    assert "Eva — bezig" not in coordinator.last() and "onbereikbaar" in coordinator.last()
    assert "vraag 3/3" in await half.say("Nog een antwoord")
    assert process.alive()
