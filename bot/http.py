"""PTB's requests over aiohttp: the same Bot API calls, for less CPU per message.

PTB sends with httpx by default. Profiled under 100 colleagues at once (docs/benchmarks.md),
httpx/httpcore cost more than the rest of a reply together: the connection pool walks every
connection on each request, and reading and closing a response is slow Python. aiohttp (the
client aiogram uses) does the same work in far less. :class:`AiohttpRequest` plugs it in as
PTB's ``BaseRequest``: PTB still builds every call and reads every answer; only the HTTP is
aiohttp's.

Timeouts keep their meaning for bot.sending: a request that never left (no connection, none
free, the connect itself timed out) raises :class:`NotSent`, safe to send again; a read
timeout (the whole request went out) raises PTB's plain TimedOut: it may have arrived.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

#: A connection per chat being answered at the same moment (the pipeline runs 64 at most);
#: more only hold sockets. Calls beyond it wait for a free one (``pool_timeout``).
CONNECTIONS = 64
MAX_URLS = 64  # parsed method URLs kept


class NotSent(TimedOut):
    """The request timed out before any of it reached Telegram: sending again is safe."""


class AiohttpRequest(BaseRequest):
    """A PTB request object on one aiohttp session."""

    def __init__(
        self,
        *,
        connections: int = CONNECTIONS,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 10.0,
        media_timeout: float | None = 60.0,
    ) -> None:
        self.connections = connections
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media = media_timeout
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, URL] = {}  # parsed once: a bot calls a handful of methods

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, ttl_dns_cache=300)
            # No cookie jar: the Bot API sets none, and the jar is looked at on every call.
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._media if files else self._read)
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        # aiohttp's "connect" includes waiting for a free connection; "sock_connect" is the
        # connect itself. It has no write timeout: a file upload is bounded by the read one.
        waiting = None if connect is None or pool is None else connect + pool
        timeout = aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect, sock_read=read
        )
        try:
            data, headers = _body(request_data)
            async with self._session.request(
                method, self._url(url), data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise NotSent(f"no connection to the Bot API in time: {exc}") from exc
        except (TimeoutError, aiohttp.SocketTimeoutError) as exc:
            raise TimedOut from exc
        except aiohttp.ClientConnectorError as exc:
            raise NetworkError(f"cannot connect to the Bot API: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc

    def _url(self, url: str) -> URL:
        # Parsing and quoting a URL is a good part of aiohttp's work per call; a bot calls the
        # same few methods. File downloads have URLs of their own: those are not kept.
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = URL(url)
            if len(self._urls) < MAX_URLS:
                self._urls[url] = parsed
        return parsed


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout PTB passed, or ours where it passed its 'use the default' marker."""
    return default if isinstance(value, DefaultValue) else value


JSON_BODY = {"Content-Type": "application/json"}


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str] | None]:
    """The request's body and its headers: JSON (which the Bot API takes for every call
    without files, and which costs one C call where a form is encoded in Python), or a
    multipart form when there are files."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        body = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":"))
        return body.encode(), JSON_BODY
    fields = request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None
