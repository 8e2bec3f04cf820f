"""`themabot round close | purge | audit`: ending a round, erasing its personal data, and the
record of what was done to it.

Closing and purging cannot be undone: on a terminal they ask first (``--yes`` skips the
question); anywhere else they need ``--yes``. A close queues its message to colleagues for
the running bot; a purge erases in one transaction and then scrubs the database file and its
write-ahead log, also while the bot runs (storage: ``Store.purge``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from bot.cli.common import Console, operator, the_round
from storage import Store
from storage.records import AuditEntry, PurgeOutcome


def add_close_parser(actions: Any, common: argparse.ArgumentParser) -> None:
    """Adds `round close` (beside `round create | list | update`)."""
    close = actions.add_parser(
        "close",
        help="close a round: no more answers or edits, invites and reminders stop",
        parents=[common],
        description="Colleagues with open questions are told once (queued: the running bot "
        "sends it within working hours). Asks first on a terminal; --yes skips the question.",
    )
    close.add_argument("--round", type=int, required=True, help="round id")
    close.add_argument("--yes", action="store_true", help="close without asking")
    close.add_argument("--json", action="store_true", help="print JSON")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `purge` and `audit`."""
    purge = sub.add_parser(
        "purge",
        help="erase a closed round's names, Telegram ids and answers (counts stay)",
        parents=[common],
        description="Only a closed round is purged. What stays: the round, its template, per "
        "theme and question how many answered, and how many took part. Asks first on a "
        "terminal; --yes skips the question.",
    )
    purge.add_argument("--round", type=int, required=True, help="round id")
    purge.add_argument("--yes", action="store_true", help="purge without asking")
    purge.add_argument("--json", action="store_true", help="print JSON")

    audit = sub.add_parser(
        "audit",
        help="list who withdrew, closed or purged what in a round, and when",
        parents=[common],
    )
    audit.add_argument("--round", type=int, required=True, help="round id")
    audit.add_argument("--json", action="store_true", help="print JSON")


def confirmed(console: Console, args: argparse.Namespace, key: str, **params: object) -> bool:
    """Asks the question ``key`` on a terminal (on stderr: stdout may carry JSON); True for
    yes. Without a terminal, only ``--yes`` goes ahead."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        action = " ".join(filter(None, (args.command, getattr(args, "round_command", None))))
        console.fail("needs_yes", command=action)  # "round close", not just "round"
    print(console.text(key, **params), end=" ", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().casefold()
    if answer[:1] in ("j", "y"):
        return True
    console.say("nothing_done")
    return False


async def close(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Closes a round; colleagues with open questions are told once, by the running bot."""
    from bot.cli.rounds import describe, say_plan
    from bot.closing import close_round, open_colleagues
    from bot.reminders.run import working_calendar

    async with store.read() as tx:
        round_ = await the_round(console, tx, args.round)
        waiting = 0 if round_.closed else len(await open_colleagues(tx, round_))
    if round_.closed_at is None:
        if not confirmed(
            console, args, "close_prompt", round=round_.id, name=round_.name, count=waiting
        ):
            return 1
        calendar = working_calendar(console.settings.timezone)
        async with store.write() as tx:
            again = await the_round(console, tx, args.round)
            told = await close_round(
                tx, again, console.now(), calendar, operator(), console.settings.timezone
            )
            after = await the_round(console, tx, args.round)
    else:
        told, after = None, round_
    console.json({**describe(after), "told": told or 0, "already": told is None})
    if told is None:
        assert after.closed_at is not None
        console.say("close_already", round=after.id, date=_local(console, after.closed_at))
        return 0
    console.say("close_done", round=after.id, name=after.name)
    console.say("update_told", count=told)
    say_plan(console, after)
    return 0


async def purge(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Erases a closed round's personal data; counts per theme and question stay."""
    async with store.read() as tx:
        round_ = await the_round(console, tx, args.round)
        participants = await tx.participants(round_.id)
        invites = len(await tx.invites(round_.id))
    if round_.purged_at is not None:
        scrubbed = await store.scrub()  # once more: a reader may have kept the last one back
        console.json(
            {"round": round_.id, "purged": round_.purged_at, "scrubbed": scrubbed, "already": True}
        )
        console.say("purge_already", round=round_.id, date=_local(console, round_.purged_at))
        console.say("purge_scrubbed" if scrubbed else "purge_not_scrubbed", round=round_.id)
        return 0
    if not round_.closed:
        console.fail("purge_not_closed", round=round_.id)
    # Their names go too, but the reports no longer count them: say so, or 22 here reads
    # as a mistake next to a report's 21.
    gone = sum(1 for p in participants if p.withdrawn)
    withdrawn = console.text("purge_withdrawn", count=gone) if gone else ""
    if not confirmed(
        console,
        args,
        "purge_prompt",
        round=round_.id,
        name=round_.name,
        colleagues=len(participants),
        withdrawn=withdrawn,
        invites=invites,
    ):
        return 1
    result = await store.purge(round_.id, console.now(), operator())
    if result.outcome is PurgeOutcome.NOT_CLOSED:  # reopened meanwhile: cannot happen today
        console.fail("purge_not_closed", round=round_.id)
    console.json(
        {
            "round": round_.id,
            "purged": result.done,
            "colleagues": result.colleagues,
            "invites": result.invites,
            "answers": result.answers,
            "scrubbed": result.scrubbed,
            "already": result.outcome is PurgeOutcome.ALREADY,
        }
    )
    console.say(
        "purge_done",
        round=round_.id,
        colleagues=result.colleagues,
        withdrawn=withdrawn,
        invites=result.invites,
        answers=result.answers,
    )
    console.say("purge_scrubbed" if result.scrubbed else "purge_not_scrubbed", round=round_.id)
    console.say("purge_backups")
    return 0


async def audit(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Lists what was withdrawn, closed and purged in a round: who, when, what."""
    async with store.read() as tx:
        round_ = await the_round(console, tx, args.round)
        entries = await tx.audit_trail(round_.id)
    console.json({"round": round_.id, "entries": [_entry_json(e) for e in entries]})
    if not entries:
        console.say("audit_empty", round=round_.id)
    for entry in entries:
        console.line(f"{_local(console, entry.at)}  {who(console, entry)}: {what(console, entry)}")
    return 0


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "action": entry.action.value,
        "role": entry.actor.role.value,
        "user_id": entry.actor.user_id,
        "by": entry.actor.name,
        "subject": entry.subject_name,
        "invite": entry.subject_invite,
        "detail": dict(entry.detail),
    }


def who(console: Console, entry: AuditEntry) -> str:
    """Who acted, in words: their role, and their name and Telegram id until a purge."""
    actor = entry.actor
    role = console.text(f"role_{actor.role.value}")
    if actor.name and actor.user_id is not None:
        return console.text("actor_telegram", role=role, name=actor.name, id=actor.user_id)
    return f"{role} {actor.name}" if actor.name else role


def what(console: Console, entry: AuditEntry) -> str:
    """What was done, in words, with the numbers the entry kept."""
    numbers = dict(entry.detail)
    subject = entry.subject_name or console.text("audit_erased_name")
    if entry.subject_invite is not None:
        subject += f" (#{entry.subject_invite})"
    key = f"audit_{entry.action.value}"
    if key == "audit_retention" and "days" not in numbers:
        key = "audit_retention_off"
    return console.text(
        key,
        subject=subject,
        answers=numbers.get("answers", 0),
        told=numbers.get("told", 0),
        colleagues=numbers.get("colleagues", 0),
        invites=numbers.get("invites", 0),
        days=numbers.get("days", 0),
    )


def _local(console: Console, moment: datetime) -> str:
    return moment.astimezone(console.settings.zone).strftime("%Y-%m-%d %H:%M")
