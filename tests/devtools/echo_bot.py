"""A tiny echo bot for the stand-in and driver tests: each handler shows one Bot API feature."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with the invite token and offers a Skip button and a link button."""
    token = context.args[0] if context.args else "none"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Skip", callback_data="v1:skip")],
            [InlineKeyboardButton("Docs", url="https://example.org")],
        ]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"<b>Welcome</b> &amp; token {token}", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers a button whose press is deliberately never answered."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Mute?",
        reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("Mute", callback_data="v1:mute")
        ),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a known button and edits its message; calls anything else expired."""
    query = update.callback_query
    assert query is not None
    if query.data == "v1:skip":
        await query.answer("Skipped")
        await query.edit_message_text("Skipped it")
    else:
        await query.answer("This button has expired", show_alert=True)


async def ignore_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Does nothing, so the query stays unanswered."""


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a small HTML document with a caption."""
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"<h1>Overview</h1>",
        filename="overview.html",
        caption="The <i>overview</i>",
        parse_mode=ParseMode.HTML,
    )


async def crash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fails, to show that the driver surfaces handler errors."""
    raise ValueError("boom")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats a private text message."""
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges an edited message."""
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says where a group message came from."""
    assert update.message is not None
    chat = update.message.chat
    await update.message.reply_text(f"group {chat.type} {chat.id}")


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Names the kind of media received."""
    message = update.message
    assert message is not None
    kinds = {"sticker": message.sticker, "photo": message.photo, "document": message.document}
    kind = next((name for name, media in kinds.items() if media), "voice")
    await message.reply_text(f"got a {kind}")


def echo_app(builder: ApplicationBuilder) -> Application:  # type: ignore[type-arg]
    """An Application from ``builder`` (wired to a stand-in) with the echo handlers above."""
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("mute", mute))
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CommandHandler("crash", crash))
    app.add_handler(CallbackQueryHandler(ignore_button, pattern="^v1:mute$"))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT, in_group))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, echo))
    app.add_handler(
        MessageHandler(
            filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.Document.ALL, describe
        )
    )
    return app
