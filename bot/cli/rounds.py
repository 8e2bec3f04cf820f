"""`themabot round create | list | update`: a round, its deadline and its reminder plan."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from bot.cli.common import (
    Console,
    check_deadline,
    checked_name,
    day_option,
    operator,
    the_round,
)
from conversations.template import load_template
from storage import Store
from storage.records import Round

MAX_RETENTION_DAYS = 3650  # as a template's [privacy] retention_days allows


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `round create`, `round list` and `round update`."""
    rounds = sub.add_parser("round", help="create, list and change rounds", parents=[common])
    actions = rounds.add_subparsers(dest="round_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a round from a template", parents=[common])
    create.add_argument("--name", required=True, help="name of the round")
    create.add_argument(
        "--template", default="ivp", help="template file (.toml) or built-in key (default: ivp)"
    )
    create.add_argument(
        "--deadline", help="last day to answer, YYYY-MM-DD (or DD-MM-YYYY); not in the past"
    )
    create.add_argument("--no-reminders", action="store_true", help="switch reminders off")
    create.add_argument("--reminder-hour", type=int, help="local hour reminders go out (7-18)")
    create.add_argument(
        "--retention-days",
        metavar="N|off",
        help="purge the round N days after it is closed (default: the template's, else off)",
    )
    create.add_argument("--json", action="store_true", help="print JSON")

    listing = actions.add_parser("list", help="list rounds", parents=[common])
    listing.add_argument("--json", action="store_true", help="print JSON")

    update = actions.add_parser(
        "update",
        help="change a running round: deadline, name, reminders",
        parents=[common],
        description="A moved deadline is announced once to colleagues with open questions "
        "(queued: the running bot sends it within working hours); reminders follow it.",
    )
    update.add_argument("--round", type=int, required=True, help="round id")
    update.add_argument("--deadline", help="new last day to answer, YYYY-MM-DD; not in the past")
    update.add_argument("--name", help="new name of the round")
    update.add_argument(
        "--reminders", choices=("on", "off"), help="switch scheduled reminders on or off"
    )
    update.add_argument("--reminder-hour", type=int, help="local hour reminders go out (7-18)")
    update.add_argument(
        "--retention-days",
        metavar="N|off",
        help="purge the round N days after it is closed (the running bot does); off: by hand",
    )
    update.add_argument("--json", action="store_true", help="print JSON")

    from bot.cli import privacy

    privacy.add_close_parser(actions, common)


async def run(console: Console, store: Store, args: argparse.Namespace) -> int:
    if args.round_command == "close":
        from bot.cli import privacy

        return await privacy.close(console, store, args)
    if args.round_command == "create":
        return await create(console, store, args)
    if args.round_command == "update":
        return await update(console, store, args)
    return await listing(console, store)


def _deadline(console: Console, typed: str | None) -> date | None:
    if typed is None:
        return None
    deadline = day_option(console, "--deadline", typed)
    check_deadline(console, "--deadline", deadline, console.now())
    return deadline


async def create(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Creates a round; repeats its deadline and reminder plan, and names the next step."""
    from bot.round_changes import PolicyError, reminder_policy

    name = checked_name(console, args.name, "what_round")
    deadline = _deadline(console, args.deadline)
    template = load_template(args.template)
    retention = retention_option(console, args.retention_days)
    if args.reminder_hour is not None:
        probe = Round(0, name, template, deadline, console.now())
        try:
            policy = reminder_policy(probe, enabled=None, hour=args.reminder_hour)
        except PolicyError as exc:
            console.fail("reminder_hour_bad", hour=args.reminder_hour, reason=str(exc))
        template = template.model_copy(update={"reminders": policy})
    async with store.write() as tx:
        round_ = await tx.create_round(
            name, template, deadline, console.now(), reminders_enabled=not args.no_reminders
        )
        if retention is not None and retention.days != round_.retention_days:
            await tx.set_retention(round_.id, retention.days)
            round_ = replace(round_, retention_days=retention.days)
    themes = [{"key": t.key, "title": t.title} for t in template.themes]
    console.json({**describe(round_), "themes": themes})
    console.say("round_created", round=round_.id, name=round_.name, template=template.title)
    width = max(len(t["key"]) for t in themes) + 2
    for theme in themes:
        console.line(f"  {theme['key']:<{width}}{theme['title']}")
    console.line("")
    say_plan(console, round_)
    console.line("")
    console.say("round_next", round=round_.id, key=themes[0]["key"])
    return 0


def describe(round_: Round) -> dict[str, Any]:
    """A round as the JSON of `round create`, `round list` and `round update` shows it."""
    policy = round_.template.reminders
    return {
        "round": round_.id,
        "name": round_.name,
        "template": round_.template.key,
        "deadline": round_.deadline.isoformat() if round_.deadline else None,
        "reminders": round_.reminders_enabled and policy.enabled and not round_.closed,
        "reminder_hour": policy.hour,
        "retention_days": round_.retention_days,
        "closed": round_.closed_at.isoformat() if round_.closed_at else None,
        "purged": round_.purged_at.isoformat() if round_.purged_at else None,
    }


def say_plan(console: Console, round_: Round) -> None:
    """Prints the deadline, when reminders go out and how long the round is kept, in words;
    for a closed round that it is closed, and how long it is kept."""
    if round_.closed_at is not None:
        closed = round_.closed_at.astimezone(console.settings.zone).date()
        console.say("plan_closed", round=round_.id, date=console.date(closed))
        _say_kept(console, round_)
        return
    if round_.deadline is None:
        console.say("plan_no_deadline", round=round_.id)
    else:
        console.say("plan_deadline", deadline=console.date(round_.deadline))
    _say_kept(console, round_)
    policy = round_.template.reminders
    if not (round_.reminders_enabled and policy.enabled):
        console.say("plan_reminders_off", round=round_.id)
        return
    parts = [console.text("plan_first", count=policy.first_after_days)]
    if policy.weekday is not None:
        parts.append(console.text("plan_weekly", weekday=console.t.weekday(policy.weekday)))
    before = sorted({n for n in policy.before_deadline_days if n >= 1}, reverse=True)
    if before and round_.deadline is not None:
        days = [str(n) for n in before]
        joined = f" {console.text('and')} ".join(
            [", ".join(days[:-1]), days[-1]] if days[:-1] else days
        )
        # "1 werkdag", but "3 en 1 werkdagen": the plural follows the largest number.
        parts.append(console.text("plan_before", days=joined, count=max(before)))
    console.say("plan_reminders", hour=policy.hour, plan=", ".join(parts))


def _say_kept(console: Console, round_: Round) -> None:
    if round_.retention_days is None:
        console.say("plan_keep_by_hand", round=round_.id)
    else:
        console.say("plan_keep_days", count=round_.retention_days)


async def listing(console: Console, store: Store) -> int:
    """Lists the rounds with their deadline and reminders."""
    async with store.read() as tx:
        rounds = await tx.list_rounds()
    console.json([describe(r) for r in rounds])
    if not rounds:
        console.say("round_list_empty")
    for r in rounds:
        reminders = describe(r)["reminders"]
        console.say(
            "round_list_line",
            round=f"{r.id:>4}",
            name=r.name,
            template=r.template.key,
            deadline=console.date(r.deadline),
            reminders=console.text("on" if reminders else "off"),
        )
    return 0


async def update(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Changes a running round; a moved deadline is announced, reminders follow it."""
    from bot.closing import set_retention
    from bot.reminders.run import working_calendar
    from bot.round_changes import PolicyError, change_reminders, move_deadline

    changes = (args.deadline, args.name, args.reminders, args.reminder_hour, args.retention_days)
    if all(change is None for change in changes):
        console.fail("update_nothing", round=args.round)
    name = checked_name(console, args.name, "what_round") if args.name is not None else None
    deadline = _deadline(console, args.deadline)
    enabled = None if args.reminders is None else args.reminders == "on"
    retention = retention_option(console, args.retention_days)
    moment = console.now()
    told = 0
    async with store.write() as tx:
        before = await the_round(console, tx, args.round)
        if before.purged_at is not None:
            console.fail("round_purged_refused", round=before.id)
        if before.closed and (deadline, enabled, args.reminder_hour) != (None, None, None):
            console.fail("round_closed_refused", round=before.id)
        if name is not None and name != before.name:
            await tx.rename_round(before.id, name)
        if retention is not None:
            await set_retention(tx, before, retention.days, moment, operator())
        if deadline is not None:
            calendar = working_calendar(console.settings.timezone)
            told = await move_deadline(tx, before, deadline, moment, calendar)
        if enabled is not None or args.reminder_hour is not None:
            try:
                await change_reminders(tx, before, enabled=enabled, hour=args.reminder_hour)
            except PolicyError as exc:
                console.fail("reminder_hour_bad", hour=args.reminder_hour, reason=str(exc))
        after = await the_round(console, tx, args.round)
    console.json({**describe(after), "announced": told})
    if name is not None:
        console.say("update_name", round=after.id, name=after.name)
    if deadline is not None:
        if before.deadline == deadline:
            console.say("update_deadline_same", deadline=console.date(deadline))
        else:
            console.say(
                "update_deadline",
                round=after.id,
                old=console.date(before.deadline),
                new=console.date(deadline),
            )
            console.say("update_told", count=told)
    if retention is not None:
        if retention.days is None:
            console.say("update_retention_off", round=after.id)
        else:
            console.say("update_retention", round=after.id, count=retention.days)
    plan = (deadline, enabled, args.reminder_hour, retention)
    if any(change is not None for change in plan):
        say_plan(console, after)
    return 0


class Retention(Struct, frozen=True):
    """A --retention-days as typed: a number of days, or None for "off" (by hand only)."""

    days: int | None


def retention_option(console: Console, typed: str | None) -> Retention | None:
    """Reads --retention-days (N, or off); None when it was not given."""
    if typed is None:
        return None
    word = typed.strip().lower()
    if word in ("off", "uit", "none", "geen"):
        return Retention(None)
    if not word.isdigit() or int(word) > MAX_RETENTION_DAYS:
        console.fail("retention_bad", typed=typed, limit=MAX_RETENTION_DAYS)
    return Retention(int(word))


__all__ = ["add_parsers", "describe", "run", "say_plan"]
