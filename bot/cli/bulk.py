"""`themabot invite --from FILE --output FILE`: invites for everyone on a list, in one go.

The whole list is checked before anything is made: one bad row and nobody is invited, every
bad row named with its number and value. Who is in the round already is skipped. The links
go to --output (.xlsx or .csv) and to a printable HTML sheet beside it with a QR code each;
both are written inside the transaction that creates the invites, so either the invites exist
and their links are on disk, or neither. A file of an earlier run is never overwritten: its
links still work and exist nowhere else.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, Console, open_round, output_file, write_file
from bot.cli.links import BotName, bot_name
from bot.roster import (
    file_error_text,
    invite_list,
    issue,
    list_error_text,
    refused,
    row_error_text,
)
from bot.roster_files import ListFileError, read_list_file
from conversations.invite_plan import InvitePlan, ListError, plan_invites
from conversations.texts import Catalogue
from reports.invite_list import LIST_FORMATS, SHEET_SUFFIX, InviteList, render_invite_sheet
from storage import Store
from storage.records import Round

LIST_KINDS = {".xlsx": "xlsx", ".csv": "csv"}


def next_free(list_path: Path, sheet_suffix: str) -> tuple[Path, Path]:
    """Returns a list file and its sheet, neither of which exists: ``x.xlsx``/``x.html``, else
    ``x-2.xlsx``/``x-2.html``, and so on."""
    stem, suffix = list_path.stem, list_path.suffix
    number = 1
    while True:
        name = stem if number == 1 else f"{stem}-{number}"
        candidate = list_path.with_name(name + suffix)
        sheet = candidate.with_suffix(sheet_suffix)
        if not candidate.exists() and not sheet.exists():
            return candidate, sheet
        number += 1


async def invite_from(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Invites everyone new on a list; writes their links; lists who was skipped."""
    if args.output is None:
        console.fail("from_needs_output")
    source = Path(args.source)
    async with store.read() as tx:
        round_ = await open_round(console, tx, args.round)
    try:
        rows = read_list_file(source)
    except ListFileError as exc:
        raise CliError(file_error_text(console.t, exc)) from None
    default = f"{console.text('list_file_stem')}-{round_.id}.xlsx"
    wanted, _ = output_file(
        console, args.output, LIST_KINDS, default_kind="xlsx", default_name=lambda _k: default
    )
    known = await bot_name(store, console.settings)
    language = console.settings.language
    async with store.write() as tx:
        round_ = await open_round(console, tx, args.round)
        try:
            plan = plan_invites(rows, round_.template, await tx.roster(round_.id))
        except ListError as exc:
            raise CliError(list_error_text(console.t, exc, str(source))) from None
        if not plan.ok:
            lines = refused(console.t, plan, round_, str(source))
            raise CliError("\n".join(lines), _errors_json(console.t, plan, round_))
        issued = await issue(tx, round_, plan.new, console.now())
        invites = invite_list(round_, plan.new, issued, known.username)
        list_path = sheet_path = None
        if issued:
            list_path, sheet_path = next_free(wanted, SHEET_SUFFIX)
            render = LIST_FORMATS[list_path.suffix.lower()]
            write_file(console, list_path, render(invites, language))
            try:
                sheet = render_invite_sheet(invites, round_.template.language)
                write_file(console, sheet_path, sheet)
            except BaseException:
                list_path.unlink(missing_ok=True)  # its tokens are rolled back with the invites
                raise
    console.json(_done_json(round_, plan, invites, list_path, sheet_path))
    _say_done(console, round_, plan, invites, wanted, list_path, sheet_path, known)
    return 0


def _say_done(
    console: Console,
    round_: Round,
    plan: InvitePlan,
    invites: InviteList,
    wanted: Path,
    list_path: Path | None,
    sheet_path: Path | None,
    known: BotName,
) -> None:
    if list_path is None or sheet_path is None:
        console.say("list_nothing_new", round=round_.id, count=len(plan.already))
    else:
        console.say("list_done", count=len(plan.new), round=round_.id)
        console.say("list_wrote", list=str(list_path), sheet=str(sheet_path))
        if list_path != wanted:
            console.say("list_kept", old=str(wanted), new=str(list_path))
        if not all(i.link for i in invites.invites):
            console.say(known.reason or "link_no_token", token="TOKEN", detail=known.detail)
    if plan.already and list_path is not None:
        names = ", ".join(f"{a.name} (#{a.invite_id})" for a in plan.already)
        console.say("list_skipped", count=len(plan.already), names=names)
    differ = [a.name for a in plan.already if a.themes_differ]
    if differ:
        console.say("list_themes_differ", names=", ".join(differ), round=round_.id)


def _done_json(
    round_: Round,
    plan: InvitePlan,
    invites: InviteList,
    list_path: Path | None,
    sheet_path: Path | None,
) -> dict[str, Any]:
    return {
        "round": round_.id,
        "created": [
            {
                "row": person.row,
                "name": person.name,
                "themes": list(person.theme_keys),
                "coordinator": person.coordinator,
                "token": issued.token,
                **({"link": issued.link} if issued.link else {}),
            }
            for person, issued in zip(plan.new, invites.invites, strict=True)
        ],
        "already": [
            {"row": a.row, "name": a.name, "invite": a.invite_id, "themes_differ": a.themes_differ}
            for a in plan.already
        ],
        "output": str(list_path) if list_path else None,
        "sheet": str(sheet_path) if sheet_path else None,
    }


def _errors_json(t: Catalogue, plan: InvitePlan, round_: Round) -> dict[str, Any]:
    return {
        "ok": False,
        "round": round_.id,
        "errors": [
            {
                "row": e.row,
                "problem": e.problem.value,
                "value": e.value,
                "message": row_error_text(t, e),
                **({"suggestion": e.suggestion} if e.suggestion else {}),
            }
            for e in plan.errors
        ],
    }


__all__: Sequence[str] = ["invite_from"]
