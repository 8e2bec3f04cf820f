"""Answer handling: one text answer through the real themabot Application vs a bare PTB bot.

**Ours.** The Application from :func:`bot.app.build_application` on a fresh store, talking to the
in-memory Bot API (:class:`devtools.standin.FakeBotAPI`) through PTB's own request machinery. Each
round invites new colleagues to every theme of the built-in ``ivp`` template; each opens the
invite with ``/start TOKEN`` (untimed) and then answers question after question, the way the
engine asks them: a typed option for a choice question, prose or a list otherwise. Only
``Application.process_update`` of each answer is timed: parse the event, let the engine
decide, commit the answer (and position) in one guarded transaction, render and send the
confirmation plus the next question.

**Reference.** A minimal PTB Application on its own instance of the same fake Bot API, with one
MessageHandler that INSERTs the text into SQLite with aiosqlite, commits, and replies with
``send_message``; the connection has the store's PRAGMAs (see :mod:`benchmarks.bare_sqlite`).
It is the least a bot can do that still commits an answer before confirming it, so the ratio is
what our engine, store and rendering cost on top of the bare minimum. Both sides pay PTB's
dispatch and one fsync'ed commit per answer.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from benchmarks.bare_sqlite import open_bare, pragmas_of
from benchmarks.measure import Comparison, Sample, Trial, compare
from benchmarks.typed_answers import answer_text
from bot.app import build_application
from bot.settings import Settings
from conversations.slots import question_of, slots_for
from conversations.template import Template, load_template
from devtools.chat import ChatUser
from devtools.transports import FakeTelegram
from storage import Store, open_store

__all__ = ["run"]

_NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a working morning, as in the test harness
_DEADLINE = date(2027, 2, 26)


class _TimedTelegram(FakeTelegram):
    """Telegram in memory that adds up how long the Application took over each update.

    Only ``process_update`` counts: building the update is the driver's work, not the bot's.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    async def handle(self, update: Update) -> None:
        start = time.perf_counter()
        try:
            await super().handle(update)
        finally:
            self.seconds += time.perf_counter() - start


async def _timed(tg: _TimedTelegram, colleague: ChatUser, text: str) -> float:
    """Sends one text message and returns the seconds ``process_update`` took."""
    before = tg.seconds
    await colleague.send(text)
    return tg.seconds - before


@asynccontextmanager
async def _themabot(workdir: Path, answers: int) -> AsyncIterator[tuple[Trial, Store]]:
    """Our bot, running; each trial has fresh colleagues give ``answers`` answers in all."""
    store = await open_store(workdir / "themabot.db")
    try:
        async with _running_themabot(store, answers) as trial:
            yield trial, store
    finally:
        await store.close()


@asynccontextmanager
async def _running_themabot(store: Store, answers: int) -> AsyncIterator[Trial]:
    """The Application around ``store``, brought up as ``run_polling`` would; yields a trial."""
    template: Template = load_template("ivp")
    themes = tuple(t.key for t in template.themes)
    slots = slots_for(template, themes)
    async with store.write() as tx:
        round_id = (await tx.create_round("Benchmark", template, _DEADLINE, _NOW)).id
    tg = _TimedTelegram()
    settings = Settings(
        _env_file=None, token=tg.token, db=str(store.path), coordinators=[], language="nl",
        send_rate=0,
    )  # fmt: skip
    app = build_application(
        settings,
        store,
        request=tg.request,
        get_updates_request=tg.updates_request,
        documents="thread",
    )

    async def through_pipeline(update: Update) -> None:
        pipeline = app.bot_data.services.pipeline
        assert pipeline is not None
        await pipeline.receive([update])
        await pipeline.settled()

    tg.feed = through_pipeline
    user_ids = itertools.count(700_000_001)
    texts = itertools.count()

    async def trial() -> Sample:
        elapsed, given, colleagues = 0.0, 0, []
        while given < answers:
            user_id = next(user_ids)
            async with store.write() as tx:
                _, token = await tx.create_invite(round_id, f"Collega {user_id}", themes, _NOW)
            colleague = tg.user(user_id, f"Collega {user_id}")
            await colleague.send(f"/start {token}")  # joining is not answering: untimed
            colleagues.append(user_id)
            for slot in slots[: answers - given]:
                text = answer_text(question_of(template, slot), next(texts))
                elapsed += await _timed(tg, colleague, text)
                given += 1
        # A bot that failed (its error handler logs and apologises) must not pass for a fast one.
        async with store.read() as tx:
            stored = 0
            for user_id in colleagues:
                participant = await tx.participant_in_round(round_id, user_id)
                stored += len(await tx.answers_of(participant.id)) if participant else 0
        if stored != given:
            raise RuntimeError(f"themabot stored {stored} of {given} answers")
        return Sample(elapsed, given)

    async with tg.running(app):
        yield trial


async def _store_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the text in SQLite, commits, and confirms: the least a durable bot does."""
    db: aiosqlite.Connection = context.bot_data["db"]
    message = update.effective_message
    await db.execute(
        "INSERT INTO answers (chat_id, message_id, text, created_at) VALUES (?, ?, ?, ?)",
        (message.chat_id, message.message_id, message.text, message.date.isoformat()),
    )
    await db.commit()
    await context.bot.send_message(message.chat_id, "✓ Saved.")


@asynccontextmanager
async def _reference(workdir: Path, answers: int, store: Store) -> AsyncIterator[Trial]:
    """The bare PTB bot, running; each trial sends ``answers`` text messages."""
    db = await open_bare(workdir / "reference.db", pragmas_of())
    try:
        async with _running_reference(db, answers) as trial:
            yield trial
    finally:
        await db.close()


@asynccontextmanager
async def _running_reference(db: aiosqlite.Connection, answers: int) -> AsyncIterator[Trial]:
    """The bare Application around ``db``, brought up like ours; yields a trial."""
    tg = _TimedTelegram()
    app = tg.builder().build()
    app.bot_data["db"] = db
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _store_and_reply))
    template = load_template("ivp")
    questions = [
        question_of(template, s) for s in slots_for(template, tuple(t.key for t in template.themes))
    ]
    texts = itertools.count()
    people: dict[int, ChatUser] = {}

    async def trial() -> Sample:
        async with db.execute("SELECT COUNT(*) FROM answers") as cursor:
            before = (await cursor.fetchone() or (0,))[0]
        elapsed = 0.0
        for i in range(answers):
            # The same texts as our side, so both write the same bytes.
            text = answer_text(questions[i % len(questions)], next(texts))
            user_id = 600_000_001 + i // len(questions)
            if user_id not in people:
                people[user_id] = tg.user(user_id, f"Collega {user_id}")
            elapsed += await _timed(tg, people[user_id], text)
        async with db.execute("SELECT COUNT(*) FROM answers") as cursor:
            after = (await cursor.fetchone() or (0,))[0]
        if after - before != answers or tg.errors:
            raise RuntimeError(f"reference stored {after - before} of {answers}: {tg.errors!r}")
        return Sample(elapsed, answers)

    async with tg.running(app):
        yield trial


async def run(*, answers: int, rounds: int) -> Comparison:
    """Times ``answers`` answers per round, ``rounds`` interleaved rounds after one warm-up."""
    with tempfile.TemporaryDirectory(prefix="themabot-bench-") as tmp:
        async with AsyncExitStack() as stack:
            ours, store = await stack.enter_async_context(_themabot(Path(tmp), answers))
            reference = await stack.enter_async_context(_reference(Path(tmp), answers, store))
            return await compare(
                "answer through the Application",
                "answer",
                ours,
                reference,
                rounds=rounds,
                reference_name="bare PTB + aiosqlite INSERT/commit + send_message",
            )
