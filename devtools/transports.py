"""The two ways a :class:`~devtools.chat.ChatUser`'s updates reach the bot.

* :class:`FakeTelegram`, in memory: the test owns the Application and feeds each update to
  ``Application.process_update``, which returns when every handler is done. PTB's requests go
  to the stand-in through :class:`~devtools.standin.FakeRequest`. Fast and exact: the tests.
* :class:`PollingTelegram`: the update is queued in the stand-in, and a bot that long-polls it
  (in this process or another, usually over HTTP) fetches it. The update counts as handled once
  the bot's getUpdates offset moves past it. themabot's own polling (``bot.polling``) confirms
  an update only after handling it; PTB's Updater confirms a batch before handling it, so
  against that a reply could still be on its way. The demo and the out-of-process tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from devtools.chat import ChatUser, NoReply
from devtools.standin import BOT_ID, FakeBotAPI, FakeRequest

__all__ = ["TOKEN", "FakeTelegram", "PollingTelegram"]

#: A well-formed token for ``ApplicationBuilder().token(...)``; the stand-in accepts any.
TOKEN = f"{BOT_ID}:AAStandInTestTokenForThemabot"

_AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class FakeTelegram:
    """Telegram in memory: one :class:`FakeBotAPI` and the Application the test runs on it.

    Attributes:
        api: the fake server; inspect ``api.calls`` or inject failures (``api.block(...)``).
        request: PTB request object for ``ApplicationBuilder().request(...)``.
        updates_request: PTB request object for ``.get_updates_request(...)``.
        errors: exceptions raised by handlers while no error handler of the app's own existed.
    """

    def __init__(self, api: FakeBotAPI | None = None) -> None:
        self.api = api or FakeBotAPI()
        self.request = FakeRequest(self.api)
        self.updates_request = FakeRequest(self.api)
        self.errors: list[BaseException] = []
        self._app: _AnyApplication | None = None

    @property
    def token(self) -> str:
        """A bot token to build an Application with."""
        return TOKEN

    def builder(self) -> ApplicationBuilder:  # type: ignore[type-arg]  # PTB's six type params
        """An ``ApplicationBuilder`` with token and both request objects already wired in."""
        return (
            ApplicationBuilder()
            .token(TOKEN)
            .request(self.request)
            .get_updates_request(self.updates_request)
        )

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "nl",
    ) -> ChatUser:
        """A person with a private chat with the bot (known to the server from now on)."""
        return ChatUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )

    @asynccontextmanager
    async def running(
        self, app: _AnyApplication, *, start: bool = False, raise_errors: bool = True
    ) -> AsyncIterator[_AnyApplication]:
        """Bring ``app`` up as ``run_polling`` would, minus the polling, and down again after.

        Runs ``initialize`` and ``post_init``; with ``start=True`` also ``start`` (job queue),
        later ``stop``/``post_stop``; always ``shutdown``/``post_shutdown``. Updates are fed
        with :meth:`process`. With ``raise_errors`` and no error handler of the app's own, an
        exception in a handler is re-raised from the ``send``/``press`` that caused it instead
        of only being logged.
        """
        collect = raise_errors and not app.error_handlers
        if collect:
            app.add_error_handler(self._collect_error)
        await app.initialize()
        self._app = app
        try:
            if app.post_init:
                await app.post_init(app)
            if start:
                await app.start()
            try:
                yield app
            finally:
                if start:
                    if app.running:
                        await app.stop()
                    if app.post_stop:
                        await app.post_stop(app)
        finally:
            self._app = None
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
            if collect:
                app.remove_error_handler(self._collect_error)

    async def _collect_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Feed one update (e.g. ``{"message": {...}}``; the id is assigned) to the running app.

        Returns the ``Update`` after all blocking handlers finished; re-raises a handler's
        exception (see :meth:`running`).
        """
        if self._app is None:
            raise RuntimeError("no application running: use `async with tg.running(app):`")
        update = Update.de_json(self.api.make_update(payload), self._app.bot)
        already_failed = len(self.errors)
        await self.handle(update)
        if len(self.errors) > already_failed:
            raise self.errors[already_failed]
        return update

    async def handle(self, update: Update) -> None:
        """Runs one built update through the app: the part of :meth:`process` a benchmark times."""
        assert self._app is not None
        await self._app.process_update(update)


class PollingTelegram:
    """Telegram for a bot that long-polls the stand-in: updates wait in its queue.

    Each :meth:`process` returns once the bot confirmed the update (see the module docstring),
    and raises :class:`~devtools.chat.NoReply` after ``timeout`` seconds without that. Pass
    the list the bot's error handler fills as ``errors`` (when the bot runs in this process):
    once it holds an error, every waiting or later action raises the first one, so a failing
    bot stops the conversation at once instead of at the timeout.
    """

    #: How often a waiting action looks at the queue; replies take milliseconds.
    POLL_INTERVAL = 0.005

    def __init__(
        self,
        api: FakeBotAPI,
        *,
        timeout: float = 15.0,
        errors: Sequence[BaseException] = (),
    ) -> None:
        self.api = api
        self.timeout = timeout
        self.errors = errors
        self._bot_down = False

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "nl",
    ) -> ChatUser:
        """A person with a private chat with the bot (known to the server from now on)."""
        return ChatUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )

    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Queues one update for the bot's getUpdates and waits until the bot confirmed it."""
        self._raise_bot_error()
        update_id = self.api.push_update(payload)
        if not self._bot_down:
            await self._until(lambda: self.api.confirmed(update_id), f"update {update_id}")
        # The bot's own copy is bound to the bot; this one only needs to be read.
        return Update.de_json({**payload, "update_id": update_id}, None)

    @contextmanager
    def bot_down(self) -> Iterator[None]:
        """While the bot is not running: actions only queue their update, as at Telegram.

        Afterwards, :meth:`caught_up` waits until the bot (started again) handled them.
        """
        self._bot_down = True
        try:
            yield
        finally:
            self._bot_down = False

    async def caught_up(self) -> None:
        """Waits until the bot has confirmed every update queued so far."""
        await self._until(lambda: not self.api.pending_updates(), "the queued updates")

    async def _until(self, done: Callable[[], bool], what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            finished = done()
            self._raise_bot_error()  # a handler that failed still lets polling confirm
            if finished:
                return
            if loop.time() > deadline:
                raise NoReply(f"the bot did not handle {what} within {self.timeout:g} s")
            await asyncio.sleep(self.POLL_INTERVAL)

    def _raise_bot_error(self) -> None:
        if self.errors:
            raise self.errors[0]
