"""``python -m devtools.standin``: the Bot API stand-in over HTTP until interrupted.

Point a bot at it with ``THEMABOT_API_URL`` and ``THEMABOT_FILE_URL`` (both printed at start)
and play its users through the ``/_standin/...`` control API. ``--latency 0.05`` makes every
call take 50 ms longer; ``--cap 30`` answers 429 above 30 messages a second, as Telegram does.
``--fail-500 0.1 --fail-429 0.05`` answers that share of the sends with Telegram's errors
(seeded by ``--fault-seed``). ``--port 0`` picks a free port (the first line printed names it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from devtools.standin.api import DEFAULT_BOT_USERNAME, FakeBotAPI
from devtools.standin.httpserver import file_base_url, serve_http


async def _serve_forever(api: FakeBotAPI, host: str, port: int) -> None:
    runner, base_url = await serve_http(api, host, port)
    print(f"Bot API stand-in on {base_url}  (file URL {file_base_url(base_url)})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def build_parser() -> argparse.ArgumentParser:
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
    add_fault_arguments(parser)
    return parser


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """The random failure injection flags (see :meth:`FakeBotAPI.fail_randomly`)."""
    parser.add_argument(
        "--fail-500", type=float, default=0.0, metavar="SHARE", help="share of sends answered 500"
    )
    parser.add_argument(
        "--fail-429", type=float, default=0.0, metavar="SHARE", help="share of sends answered 429"
    )
    parser.add_argument("--retry-after", type=int, default=1, help="seconds a 429 asks to wait")
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the failures")


def api_from(args: argparse.Namespace) -> FakeBotAPI:
    """The stand-in the parsed arguments describe."""
    api = FakeBotAPI(username=args.username, latency=args.latency, cap=args.cap)
    if args.fail_500 or args.fail_429:
        api.fail_randomly(
            args.fail_500, args.fail_429, seed=args.fault_seed, retry_after=args.retry_after
        )
    return api


def main(argv: list[str] | None = None) -> None:
    """Runs the stand-in until interrupted: ``python -m devtools.standin --port 8081``."""
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(api_from(args), args.host, args.port))


if __name__ == "__main__":
    main()
