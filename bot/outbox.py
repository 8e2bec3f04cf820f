"""The postman: delivers what the outbox holds, each chat in order, replies before bulk.

Replies are sent by :meth:`Postman.deliver` right after the commit that queued them (the
pipeline calls it once an update's handler returned). What could not go out then (Telegram
down for a while, a long flood wait), what a crash kept from going out, and bulk messages
queued by another process (the CLI) are sent by :meth:`Postman.drain`, which the bot runs at
start and then every few seconds.

A message leaves the outbox once sent. Removing it is batched (a crash right after a send
may repeat that one message; it never loses one). All sending for one chat happens under
that chat's lock, so no message overtakes an older one to the same chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from telegram import Bot

from bot.sending import BULK_PATIENCE, REPLY_PATIENCE, Sent, Sleep, deliver
from storage import Store
from storage.contract import StoreUnavailable
from storage.records import Lane, OutboxMessage

log = logging.getLogger(__name__)

DRAIN_SECONDS = 2.0  # how often leftovers and bulk messages are looked for
# The drain leaves messages younger than this to the handler that queued them (which sends
# them itself, right after its commit), except at start-up, when no handler is running.
YOUNG = timedelta(seconds=5)
FLUSH_SECONDS = 0.02  # sent messages leave the outbox in batches, this often at most
# A message that failed waits longer after every try; after about a day it is dropped.
RETRY_STEPS = (30, 60, 120, 300, 600, 900)
MAX_ATTEMPTS = 100


def retry_delay(attempts: int) -> timedelta:
    """How long a message that failed ``attempts`` times waits before the next try."""
    return timedelta(seconds=RETRY_STEPS[min(attempts, len(RETRY_STEPS) - 1)])


class Postman:
    """Delivers outbox messages for one bot."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        clock: Callable[[], datetime],
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.store = store
        self.clock = clock
        self.sleep = sleep
        self._locks: dict[int, asyncio.Lock] = {}
        self._held: set[int] = set()  # chats with a failed message waiting in the outbox
        self._reserved: set[int] = set()  # ids a handler's delivery is sending
        self._unflushed: list[int] = []  # sent, not yet removed from the outbox
        self._flushing: asyncio.Task[None] | None = None

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    async def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        """Sends the replies one handled update queued, in order; leaves what fails queued."""
        self._reserved.update(m.id for m in messages)
        try:
            for chat_id, group in itertools.groupby(messages, key=lambda m: m.chat_id):
                await self._send_chat(chat_id, list(group))
        finally:
            self._reserved.difference_update(m.id for m in messages)

    async def drain(self, *, startup: bool = False) -> int:
        """Sends what waits in the outbox and is due: replies first, then bulk; returns how
        many went out. At ``startup`` also the youngest ones (no handler owns them now)."""
        now = self.clock()
        sent = 0
        for lane in (Lane.REPLY, Lane.BULK):
            try:
                async with self.store.read() as tx:
                    waiting = await tx.pending_messages(lane, due=now)
            except StoreUnavailable as exc:
                log.warning("cannot read the outbox now: %s", exc)
                return sent
            if startup and lane is Lane.REPLY:
                await self._hold_waiting()
            owned = self._reserved | set(self._unflushed)
            mine = [
                m
                for m in waiting
                if m.id not in owned and (startup or m.attempts or now - m.created_at >= YOUNG)
            ]
            mine.sort(key=lambda m: (m.chat_id, m.id))
            for chat_id, group in itertools.groupby(mine, key=lambda m: m.chat_id):
                sent += await self._send_chat(chat_id, list(group), drain=True)
        return sent

    async def _send_chat(
        self, chat_id: int, messages: list[OutboxMessage], *, drain: bool = False
    ) -> int:
        sent = 0
        async with self._lock(chat_id):
            if chat_id in self._held or drain:
                # The outbox is what counts: the other path may have sent some of these while
                # this one waited for the lock, and an older reply that failed waits there.
                messages = await self._still_waiting(chat_id, messages, catch_up=not drain)
            self._held.discard(chat_id)
            for message in messages:
                if message.id in self._unflushed:
                    continue  # sent meanwhile by the other path
                patience = BULK_PATIENCE if message.lane is Lane.BULK else REPLY_PATIENCE
                outcome = await deliver(
                    self.bot,
                    chat_id,
                    message.text,
                    message.keyboard,
                    lane=message.lane,
                    patience=patience,
                    sleep=self.sleep,
                )
                if outcome in (Sent.SENT, Sent.UNCERTAIN):
                    self._sent(message.id)
                    sent += 1
                elif outcome is Sent.REFUSED:
                    self._sent(message.id)  # it will never go out as it is; logged by deliver
                elif outcome is Sent.GONE:
                    await self._chat_gone(chat_id)
                    break
                else:
                    await self._failed(message)
                    self._held.add(chat_id)
                    break
        return sent

    async def _still_waiting(
        self, chat_id: int, messages: list[OutboxMessage], *, catch_up: bool
    ) -> list[OutboxMessage]:
        """Returns those of ``messages`` still in the outbox and not sent by this process;
        with ``catch_up``, preceded by the older replies to the chat that failed before.

        A colleague who acts again after a reply could not be delivered gets that reply now,
        then the new ones, in order, instead of the new ones later and the old one at its
        retry time (minutes later, out of date by then).
        """
        try:
            async with self.store.read() as tx:
                waiting = await tx.chat_outbox(chat_id)
        except StoreUnavailable:
            return messages if catch_up else []  # the drain tries again later
        done = set(self._unflushed)
        ids = {m.id for m in messages}
        first = min(ids, default=0)
        older = [
            m
            for m in waiting
            if catch_up and m.lane is Lane.REPLY and m.id < first and m.id not in done | ids
        ]
        present = {m.id for m in waiting}
        return older + [m for m in messages if m.id in present and m.id not in done]

    async def _hold_waiting(self) -> None:
        """At start-up: chats with a failed reply waiting for its retry are held, so a new
        reply to them brings it along (see :meth:`_still_waiting`)."""
        with contextlib.suppress(StoreUnavailable):
            async with self.store.read() as tx:
                waiting = await tx.pending_messages(Lane.REPLY, limit=100_000)
            self._held.update(m.chat_id for m in waiting if m.attempts)

    def _sent(self, message_id: int) -> None:
        self._unflushed.append(message_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def close(self) -> None:
        """Flushes now and stops the flush timer (the store is about to close)."""
        timer, self._flushing = self._flushing, None
        if timer is not None:
            await timer  # at most FLUSH_SECONDS; cancelling it mid-write helps nobody
        await self.flush()

    async def flush(self) -> None:
        """Removes the sent messages from the outbox now."""
        while self._unflushed:
            batch = list(self._unflushed)
            try:
                async with self.store.write() as tx:
                    await tx.messages_sent(batch)
            except StoreUnavailable as exc:
                # They stay in the outbox (and in memory, so this process does not resend).
                log.warning("could not note %d sent messages: %s", len(batch), exc)
                return
            del self._unflushed[: len(batch)]

    async def _failed(self, message: OutboxMessage) -> None:
        attempts = message.attempts + 1
        retry_at = None if attempts >= MAX_ATTEMPTS else self.clock() + retry_delay(attempts)
        if retry_at is None:
            log.error("dropping a message to chat %s after %d tries", message.chat_id, attempts)
        with contextlib.suppress(StoreUnavailable):
            async with self.store.write() as tx:
                await tx.message_failed(message.id, retry_at)

    async def _chat_gone(self, chat_id: int) -> None:
        """The chat blocked the bot or no longer exists: drop its messages, mark it."""
        log.info("chat %s is gone; its queued messages are dropped", chat_id)
        with contextlib.suppress(StoreUnavailable):
            async with self.store.write() as tx:
                waiting = [
                    m.id
                    for lane in (Lane.REPLY, Lane.BULK)
                    for m in await tx.pending_messages(lane)
                    if m.chat_id == chat_id
                ]
                await tx.messages_sent(waiting)
                # Private chats have the user's id: every round of theirs shows it.
                await tx.set_reachable(chat_id, False, self.clock())

    async def run(self, stop: asyncio.Event) -> None:
        """Drains every DRAIN_SECONDS until ``stop`` (after ``drain(startup=True)``, which the
        bot awaits before it handles anything); flushes at the end."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), DRAIN_SECONDS)
            if not stop.is_set():
                try:
                    await self.drain()
                except Exception:  # the next drain tries again; never stop delivering
                    log.exception("draining the outbox failed")
        await self.close()
