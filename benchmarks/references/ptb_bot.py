"""The PTB reference: an intake bot as python-telegram-bot's documentation teaches it.

After PTB's ``conversationbot.py`` example: a ``ConversationHandler`` with one state per
question, ``PicklePersistence`` so a restart remembers where everyone was (flushed every 60 s:
not durable), ``run_polling`` with PTB's defaults (updates handled one at a time, each fetched
batch confirmed before it is handled). No rate limiter, as in the example.

    python benchmarks/references/ptb_bot.py --token 123:abc \\
        --base-url http://127.0.0.1:8081/bot --questions benchmarks/intake.toml

``--token`` and ``--base-url`` default to ``BOT_TOKEN`` and ``BOT_API_URL``.
"""

from __future__ import annotations

import argparse
import logging
import os
import tomllib
from pathlib import Path

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)

DONE_TEXT = "Dank je! Al je antwoorden zijn bewaard."


def build(token: str, base_url: str, questions: list[str], persistence: Path) -> Application:  # type: ignore[type-arg]
    """Returns the bot: /start, then one conversation state per question."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Starts the intake afresh and asks the first question."""
        assert update.message is not None and context.user_data is not None
        context.user_data["answers"] = []
        await update.message.reply_text(f"Welkom! {questions[0]}")
        return 0

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Stores the answer and asks the next question (or says thanks after the last)."""
        assert update.message is not None and context.user_data is not None
        answers = context.user_data.setdefault("answers", [])
        answers.append(update.message.text)
        if len(answers) < len(questions):
            await update.message.reply_text(questions[len(answers)])
            return len(answers)
        await update.message.reply_text(DONE_TEXT)
        return ConversationHandler.END

    text = filters.TEXT & ~filters.COMMAND
    intake = ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={step: [MessageHandler(text, answer)] for step in range(len(questions))},
        fallbacks=[CommandHandler("start", start)],
        name="intake",
        persistent=True,
    )
    app = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .persistence(PicklePersistence(filepath=persistence))
        .build()
    )
    app.add_handler(intake)
    return app


def main() -> None:
    """Runs the bot until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", default=os.environ.get("BOT_TOKEN"))
    parser.add_argument("--base-url", default=os.environ.get("BOT_API_URL"))
    parser.add_argument("--questions", type=Path, required=True, help="a template TOML file")
    parser.add_argument("--persistence", type=Path, default=Path("ptb_reference.pickle"))
    args = parser.parse_args()
    if not args.token or not args.base_url:
        parser.error("--token and --base-url (or BOT_TOKEN and BOT_API_URL) are required")
    logging.basicConfig(level=logging.WARNING)
    with args.questions.open("rb") as file:
        questions = [q["text"] for q in tomllib.load(file)["questions"]]
    build(args.token, args.base_url, questions, args.persistence).run_polling(
        allowed_updates=Update.ALL_TYPES
    )


if __name__ == "__main__":
    main()
