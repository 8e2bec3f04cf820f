"""Handlers for coordinators: progress, the overview document, invites, rounds and partners.

Coordinators follow a round (/progress, /overview), invite colleagues (/invite), pick the round
they work on (/rounds), tidy the partners named in answers (/partners, /merge) and take a
colleague or an unopened invite out of a round (/withdraw).
"""

from __future__ import annotations

import difflib
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, roster
from bot.callbacks import Action
from bot.handlers import Context, first_time, is_coordinator, reply
from bot.links import deep_link
from bot.render import shorten
from bot.sending import acknowledge, split_text
from bot.services import services
from conversations.answers import MAX_NAME_CHARS, clean_name
from conversations.progress import Category
from conversations.template import Template
from conversations.texts import Catalogue, Markup, catalogue
from reports.overview import Overview, build_overview
from reports.partners import normalise_partner
from reports.progress import RoundProgress, counts_in_words, round_progress
from reports.render import DEFAULT_FORMAT, FORMATS, UnknownFormatError, filename, format_key, render
from reports.summary import summary_text
from storage import Reader
from storage.records import Round, RoundSnapshot

log = logging.getLogger(__name__)

T = TypeVar("T")


async def active_round(tx: Reader, user_id: int) -> Round | None:
    """Returns the round a coordinator works on: the one they picked, else the newest."""
    coordinator = await tx.coordinator(user_id)
    if coordinator is not None and coordinator.active_round_id is not None:
        round_ = await tx.get_round(coordinator.active_round_id)
        if round_ is not None:
            return round_
    rounds = await tx.list_rounds()
    return rounds[-1] if rounds else None


async def _as_coordinator(
    update: Update, context: Context, read: Callable[[Reader, Round], Awaitable[T | None]]
) -> tuple[T, Catalogue] | None:
    """Checks the role and reads the active round with ``read``, in one transaction.

    Returns what ``read`` returned and the texts, or None after a polite refusal.
    """
    s = services(context)
    t = catalogue(s.settings.language)
    found = None
    async with s.db.read() as tx:
        allowed = await is_coordinator(tx, s, update.effective_user.id)
        if allowed:
            round_ = await active_round(tx, update.effective_user.id)
            found = await read(tx, round_) if round_ is not None else None
    if not allowed:
        if update.callback_query:
            await acknowledge(update.callback_query, t("not_coordinator"))
        else:
            await reply(update, t("not_coordinator"))
        return None
    if found is None:
        await reply(update, t("no_rounds"))
        return None
    return found, t


async def _the_round(_tx: Reader, round_: Round) -> Round:
    return round_


async def _the_snapshot(tx: Reader, round_: Round) -> RoundSnapshot | None:
    return await tx.snapshot(round_.id)


async def coordinator_round(update: Update, context: Context) -> tuple[Round, Catalogue] | None:
    """Checks the role; returns the active round and texts, or None after a polite refusal."""
    return await _as_coordinator(update, context, _the_round)


async def coordinator_snapshot(
    update: Update, context: Context
) -> tuple[RoundSnapshot, Catalogue] | None:
    """Checks the role; returns all data of the active round, or None after a refusal."""
    return await _as_coordinator(update, context, _the_snapshot)


def _overview(context: Context, snapshot: RoundSnapshot) -> Overview:
    s = services(context)
    return build_overview(snapshot, s.now().astimezone(s.settings.zone))


async def on_progress(update: Update, context: Context) -> None:
    """Sends progress per colleague and per theme, split over messages when long."""
    found = await coordinator_snapshot(update, context)
    if found is None:
        return
    snapshot, t = found
    await reply(update, progress_text(round_progress(snapshot), t))


_ICON = {
    Category.SUBMITTED: "🟢",
    Category.DONE: "✅",
    Category.IN_PROGRESS: "🟡",
    Category.NOT_STARTED: "⚪",
    Category.INVITED: "✉️",
}


_STATE_TEXT = {
    Category.SUBMITTED: "state_submitted",
    Category.DONE: "state_complete",
    Category.IN_PROGRESS: "state_in_progress",
    Category.NOT_STARTED: "state_not_started",
    Category.INVITED: "state_invite_unopened",
}


def progress_counts(progress: RoundProgress | None, t: Catalogue) -> str:
    """Returns the round's progress counts as HTML, e.g. "🟢 2 ingestuurd · 🟡 1 bezig".

    The words are the documents' (non-zero categories only); the chat adds an icon to each.
    """
    words = counts_in_words(progress, t) if progress else {}
    parts = [f"{_ICON[k]} {html.escape(text, quote=False)}" for k, text in words.items()]
    return " · ".join(parts) or t("progress_counts_none")


def progress_text(progress: RoundProgress, t: Catalogue) -> str:
    """Returns progress as Telegram HTML: one line per colleague, then one per theme."""
    lines = [
        t(
            "progress_title",
            round=progress.round_name,
            counts=Markup(progress_counts(progress, t)),
        )
    ]
    for c in progress.colleagues:
        count = c.progress
        state = t(_STATE_TEXT[count.category], answered=count.answered, total=count.total)
        line = f"{_ICON[count.category]} {html.escape(c.name)} — {state}"
        if c.unreachable:
            line += " · " + t("state_unreachable")
        if c.invite_id is not None:
            line += f" · #{c.invite_id}"  # what /withdraw and /assign take where names clash
        lines.append(line)
    if not progress.colleagues:
        lines.append(t("progress_nobody"))
    lines.append("\n" + t("progress_themes"))
    for theme in progress.themes:
        line = t("progress_theme", theme=theme.title, contributors=theme.contributors)
        if theme.unanswered:
            questions = "; ".join(shorten(q, 60) for q in theme.unanswered)
            line += "\n   " + t("progress_unanswered", questions=questions)
        lines.append(line)
    return "\n".join(lines)


async def on_overview(update: Update, context: Context) -> None:
    """Sends the compiled overview as a document (HTML unless a format is given)."""
    found = await coordinator_snapshot(update, context)
    if found is None:
        return
    snapshot, t = found
    round_ = snapshot.round
    typed = context.args[0] if context.args else DEFAULT_FORMAT
    try:
        fmt = format_key(typed)
    except UnknownFormatError:
        await reply(update, t("overview_unknown_format", format=typed, formats=", ".join(FORMATS)))
        return
    overview = _overview(context, snapshot)
    document = render(overview, fmt)
    caption = t("overview_caption", round=round_.name) + "\n" + html.escape(summary_text(overview))
    await update.get_bot().send_document(
        update.effective_chat.id,
        document,
        filename=filename(overview, fmt),
        caption=split_text(caption, 1024)[0],
    )


# Clients turn a typed " into “ ” or „ ” as people type; any of them opens or closes a name.
QUOTES = '"“”„‟«»'


@dataclass(frozen=True)
class InviteRequest:
    """What `/invite` asked for: a name and theme keys, or the words that are no theme."""

    name: str
    themes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # typed where a theme key belongs, but no theme's key
    did_you_mean: tuple[str, str] | None = None  # (typed, key): a near miss, maybe a typo


def parse_invite(text: str, template: Template) -> InviteRequest:
    """Reads `/invite`'s arguments: `"NAME" [THEME ...]`, or `NAME [THEME ...]` unquoted.

    Theme keys match in any case. Unquoted, the theme keys are the known keys at the end; a
    known key earlier on means the words after it were meant as themes too, and a last name
    word very like a key is probably a typo: both are reported rather than made part of the
    name (a name that really reads so can be quoted).
    """
    text = text.strip()
    if text[:1] in QUOTES:
        end = next((i for i in range(1, len(text)) if text[i] in QUOTES), None)
        if end is None:
            return InviteRequest("")  # an unclosed quote: show how it goes
        words = text[end + 1 :].split()
        keys = [template.theme_key(word) for word in words]
        return InviteRequest(
            clean_name(text[1:end]),
            tuple(k for k in keys if k),
            tuple(w for w, k in zip(words, keys, strict=True) if k is None),
        )
    words = text.split()
    themes: list[str] = []
    while words and (key := template.theme_key(words[-1])):
        themes.insert(0, key)
        words.pop()
    first_key = next((i for i, w in enumerate(words) if i and template.theme_key(w)), None)
    if first_key is not None:
        unknown = tuple(w for w in words[first_key:] if not template.theme_key(w))
        return InviteRequest(clean_name(" ".join(words[:first_key])), tuple(themes), unknown)
    near = None
    if words:
        keys = {theme.key.casefold(): theme.key for theme in template.themes}
        close = difflib.get_close_matches(words[-1].casefold(), keys, n=1, cutoff=0.8)
        near = (words[-1], keys[close[0]]) if close else None
    return InviteRequest(clean_name(" ".join(words)), tuple(themes), did_you_mean=near)


async def on_invite(update: Update, context: Context) -> None:
    """Creates a personal invite: NAME [THEME ...]; returns the link and a message to forward."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    template = round_.template
    command_and_arguments = (update.effective_message.text or "").split(maxsplit=1)
    request = parse_invite(command_and_arguments[1] if context.args else "", template)
    usage = t("invite_usage", themes=", ".join(theme.key for theme in template.themes))
    problem = None
    if request.unknown:
        problem = t("invite_unknown_themes", unknown=", ".join(request.unknown)) + "\n" + usage
    elif request.did_you_mean:
        typed, key = request.did_you_mean
        problem = t("invite_did_you_mean", unknown=typed, suggestion=key) + "\n" + usage
    elif not request.name:
        problem = usage
    elif len(request.name) > MAX_NAME_CHARS:
        problem = t("invite_name_too_long", limit=MAX_NAME_CHARS)
    if problem:
        await reply(update, problem)
        return
    name = request.name
    s = services(context)
    now = s.now()
    taken = None
    async with s.db.write() as tx:
        if await first_time(tx, update, now):
            # One person, one place: a name in the round already gets no second invite.
            taken = roster.holder(await tx.roster(round_.id), name)
            if taken is None:
                themes = template.in_order(request.themes)
                _, token = await tx.create_invite(round_.id, name, themes, now)
                username = await tx.get_meta("bot_username") or update.get_bot().username
        else:
            token = None  # redelivered after a crash: the invite was made the first time
    if taken is not None:
        state = t("entry_joined" if taken.joined else "entry_invited")
        await reply(update, t("invite_taken", name=taken.name, invite=taken.invite_id, state=state))
        return
    if token is None:
        await reply(update, t("invite_redelivered", name=name))
        return
    link = deep_link(username, token)
    titles = ", ".join(template.theme(k).title for k in themes) or t("invite_themes_free")
    await reply(update, t("invite_created", name=name, themes=titles, link=link or token))
    rt = catalogue(round_.template.language)
    await reply(update, rt("invite_forward", round=round_.name, link=link or token))


async def on_rounds(update: Update, context: Context) -> None:
    """Lists the rounds with a button to make one the active round."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    active, t = found
    s = services(context)
    async with s.db.read() as tx:
        rounds = await tx.list_rounds()
    lines = [t("rounds_title")]
    rows = []
    for r in rounds:
        marker = "▶️ " if r.id == active.id else ""
        deadline = t.date(r.deadline) if r.deadline else "—"
        lines.append(f"{marker}#{r.id} <b>{html.escape(r.name)}</b> · {deadline}")
        rows.append(
            [
                InlineKeyboardButton(
                    f"#{r.id} {r.name}"[:60],
                    callback_data=callbacks.make(Action.ROUND_SELECT, r.id),
                )
            ]
        )
    await update.get_bot().send_message(
        update.effective_chat.id, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows)
    )


async def on_round_selected(update: Update, context: Context) -> None:
    """Makes the pressed round the coordinator's active round."""
    query = update.callback_query
    found = await coordinator_round(update, context)
    if found is None:
        return
    _, t = found
    callback = callbacks.parse(query.data)
    s = services(context)
    user = update.effective_user
    async with s.db.write() as tx:
        round_ = await tx.get_round(callback.owner) if callback else None
        if round_ is not None:
            await tx.set_active_round(
                user.id, update.effective_chat.id, user.full_name, round_.id, s.now()
            )
    if round_ is None:
        await acknowledge(query, t("button_expired"))
        return
    await acknowledge(query)
    await reply(update, t("round_selected", round=round_.name))


async def on_partners(update: Update, context: Context) -> None:
    """Lists the partners named in the active round, most named first, with their themes."""
    found = await coordinator_snapshot(update, context)
    if found is None:
        return
    snapshot, t = found
    round_ = snapshot.round
    matrix = _overview(context, snapshot).partners
    titles = {theme.key: theme.title for theme in matrix.themes}
    lines = [t("partners_title", round=round_.name)]
    for row in matrix.rows:
        themes = ", ".join(titles[c.theme_key] for c in row.cells if c.count)
        lines.append(f"• <b>{html.escape(row.name)}</b> ({row.total}) — {html.escape(themes)}")
    if not matrix.rows:
        lines.append(t("partners_none"))
    lines.append("\n" + t("partners_merge_hint"))
    await reply(update, "\n".join(lines))


async def on_merge(update: Update, context: Context) -> None:
    """Stores that one or more partner spellings mean one partner: /merge A, B = Canonical."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    text = " ".join(context.args or [])
    aliases_text, sep, canonical = text.partition("=")
    canonical = " ".join(canonical.split())
    aliases = [a for a in (normalise_partner(x) for x in aliases_text.split(",")) if a]
    if not sep or not canonical or not aliases or len(canonical) > 100:
        await reply(update, t("merge_usage"))
        return
    s = services(context)
    async with s.db.write() as tx:
        for alias in aliases:
            await tx.merge_partner(round_.id, alias, canonical, s.now())
    await reply(update, t("merge_done", aliases=", ".join(aliases), canonical=canonical))


async def on_withdraw(update: Update, context: Context) -> None:
    """Withdraws a colleague (no more reminders, out of progress and overview) or an invite."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    name = " ".join(context.args or []).strip().strip(QUOTES)
    if not name:
        await reply(update, t("withdraw_usage"))
        return
    s = services(context)
    async with s.db.write() as tx:
        # By name, or by the number /progress shows (#12) where two names clash.
        matches = roster.find(await tx.roster(round_.id), name)
        if len(matches) == 1:
            await tx.withdraw_by_invite(matches[0].invite_id, s.now())
    if len(matches) == 1:
        await reply(update, t("withdrawn_done", name=matches[0].name, round=round_.name))
    elif matches:
        choices = ", ".join(f"#{m.invite_id}" for m in matches)
        example = f"#{matches[0].invite_id}"
        await reply(
            update,
            t(
                "withdraw_ambiguous",
                name=name,
                count=len(matches),
                choices=choices,
                example=example,
            ),
        )
    else:
        await reply(update, t("withdraw_unknown", name=name, round=round_.name))


def add_handlers(app: Application, new: filters.BaseFilter) -> None:
    app.add_handler(CommandHandler("progress", on_progress, filters=new))
    app.add_handler(CommandHandler("overview", on_overview, filters=new))
    app.add_handler(CommandHandler("invite", on_invite, filters=new))
    app.add_handler(CommandHandler("rounds", on_rounds, filters=new))
    app.add_handler(CommandHandler("partners", on_partners, filters=new))
    app.add_handler(CommandHandler("merge", on_merge, filters=new))
    app.add_handler(CommandHandler("withdraw", on_withdraw, filters=new))
    app.add_handler(
        CallbackQueryHandler(on_round_selected, pattern=callbacks.pattern(Action.ROUND_SELECT))
    )


__all__ = [
    "active_round",
    "add_handlers",
    "coordinator_round",
    "coordinator_snapshot",
    "parse_invite",
    "progress_counts",
    "progress_text",
]
