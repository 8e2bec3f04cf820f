"""A stand-in for the Telegram Bot API, for tests, the benchmarks and the offline demo.

Telegram itself is never reachable from tests, so this package plays the server side of one
bot, stricter than a mock: real HTML checks, Telegram's length limits and error shapes.

* :mod:`~devtools.standin.api`: :class:`FakeBotAPI`, the server state, the users' side and the
  update queue; :mod:`~devtools.standin.methods` what each Bot API method does;
  :mod:`~devtools.standin.rules` what Telegram accepts; :mod:`~devtools.standin.records` what
  the server stores.
* :mod:`~devtools.standin.network`: :class:`~devtools.standin.network.Line`, a latency per
  call and Telegram's sending cap (429 above N messages a second), for benchmarks and tests.
* :mod:`~devtools.standin.memory`: :class:`FakeRequest`, the fake plugged into PTB in memory.
* :mod:`~devtools.standin.httpserver`: :func:`serve_http`, the fake over HTTP on loopback;
  ``python -m devtools.standin`` runs it standalone.
"""

from devtools.standin.api import BOT_ID, DEFAULT_BOT_USERNAME, FakeBotAPI
from devtools.standin.httpserver import file_base_url, serve_http
from devtools.standin.memory import FakeRequest
from devtools.standin.records import BotMessage, CallbackAnswer, ChatState, Upload, private_chat
from devtools.standin.rules import ApiError

__all__ = [
    "BOT_ID",
    "DEFAULT_BOT_USERNAME",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "ChatState",
    "FakeBotAPI",
    "FakeRequest",
    "Upload",
    "file_base_url",
    "private_chat",
    "serve_http",
]
