"""Fuzzing the whole bot with generated input (hypothesis), through the real Application.

Each example is a short session of generated actions by four people: two invited colleagues
(in two rounds), the coordinator and a stranger. Text of any length and script (right to left,
zero-width, emoji, control characters, HTML and Markdown), stickers and files, edits,
callback data that is random or names other people's ids, commands with odd arguments,
messages in groups and channels. Afterwards: no handler raised, every message the bot sent is
one Telegram accepts (checked again by the stand-in's own rules), the database is sound, the
engine's invariants hold, and nothing of the stranger's is stored.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import COLLEAGUE_COMMANDS, COORDINATOR_COMMANDS
from bot.callbacks import Action
from conversations.template import load_template
from devtools.standin.rules import MAX_CAPTION, checked_text, utf16_length, visible
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text
from tests.auxil.harness import Harness

EXAMPLES = int(os.environ.get("THEMABOT_FUZZ_EXAMPLES", "40"))  # more: set it higher
STRANGER_MARK = "⟦vreemd⟧"
CHANNEL = -1001234
NASTY = [
    "مرحبا بالعالم",  # right to left
    "\u202eevil\u202c",  # right-to-left override
    "\u200b\u200c\u200d\ufeff",  # zero width
    "👨‍👩‍👧‍👦🏳️‍🌈🙂" * 3,  # emoji sequences, two UTF-16 units each
    "\x00\x01\x07\x1b[31m\x7f",  # control characters
    "<b>vet</i> &amp; & &lt; <script>x</script> <a href='javascript:x'>",
    "*vet* _schuin_ `code` ```blok``` [link](http://x) # kop\n> citaat",
    '=HYPERLINK("http://x")',
    "prioriteit",  # an option of the choice question
    "3",  # the number of an option
    " ",
    "\n\n\n",
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(min_size=1, max_size=300),
    st.builds(lambda piece, n: (piece * n)[:5000], st.sampled_from(NASTY[:7]), st.integers(1, 800)),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=40)),
)
numbers = st.one_of(st.integers(-3, 12), st.sampled_from([2**31, 10**12, -(10**12)]))
actions_codes = st.sampled_from([a.value for a in Action] + ["zz"])
callback_data = st.one_of(
    st.builds(
        lambda code, ns: ":".join(["v1", code, *map(str, ns)]),
        actions_codes,
        st.lists(numbers, min_size=0, max_size=5),
    ),
    st.text(max_size=64),
)
commands = st.sampled_from([*COLLEAGUE_COMMANDS, *COORDINATOR_COMMANDS, "foo", "start@other_bot"])
PEOPLE = ("alice", "bram", "coby", "stranger")
people = st.sampled_from(PEOPLE)
action = st.one_of(
    st.tuples(st.just("text"), people, texts),
    st.tuples(st.just("command"), people, commands, st.one_of(st.just(""), texts)),
    st.tuples(st.just("press"), people, callback_data),
    st.tuples(st.just("edit"), people, texts),
    st.tuples(st.just("content"), people, st.sampled_from(["sticker", "photo", "voice", "file"])),
    st.tuples(st.just("group"), people, texts),
    st.tuples(st.just("channel"), texts),
    st.tuples(st.just("start"), people, st.sampled_from(["own", "other", "random", "bare"])),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(action, min_size=1, max_size=14))
def test_any_input_keeps_the_bot_sound(script: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(Path(folder), script))


async def play(folder: Path, script: list[tuple[Any, ...]]) -> None:
    bot = Harness(folder)
    await bot.start()
    try:
        first = await bot.create_round(SMALL, name="Ronde <1>")
        second = await bot.create_round(SMALL, name="Ronde & 2")
        tokens = {
            "alice": await bot.invite(first, "Alice", ["ondermijning", "jeugd"]),
            "bram": await bot.invite(second, "Bram"),  # picks themes
        }
        users = {
            "alice": bot.user(1001, "Alice"),
            "bram": bot.user(1002, "Bram"),
            "coby": bot.coordinator(),
            "stranger": bot.user(666, "Mallory"),
        }
        await users["alice"].send(f"/start {tokens['alice']}")
        await users["bram"].send(f"/start {tokens['bram']}")
        sent: dict[str, Any] = {}
        for step in script:
            await act(bot, users, tokens, sent, step)
        await bot.services.background_done()
        check_calls(bot)
        check_database(bot.db_path)
    finally:
        await bot.stop()  # raises when a handler raised


async def act(bot, users, tokens, sent, step) -> None:
    kind, *rest = step
    if kind == "channel":
        await channel_post(bot, rest[0])
        return
    who = rest[0]
    user = users[who]
    mark = STRANGER_MARK if who == "stranger" else ""
    if kind == "text":
        sent[who] = await user.send(mark + rest[1])
    elif kind == "command":
        sent[who] = await user.send(f"/{rest[1]} {mark}{rest[2]}".rstrip())
    elif kind == "press":
        if user.replies:
            await user.press_data(rest[1])
    elif kind == "edit":
        if who in sent:
            sent[who] = await user.edit(sent[who], mark + rest[1])
    elif kind == "content":
        if rest[1] == "sticker":
            await user.send_sticker()
        elif rest[1] == "photo":
            await user.send_photo(mark + "bijschrift")
        elif rest[1] == "voice":
            await user.send_voice()
        else:
            await user.send_document(f"{mark}lijst.csv", f"naam\n{mark}Eve\n".encode())
    elif kind == "group":
        await user.send_in_group(mark + rest[1])
    elif kind == "start":
        token = {
            "own": tokens.get(who, "geen-uitnodiging"),
            "other": tokens["alice" if who != "alice" else "bram"],
            "random": "A" * 24,
            "bare": "",
        }[rest[1]]
        await user.send(f"/start {token}".rstrip())


async def channel_post(bot, text: str) -> None:
    api = bot.tg.api
    chat = api.register_chat({"id": CHANNEL, "type": "channel", "title": "Kanaal"}).chat
    post = {
        "message_id": api.chats[CHANNEL].next_message_id(),
        "sender_chat": chat,
        "chat": chat,
        "date": 1796200000,
        "text": text,
    }
    await bot.tg.process({"channel_post": post})


def check_calls(bot) -> None:
    """Every request that shows something is one Telegram accepts (re-checked by its rules)."""
    for method, params in bot.tg.api.calls:
        name = method.lower()
        if name in ("sendmessage", "editmessagetext"):
            checked_text(params["text"], params.get("parse_mode"))  # raises if refused
        elif name == "senddocument" and params.get("caption"):
            shown = visible(params["caption"], params.get("parse_mode"))
            assert utf16_length(shown) <= MAX_CAPTION
        elif name == "answercallbackquery" and params.get("text"):
            assert len(params["text"]) <= 200
        assert params.get("chat_id") != CHANNEL, (method, params)  # a channel gets nothing


def check_database(path: Path) -> None:
    assert STRANGER_MARK not in stored_text(path)
    template = load_template(SMALL)
    questions = {q.key for q in template.questions}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        themes: dict[int, set[str]] = {}
        for participant, theme in db.execute("SELECT participant_id, theme_key FROM assignments"):
            themes.setdefault(participant, set()).add(theme)
        for pid, mode, theme, question in db.execute(
            "SELECT id, mode, cursor_theme, cursor_question FROM participants"
        ):
            assert mode in ("picking", "asking", "editing", "appending", "review"), mode
            if theme is not None:  # the cursor is inside the template and their themes
                assert theme in themes.get(pid, set()) and question in questions, (theme, question)
        rows = db.execute(
            "SELECT participant_id, theme_key, question_key, COUNT(*) FROM answers"
            " GROUP BY participant_id, theme_key, question_key"
        ).fetchall()
        for pid, theme, question, count in rows:
            assert count == 1  # one current answer per question
            assert theme in themes.get(pid, set()) and question in questions
