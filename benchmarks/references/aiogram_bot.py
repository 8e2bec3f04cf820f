"""The aiogram reference: an intake bot as aiogram 3's documentation teaches it.

After aiogram's finite-state-machine example: a ``Router`` with a ``StatesGroup``, the state and
the answers in ``MemoryStorage`` (gone on restart: not durable), ``Dispatcher.start_polling``
with aiogram's defaults (every update handled as a task of its own, concurrently). No
throttling, as in the example.

    python benchmarks/references/aiogram_bot.py --token 123:abc \\
        --api-base http://127.0.0.1:8081 --questions benchmarks/intake.toml

``--token`` and ``--api-base`` (the server root; aiogram appends ``/bot<token>/<method>``)
default to ``BOT_TOKEN`` and ``BOT_API_BASE``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tomllib
from pathlib import Path

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Message

DONE_TEXT = "Dank je! Al je antwoorden zijn bewaard."


class Intake(StatesGroup):
    """The one state of the intake: answering; which question is in the data."""

    answering = State()


def router(questions: list[str]) -> Router:
    """Returns the handlers: /start, then each answer."""
    intake = Router(name="intake")

    @intake.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        """Starts the intake afresh and asks the first question."""
        await state.set_state(Intake.answering)
        await state.set_data({"answers": []})
        await message.answer(f"Welkom! {questions[0]}")

    @intake.message(Intake.answering, F.text)
    async def answer(message: Message, state: FSMContext) -> None:
        """Stores the answer and asks the next question (or says thanks after the last)."""
        answers = [*(await state.get_data()).get("answers", []), message.text]
        if len(answers) < len(questions):
            await state.update_data(answers=answers)
            await message.answer(questions[len(answers)])
            return
        await state.clear()
        await message.answer(DONE_TEXT)

    return intake


async def run(token: str, api_base: str, questions: list[str]) -> None:
    """Polls until SIGINT/SIGTERM."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    bot = Bot(token, session=session)
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(router(questions))
    await dispatcher.start_polling(bot)


def main() -> None:
    """Reads the arguments and runs the bot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", default=os.environ.get("BOT_TOKEN"))
    parser.add_argument("--api-base", default=os.environ.get("BOT_API_BASE"))
    parser.add_argument("--questions", type=Path, required=True, help="a template TOML file")
    args = parser.parse_args()
    if not args.token or not args.api_base:
        parser.error("--token and --api-base (or BOT_TOKEN and BOT_API_BASE) are required")
    logging.basicConfig(level=logging.WARNING)
    with args.questions.open("rb") as file:
        questions = [q["text"] for q in tomllib.load(file)["questions"]]
    asyncio.run(run(args.token, args.api_base, questions))


if __name__ == "__main__":
    main()
