"""The `themabot` command line: run the bot, create rounds and invites, progress and reports."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings, SettingsError, load_settings, require_token
from conversations.template import ReminderPolicy, Template, TemplateError, load_template

log = logging.getLogger("themabot")


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-31") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="themabot",
        description="Collect theme input from colleagues in Telegram and compile an overview.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="run the bot (long polling)")

    rounds = sub.add_parser("round", help="manage rounds").add_subparsers(
        dest="round_command", required=True, metavar="ACTION"
    )
    create = rounds.add_parser("create", help="create a round from a template")
    create.add_argument("--name", required=True, help="name of the round")
    create.add_argument(
        "--template", default="ivp", help="template file (.toml) or built-in key (default: ivp)"
    )
    create.add_argument("--deadline", type=_date, help="last day to answer, YYYY-MM-DD")
    create.add_argument("--no-reminders", action="store_true", help="switch reminders off")
    create.add_argument("--reminder-hour", type=int, help="local hour reminders go out (7-18)")
    create.add_argument("--json", action="store_true", help="print JSON")
    listing = rounds.add_parser("list", help="list rounds")
    listing.add_argument("--json", action="store_true", help="print JSON")

    invite = sub.add_parser("invite", help="invite a colleague (or a coordinator) to a round")
    invite.add_argument("--round", type=int, required=True, help="round id")
    invite.add_argument("--name", required=True, help="the colleague's name")
    invite.add_argument(
        "--theme",
        action="extend",
        nargs="+",
        default=[],
        metavar="KEY",
        help="theme key(s); repeat or list several. None: the colleague picks",
    )
    invite.add_argument("--coordinator", action="store_true", help="invite a coordinator")
    invite.add_argument("--json", action="store_true", help="print JSON")

    withdraw = sub.add_parser(
        "withdraw", help="take a colleague out of a round, or withdraw an unopened invite"
    )
    withdraw.add_argument("--round", type=int, required=True, help="round id")
    withdraw.add_argument("--name", required=True, help="the colleague's name as invited")
    withdraw.add_argument("--json", action="store_true", help="print JSON")

    progress = sub.add_parser("progress", help="show a round's progress")
    progress.add_argument("--round", type=int, required=True, help="round id")
    progress.add_argument("--json", action="store_true", help="print JSON")

    report = sub.add_parser("report", help="write the compiled overview to a file")
    report.add_argument("--round", type=int, required=True, help="round id")
    # Not read from reports.render: that would load every renderer for any command.
    # tests/test_cli.py checks that this help names every format and the default.
    report.add_argument("--format", help="html (the default), docx, md, xlsx or csv")
    report.add_argument("--output", required=True, type=Path, help="file to write")
    report.add_argument("--json", action="store_true", help="print JSON")

    template = sub.add_parser("template", help="work with template files").add_subparsers(
        dest="template_command", required=True, metavar="ACTION"
    )
    check = template.add_parser("check", help="validate a template file")
    check.add_argument("file", help="template file (.toml) or built-in key")
    check.add_argument("--json", action="store_true", help="print JSON")

    demo = sub.add_parser("demo", help="run an offline demo against a local Bot API stand-in")
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="output folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs a command; user errors print one line and return 2, never a traceback."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = load_settings()
        if args.command == "run":
            return run(settings)
        if args.command == "demo":
            return offline_demo(args.output)
        if args.command == "template":
            return template_check(args)
        return asyncio.run(_dispatch(settings, args))
    except (SettingsError, TemplateError, CliError) as exc:
        print(f"themabot: {exc}", file=sys.stderr)
        return 2


def offline_demo(output: Path) -> int:
    """Runs the offline demo, which ships with the developer tools rather than the bot."""
    try:
        from devtools.demo import run_demo
    except ModuleNotFoundError as missing:
        # Anything else missing is a broken installation, not a missing extra: show it.
        if (missing.name or "").partition(".")[0] != "devtools":
            raise
        raise CliError(
            "the demo is part of the developer tools, which are not installed here: "
            "run `make demo` from a checkout, or `pip install -e ./devtools` there"
        ) from None
    return asyncio.run(run_demo(output))


def run(settings: Settings) -> int:
    """Runs the bot until interrupted; updates sent while it was down are handled, not dropped."""
    require_token(settings)
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.polling import serve

    try:
        asyncio.run(serve(build_application(settings)))
    except InvalidToken as exc:
        raise CliError(
            f"THEMABOT_TOKEN was refused by the Bot API ({exc}); check the token"
        ) from None
    except NetworkError as exc:
        raise CliError(f"cannot reach the Bot API at {settings.api_url} ({exc})") from None
    return 0


def template_check(args: argparse.Namespace) -> int:
    template = load_template(args.file)
    questions = sum(len(template.questions_for(t.key)) for t in template.themes)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": True,
                    "key": template.key,
                    "themes": len(template.themes),
                    "questions": questions,
                }
            )
        )
    else:
        counts = sorted({len(template.questions_for(t.key)) for t in template.themes})
        per_theme = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
        print(
            f"{args.file}: ok — {template.title}: {len(template.themes)} themes, "
            f"{per_theme} question{'' if counts == [1] else 's'} per theme"
        )
    return 0


async def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    from storage import open_store

    store = await open_store(settings.db)
    try:
        if args.command == "round":
            if args.round_command == "create":
                return await round_create(store, args)
            return await round_list(store, args)
        if args.command == "invite":
            return await invite(store, args)
        if args.command == "withdraw":
            return await withdraw(store, args)
        if args.command == "progress":
            return await progress(store, settings, args)
        if args.command == "report":
            return await report(store, settings, args)
    finally:
        await store.close()
    raise CliError(f"unknown command {args.command}")  # pragma: no cover - argparse guards


def _now() -> datetime:
    return datetime.now(UTC)


def _name(text: str, what: str) -> str:
    """Returns the cleaned --name, or raises a one-line CliError when it is empty or too long."""
    from conversations.answers import MAX_NAME_CHARS, clean_name

    name = clean_name(text)
    if not name:
        raise CliError(f"--name must name the {what}; it is empty")
    if len(name) > MAX_NAME_CHARS:
        raise CliError(
            f"--name is {len(name)} characters; a {what}'s name has at most {MAX_NAME_CHARS}"
        )
    return name


async def round_create(store, args: argparse.Namespace) -> int:
    name = _name(args.name, "round")
    template = load_template(args.template)
    if args.reminder_hour is not None:
        template = _with_reminder_hour(template, args.reminder_hour)
    async with store.write() as tx:
        round_ = await tx.create_round(
            name, template, args.deadline, _now(), reminders_enabled=not args.no_reminders
        )
    themes = [{"key": t.key, "title": t.title} for t in template.themes]
    if args.json:
        print(
            json.dumps(
                {
                    "round": round_.id,
                    "name": round_.name,
                    "template": template.key,
                    "deadline": args.deadline.isoformat() if args.deadline else None,
                    "themes": themes,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"Round {round_.id} created: {round_.name} ({template.title})")
        for t in themes:
            print(f"  {t['key']:<20} {t['title']}")
        print(f"Invite colleagues: themabot invite --round {round_.id} --name NAME --theme KEY")
    return 0


def _with_reminder_hour(template: Template, hour: int) -> Template:
    """Returns the template with reminders at ``hour``; a CliError if a template may not say so."""
    try:
        policy = ReminderPolicy.model_validate({**template.reminders.model_dump(), "hour": hour})
    except ValidationError as exc:
        raise CliError(f"--reminder-hour {hour}: {exc.errors()[0]['msg']}") from None
    return template.model_copy(update={"reminders": policy})


async def round_list(store, args: argparse.Namespace) -> int:
    async with store.read() as tx:
        rounds = await tx.list_rounds()
    rows = [
        {
            "round": r.id,
            "name": r.name,
            "template": r.template.key,
            "deadline": r.deadline.isoformat() if r.deadline else None,
        }
        for r in rounds
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for r in rows:
            print(
                f"{r['round']:>4}  {r['name']}  ({r['template']}, deadline {r['deadline'] or '-'})"
            )
    return 0


async def invite(store, args: argparse.Namespace) -> int:
    from bot.links import deep_link

    name = _name(args.name, "coordinator" if args.coordinator else "colleague")
    async with store.write() as tx:
        round_ = await tx.get_round(args.round)
        if round_ is None:
            raise CliError(f"no round {args.round} (see `themabot round list`)")
        found = {typed: round_.template.theme_key(typed) for typed in args.theme}
        unknown = [typed for typed, key in found.items() if key is None]
        if unknown:
            known = ", ".join(t.key for t in round_.template.themes)
            raise CliError(f"unknown theme {', '.join(unknown)} (themes: {known})")
        # In template order, so "Thema 1/3" means the same to everyone.
        keys = round_.template.in_order(found.values())
        _, token = await tx.create_invite(
            round_.id, name, keys, _now(), coordinator=args.coordinator
        )
        username = await tx.get_meta("bot_username")
    link = deep_link(username, token)
    if args.json:
        data = {
            "token": token,
            "round": round_.id,
            "name": name,
            "themes": keys,
            "coordinator": args.coordinator,
        }
        if link:
            data["link"] = link
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"Invite for {name} in round {round_.id} ({', '.join(keys) or 'themes of choice'})")
        print(
            link
            or f"Token: {token}  (send /start {token} to the bot; the link appears once "
            "the bot has run and knows its username)"
        )
    return 0


async def withdraw(store, args: argparse.Namespace) -> int:
    async with store.write() as tx:
        if await tx.get_round(args.round) is None:
            raise CliError(f"no round {args.round} (see `themabot round list`)")
        matches = await tx.withdraw(args.round, args.name, _now())
    if not matches:
        raise CliError(f"nobody called {args.name!r} in round {args.round}")
    if len(matches) > 1:
        raise CliError(f"{len(matches)} people are called {args.name!r}; nothing changed")
    if args.json:
        print(json.dumps({"round": args.round, "withdrawn": matches[0]}, ensure_ascii=False))
    else:
        print(f"{matches[0]} no longer takes part in round {args.round}")
    return 0


async def _snapshot(store, round_id: int):
    async with store.read() as tx:
        snapshot = await tx.snapshot(round_id)
    if snapshot is None:
        raise CliError(f"no round {round_id} (see `themabot round list`)")
    return snapshot


async def progress(store, settings: Settings, args: argparse.Namespace) -> int:
    from bot.coordination import progress_text
    from conversations.texts import catalogue, plain
    from reports.progress import round_progress

    result = round_progress(await _snapshot(store, args.round))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(plain(progress_text(result, catalogue(settings.language))))
    return 0


async def report(store, settings: Settings, args: argparse.Namespace) -> int:
    from reports.overview import build_overview
    from reports.render import DEFAULT_FORMAT, UnknownFormatError, render

    fmt = args.format or DEFAULT_FORMAT
    overview = build_overview(await _snapshot(store, args.round), _now().astimezone(settings.zone))
    try:
        data = render(overview, fmt)
    except UnknownFormatError as exc:
        raise CliError(str(exc)) from None
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    if args.json:
        print(
            json.dumps(
                {
                    "round": args.round,
                    "format": fmt,
                    "output": str(args.output),
                    "bytes": len(data),
                }
            )
        )
    else:
        print(f"Wrote {args.output} ({len(data):,} bytes)")
    return 0
