"""The one place that builds the Application; the CLI runs it and tests build the same one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import coordination, handlers, reminding, roster_chat
from bot.ratelimit import MAX_WAIT, BoundedRateLimiter
from bot.services import Services, services, utc_now
from bot.settings import Settings
from conversations.texts import catalogue
from storage import Store, open_store

log = logging.getLogger(__name__)

# A token is required by PTB's builder; with a stand-in Bot API any well-formed one works.
PLACEHOLDER_TOKEN = "123456:themabot-placeholder"
COLLEAGUE_COMMANDS = ("start", "help", "status", "review", "skip", "back")
COORDINATOR_COMMANDS = (
    "progress",
    "overview",
    "invite",
    "assign",
    "deadline",
    "remind",
    "rounds",
    "partners",
    "merge",
    "withdraw",
)


def build_application(
    settings: Settings,
    store: Store | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    rate_limit: bool = True,
) -> Application:
    """Returns the bot, wired: handlers, error handler, store (opened at start if not given)."""
    builder = (
        ApplicationBuilder()
        .token(settings.token or PLACEHOLDER_TOKEN)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        # Telegram allows ~30 messages/s in bulk; the limiter queues and honours RetryAfter.
        builder = builder.rate_limiter(BoundedRateLimiter(max_retries=3, max_wait=MAX_WAIT))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["services"] = Services(settings, store, clock)
    app.bot_data["owns_store"] = store is None
    _add_handlers(app)
    return app


def _add_handlers(app: Application) -> None:
    new = filters.UpdateType.MESSAGE  # commands in edited messages are not run again
    app.add_handler(TypeHandler(Update, handlers.only_private), group=-1)
    app.add_handler(CommandHandler("start", handlers.on_start, filters=new))
    app.add_handler(CommandHandler("help", handlers.on_help, filters=new))
    app.add_handler(CommandHandler("status", handlers.on_status, filters=new))
    app.add_handler(CommandHandler("skip", handlers.on_skip, filters=new))
    app.add_handler(CommandHandler("back", handlers.on_back, filters=new))
    app.add_handler(CommandHandler("review", handlers.on_review, filters=new))
    coordination.add_handlers(app, new)
    roster_chat.add_handlers(app, new)
    reminding.add_handlers(app)
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(ChatMemberHandler(handlers.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, handlers.on_edited))
    app.add_handler(MessageHandler(new & filters.COMMAND, handlers.on_unknown_command))
    app.add_handler(MessageHandler(new & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(new, handlers.on_other_message))
    app.add_error_handler(on_error)


async def _post_init(app: Application) -> None:
    s: Services = app.bot_data["services"]
    if s.store is None:
        s.store = await open_store(s.settings.db)
    if app.bot.username:
        async with s.store.write() as tx:
            # The CLI reads it to print deep links (https://t.me/<bot>?start=TOKEN).
            await tx.set_meta("bot_username", app.bot.username)
    await _set_commands(app, s)
    reminding.schedule(app)


async def _set_commands(app: Application, s: Services) -> None:
    """Shows colleagues their commands, and coordinators theirs too, in Telegram's menu."""
    t = catalogue(s.settings.language)
    described = [BotCommand(c, t(f"command_{c}")) for c in COLLEAGUE_COMMANDS]
    coordinator = described + [BotCommand(c, t(f"command_{c}")) for c in COORDINATOR_COMMANDS]
    try:
        await app.bot.set_my_commands(described, scope=BotCommandScopeDefault())
        async with s.db.read() as tx:
            chats = await handlers.coordinator_chats(tx, s)
        for chat_id in chats:
            await app.bot.set_my_commands(coordinator, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a menu is a convenience; never a reason not to start
        log.warning("could not set the command menu: %s", exc)


async def _post_shutdown(app: Application) -> None:
    s: Services = app.bot_data["services"]
    if app.bot_data.get("owns_store") and s.store is not None:
        await s.store.close()
        s.store = None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs every unexpected error with its context and tells the user, without a traceback."""
    user = chat = None
    if isinstance(update, Update):
        user = update.effective_user.id if update.effective_user else None
        chat = update.effective_chat.id if update.effective_chat else None
    log.error(
        "error handling update %s (user %s, chat %s)",
        getattr(update, "update_id", None),
        user,
        chat,
        exc_info=context.error,
    )
    if not isinstance(update, Update) or chat is None:
        return
    s = services(context)
    try:
        if update.callback_query:
            await update.callback_query.answer()
        await context.bot.send_message(chat, catalogue(s.settings.language)("error"))
    except TelegramError:
        log.warning("could not tell chat %s about the error", chat)


__all__ = ["build_application"]
