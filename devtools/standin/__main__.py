"""``python -m devtools.standin``: the Bot API stand-in over HTTP until interrupted.

Point a bot at it with ``THEMABOT_API_URL`` and ``THEMABOT_FILE_URL`` (both printed at start)
and play its users through the ``/_standin/...`` control API. ``--latency 0.05`` makes every
call take 50 ms longer; ``--cap 30`` answers 429 above 30 messages a second, as Telegram does.
``--port 0`` picks a free port (the first line printed names it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from devtools.standin.api import DEFAULT_BOT_USERNAME, FakeBotAPI
from devtools.standin.httpserver import file_base_url, serve_http


async def _serve_forever(
    host: str, port: int, username: str, latency: float, cap: int | None
) -> None:
    api = FakeBotAPI(username=username, latency=latency, cap=cap)
    runner, base_url = await serve_http(api, host, port)
    print(f"Bot API stand-in on {base_url}  (file URL {file_base_url(base_url)})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Runs the stand-in until interrupted: ``python -m devtools.standin --port 8081``."""
    parser = argparse.ArgumentParser(prog="python -m devtools.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every Bot API call"
    )
    parser.add_argument(
        "--cap", type=int, default=None, help="messages a second accepted; 429 above it"
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.host, args.port, args.username, args.latency, args.cap))


if __name__ == "__main__":
    main()
