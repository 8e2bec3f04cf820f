"""kill -9 at random moments while two dozen colleagues answer at once: the real `themabot run`
process against the HTTP Bot API stand-in, killed and restarted again and again.

Afterwards every answer is stored exactly once under the question it answered, everyone goes
on at the question last asked, no update was answered twice (a redelivered /start is not
welcomed again) and the bot sent hardly more messages than a run without crashes.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conversations.template import load_template
from devtools.standin import FakeBotAPI, file_base_url, private_chat, serve_http
from storage import open_store
from tests.auxil.database import saved_versions
from tests.test_outside import TEMPLATE, BotProcess

pytestmark = pytest.mark.slow

COLLEAGUES = 24
KILLS = 10
WAIT = 90.0  # seconds an answer may take through all the kills; never reached when all is well
ANSWERS = [
    ("ondermijning", "inhoud"),
    ("ondermijning", "partners"),
    ("ondermijning", "ontwikkelingen"),
    ("jeugd", "inhoud"),
    ("jeugd", "partners"),
    ("jeugd", "ontwikkelingen"),
]
PROMPTS = [
    f"Thema {t}/2 · {title} — vraag {q}/3"
    for t, title in ((1, "Aanpak ondermijning"), (2, "Jeugdoverlast"))
    for q in (1, 2, 3)
]
REVIEW = "Overzicht van je antwoorden"
REVIEW_END = "Tik op een vraag om die te wijzigen"  # the last part of the review


class Colleague:
    """One colleague typing at their own pace, who waits for the bot's answer each time."""

    def __init__(self, api: FakeBotAPI, user_id: int, token: str, rng: random.Random) -> None:
        self.api = api
        self.typing = (1.0, 6.0)  # seconds between answers, at random
        self.user = {"id": user_id, "is_bot": False, "first_name": f"Collega{user_id}"}
        self.chat = api.register_chat(private_chat(self.user)).chat
        self.token = token
        self.rng = rng

    @property
    def chat_id(self) -> int:
        return int(self.user["id"])

    def text(self, step: int) -> str:
        return f"antwoord {step} van {self.chat_id}"

    async def say(self, text: str, expect: str) -> None:
        """Sends ``text`` and waits until a later bot message shows ``expect``."""
        message = self.api.user_message(self.user, self.chat, text)
        self.api.push_update({"message": message})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not any(
            m.message_id > message["message_id"] and expect in m.shown
            for m in self.api.messages(self.chat_id)
        ):
            assert loop.time() < deadline, f"{text!r} got no {expect!r} in chat {self.chat_id}"
            await asyncio.sleep(0.02)

    async def answer(self, steps: range) -> None:
        for step in steps:
            await asyncio.sleep(self.rng.uniform(*self.typing))
            if step == 0:
                await self.say(f"/start {self.token}", PROMPTS[0])
            else:
                await self.say(self.text(step), PROMPTS[step] if step < 6 else REVIEW_END)


async def set_up_round(db: Path, count: int) -> list[str]:
    """Creates the round and one invite per colleague, as the CLI would; returns the tokens."""
    template_path = db.parent / "template.toml"
    template_path.write_text(TEMPLATE, encoding="utf-8")
    now = datetime.now(UTC)
    store = await open_store(db)
    try:
        async with store.write() as tx:
            round_ = await tx.create_round("Crash", load_template(str(template_path)), None, now)
            tokens = []
            for i in range(count):
                _, token = await tx.create_invite(
                    round_.id, f"Collega {i}", ["ondermijning", "jeugd"], now
                )
                tokens.append(token)
    finally:
        await store.close()
    return tokens


@pytest.fixture
async def standin(tmp_path):
    api = FakeBotAPI(username="themabot_crash_bot")
    runner, base_url = await serve_http(api)
    import os

    env = {
        **os.environ,
        "THEMABOT_TOKEN": "123456:crash-test-token",
        "THEMABOT_API_URL": base_url,
        "THEMABOT_FILE_URL": file_base_url(base_url),
        "THEMABOT_DB": str(tmp_path / "bot.db"),
        "PTB_TIMEDELTA": "true",
    }
    process = BotProcess(env, tmp_path / "bot.log")
    try:
        yield api, process, tmp_path / "bot.db"
    finally:
        process.stop()
        await runner.cleanup()


async def polled_since(api: FakeBotAPI, calls: int) -> None:
    """Waits until the (new) bot process polls: it has started and recovered."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while len(api.calls_to("getUpdates")) <= calls:
        assert loop.time() < deadline, "the bot did not come up"
        await asyncio.sleep(0.02)


def outbox(db: Path) -> int:
    """How many messages wait in the bot's outbox."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])


async def until(done: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not done():
        assert loop.time() < deadline, "the bot did not get there in time"
        await asyncio.sleep(0.02)


def cursors(db: Path) -> dict[int, tuple[str, str, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT user_id, mode, cursor_theme, cursor_question FROM participants")
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


async def test_kill_9_at_random_moments_loses_nothing_and_doubles_nothing(standin):
    api, process, db = standin
    rng = random.Random(2026)
    tokens = await set_up_round(db, COLLEAGUES + 1)
    process.start()
    await polled_since(api, 0)

    # A clean run first: one colleague, the same script, no kill. Their messages are the norm.
    clean = Colleague(api, 5000, tokens[-1], random.Random(0))
    clean.typing = (0.0, 0.05)
    await clean.answer(range(7))

    colleagues = [Colleague(api, 1001 + i, tokens[i], random.Random(i)) for i in range(COLLEAGUES)]
    storm = asyncio.gather(*(c.answer(range(6)) for c in colleagues))
    kills = 0
    kills_while: list[bool] = []  # whether colleagues were still answering at each kill
    while kills < KILLS:
        # Up for 1-3 s, then killed: with the restart, about every 3.5 s (issue 9: every 3 s).
        await asyncio.sleep(rng.uniform(1.0, 3.0))
        process.kill()
        kills += 1
        kills_while.append(not storm.done())
        await asyncio.sleep(rng.uniform(0.0, 0.3))  # messages pile up at Telegram meanwhile
        polls = len(api.calls_to("getUpdates"))
        process.start()
        await polled_since(api, polls)
    await asyncio.wait_for(storm, WAIT)

    # Everyone goes on where they were: at the last question, which their next text answers.
    at = cursors(db)
    for c in colleagues:
        assert at[c.chat_id] == ("asking", "jeugd", "ontwikkelingen"), c.chat_id
    for c in colleagues:
        c.typing = (0.0, 0.2)
    await asyncio.gather(*(c.answer(range(6, 7)) for c in colleagues))

    # Every answer stored once, under the question it answered; nothing else stored.
    expected = [
        (c.chat_id, *slot, c.text(step))
        for c in colleagues
        for step, slot in enumerate(ANSWERS, start=1)
    ]
    assert sorted(v for v in saved_versions(db) if v[0] != clean.chat_id) == sorted(expected)

    # No update answered twice: each chat reads like the clean run once a message sent twice
    # in a row is read once (a kill between Telegram taking a message and the outbox noting
    # it repeats that one message: at least once, never lost). A /start redelivered after a
    # kill and handled again would show "you take part already"; an answer handled again
    # would have been stored twice above. In all, hardly more messages than the clean run.
    norm = len(api.messages(clean.chat_id))  # welcome + 6 questions, the review in 3 parts
    total = 0
    for c in colleagues:
        shown = [m.shown for m in api.messages(c.chat_id)]
        total += len(shown)
        once = [text for i, text in enumerate(shown) if i == 0 or text != shown[i - 1]]
        assert len(once) == norm, (c.chat_id, once)
        prompts = [p for text in once for p in (*PROMPTS, REVIEW) if p in text]
        assert prompts == [*PROMPTS, REVIEW], (c.chat_id, prompts)
        assert not any("Je doet al mee" in text for text in shown), c.chat_id
    assert total <= COLLEAGUES * norm * 1.05, total
    print(f"{total} messages, {COLLEAGUES * norm} in a clean run, {sum(kills_while)} kills busy")
    assert process.alive()


async def test_a_reply_a_kill_kept_from_going_out_is_sent_once_after_the_restart(standin):
    api, process, db = standin
    (token,) = await set_up_round(db, 1)
    process.start()
    await polled_since(api, 0)
    alice = Colleague(api, 1001, token, random.Random(0))
    await alice.answer(range(1))
    await until(lambda: outbox(db) == 0)  # the welcome is noted as sent (else it comes again)

    # Telegram refuses every send now: the answer is committed, its reply waits in the outbox.
    api.fail_server_error(times=10**6, methods=["sendMessage"])
    tries = len(api.calls_to("sendMessage"))
    api.push_update({"message": api.user_message(alice.user, alice.chat, alice.text(1))})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not saved_versions(db) or len(api.calls_to("sendMessage")) <= tries:
        assert loop.time() < deadline, "the answer was not stored"
        await asyncio.sleep(0.02)
    process.kill()

    api.stop_failing()
    process.start()
    deadline = loop.time() + 30
    while not any(PROMPTS[1] in m.shown for m in api.messages(alice.chat_id)):
        assert loop.time() < deadline, "the reply never came"
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # anything more would come now
    shown = [m.shown for m in api.messages(alice.chat_id)]
    assert len(shown) == 2 and PROMPTS[1] in shown[1]
    assert saved_versions(db) == [(1001, "ondermijning", "inhoud", alice.text(1))]
