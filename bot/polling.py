"""Long polling that confirms an update to Telegram only after it has been handled.

PTB's Updater fetches a batch, queues it in memory and confirms it with its very next
getUpdates call, before any handler has run: a kill -9 at that moment loses every queued
message. Here the offset moves past an update only after ``process_update`` returned, so
after its answer was committed. An update that was handled but not yet confirmed comes back
after a crash and is recognised by its id (``processed_updates``), never answered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

from bot.ratelimit import retry_after_seconds

log = logging.getLogger(__name__)

POLL_SECONDS = 30  # how long Telegram may hold a getUpdates open when nothing happens
MAX_BACKOFF = 60.0

Sleep = Callable[[float], Awaitable[None]]


async def _fetch(app: Application, offset: int | None, hold: int, stop: asyncio.Event):
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
    app: Application,
    stop: asyncio.Event,
    *,
    hold: int = POLL_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Handles updates one at a time until ``stop`` is set; raises InvalidToken."""
    offset: int | None = None  # None: start with whatever Telegram has not had confirmed
    backoff = 1.0
    while not stop.is_set():
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
        except NetworkError as exc:  # includes TimedOut
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
            await sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        for update in updates:
            # Handler errors go to the application's error handler; process_update returns.
            await app.process_update(update)
            offset = update.update_id + 1


async def serve(app: Application, stop: asyncio.Event | None = None) -> None:
    """Runs the bot until SIGINT/SIGTERM (or ``stop``): start-up, polling, orderly shutdown."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        # Polling and a webhook exclude each other; pending updates are kept, never dropped.
        await app.bot.delete_webhook(drop_pending_updates=False)
        await app.start()
        log.info("themabot runs as @%s; stop with Ctrl+C", app.bot.username)
        try:
            await poll(app, stop)
        finally:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
