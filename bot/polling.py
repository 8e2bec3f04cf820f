"""Long polling into the pipeline: every batch is written to the inbox, then confirmed.

PTB's Updater fetches a batch, queues it in memory and confirms it with its very next
getUpdates call, before any handler has run: a kill -9 at that moment loses every queued
message. Here a batch is first committed to the store's inbox (bot/pipeline.py), and only the
next getUpdates, made after that commit, confirms it to Telegram. Polling never waits for
handlers, so one slow chat cannot hold the others back; it pauses only when the backlog of
unhandled updates is very large, and when the store cannot take the batch (then Telegram keeps
it and hands it over again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.context import BotApplication
from bot.pipeline import Pipeline
from bot.sending import Sleep, deliver, retry_after_seconds
from conversations.texts import catalogue
from storage.contract import StoreUnavailable

log = logging.getLogger(__name__)

POLL_SECONDS = 30  # how long Telegram may hold a getUpdates open when nothing happens
MAX_BACKOFF = 60.0


async def _fetch(
    app: BotApplication, offset: int | None, hold: int, stop: asyncio.Event
) -> Sequence[Update]:
    """Returns the next updates, or an empty list as soon as ``stop`` is set."""
    fetch = asyncio.ensure_future(
        app.bot.get_updates(offset=offset, timeout=hold, allowed_updates=Update.ALL_TYPES)
    )
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not fetch.done():
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, NetworkError):
            await fetch
        return []
    return fetch.result()


async def poll(
    app: BotApplication,
    pipeline: Pipeline,
    stop: asyncio.Event,
    *,
    hold: int = POLL_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Feeds updates into the pipeline until ``stop`` is set; raises InvalidToken."""
    offset: int | None = None  # None: start with whatever Telegram has not had confirmed
    backoff = 1.0
    while not stop.is_set():
        await pipeline.room()
        try:
            updates = await _fetch(app, offset, hold, stop)
        except InvalidToken:
            raise
        except RetryAfter as exc:
            await sleep(retry_after_seconds(exc))
            continue
        except Conflict as exc:
            log.error("another process is polling with this token (%s); retrying", exc)
            await sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        except TelegramError as exc:  # NetworkError (timeouts, 5xx, 400), a garbled answer
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
            await sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        if not updates:
            backoff = 1.0
            continue
        try:
            raw = app.bot_data.services.raw_updates.take()
            await pipeline.receive(updates, [raw.get(u.update_id) for u in updates])
        except StoreUnavailable as exc:
            # Not confirmed: Telegram keeps the batch and hands it over at the next try.
            log.error(
                "cannot store %d updates (%s); trying again in %.0f s", len(updates), exc, backoff
            )
            await _tell_not_saved(app, pipeline, updates)
            await sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        offset = updates[-1].update_id + 1


async def _tell_not_saved(
    app: BotApplication, pipeline: Pipeline, updates: Sequence[Update]
) -> None:
    """Tells each private chat of a batch the store could not take, once per outage."""
    t = catalogue(app.bot_data.services.settings.language)
    for update in updates:
        chat = update.effective_chat
        if chat is None or chat.type != chat.PRIVATE or not pipeline.told_unsaved(chat.id):
            continue
        await deliver(app.bot, chat.id, t("not_saved_yet"))


async def serve(app: BotApplication, stop: asyncio.Event | None = None) -> None:
    """Runs the bot until SIGINT/SIGTERM (or ``stop``): start-up, polling, orderly shutdown."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await app.initialize()
    except BaseException:
        # A refused token or no connection: the bot's HTTP sessions were opened before the
        # first call failed, and app.shutdown() skips an app that never initialized.
        await app.bot.shutdown()
        raise
    try:
        if app.post_init:
            await app.post_init(app)
        s = app.bot_data.services
        assert s.pipeline is not None and s.postman is not None  # made by post_init
        # Polling and a webhook exclude each other; pending updates are kept, never dropped.
        await app.bot.delete_webhook(drop_pending_updates=False)
        await app.start()
        s.documents.warm()
        # What a crash left: replies not sent yet first, then updates not handled yet.
        await s.postman.drain(startup=True)
        postman = asyncio.ensure_future(s.postman.run(stop))
        await s.pipeline.recover()
        log.info("themabot runs as @%s; stop with Ctrl+C", app.bot.username)
        try:
            await poll(app, s.pipeline, stop)
        finally:
            stop.set()
            await s.pipeline.stop()
            await postman
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
