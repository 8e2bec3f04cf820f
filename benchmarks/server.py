"""The Bot API stand-in as a process of its own, and the driver's side of its control API.

``python -m devtools.standin --port 0 --latency L --cap N`` runs in a separate process, so the
load driver's own work (a hundred colleagues at once) never slows the server the bot talks to.
:class:`StandIn` starts it, reads the URL it prints, and speaks its ``/_standin/...`` control
API (devtools/standin/httpserver.py) over one aiohttp session.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

from benchmarks.processes import PYTHON, ROOT, Child

__all__ = ["Line", "StandIn"]


@dataclass(frozen=True)
class Line:
    """How the stand-in's line behaves: seconds added to every call, messages a second."""

    latency: float = 0.0
    cap: int | None = None

    def describe(self) -> str:
        """In words, for tables."""
        parts = [f"{self.latency * 1000:g} ms per call" if self.latency else "loopback"]
        if self.cap:
            parts.append(f"429 above {self.cap} messages/s")
        return ", ".join(parts)


class StandIn:
    """``python -m devtools.standin`` in a process: ``async with StandIn(line, log) as api:``."""

    def __init__(self, line: Line, log: Path) -> None:
        argv = [PYTHON, "-m", "devtools.standin", "--port", "0", "--latency", str(line.latency)]
        if line.cap:
            argv += ["--cap", str(line.cap)]
        self.line = line
        self.child = Child(argv, {**os.environ, "PYTHONPATH": str(ROOT)}, log)
        self.base_url = ""
        """PTB's ``base_url`` (``http://127.0.0.1:PORT/bot``); the token is appended."""
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> StandIn:
        read, write = os.pipe()
        with os.fdopen(write, "wb") as out:
            self.child.start(stdout=out)
        with os.fdopen(read, "rb") as first:
            line = await asyncio.wait_for(asyncio.to_thread(first.readline), 60)
        if not line:
            await self.child.stop()
            raise RuntimeError(f"the stand-in did not start; see {self.child.log}")
        self.base_url = line.decode().split()[4]
        # Connections without limit: every colleague holds one long poll open at a time.
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._http is not None:
            await self._http.close()
        await self.child.stop(grace=5)

    @property
    def api_root(self) -> str:
        """The server root (aiogram's ``TelegramAPIServer.from_base``)."""
        return self.base_url.removesuffix("/bot")

    @property
    def file_url(self) -> str:
        """PTB's ``base_file_url``."""
        return self.api_root + "/file/bot"

    @property
    def _control(self) -> str:
        return self.api_root + "/_standin"

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self._http is not None, "use `async with StandIn(...)`"
        return self._http

    async def push(self, user_id: int, first_name: str, text: str) -> int:
        """A user sends ``text``; returns the message's id in their chat."""
        body = {"user_id": user_id, "first_name": first_name, "text": text}
        async with self.http.post(f"{self._control}/messages", json=body) as response:
            response.raise_for_status()
            return int((await response.json())["message_id"])

    async def next_message(
        self, chat_id: int, after: int, contains: str | None, wait: float
    ) -> dict[str, Any] | None:
        """The bot's first message in a chat since message ``after`` that shows ``contains``,
        waiting up to ``wait`` seconds on the server (a long poll); None when none came."""
        query = {"after": str(after), "timeout": str(wait)}
        if contains is not None:
            query["contains"] = contains
        async with self.http.get(f"{self._control}/chats/{chat_id}/next", params=query) as got:
            got.raise_for_status()
            found: dict[str, Any] | None = (await got.json())["message"]
            return found

    async def register(self, chat_ids: list[int]) -> None:
        """Makes private chats known to the server, as if each user had opened the bot."""
        chats = [{"id": c, "type": "private", "first_name": f"Collega {c}"} for c in chat_ids]
        async with self.http.post(f"{self._control}/chats", json={"chats": chats}) as response:
            response.raise_for_status()

    async def sent(self) -> list[tuple[float, int, int]]:
        """``(unix time, chat_id, message_id)`` of every message the bot sent."""
        async with self.http.get(f"{self._control}/sent") as response:
            response.raise_for_status()
            return [(float(t), int(c), int(m)) for t, c, m in await response.json()]

    async def refused(self) -> int:
        """How many calls the cap answered with 429."""
        async with self.http.get(f"{self._control}/line") as response:
            response.raise_for_status()
            return int((await response.json())["refused"])

    async def calls(self, method: str) -> int:
        """How many calls to ``method`` the bot made."""
        query = {"method": method}
        async with self.http.get(f"{self._control}/calls", params=query) as response:
            response.raise_for_status()
            return len(await response.json())

    async def polling(self, bot: Child, within: float = 90.0) -> None:
        """Waits until ``bot`` has asked for updates (it is ready); raises if it died first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while await self.calls("getUpdates") == 0:
            if not bot.alive():
                raise RuntimeError(f"the bot stopped before polling; see {bot.log}")
            if loop.time() > deadline:
                raise RuntimeError(f"the bot did not poll within {within:g} s; see {bot.log}")
            await asyncio.sleep(0.05)
