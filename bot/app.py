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

from bot import coordination, handlers, privacy_chat, retention, roster_chat
from bot.context import BotApplication, BotContext
from bot.documents import Documents, Worker
from bot.handling import current
from bot.http import AiohttpRequest
from bot.outbox import Postman
from bot.pacing import Pacer
from bot.pipeline import Pipeline
from bot.raw_updates import KeepRaw
from bot.reminders import chat as reminder_chat
from bot.reminders import jobs as reminder_jobs
from bot.roles import coordinator_chats
from bot.sending import Sent, acknowledge, deliver
from bot.services import BotData, Services, utc_now
from bot.settings import Settings
from bot.throttle import Throttle
from conversations.texts import catalogue
from storage import Store, open_store
from storage.contract import StoreUnavailable

log = logging.getLogger(__name__)

# A token is required by PTB's builder; with a stand-in Bot API any well-formed one works.
PLACEHOLDER_TOKEN = "123456:themabot-placeholder"
COLLEAGUE_COMMANDS = (
    "start",
    "help",
    "status",
    "review",
    "skip",
    "back",
    "privacy",
    "mydata",
    "withdraw",  # a coordinator's too: /withdraw NAME
)
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
    "close",
)


def build_application(
    settings: Settings,
    store: Store | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    documents: Worker = "process",
) -> BotApplication:
    """Returns the bot, wired: handlers, error handler, pacing, store (opened at start if not
    given), the outbox's postman and the update pipeline (made at start)."""
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(settings.token or PLACEHOLDER_TOKEN)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .context_types(context_types)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # One pace for the whole bot, replies before bulk; it never retries (bot.sending does).
        .rate_limiter(Pacer(settings.send_rate))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    # aiohttp rather than PTB's httpx: far less CPU per message sent (bot/http.py).
    builder = builder.request(request if request is not None else AiohttpRequest())
    raw_updates = KeepRaw(get_updates_request)
    builder = builder.get_updates_request(raw_updates)
    app: BotApplication = builder.build()  # type: ignore[assignment]  # PTB types the builder loosely
    app.bot_data.services = Services(
        settings,
        store,
        clock,
        owns_store=store is None,
        documents=Documents(documents),
        throttle=Throttle(settings.language),
        raw_updates=raw_updates,
    )
    _add_handlers(app)
    return app


def _add_handlers(app: BotApplication) -> None:
    # PTB runs the first matching handler of a group, in the order added; order matters here:
    # - group -1 (only_private) sees every update first and stops groups, channels and
    #   inline-message buttons before any other handler;
    # - commands before the catch-all text handler, or "/review" would be taken as an answer;
    # - buttons with a pattern (coordinators', reminders') before the intake's generic button
    #   handler, which takes every other press (and answers unknown ones as expired);
    # - the sticker/photo hint last: it matches any new message nothing else took.
    new = filters.UpdateType.MESSAGE  # commands in edited messages are not run again
    app.add_handler(TypeHandler(Update, handlers.only_private), group=-1)
    app.add_handler(CommandHandler("start", handlers.on_start, filters=new))
    app.add_handler(CommandHandler("help", handlers.on_help, filters=new))
    app.add_handler(CommandHandler("status", handlers.on_status, filters=new))
    app.add_handler(CommandHandler("skip", handlers.on_skip, filters=new))
    app.add_handler(CommandHandler("back", handlers.on_back, filters=new))
    app.add_handler(CommandHandler("review", handlers.on_review, filters=new))
    app.add_handlers(coordination.handlers(new))
    app.add_handlers(roster_chat.handlers(new))
    app.add_handlers(privacy_chat.handlers(new))
    app.add_handlers(reminder_chat.handlers())
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(ChatMemberHandler(handlers.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, handlers.on_edited))
    app.add_handler(MessageHandler(new & filters.COMMAND, handlers.on_unknown_command))
    app.add_handler(MessageHandler(new & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(new, handlers.on_other_message))
    app.add_error_handler(on_error)


async def _post_init(app: BotApplication) -> None:
    s = app.bot_data.services
    if s.store is None:
        s.store = await open_store(s.settings.db)
    if app.bot.username:
        async with s.store.write() as tx:
            # The CLI reads it to print deep links (https://t.me/<bot>?start=TOKEN).
            await tx.set_meta("bot_username", app.bot.username)
    s.postman = Postman(app.bot, s.store, s.clock)
    s.pipeline = Pipeline(app, s.store, s.postman, s.clock)
    await _set_commands(app, s)
    reminder_jobs.schedule(app)
    retention.schedule(app)


async def _set_commands(app: BotApplication, s: Services) -> None:
    """Shows colleagues their commands, and coordinators theirs too, in Telegram's menu."""
    t = catalogue(s.settings.language)
    described = [BotCommand(c, t(f"command_{c}")) for c in COLLEAGUE_COMMANDS]
    coordinator = described + [BotCommand(c, t(f"command_{c}")) for c in COORDINATOR_COMMANDS]
    try:
        await app.bot.set_my_commands(described, scope=BotCommandScopeDefault())
        async with s.db.read() as tx:
            chats = await coordinator_chats(tx, s)
        for chat_id in chats:
            await app.bot.set_my_commands(coordinator, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a menu is a convenience; never a reason not to start
        log.warning("could not set the command menu: %s", exc)


async def _post_shutdown(app: BotApplication) -> None:
    s = app.bot_data.services
    await s.background_done()
    s.documents.close()
    if s.pipeline is not None:
        await s.pipeline.stop()
    if s.postman is not None:
        await s.postman.close()
    if s.owns_store and s.store is not None:
        await s.store.close()
        s.store = None


async def on_error(update: object, context: BotContext) -> None:
    """Logs every unexpected error with its context (ids, never text) and tells the user.

    A store that cannot take a write (disk full, locked) is not a bug: the update stays in the
    inbox, is tried again, and the user hears once that it is not saved yet.
    """
    user = chat = None
    if isinstance(update, Update):
        user = update.effective_user.id if update.effective_user else None
        chat = update.effective_chat.id if update.effective_chat else None
    update_id = getattr(update, "update_id", None)
    handling = current(update) if isinstance(update, Update) else None
    if handling is not None:
        handling.failed = True
    s = context.services
    if isinstance(context.error, StoreUnavailable) and handling is not None:
        handling.retry = True
        log.warning(
            "update %s (user %s, chat %s) not saved yet, will try again: %s",
            update_id,
            user,
            chat,
            context.error,
        )
        key = "not_saved_yet" if handling.attempt == 0 else None
    else:
        log.error(
            "error handling update %s (user %s, chat %s)",
            update_id,
            user,
            chat,
            exc_info=context.error,
        )
        key = "error"
    if not isinstance(update, Update) or chat is None or key is None:
        return
    if update.callback_query:
        await acknowledge(update.callback_query)
    # With deliver's retries: one 500 must not swallow the notice (it is not queued: the
    # store may be what failed).
    if await deliver(context.bot, chat, catalogue(s.settings.language)(key)) is not Sent.SENT:
        log.warning("could not tell chat %s about the error", chat)


__all__ = ["build_application"]
