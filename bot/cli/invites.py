"""`themabot invite | assign | withdraw`: who has a place in a round, one person at a time.

One person, one place: `invite` refuses a name already in the round and says what to do
instead; `assign` gives a colleague in the round more themes; `withdraw` takes one out. Where
two names clash, the invite id `progress` shows (#12) picks one.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from bot.cli.common import Console, checked_name, open_round, operator, quoted, the_round
from bot.cli.links import BotName, bot_name
from storage import Store
from storage.records import RosterEntry, Round


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `invite`, `assign` and `withdraw`."""
    invite = sub.add_parser(
        "invite",
        help="invite a colleague (or a coordinator), or everyone on a list",
        parents=[common],
        description="One name: --name NAME [--theme KEY ...] [--coordinator]. A list: --from "
        "FILE.csv|FILE.xlsx (columns naam/name, thema's/themes, optionally coördinator) "
        "--output FILE.xlsx|FILE.csv; the links also go to a printable .html sheet beside it.",
    )
    invite.add_argument("--round", type=int, required=True, help="round id")
    invite.add_argument("--name", help="the colleague's name")
    invite.add_argument(
        "--theme",
        action="extend",
        nargs="+",
        default=[],
        metavar="KEY",
        help="theme key(s); repeat or list several. None: the colleague picks",
    )
    invite.add_argument("--coordinator", action="store_true", help="invite a coordinator")
    invite.add_argument(
        "--from", dest="source", metavar="FILE", help="a .csv or .xlsx list of colleagues"
    )
    invite.add_argument(
        "--output", metavar="FILE", help="with --from: where the links go (.xlsx, .csv, folder)"
    )
    invite.add_argument("--json", action="store_true", help="print JSON")

    assign = sub.add_parser(
        "assign",
        help="give a colleague in the round more themes (they are told in the chat)",
        parents=[common],
    )
    assign.add_argument("--round", type=int, required=True, help="round id")
    assign.add_argument("--name", required=True, help="the colleague's name, or #ID from progress")
    assign.add_argument(
        "--theme", action="extend", nargs="+", required=True, metavar="KEY", help="theme key(s)"
    )
    assign.add_argument("--json", action="store_true", help="print JSON")

    withdraw = sub.add_parser(
        "withdraw",
        help="take a colleague out of a round, or withdraw an unopened invite",
        parents=[common],
    )
    withdraw.add_argument("--round", type=int, required=True, help="round id")
    withdraw.add_argument(
        "--name", required=True, help="the colleague's name as invited, or #ID from progress"
    )
    withdraw.add_argument("--json", action="store_true", help="print JSON")


def theme_keys(console: Console, round_: Round, typed: Sequence[str]) -> list[str]:
    """Returns the keys of typed themes in template order, or stops naming the unknown ones."""
    found = {word: round_.template.theme_key(word) for word in typed}
    unknown = [word for word, key in found.items() if key is None]
    if unknown:
        known = ", ".join(t.key for t in round_.template.themes)
        console.fail("unknown_theme", unknown=", ".join(unknown), themes=known)
    return round_.template.in_order(key for key in found.values() if key)


def entry_state(console: Console, entry: RosterEntry) -> str:
    """Where someone with a place stands, in a few words."""
    if entry.coordinator:
        return console.text("entry_coordinator" if entry.opened else "entry_coordinator_waiting")
    return console.text("entry_joined" if entry.joined else "entry_invited")


def one_of(console: Console, round_: Round, entries: list[RosterEntry], who: str) -> RosterEntry:
    """Returns the one entry ``who`` means, or stops: nobody, or several (listed with ids)."""
    from bot.roster import find

    matches = find(entries, who)
    if not matches:
        console.fail("nobody", who=who, round=round_.id)
    if len(matches) > 1:
        choices = ", ".join(f"#{e.invite_id} ({entry_state(console, e)})" for e in matches)
        console.fail(
            "ambiguous",
            count=len(matches),
            name=who,
            round=round_.id,
            choices=choices,
            example=matches[0].invite_id,
        )
    return matches[0]


async def invite(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Invites one colleague or coordinator, or everyone on a list (--from)."""
    if args.source is not None:
        from bot.cli.bulk import invite_from

        if args.name is not None or args.theme or args.coordinator:
            console.fail("from_alone")
        return await invite_from(console, store, args)
    if args.name is None:
        console.fail("invite_needs_name", round=args.round)
    if args.output is not None:
        console.fail("output_needs_from")
    from bot.links import deep_link
    from bot.roster import holder

    name = checked_name(
        console, args.name, "what_coordinator" if args.coordinator else "what_colleague"
    )
    async with store.read() as tx:
        round_ = await open_round(console, tx, args.round)
        entries = await tx.roster(round_.id)
    keys = theme_keys(console, round_, args.theme)
    if args.coordinator and keys:
        console.fail("coordinator_no_themes")
    refuse_taken(console, round_, holder(entries, name, coordinator=args.coordinator), keys)
    known = await bot_name(store, console.settings)  # may ask the Bot API: not in a write
    async with store.write() as tx:
        # Again inside the write: another command may have invited the name meanwhile.
        refuse_taken(
            console,
            round_,
            holder(await tx.roster(round_.id), name, coordinator=args.coordinator),
            keys,
        )
        invite_, token = await tx.create_invite(
            round_.id, name, keys, console.now(), coordinator=args.coordinator
        )
    link = deep_link(known.username, token)
    data: dict[str, Any] = {
        "token": token,
        "invite": invite_.id,
        "round": round_.id,
        "name": name,
        "themes": keys,
        "coordinator": args.coordinator,
    }
    if link:
        data["link"] = link
    console.json(data)
    if args.coordinator:
        console.say("invite_made_coordinator", name=name, round=round_.id)
    else:
        titles = ", ".join(t.title for t in round_.template.themes if t.key in keys)
        console.say(
            "invite_made", name=name, round=round_.id, themes=titles or console.text("themes_free")
        )
    say_link(console, known, token, link)
    return 0


def refuse_taken(
    console: Console, round_: Round, taken: RosterEntry | None, keys: Sequence[str]
) -> None:
    """Stops when the name has a place in the round already, saying what to do instead."""
    if taken is None:
        return
    console.fail(
        "invite_taken",
        name=taken.name,
        round=round_.id,
        invite=taken.invite_id,
        state=entry_state(console, taken),
        quoted=quoted(taken.name),
        key=keys[0] if keys else round_.template.themes[0].key,
    )


def say_link(console: Console, known: BotName, token: str, link: str | None) -> None:
    """Prints the link, or the token and plainly how the colleague gets in without a link."""
    if link:
        console.say("invite_link", link=link)
        return
    console.say("invite_token", token=token)
    console.say(known.reason or "link_no_token", token=token, detail=known.detail)


async def assign(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Adds themes to a colleague in the round; they are told in the chat."""
    from bot.reminders.run import working_calendar
    from bot.roster import assign as add_themes

    calendar = working_calendar(console.settings.timezone)
    async with store.write() as tx:
        round_ = await open_round(console, tx, args.round)
        keys = theme_keys(console, round_, args.theme)
        entry = one_of(console, round_, await tx.roster(round_.id), args.name)
        done = await add_themes(tx, round_, entry, keys, console.now(), calendar)
    console.json(
        {
            "round": round_.id,
            "invite": entry.invite_id,
            "name": entry.name,
            "themes": list(done.theme_keys),
            "added": list(done.added),
            "told": done.told,
        }
    )
    if not done.added:
        console.say("assign_nothing", name=entry.name)
        return 0
    titles = ", ".join(t.title for t in round_.template.themes if t.key in done.theme_keys)
    console.say("assign_done", name=entry.name, round=round_.id, themes=titles)
    if done.told:
        console.say("assign_told", name=entry.name)
    elif entry.joined:
        console.say("assign_unreachable", name=entry.name)
    else:
        console.say("assign_invite", name=entry.name)
    return 0


async def withdraw(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Takes a colleague out of a round and erases their input, or withdraws an invite
    nobody opened; the audit trail records it."""
    from bot.withdrawal import withdraw_entry

    async with store.write() as tx:
        round_ = await the_round(console, tx, args.round)
        entry = one_of(console, round_, await tx.roster(round_.id), args.name)
        erased = await withdraw_entry(tx, round_, entry, console.now(), operator())
    if entry.joined:
        await store.scrub()  # the erased answers leave the database's files too
    console.json(
        {
            "round": round_.id,
            "withdrawn": entry.name,
            "invite": entry.invite_id,
            "answers_erased": erased or 0,
        }
    )
    console.say(
        "withdrawn_participant" if entry.joined else "withdrawn_invite",
        name=entry.name,
        round=round_.id,
        count=erased or 0,
    )
    return 0
