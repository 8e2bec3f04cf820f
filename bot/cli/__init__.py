"""The `themabot` command line (also `python -m bot`), one module per group of commands:

- :mod:`bot.cli.rounds`: ``round create | list | update``;
- :mod:`bot.cli.privacy`: ``round close``, ``purge``, ``audit``;
- :mod:`bot.cli.invites`: ``invite``, ``assign``, ``withdraw``; :mod:`bot.cli.bulk`:
  ``invite --from FILE``;
- :mod:`bot.cli.follow`: ``progress``, ``report``;
- :mod:`bot.cli.system`: ``run``, ``template check``, ``demo``;
- :mod:`bot.cli.backup`: ``backup FILE``, ``backup --check FILE``;
- :mod:`bot.cli.common`: the console, errors, names, dates and files they share.

It speaks THEMABOT_LANGUAGE and logs nothing unless ``--verbose``. What the command line
starts that colleagues must hear of (a moved deadline, more themes) is queued in the database
and sent by the running bot: one sender, one pace.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from bot.cli import backup, common, follow, invites, privacy, rounds, system
from bot.cli.arguments import ArgumentsError, explain, parser_class
from bot.cli.arguments import Parser as BaseParser
from bot.cli.common import PROGRAM, CliError, Console, command_name, stderr
from bot.settings import Settings, SettingsError, load_settings
from conversations.template import TemplateError
from conversations.texts import DEFAULT_LANGUAGE, Catalogue, catalogue

log = logging.getLogger("themabot")


def build_parser(prog: str = PROGRAM, t: Catalogue | None = None) -> argparse.ArgumentParser:
    """Returns the parser of every command; ``--verbose`` works before or after a command.

    With ``t`` the help is shown in its language; without it, as the modules write it.
    """
    Parser = parser_class(t) if t is not None else BaseParser
    common = Parser(add_help=False)
    common.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,  # a subcommand must not reset what was given before it
        help="show log lines (what the database and the Bot API do)",
    )
    parser = Parser(
        prog=prog,
        parents=[common],
        description="Collect theme input from colleagues in Telegram and compile an overview.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    system.add_parsers(sub, common)
    rounds.add_parsers(sub, common)
    invites.add_parsers(sub, common)
    follow.add_parsers(sub, common)
    privacy.add_parsers(sub, common)
    backup.add_parsers(sub, common)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Runs a command; user errors print one line and return 2, never a traceback.

    ``prog`` is how the user started themabot, for hints (default: from ``sys.argv[0]``);
    ``clock`` replaces the wall clock (tests).
    """
    prog = prog or command_name(sys.argv[0], sys.executable, Path.cwd())
    given = sys.argv[1:] if argv is None else list(argv)
    # The settings first, for the language of the help and of a mistake in the arguments; a
    # setting that cannot be read is told once the arguments are read (`--help` still works).
    try:
        loaded: Settings | SettingsError = load_settings()
    except SettingsError as exc:
        loaded = exc
    t = catalogue(loaded.language if isinstance(loaded, Settings) else DEFAULT_LANGUAGE)
    try:
        args, unknown = build_parser(prog, t).parse_known_args(given)
        if unknown:  # told with the help of the command they were given to, not themabot's
            typed = [args.command, getattr(args, "round_command", None)]
            typed.append(getattr(args, "template_command", None))
            where = " ".join([prog, *filter(None, typed)])
            raise ArgumentsError(where, f"unrecognized arguments: {' '.join(unknown)}")
    except ArgumentsError as exc:
        return _refuse_arguments(exc, given, t)
    verbose = getattr(args, "verbose", False)
    console: Console | None = None
    with _logging(args.command, verbose):
        try:
            if isinstance(loaded, SettingsError):
                raise loaded
            console = Console(loaded, prog, as_json=getattr(args, "json", False))
            if clock is not None:
                console.clock = clock
            code = _run(console, args)
            sys.stdout.flush()  # here, where a reader that went away is handled, not at exit
            return code
        except (SettingsError, TemplateError) as exc:
            stderr(f"{PROGRAM}: {exc}")
            return 2
        except CliError as exc:
            if console is not None:
                # With --json, a script reads every refusal on stdout too, in one shape.
                console.json(exc.data if exc.data is not None else {"ok": False, "error": str(exc)})
            stderr(f"{PROGRAM}: {exc}")
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            # The reader went away (`themabot progress | head`): what it wanted it has.
            # Python's docs' recipe: point stdout at /dev/null so the flush at exit is quiet.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        except Exception as exc:
            if verbose:
                raise
            log.debug("unexpected error", exc_info=True)
            detail = f"{type(exc).__name__}: {exc}"
            text = console.text("unexpected", detail=detail) if console else detail
            stderr(f"{PROGRAM}: {text}")
            return 1


def entry() -> NoReturn:
    """The console script (and ``python -m bot``): runs ``main``, then leaves at once.

    By the time ``main`` returns every file is written and closed and the bot has stopped.
    What is left is Python's own shutdown: freeing a large round's objects one by one and a
    last cycle collection, 0.15-0.25 s of a 1.5 s ``report`` on 1,000 colleagues, measured.
    The operating system frees a process's memory at once.
    """
    common.leaving_at_once = True
    code = main()
    with contextlib.suppress(OSError, ValueError):  # a reader that went away, a closed stream
        sys.stdout.flush()
        sys.stderr.flush()
    logging.shutdown()  # the bot's log file gets its last lines
    os._exit(code)


@contextlib.contextmanager
def _logging(command: str, verbose: bool) -> Iterator[None]:
    """The running bot logs what it does; every other command only with --verbose.

    Set for the command's duration and put back after, so that running ``main`` in-process
    (tests, the demo) leaves the caller's logging as it was.
    """
    quiet = command not in ("run", "demo")
    level = logging.DEBUG if verbose else logging.CRITICAL if quiet else logging.INFO
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    noisy = [logging.getLogger(n) for n in ("httpx", "httpcore", "telegram", "aiosqlite")]
    before = root.level, [n.level for n in noisy]
    root.addHandler(handler)
    root.setLevel(level)
    for logger in noisy:
        logger.setLevel(max(level, logging.INFO if verbose else logging.WARNING))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(before[0])
        for logger, old in zip(noisy, before[1], strict=True):
            logger.setLevel(old)


def _refuse_arguments(error: ArgumentsError, argv: Sequence[str], t: Catalogue) -> int:
    """One line (and the JSON refusal with --json) for arguments argparse could not read."""
    text = explain(error, t)
    if "--json" in argv:
        print(json.dumps({"ok": False, "error": text}, ensure_ascii=False))
    stderr(f"{PROGRAM}: {text}")
    return 2


def _run(console: Console, args: argparse.Namespace) -> int:
    if args.command == "run":
        return system.run(console)
    if args.command == "demo":
        return system.demo(console, args)
    if args.command == "template":
        return system.template_check(console, args)
    if args.command == "backup":  # opens the store itself: it must not create a database
        return asyncio.run(backup.run(console, args))
    creates = args.command == "round" and args.round_command == "create"
    if not creates and not Path(console.settings.db).exists():
        # Opening would create an empty database: a mistyped THEMABOT_DB must not look like
        # "there is no round 1".
        raise CliError(console.text("db_missing", db=console.settings.db))
    return asyncio.run(_with_store(console, args))


async def _with_store(console: Console, args: argparse.Namespace) -> int:
    from storage import open_store
    from storage.contract import StoreUnavailable

    try:
        store = await open_store(console.settings.db)
    except (sqlite3.Error, StoreUnavailable, OSError) as exc:
        detail = str(exc)
        raise CliError(
            console.text("db_unavailable", db=console.settings.db, detail=detail)
        ) from None
    try:
        if args.command == "round":
            return await rounds.run(console, store, args)
        if args.command == "invite":
            return await invites.invite(console, store, args)
        if args.command == "assign":
            return await invites.assign(console, store, args)
        if args.command == "withdraw":
            return await invites.withdraw(console, store, args)
        if args.command == "progress":
            return await follow.progress(console, store, args)
        if args.command == "report":
            return await follow.report(console, store, args)
        if args.command == "purge":
            return await privacy.purge(console, store, args)
        if args.command == "audit":
            return await privacy.audit(console, store, args)
    except StoreUnavailable as exc:
        detail = str(exc)
        raise CliError(
            console.text("db_unavailable", db=console.settings.db, detail=detail)
        ) from None
    finally:
        await store.close()
    raise CliError(f"unknown command {args.command}")  # pragma: no cover - argparse guards


__all__ = ["CliError", "Settings", "build_parser", "main"]
