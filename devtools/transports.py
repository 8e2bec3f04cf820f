"""The two ways a :class:`~devtools.chat.ChatUser`'s updates reach the bot.

* :class:`FakeTelegram`, in memory: the test owns the Application and feeds each update to
  it (``Application.process_update``, or the bot's own pipeline through ``feed``), which
  returns when every handler is done. PTB's requests go to the stand-in through
  :class:`~devtools.standin.FakeRequest`. Fast and exact: the tests.
* :class:`PollingTelegram`: the update is queued in the stand-in, and a bot that long-polls it
  (in this process or another, usually over HTTP) fetches it. Confirming an update is not
  handling it (themabot confirms once the update is in its inbox; PTB's Updater before any
  handler ran), so the transport waits for the bot to say it is done (``settled``, in this
  process) or for the bot's visible answer in that chat. The demo and the out-of-process
  tests.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
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


class _People(ABC):
    """What both transports share: the people who chat with the bot through them."""

    api: FakeBotAPI

    @abstractmethod
    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Hands one update to the bot; returns it once the bot has handled it."""

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


class FakeTelegram(_People):
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
        #: How a built update reaches the app; by default ``Application.process_update``. A
        #: bot with its own pipeline (themabot) plugs it in here, so tests go through it.
        self.feed: Callable[[Update], Awaitable[None]] | None = None

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
        if self.feed is not None:
            await self.feed(update)
        else:
            await self._app.process_update(update)


class PollingTelegram(_People):
    """Telegram for a bot that long-polls the stand-in: updates wait in its queue.

    An update counts as handled once the bot confirmed it (its getUpdates offset moved past
    it) and then either ``settled()`` returned (pass it when the bot runs in this process and
    can say so: themabot's ``Pipeline.settled``) or, for a bot in another process, the bot did
    something visible in that chat (a message, an edit, an answer to the press) and then
    nothing more for ``quiet`` seconds (or nothing at all within ``grace``). Raises
    :class:`~devtools.chat.NoReply` after ``timeout`` seconds without that. Pass the list
    the bot's error handler fills as ``errors`` (when the bot runs in this process): once it
    holds an error, every waiting or later action raises the first one, so a failing bot
    stops the conversation at once.
    """

    #: How often a waiting action looks at the queue; replies take milliseconds.
    POLL_INTERVAL = 0.005

    def __init__(
        self,
        api: FakeBotAPI,
        *,
        timeout: float = 15.0,
        errors: Sequence[BaseException] = (),
        settled: Callable[[], Awaitable[None]] | None = None,
        quiet: float = 0.05,
        grace: float = 1.0,
    ) -> None:
        self.api = api
        self.timeout = timeout
        self.errors = errors
        self.settled = settled
        self.quiet = quiet
        self.grace = grace
        self._bot_down = False

    async def process(self, payload: Mapping[str, Any]) -> Update:
        """Queues one update for the bot's getUpdates and waits until the bot handled it."""
        self._raise_bot_error()
        chat_id, query_id = _addressed(payload)
        before = self._activity(chat_id, query_id)
        update_id = self.api.push_update(payload)
        if not self._bot_down:
            await self._until(lambda: self.api.confirmed(update_id), f"update {update_id}")
            if self.settled is not None:
                await self._settled()
            else:
                await self._answered(lambda: self._activity(chat_id, query_id), before)
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
        """Waits until the bot has handled every update queued so far."""
        await self._until(lambda: not self.api.pending_updates(), "the queued updates")
        if self.settled is not None:
            await self._settled()
        else:
            await self._quiet(lambda: len(self.api.calls), rounds=4)

    def _activity(self, chat_id: int | None, query_id: str | None) -> int:
        """How many things the bot did that the user of this chat (or press) can see."""
        seen = 0
        for method, params in self.api.calls:
            if method.lower() in _INVISIBLE:
                continue
            if (chat_id is not None and params.get("chat_id") == chat_id) or (
                query_id is not None and params.get("callback_query_id") == query_id
            ):
                seen += 1
        return seen

    async def _settled(self) -> None:
        assert self.settled is not None
        try:
            await asyncio.wait_for(self.settled(), self.timeout)
        except TimeoutError:
            raise NoReply(f"the bot did not finish within {self.timeout:g} s") from None
        self._raise_bot_error()

    async def _answered(self, count: Callable[[], int], before: int) -> None:
        """Waits for the bot's visible answer (at most ``grace`` seconds: some updates get
        none, such as an ignored press), then until it is done answering."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.grace
        while count() == before and loop.time() < until:
            self._raise_bot_error()
            await asyncio.sleep(self.POLL_INTERVAL)
        await self._quiet(count)

    async def _quiet(self, count: Callable[[], int], rounds: int = 1) -> None:
        """Waits until ``count`` stayed the same for ``quiet`` seconds, ``rounds`` times over."""
        last = count()
        still = 0
        while still < rounds:
            await asyncio.sleep(self.quiet)
            now = count()
            still = still + 1 if now == last else 0
            last = now
        self._raise_bot_error()

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


# Calls a bot makes that nobody in a chat sees.
_INVISIBLE = frozenset({"getupdates", "getme", "setmycommands", "deletewebhook", "getfile"})


def _addressed(payload: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """Returns (chat id, callback query id) an update is about, as far as it says."""
    for kind in ("message", "edited_message", "channel_post", "my_chat_member"):
        body = payload.get(kind)
        if isinstance(body, Mapping):
            chat = body.get("chat")
            return (int(chat["id"]) if isinstance(chat, Mapping) else None), None
    query = payload.get("callback_query")
    if isinstance(query, Mapping):
        message = query.get("message")
        chat = message.get("chat") if isinstance(message, Mapping) else None
        chat_id = int(chat["id"]) if isinstance(chat, Mapping) else None
        return chat_id, str(query.get("id"))
    return None, None
