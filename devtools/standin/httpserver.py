"""The stand-in over HTTP on loopback, for bots configured with a ``base_url``.

``themabot demo`` and the out-of-process tests point the real bot at it. Beside the Bot API
(``/bot<token>/<method>``, files under ``/file/bot<token>/<path>``) it serves a small
``/_standin/...`` control API, so scripts outside the process can play the users.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aiohttp import BodyPartReader, web

from devtools.standin.api import FakeBotAPI
from devtools.standin.records import Upload
from devtools.standin.rules import ApiError

__all__ = ["file_base_url", "serve_http"]

_API_KEY = web.AppKey("api", FakeBotAPI)


def file_base_url(base_url: str) -> str:
    """PTB's ``base_file_url`` that goes with a ``base_url`` returned by :func:`serve_http`."""
    return base_url.removesuffix("/bot") + "/file/bot"


async def serve_http(
    api: FakeBotAPI, host: str = "127.0.0.1", port: int = 0
) -> tuple[web.AppRunner, str]:
    """Serve ``api`` over HTTP and return ``(runner, base_url)``; stop it with ``runner.cleanup()``.

    ``base_url`` (``http://HOST:PORT/bot``) is PTB's ``base_url``; port 0 picks a free port.
    """
    app = web.Application(client_max_size=50 * 1024 * 1024)
    app[_API_KEY] = api
    app.router.add_route("*", "/bot{token}/{method}", _handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", _handle_file)
    app.router.add_post("/_standin/updates", _handle_push_update)
    app.router.add_post("/_standin/messages", _handle_push_message)
    app.router.add_get("/_standin/calls", _handle_list_calls)
    app.router.add_get("/_standin/chats", _handle_list_chats)
    app.router.add_post("/_standin/chats", _handle_register_chats)
    app.router.add_get("/_standin/chats/{chat_id}", _handle_chat_messages)
    app.router.add_get("/_standin/chats/{chat_id}/next", _handle_next_message)
    app.router.add_get("/_standin/sent", _handle_sent)
    app.router.add_get("/_standin/line", _handle_line)
    # A long poll whose client went away (PTB cancels it on stop) must not hold up cleanup.
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return runner, f"http://{host}:{bound_port}/bot"


async def _handle_method(request: web.Request) -> web.Response:
    fields: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        fields.update(await request.json())
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                mime_type = part.headers.get("Content-Type", "application/octet-stream")
                files[part.name] = Upload(part.filename, bytes(await part.read()), mime_type)
            else:
                fields[part.name] = await part.text()
    elif request.can_read_body:
        fields.update(await request.post())
    status, body = await request.app[_API_KEY].call(request.match_info["method"], fields, files)
    return web.json_response(body, status=status)


async def _handle_file(request: web.Request) -> web.Response:
    content = request.app[_API_KEY].file_content(request.match_info["path"])
    if content is None:
        return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
    return web.Response(body=content)


# ---------------------------------------------------------------------- control API


async def _handle_push_update(request: web.Request) -> web.Response:
    update_id = request.app[_API_KEY].push_update(await request.json())
    return web.json_response({"update_id": update_id})


async def _handle_push_message(request: web.Request) -> web.Response:
    """Push a text message from a user: ``{"user_id", "first_name", "text"}``."""
    body = await request.json()
    api = request.app[_API_KEY]
    sender = {
        "id": int(body["user_id"]),
        "is_bot": False,
        "first_name": body.get("first_name", "User"),
        "language_code": body.get("language_code", "nl"),
    }
    message = api.user_message(sender, text=str(body["text"]))
    update_id = api.push_update({"message": message})
    return web.json_response({"update_id": update_id, "message_id": message["message_id"]})


async def _handle_list_calls(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    method = request.query.get("method")
    calls = [
        {"method": name, "params": params}
        for name, params in api.calls
        if method is None or name.lower() == method.lower()
    ]
    return web.json_response(calls, dumps=_dumps)


async def _handle_list_chats(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    return web.json_response([state.chat for state in api.chats.values()])


async def _handle_register_chats(request: web.Request) -> web.Response:
    """Make chats known without a message: ``{"chats": [Chat, ...]}`` (Bot API ``Chat``s)."""
    api = request.app[_API_KEY]
    chats = (await request.json())["chats"]
    for chat in chats:
        api.register_chat(chat)
    return web.json_response({"registered": len(chats)})


async def _handle_chat_messages(request: web.Request) -> web.Response:
    api = request.app[_API_KEY]
    messages = [asdict(m) for m in api.messages(int(request.match_info["chat_id"]))]
    return web.json_response(messages, dumps=_dumps)


async def _handle_next_message(request: web.Request) -> web.Response:
    """Long poll: ``?after=MESSAGE_ID[&contains=TEXT][&timeout=SECONDS]`` gives
    ``{"message": ...}``, the bot's first message since (null when none came in time)."""
    api = request.app[_API_KEY]
    message = await api.next_message(
        int(request.match_info["chat_id"]),
        int(request.query.get("after", "0")),
        contains=request.query.get("contains"),
        wait=float(request.query.get("timeout", "0")),
    )
    found = asdict(message) if message is not None else None
    return web.json_response({"message": found}, dumps=_dumps)


async def _handle_sent(request: web.Request) -> web.Response:
    """``[[unix time, chat_id, message_id], ...]`` of the bot's messages, ``?since=UNIX_TIME``."""
    since = float(request.query.get("since", "0"))
    sent = [list(entry) for entry in request.app[_API_KEY].sent_log if entry[0] >= since]
    return web.json_response(sent)


async def _handle_line(request: web.Request) -> web.Response:
    """The latency and cap in force, and how many calls the cap refused."""
    return web.json_response(request.app[_API_KEY].line.describe())


def _dumps(value: Any) -> str:
    def fallback(obj: Any) -> Any:
        if isinstance(obj, bytes):
            return f"<{len(obj)} bytes>"
        if isinstance(obj, Upload):
            return {"filename": obj.filename, "size": len(obj.content)}
        raise TypeError(type(obj).__name__)

    return json.dumps(value, default=fallback)
