"""Handlers for coordinators changing a round in chat: a list of names, more themes, the deadline.

- a .csv or .xlsx sent as a document invites everyone new on it, after checking the whole
  list, and answers with the list of links and the printable sheet;
- ``/assign NAME THEME ...`` gives a colleague in the round more themes (they are told);
- ``/deadline DATE`` moves the deadline and tells colleagues with open questions.

The rules are bot.roster's and bot.round_changes', the same as the command line's.
"""

from __future__ import annotations

import asyncio

from msgspec import Struct
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import on_other_message
from bot.handling import first_time, queue_replies, reply
from bot.invite_parsing import QUOTES, parse_invite
from bot.reminders.run import working_calendar
from bot.render import Outgoing
from bot.roles import chat_id, coordinator_command, is_coordinator, the_round, user_id
from bot.roster import (
    Assignment,
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
from bot.sending import Sent, deliver_document
from conversations.deadlines import CLOSING_HOUR, DeadlineProblem, deadline_problem, parse_day
from conversations.invite_plan import ListError, plan_invites
from conversations.template import Template
from conversations.texts import Catalogue, catalogue
from reports.invite_list import render_invite_sheet, render_invites_xlsx
from storage.records import RosterEntry, Round

# .xls too: its sender is told to save it as .xlsx, rather than that only text counts.
LIST_FILES = (
    filters.Document.FileExtension("csv")
    | filters.Document.FileExtension("xlsx")
    | filters.Document.FileExtension("xls")
)


class AssignRequest(Struct, frozen=True):
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


@coordinator_command(the_round)
async def on_assign(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Adds themes to a colleague in the round (NAME or #ID, then themes) and tells them."""
    if round_.closed:
        reply(update, t("round_closed_coordinator", round=round_.name))
        return
    template = round_.template
    message = update.effective_message
    words = (message.text or "").split(maxsplit=1) if message else []
    s = context.services
    async with s.db.read() as tx:
        entries = await tx.roster(round_.id)
    request = parse_assign(words[1] if len(words) > 1 else "", template, entries)
    if request.unknown:
        reply(update, t("assign_unknown_themes", unknown=", ".join(request.unknown)))
        return
    if not request.who or not request.themes:
        reply(update, t("assign_usage", themes=", ".join(th.key for th in template.themes)))
        return
    now = s.now()
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # redelivered after a crash: the themes were added the first time
        matches = find(await tx.roster(round_.id), request.who)
        if len(matches) != 1:
            text = who_is_it(t, round_.name, request.who, matches)
        else:
            calendar = working_calendar(s.settings.timezone)
            done = await assign(tx, round_, matches[0], request.themes, now, calendar)
            text = _assigned(t, round_, done)
        await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)


def _assigned(t: Catalogue, round_: Round, done: Assignment) -> str:
    """What the coordinator hears after /assign."""
    name = done.entry.name
    if not done.added:
        return t("assign_nothing", name=name)
    text = t("assign_done", name=name, themes=theme_titles(round_, done.theme_keys))
    if done.told:
        return text + "\n" + t("assign_told", name=name)
    if done.entry.joined:
        return text + "\n" + t("assign_unreachable", name=name)
    return text + "\n" + t("assign_invite", name=name)


def who_is_it(t: Catalogue, round_name: str, who: str, matches: list[RosterEntry]) -> str:
    """The answer when a name means nobody, or several people (listed with their number)."""
    if not matches:
        return t("who_unknown", who=who, round=round_name)
    choices = ", ".join(
        f"#{e.invite_id} ({t('entry_joined' if e.joined else 'entry_invited')})" for e in matches
    )
    return t("who_ambiguous", name=who, choices=choices, example=matches[0].invite_id)


@coordinator_command(the_round)
async def on_deadline(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Moves the active round's deadline and tells the colleagues with open questions."""
    typed = " ".join(context.args or []).strip().strip(QUOTES)
    if round_.closed:
        reply(update, t("round_closed_coordinator", round=round_.name))
        return
    if not typed:
        current = t.date(round_.deadline) if round_.deadline else t("deadline_none")
        reply(update, t("deadline_usage", current=current))
        return
    deadline = parse_day(typed)
    if deadline is None:
        reply(update, t("deadline_unreadable", typed=typed))
        return
    s = context.services
    now = s.now()
    problem = deadline_problem(deadline, now, s.settings.zone)
    if problem is DeadlineProblem.PAST:
        reply(update, t("deadline_past", deadline=t.date(deadline)))
        return
    if problem is DeadlineProblem.TODAY_TOO_LATE:
        reply(update, t("deadline_too_late", hour=CLOSING_HOUR))
        return
    if deadline == round_.deadline:
        reply(update, t("deadline_unchanged", round=round_.name, deadline=t.date(deadline)))
        return
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # redelivered: moved and announced the first time
        told = await move_deadline(tx, round_, deadline, now, working_calendar(s.settings.timezone))
        text = t("deadline_set", round=round_.name, deadline=t.date(deadline), count=told)
        await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)


async def on_list_file(update: Update, context: BotContext) -> None:
    """Invites everyone new on a .csv/.xlsx list a coordinator sent; answers with the links."""
    s = context.services
    async with s.db.read() as tx:
        allowed = await is_coordinator(tx, s, user_id(update))
    if not allowed:
        await on_other_message(update, context)  # a file is no answer, whoever sends it
        return
    await _invite_from_list(update, context)


@coordinator_command(the_round)
async def _invite_from_list(
    update: Update, context: BotContext, round_: Round, t: Catalogue
) -> None:
    s = context.services
    message = update.effective_message
    if message is None or message.document is None:
        return  # the filter lets only documents through
    if round_.closed:
        reply(update, t("round_closed_coordinator", round=round_.name))
        return
    document = message.document
    filename = document.file_name or "list.csv"
    try:
        if (document.file_size or 0) > MAX_BYTES:
            raise ListFileError(ListFileProblem.TOO_BIG, filename)
        file = await document.get_file()
        rows = read_list(bytes(await file.download_as_bytearray()), filename)
    except ListFileError as exc:
        reply(update, t("list_problem", text=file_error_text(t, exc)))
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
        reply(update, t("list_problem", text=problem))
        return
    skipped = ", ".join(f"{a.name} (#{a.invite_id})" for a in plan.already)
    if not issued:
        reply(update, t("list_nothing_new", round=round_.name))
        return
    invites = invite_list(round_, plan.new, issued, update.get_bot().username)
    text = t("list_result", round=round_.name, count=len(issued))
    if skipped:
        text += "\n" + t("list_result_skipped", names=skipped)
    reply(update, text)
    # Documents are heavy work: rendered off the event loop, so other chats are not held up.
    # Sent straight away, with retries: the tokens in them exist nowhere else.
    workbook = await asyncio.to_thread(render_invites_xlsx, invites, s.settings.language)
    sheet = await asyncio.to_thread(render_invite_sheet, invites, round_.template.language)
    stem = f"{catalogue(s.settings.language).cli('list_file_stem')}-{round_.id}"
    bot = update.get_bot()
    for content, name in ((workbook, f"{stem}.xlsx"), (sheet, f"{stem}.html")):
        outcome = await deliver_document(bot, chat_id(update), content, name, "")
        if outcome not in (Sent.SENT, Sent.UNCERTAIN):
            reply(update, t("overview_not_sent"))


def handlers(new: filters.BaseFilter) -> list[BaseHandler[Update, BotContext, None]]:
    """/assign, /deadline and list files (before the generic message handlers)."""
    return [
        CommandHandler("assign", on_assign, filters=new),
        CommandHandler("deadline", on_deadline, filters=new),
        MessageHandler(new & LIST_FILES, on_list_file),
    ]


__all__ = ["handlers", "who_is_it"]
