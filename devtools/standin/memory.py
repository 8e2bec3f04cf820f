"""The stand-in plugged into python-telegram-bot in memory, as its request object.

PTB then behaves exactly as against Telegram, errors included, without a socket: the fake gets
the *wire* form of the parameters (strings, JSON-encoded where not a string, files as
multipart parts), so a test in memory exercises the same decoding the HTTP server does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from devtools.standin.api import FakeBotAPI
from devtools.standin.records import Upload
from devtools.standin.rules import ApiError

__all__ = ["FakeRequest"]


class FakeRequest(BaseRequest):
    """A PTB request object that answers from a :class:`FakeBotAPI` instead of the network.

    Use one for ``ApplicationBuilder().request(...)`` and another for
    ``.get_updates_request(...)``; both may share the same fake. Initialising and shutting down
    are no-ops, so the same objects can serve several Applications in turn (a "restart").
    """

    def __init__(self, api: FakeBotAPI, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout PTB adds to a long poll's own timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the fake lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to close: the fake lives in memory."""

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
        """Route PTB's request to the fake and return ``(status, body)`` as a server would."""
        path = unquote(urlsplit(url).path)
        if "/file/bot" in path:
            # base_file_url + file_path: everything after the token is the file path.
            file_path = path.split("/file/bot", 1)[1].split("/", 1)[-1]
            content = self.api.file_content(file_path)
            if content is None:
                return 404, json.dumps(ApiError(404, "Not Found").to_json()).encode()
            return 200, content
        api_method = path.rsplit("/", 1)[-1]
        fields = request_data.json_parameters if request_data else {}
        files = _uploads(request_data.multipart_data) if request_data else {}
        status, body = await self.api.call(api_method, fields, files)
        return status, json.dumps(body).encode()


def _uploads(parts: Mapping[str, tuple[str, Any, str]]) -> dict[str, Upload]:
    uploads = {}
    for name, (filename, content, mime_type) in parts.items():
        data = content if isinstance(content, bytes) else content.read()
        uploads[name] = Upload(filename=filename, content=data, mime_type=mime_type)
    return uploads
