"""The whole bot around a fresh database, built by the same factory `themabot run` uses."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import build_application
from bot.context import BotApplication
from bot.services import Services
from bot.settings import Settings
from conversations.template import Template, load_template
from devtools.chat import ChatUser
from devtools.transports import FakeTelegram
from storage import Store, open_store

COORDINATOR_ID = 9001


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class Harness:
    """A running bot; ``restart()`` rebuilds the Application on the same database file."""

    def __init__(self, tmp_path: Path, **settings: object) -> None:
        """``settings`` override the test defaults (not paced: ``send_rate=0``)."""
        self.db_path = tmp_path / "themabot.db"
        self.tg = FakeTelegram()
        self.tg.feed = self._through_pipeline
        self.settings = Settings(
            _env_file=None,
            token=self.tg.token,
            db=str(self.db_path),
            coordinators=[COORDINATOR_ID],
            **{"send_rate": 0, **settings},
        )
        # Friday 27 November 2026, 10:00 in Amsterdam: a working morning.
        self.clock = Clock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
        self.errors: list[BaseException] = []
        self._stack: AsyncExitStack | None = None
        self.store: Store | None = None
        self.app: BotApplication | None = None
        #: Wraps the store the bot gets at every start (a store that fails on demand).
        self.wrap_store: Callable[[Store], Store] | None = None

    async def start(self) -> None:
        self._stack = AsyncExitStack()
        self.store = await open_store(self.db_path)
        if self.wrap_store is not None:
            self.store = self.wrap_store(self.store)
        self.app = build_application(
            self.settings,
            self.store,
            request=self.tg.request,
            get_updates_request=self.tg.updates_request,
            clock=self.clock,
            documents="thread",  # a process per test costs more than it shows
        )
        self.app.add_error_handler(self._record_error)
        try:
            await self._stack.enter_async_context(self.tg.running(self.app))
        except BaseException:
            await self.store.close()
            raise

    async def _through_pipeline(self, update: Update) -> None:
        """Hands an update to the bot as polling does: into the inbox, then handled, replies
        sent, and whatever the handler started in the background finished."""
        assert self.app is not None
        s = self.app.bot_data.services
        assert s.pipeline is not None
        await s.pipeline.receive([update])
        await s.pipeline.settled()
        await s.background_done()

    @property
    def services(self) -> Services:
        assert self.app is not None
        return self.app.bot_data.services

    async def stop(self) -> None:
        if self._stack:
            await self._stack.aclose()
        if self.store:
            await self.store.close()
        self._stack = self.store = self.app = None
        assert not self.errors, f"handlers raised: {self.errors!r}"

    async def restart(self) -> None:
        """Stops the bot and starts a new one on the same database (memory is gone)."""
        await self.stop()
        await self.start()

    async def _record_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logging.getLogger(__name__).error("handler error", exc_info=context.error)
        self.errors.append(context.error)

    # --- setting up a round -------------------------------------------------------------

    async def create_round(
        self,
        template: str | Template = "ivp",
        name: str = "IVP 2027-2030",
        deadline: date | None = date(2027, 2, 26),
    ) -> int:
        tpl = load_template(template) if isinstance(template, str) else template
        async with self.store.write() as tx:
            round_ = await tx.create_round(name, tpl, deadline, self.clock())
        return round_.id

    async def invite(
        self,
        round_id: int,
        name: str,
        themes: list[str] | tuple[str, ...] = (),
        *,
        coordinator: bool = False,
    ) -> str:
        async with self.store.write() as tx:
            _, token = await tx.create_invite(
                round_id, name, themes, self.clock(), coordinator=coordinator
            )
        return token

    def user(self, user_id: int, name: str) -> ChatUser:
        return self.tg.user(user_id, name)

    def coordinator(self) -> ChatUser:
        return self.tg.user(COORDINATOR_ID, "Coby")
