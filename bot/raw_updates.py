"""The updates as Telegram sent them, beside PTB's objects, for the inbox.

The inbox stores every update as received (bot/pipeline.py). PTB's get_updates hands out parsed
objects only, and turning those back into JSON (``Update.to_dict``) cost more than handling the
update. :class:`KeepRaw` is the request object getUpdates goes through: it passes every call on
unchanged and keeps the JSON body of the last answer, so the poller can pair each update with
its JSON at the cost of one ``json.loads``.
"""

from __future__ import annotations

import json
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.http import AiohttpRequest


class KeepRaw(BaseRequest):
    """A request object that keeps the last answer's ``result`` (getUpdates only uses it)."""

    def __init__(self, inner: BaseRequest | None = None) -> None:
        # One connection, as PTB's default for getUpdates: long polls never overlap.
        self.inner = inner if inner is not None else AiohttpRequest(connections=1)
        self._last: list[Any] = []

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._last = []
        if status == 200:
            try:
                result = json.loads(body).get("result")
            except (ValueError, AttributeError):
                result = None
            self._last = result if isinstance(result, list) else []
        return status, body

    def take(self) -> dict[int, dict[str, Any]]:
        """Returns the last answer's updates by update id (once: then it is cleared)."""
        last, self._last = self._last, []
        return {u["update_id"]: u for u in last if isinstance(u, dict) and "update_id" in u}
