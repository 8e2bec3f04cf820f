"""The update pipeline: received durably, chats in parallel, each chat in order.

Why an inbox rather than a watermark on the getUpdates offset: getUpdates returns at most 100
updates from the offset, so an offset held back by one slow chat (a 429 wait, a failed commit)
would keep returning the same hundred and starve every other chat. Instead every batch is
written into the store's inbox in one commit and only then confirmed to Telegram; from the
inbox, updates are handled per chat, in arrival order, with a bound on how many chats run at
once. A kill -9 at any moment loses nothing: what was confirmed is in the inbox and is handled
after the restart (:meth:`Pipeline.recover`); what was not is redelivered by Telegram and
recognised by id plus fingerprint. A handler claims its update in the same commit as its
answer and queues its replies there too (bot/handling.py), so no update is answered twice and
a reply a crash kept back is sent after the restart (bot/outbox.py).

A webhook front end feeds :meth:`Pipeline.receive` the same way and answers Telegram with 200
once it returned.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.handling import Handling, enter, fingerprint, leave
from bot.outbox import Postman
from bot.sending import Sleep, deliver
from storage import Store, Writer
from storage.contract import StoreUnavailable
from storage.records import Arrival, InboxEntry, Lane, Letter, OutboxMessage

log = logging.getLogger(__name__)

CONCURRENCY = 64  # chats handled at the same moment at most
MAX_BACKLOG = 5000  # updates waiting in memory; polling pauses beyond this
STOP_SECONDS = 10.0  # an orderly stop waits this long for running handlers
RETRY_STEPS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds between tries of an update the
# store could not take (disk full, locked): the chat waits, the others go on

Key = int | str  # a chat id, or "u<update id>" for an update outside any chat


@dataclass
class _Work:
    entry: InboxEntry
    update: Update
    attempts: int = 0


def arrival(update: Update, raw: dict[str, Any] | None = None) -> Arrival:
    """Returns what the inbox stores of an update: its JSON as received (``raw``), else PTB's."""
    chat = update.effective_chat
    payload = json.dumps(
        raw if raw is not None else update.to_dict(), ensure_ascii=False, separators=(",", ":")
    )
    return Arrival(update.update_id, fingerprint(update), chat.id if chat else None, payload)


def _key(entry: InboxEntry) -> Key:
    return entry.chat_id if entry.chat_id is not None else f"u{entry.update_id}"


class Pipeline:
    """Handles updates for one Application: durably received, chats in parallel."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        store: Store,
        postman: Postman,
        clock: Callable[[], datetime],
        *,
        concurrency: int = CONCURRENCY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.app = app
        self.store = store
        self.postman = postman
        self.clock = clock
        self.sleep = sleep
        self._queues: dict[Key, collections.deque[_Work]] = {}
        self._workers: dict[Key, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._backlog = 0
        self._room = asyncio.Event()
        self._room.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._told_unsaved: set[Key] = set()  # chats told "not saved yet" in this outage

    # --- feeding ---------------------------------------------------------------------

    async def receive(
        self, updates: Sequence[Update], raw: Sequence[dict[str, Any] | None] = ()
    ) -> list[InboxEntry]:
        """Writes updates into the inbox (one commit) and queues the new ones for handling;
        ``raw`` is their JSON as received, where the caller has it (bot/raw_updates.py).

        Raises StoreUnavailable when the store cannot take them: the caller must then not
        confirm them to Telegram (it will hand them over again).
        """
        if not updates:
            return []
        arrivals = [arrival(u, raw[i] if i < len(raw) else None) for i, u in enumerate(updates)]
        async with self.store.write() as tx:
            entries = await tx.receive_updates(arrivals, self.clock())
        by_delivery = {(u.update_id, fingerprint(u)): u for u in updates}
        for entry in entries:
            self._queue(_Work(entry, by_delivery[(entry.update_id, entry.fingerprint)]))
        return entries

    async def recover(self) -> int:
        """Queues what the inbox still holds from before a restart; returns how many."""
        async with self.store.read() as tx:
            entries = await tx.pending_updates()
        for entry in entries:
            try:
                update = Update.de_json(json.loads(entry.payload), self.app.bot)
            except (ValueError, TypeError, KeyError):
                log.exception("inbox entry %s cannot be read; it is skipped", entry.id)
                await self._mark_handled(entry)
                continue
            self._queue(_Work(entry, update))
        if entries:
            log.info("handling %d updates received before the restart", len(entries))
        return len(entries)

    async def room(self) -> None:
        """Waits until the backlog is small enough to take more updates."""
        await self._room.wait()

    async def settled(self) -> None:
        """Waits until every queued update has been handled (tests, orderly shutdown)."""
        await self._idle.wait()

    @property
    def backlog(self) -> int:
        """Updates queued in memory and not handled yet."""
        return self._backlog

    def _queue(self, work: _Work) -> None:
        key = _key(work.entry)
        self._queues.setdefault(key, collections.deque()).append(work)
        self._backlog += 1
        self._idle.clear()
        if self._backlog >= MAX_BACKLOG:
            self._room.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.ensure_future(self._work_on(key))

    # --- handling --------------------------------------------------------------------

    async def _work_on(self, key: Key) -> None:
        """Handles one chat's updates in order until its queue is empty."""
        queue = self._queues[key]
        try:
            while queue:
                work = queue[0]
                if work.attempts or await self._admitted(work, len(queue)):
                    async with self._slots:
                        done = await self._handle(work)
                else:
                    done = True  # dropped: a flood beyond what may wait (bot/throttle.py)
                if done:
                    queue.popleft()
                    self._backlog -= 1
                    if self._backlog < MAX_BACKLOG:
                        self._room.set()
                else:
                    step = RETRY_STEPS[min(work.attempts, len(RETRY_STEPS)) - 1]
                    await self.sleep(step)
        finally:
            del self._workers[key]
            if not queue:
                del self._queues[key]
            if not self._workers:
                self._idle.set()

    async def _admitted(self, work: _Work, waiting: int) -> bool:
        """Lets the update through the per-user limits (after a wait if its user floods);
        False when it is dropped, and then it leaves the inbox."""
        throttle = self.app.bot_data.services.throttle
        if await throttle.admit(work.update, waiting, self.clock(), self.sleep, self.app.bot):
            return True
        with contextlib.suppress(StoreUnavailable):
            async with self.store.write() as tx:
                await tx.forget_update(work.entry.update_id, work.entry.fingerprint)
        return False

    async def _handle(self, work: _Work) -> bool:
        """Runs one update through the application; False when it must be tried again."""
        entry = work.entry
        handling = Handling(entry.update_id, entry.fingerprint, attempt=work.attempts)
        token = enter(handling)
        try:
            await self.app.process_update(work.update)
        except Exception:  # process_update hands handler errors to the error handler
            log.exception("update %s could not be handled", entry.update_id)
            handling.failed = True
        finally:
            leave(token)
        if handling.retry:
            work.attempts += 1
            return False
        try:
            queued = await self._finish(entry, handling)
        except StoreUnavailable as exc:
            log.warning("could not finish update %s: %s", entry.update_id, exc)
            work.attempts += 1
            return False
        self._told_unsaved.discard(_key(entry))
        if queued:
            await self.postman.deliver(queued)
        return True

    async def _finish(self, entry: InboxEntry, handling: Handling) -> list[OutboxMessage]:
        """Marks the update handled (if its handler did not) and queues its later replies;
        returns everything to send now."""
        if handling.forget:
            # A stranger's: answered straight away and then forgotten, nothing of it stays.
            for chat_id, letter in handling.later:
                await deliver(self.app.bot, chat_id, letter.text, letter.keyboard)
            async with self.store.write() as tx:
                await tx.forget_update(entry.update_id, entry.fingerprint)
            return []
        queued = list(handling.queued)
        if handling.claimed and not handling.failed and not handling.later:
            return queued  # the handler's own commit holds the claim and the replies
        async with self.store.write() as tx:
            fresh = await tx.claim_update(entry.update_id, entry.fingerprint, self.clock())
            if (fresh or handling.claimed) and not handling.redelivered:
                queued += await _queue_later(tx, handling.later, self.clock())
        return queued

    async def _mark_handled(self, entry: InboxEntry) -> None:
        with contextlib.suppress(StoreUnavailable):
            async with self.store.write() as tx:
                await tx.claim_update(entry.update_id, entry.fingerprint, self.clock())

    def told_unsaved(self, key: Key) -> bool:
        """Records that a chat is told its message is not saved yet; False if told already."""
        if key in self._told_unsaved:
            return False
        self._told_unsaved.add(key)
        return True

    async def stop(self) -> None:
        """Lets running handlers finish (at most STOP_SECONDS), then stops the rest.

        What is not handled stays in the inbox for the next start.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), STOP_SECONDS)
        for task in list(self._workers.values()):
            task.cancel()
        for task in list(self._workers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _queue_later(
    tx: Writer, later: list[tuple[int, Letter]], now: datetime
) -> list[OutboxMessage]:
    queued: list[OutboxMessage] = []
    for chat_id, group in _by_chat(later):
        queued += await tx.queue_messages(chat_id, group, Lane.REPLY, now)
    return queued


def _by_chat(later: list[tuple[int, Letter]]) -> list[tuple[int, list[Letter]]]:
    """Groups consecutive letters to the same chat, keeping their order."""
    groups: list[tuple[int, list[Letter]]] = []
    for chat_id, letter in later:
        if groups and groups[-1][0] == chat_id:
            groups[-1][1].append(letter)
        else:
            groups.append((chat_id, [letter]))
    return groups
