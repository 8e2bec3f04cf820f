"""Handlers for coordinators changing a round in chat: a list of names, more themes, the deadline.

- a .csv or .xlsx sent as a document invites everyone new on it, after checking the whole
  list, and answers with the list of links and the printable sheet;
- ``/assign NAME THEME ...`` gives a colleague in the round more themes (they are told);
- ``/deadline DATE`` moves the deadline and tells colleagues with open questions.

The rules are bot.roster's and bot.round_changes', the same as the command line's.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.coordination import QUOTES, coordinator_round, parse_invite
from bot.handlers import Context, first_time, is_coordinator, on_other_message, reply
from bot.reminding import working_calendar
from bot.roster import (
    assign,
    file_error_text,
    find,
    invite_list,
    issue,
    list_error_text,
    refused,
    theme_titles,
)
from bot.roster_files import MAX_BYTES, ListFileError, ListFileProblem, read_list
from bot.round_changes import move_deadline
from bot.services import services
from conversations.deadlines import CLOSING_HOUR, DeadlineProblem, deadline_problem, parse_day
from conversations.invite_plan import ListError, plan_invites
from conversations.template import Template
from conversations.texts import Catalogue, catalogue
from reports.invite_list import render_invite_sheet, render_invites_xlsx
from storage.records import RosterEntry

# .xls too: its sender is told to save it as .xlsx, rather than that only text counts.
LIST_FILES = (
    filters.Document.FileExtension("csv")
    | filters.Document.FileExtension("xlsx")
    | filters.Document.FileExtension("xls")
)


@dataclass(frozen=True)
class AssignRequest:
    """What `/assign` asked for: who, and the theme words after the name."""

    who: str
    themes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # words where a theme key belongs that are no theme


def parse_assign(text: str, template: Template, entries: list[RosterEntry]) -> AssignRequest:
    """Reads `/assign`'s arguments: a name ("quoted", or the longest run of first words that
    names someone in the round, or #ID), then theme keys."""
    text = text.strip()
    if text[:1] in QUOTES:
        quoted = parse_invite(text, template)
        return AssignRequest(quoted.name, quoted.themes, quoted.unknown)
    words = text.split()
    cut = next(
        (i for i in range(len(words) - 1, 0, -1) if find(entries, " ".join(words[:i]))), None
    )
    if cut is None:  # nobody by that name: the known keys at the end are the themes
        guess = parse_invite(text, template)
        return AssignRequest(guess.name, guess.themes, guess.unknown)
    keys = [template.theme_key(word) for word in words[cut:]]
    return AssignRequest(
        " ".join(words[:cut]),
        tuple(k for k in keys if k),
        tuple(w for w, k in zip(words[cut:], keys, strict=True) if k is None),
    )


async def on_assign(update: Update, context: Context) -> None:
    """Adds themes to a colleague in the round (NAME or #ID, then themes) and tells them."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    template = round_.template
    message = update.effective_message
    words = (message.text or "").split(maxsplit=1) if message else []
    s = services(context)
    async with s.db.read() as tx:
        entries = await tx.roster(round_.id)
    request = parse_assign(words[1] if len(words) > 1 else "", template, entries)
    if request.unknown:
        await reply(update, t("assign_unknown_themes", unknown=", ".join(request.unknown)))
        return
    if not request.who or not request.themes:
        await reply(update, t("assign_usage", themes=", ".join(th.key for th in template.themes)))
        return
    now = s.now()
    done = None
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # redelivered after a crash: the themes were added the first time
        matches = find(await tx.roster(round_.id), request.who)
        if len(matches) == 1:
            calendar = working_calendar(s.settings.timezone)
            done = await assign(tx, round_, matches[0], request.themes, now, calendar)
    if done is None:
        await reply(update, who_is_it(t, round_.name, request.who, matches))
        return
    name = done.entry.name
    if not done.added:
        await reply(update, t("assign_nothing", name=name))
        return
    text = t("assign_done", name=name, themes=theme_titles(round_, done.theme_keys))
    if done.told:
        text += "\n" + t("assign_told", name=name)
    elif done.entry.joined:
        text += "\n" + t("assign_unreachable", name=name)
    else:
        text += "\n" + t("assign_invite", name=name)
    await reply(update, text)


def who_is_it(t: Catalogue, round_name: str, who: str, matches: list[RosterEntry]) -> str:
    """The answer when a name means nobody, or several people (listed with their number)."""
    if not matches:
        return t("who_unknown", who=who, round=round_name)
    choices = ", ".join(
        f"#{e.invite_id} ({t('entry_joined' if e.joined else 'entry_invited')})" for e in matches
    )
    return t("who_ambiguous", name=who, choices=choices, example=matches[0].invite_id)


async def on_deadline(update: Update, context: Context) -> None:
    """Moves the active round's deadline and tells the colleagues with open questions."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    typed = " ".join(context.args or []).strip().strip(QUOTES)
    if not typed:
        current = t.date(round_.deadline) if round_.deadline else t("deadline_none")
        await reply(update, t("deadline_usage", current=current))
        return
    deadline = parse_day(typed)
    if deadline is None:
        await reply(update, t("deadline_unreadable", typed=typed))
        return
    s = services(context)
    now = s.now()
    problem = deadline_problem(deadline, now, s.settings.zone)
    if problem is DeadlineProblem.PAST:
        await reply(update, t("deadline_past", deadline=t.date(deadline)))
        return
    if problem is DeadlineProblem.TODAY_TOO_LATE:
        await reply(update, t("deadline_too_late", hour=CLOSING_HOUR))
        return
    if deadline == round_.deadline:
        await reply(update, t("deadline_unchanged", round=round_.name, deadline=t.date(deadline)))
        return
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # redelivered: moved and announced the first time
        told = await move_deadline(tx, round_, deadline, now, working_calendar(s.settings.timezone))
    await reply(update, t("deadline_set", round=round_.name, deadline=t.date(deadline), count=told))


async def on_list_file(update: Update, context: Context) -> None:
    """Invites everyone new on a .csv/.xlsx list a coordinator sent; answers with the links."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None or user is None:
        return  # only_private stops these before any handler
    s = services(context)
    async with s.db.read() as tx:
        allowed = await is_coordinator(tx, s, user.id)
    if not allowed:
        await on_other_message(update, context)  # a file is no answer, whoever sends it
        return
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    document = message.document
    filename = document.file_name or "list.csv"
    try:
        if (document.file_size or 0) > MAX_BYTES:
            raise ListFileError(ListFileProblem.TOO_BIG, filename)
        file = await document.get_file()
        rows = read_list(bytes(await file.download_as_bytearray()), filename)
    except ListFileError as exc:
        await reply(update, t("list_problem", text=file_error_text(t, exc)))
        return
    now = s.now()
    problem = None
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # redelivered: the invites were made (and sent) the first time
        try:
            plan = plan_invites(rows, round_.template, await tx.roster(round_.id))
        except ListError as exc:
            problem = list_error_text(t, exc, filename)
        else:
            if plan.ok:
                issued = await issue(tx, round_, plan.new, now)
            else:
                problem = "\n".join(refused(t, plan, round_, filename))
    if problem is not None:
        await reply(update, t("list_problem", text=problem))
        return
    skipped = ", ".join(f"{a.name} (#{a.invite_id})" for a in plan.already)
    if not issued:
        await reply(update, t("list_nothing_new", round=round_.name))
        return
    invites = invite_list(round_, plan.new, issued, update.get_bot().username)
    text = t("list_result", round=round_.name, count=len(issued))
    if skipped:
        text += "\n" + t("list_result_skipped", names=skipped)
    await reply(update, text)
    # Documents are heavy work: rendered off the event loop, so other chats are not held up.
    workbook = await asyncio.to_thread(render_invites_xlsx, invites, s.settings.language)
    sheet = await asyncio.to_thread(render_invite_sheet, invites, round_.template.language)
    stem = f"{catalogue(s.settings.language).cli('list_file_stem')}-{round_.id}"
    bot, chat_id = update.get_bot(), message.chat_id
    await bot.send_document(chat_id, workbook, filename=f"{stem}.xlsx")
    await bot.send_document(chat_id, sheet, filename=f"{stem}.html")


def add_handlers(app: Application, new: filters.BaseFilter) -> None:
    """Registers /assign, /deadline and list files (before the generic message handlers)."""
    app.add_handler(CommandHandler("assign", on_assign, filters=new))
    app.add_handler(CommandHandler("deadline", on_deadline, filters=new))
    app.add_handler(MessageHandler(new & LIST_FILES, on_list_file))


__all__ = ["add_handlers", "who_is_it"]
