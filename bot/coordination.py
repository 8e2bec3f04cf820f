"""Handlers for coordinators: progress, the overview document, invites, rounds and partners.

Coordinators follow a round (/progress, /overview), invite colleagues (/invite), pick the round
they work on (/rounds), tidy the partners named in answers (/partners, /merge) and take a
colleague or an unopened invite out of a round (/withdraw NAME, confirmed with a button; the
colleague's input is erased). Every handler is a
:func:`~bot.roles.coordinator_command`: it runs only for a coordinator with a round.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, roster
from bot.callbacks import Action
from bot.context import BotContext
from bot.coordinator_views import partners_text, progress_text, rounds_text
from bot.handling import first_time, queue_replies, reply
from bot.invite_parsing import QUOTES, parse_invite
from bot.lengths import split_text
from bot.links import deep_link
from bot.render import Outgoing
from bot.roles import chat_id, coordinator_command, the_round, the_snapshot, user_id
from bot.sending import Sent, acknowledge, deliver_document, drop_keyboard
from bot.withdrawal import scrub, withdraw_entry
from conversations.answers import MAX_NAME_CHARS
from conversations.texts import Catalogue, catalogue
from reports.overview import build_overview
from reports.partners import normalise_partner
from reports.progress import round_progress
from reports.render import DEFAULT_FORMAT, FORMATS, UnknownFormatError, format_key
from storage.records import Actor, ActorRole, Round, RoundSnapshot

log = logging.getLogger(__name__)


@coordinator_command(the_snapshot)
async def on_progress(
    update: Update, context: BotContext, snapshot: RoundSnapshot, t: Catalogue
) -> None:
    """Sends progress per colleague and per theme, split over messages when long."""
    zone = context.services.settings.zone
    reply(update, progress_text(round_progress(snapshot), t, zone))


@coordinator_command(the_snapshot)
async def on_overview(
    update: Update, context: BotContext, snapshot: RoundSnapshot, t: Catalogue
) -> None:
    """Sends the compiled overview as a document (HTML unless a format is given).

    The document is compiled in a worker (bot/documents.py): colleagues keep getting replies
    meanwhile. Its sending is retried like any reply; it is not queued in the outbox (a
    coordinator who lost one to a crash simply asks again).
    """
    fmt, submitted_only = DEFAULT_FORMAT, False
    for word in context.args or []:
        if word.casefold() in SUBMITTED_WORDS:
            submitted_only = True
            continue
        try:
            fmt = format_key(word)
        except UnknownFormatError:
            known = ", ".join(FORMATS)
            reply(update, t("overview_unknown_format", format=word, formats=known))
            return
    await _send_overview(update, context, snapshot, t, fmt, submitted_only=submitted_only)


# Words after /overview that ask for the submitted answers only (nl and en).
SUBMITTED_WORDS = frozenset({"ingestuurd", "ingestuurde", "submitted", "definitief", "final"})


async def _send_overview(
    update: Update,
    context: BotContext,
    snapshot: RoundSnapshot,
    t: Catalogue,
    fmt: str,
    *,
    submitted_only: bool,
) -> None:
    """Compiles the overview in the worker and sends it, with a button for the other version."""
    s = context.services
    now = s.now().astimezone(s.settings.zone)
    await _preparing(update)
    house_style = Path(s.settings.docx_template) if s.settings.docx_template else None
    document = await s.documents.compile(
        snapshot, now, fmt, submitted_only=submitted_only, docx_template=house_style
    )
    caption = t("overview_caption", round=snapshot.round.name)
    caption += "\n" + html.escape(document.summary)
    other = not submitted_only
    data = callbacks.make(Action.OVERVIEW, snapshot.round.id, list(FORMATS).index(fmt), int(other))
    label = t.button("overview_submitted_only" if other else "overview_all")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    outcome = await deliver_document(
        update.get_bot(),
        chat_id(update),
        document.content,
        document.filename,
        split_text(caption, 1024)[0],
        keyboard=keyboard,
    )
    if outcome not in (Sent.SENT, Sent.UNCERTAIN):
        reply(update, t("overview_not_sent"))


@coordinator_command(the_round)
async def on_overview_button(
    update: Update, context: BotContext, _active: Round, t: Catalogue
) -> None:
    """Sends the other version of an overview (submitted only, or all answers) it came with."""
    query, callback = callbacks.pressed(update)
    formats = list(FORMATS)
    valid = (
        callback is not None
        and len(callback.args) == 2
        and 0 <= callback.args[0] < len(formats)
        and callback.args[1] in (0, 1)
    )
    snapshot = None
    if valid and callback is not None:
        async with context.services.db.read() as tx:
            snapshot = await tx.snapshot(callback.owner)
    if snapshot is None or callback is None:
        await acknowledge(query, t("button_expired"))
        return
    await acknowledge(query)
    fmt, submitted_only = formats[callback.args[0]], bool(callback.args[1])
    await _send_overview(update, context, snapshot, t, fmt, submitted_only=submitted_only)


async def _preparing(update: Update) -> None:
    """Shows "sending a file…" in the chat while the document is compiled (best effort)."""
    try:
        await update.get_bot().send_chat_action(chat_id(update), ChatAction.UPLOAD_DOCUMENT)
    except TelegramError as exc:
        log.debug("could not show the upload indicator: %s", exc)


@coordinator_command(the_round)
async def on_invite(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Creates a personal invite: NAME [THEME ...]; returns the link and a message to forward."""
    template = round_.template
    message = update.effective_message
    command_and_arguments = (message.text if message and message.text else "").split(maxsplit=1)
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
    if round_.closed:
        problem = t("round_closed_coordinator", round=round_.name)
    if problem:
        reply(update, problem)
        return
    s = context.services
    now = s.now()
    async with s.db.write() as tx:
        if not await first_time(tx, update, now):
            return  # made before a crash; its replies are in the outbox
        # One person, one place: a name in the round already gets no second invite.
        taken = roster.holder(await tx.roster(round_.id), request.name)
        if taken is not None:
            state = t("entry_joined" if taken.joined else "entry_invited")
            refusal = t("invite_taken", name=taken.name, invite=taken.invite_id, state=state)
            await queue_replies(tx, update, chat_id(update), [Outgoing(refusal)], now)
            return
        themes = template.in_order(request.themes)
        _, token = await tx.create_invite(round_.id, request.name, themes, now)
        username = await tx.get_meta("bot_username") or update.get_bot().username
        link = deep_link(username, token) or token
        titles = ", ".join(theme.title for k in themes if (theme := template.theme(k))) or t(
            "invite_themes_free"
        )
        rt = catalogue(template.language)
        created = t("invite_created", name=request.name, themes=titles, link=link)
        forward = rt("invite_forward", round=round_.name, link=link)
        await queue_replies(
            tx, update, chat_id(update), [Outgoing(created), Outgoing(forward)], now
        )


@coordinator_command(the_round)
async def on_rounds(update: Update, context: BotContext, active: Round, t: Catalogue) -> None:
    """Lists the rounds with a button to make one the active round."""
    async with context.services.db.read() as tx:
        rounds = await tx.list_rounds()
    rows = [
        [
            InlineKeyboardButton(
                f"#{r.id} {r.name}"[:60], callback_data=callbacks.make(Action.ROUND_SELECT, r.id)
            )
        ]
        for r in rounds
    ]
    reply(update, rounds_text(rounds, active, t), InlineKeyboardMarkup(rows))


@coordinator_command(the_round)
async def on_round_selected(
    update: Update, context: BotContext, _active: Round, t: Catalogue
) -> None:
    """Makes the pressed round the coordinator's active round."""
    query, callback = callbacks.pressed(update)
    s = context.services
    now = s.now()
    async with s.db.write() as tx:
        round_ = await tx.get_round(callback.owner) if callback else None
        if round_ is not None and await first_time(tx, update, now):
            name = update.effective_user.full_name if update.effective_user else ""
            await tx.set_active_round(user_id(update), chat_id(update), name, round_.id, now)
            selected = Outgoing(t("round_selected", round=round_.name))
            await queue_replies(tx, update, chat_id(update), [selected], now)
    await acknowledge(query, None if round_ is not None else t("button_expired"))


@coordinator_command(the_snapshot)
async def on_partners(
    update: Update, context: BotContext, snapshot: RoundSnapshot, t: Catalogue
) -> None:
    """Lists the partners named in the active round, most named first, with their themes."""
    s = context.services
    matrix = build_overview(snapshot, s.now().astimezone(s.settings.zone)).partners
    reply(update, partners_text(snapshot.round.name, matrix, t))


@coordinator_command(the_round)
async def on_merge(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Stores that one or more partner spellings mean one partner: /merge A, B = Canonical."""
    text = " ".join(context.args or [])
    aliases_text, sep, canonical = text.partition("=")
    canonical = " ".join(canonical.split())
    aliases = [a for a in (normalise_partner(x) for x in aliases_text.split(",")) if a]
    if not sep or not canonical or not aliases or len(canonical) > 100:
        reply(update, t("merge_usage"))
        return
    s = context.services
    now = s.now()
    async with s.db.write() as tx:
        if await first_time(tx, update, now):
            for alias in aliases:
                await tx.merge_partner(round_.id, alias, canonical, now)
            done = Outgoing(t("merge_done", aliases=", ".join(aliases), canonical=canonical))
            await queue_replies(tx, update, chat_id(update), [done], now)


@coordinator_command(the_round)
async def on_withdraw(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Asks to confirm taking a colleague out (their answers and history are erased, no more
    reminders) or withdrawing an invite nobody opened; by name or by /progress's #12."""
    name = " ".join(context.args or []).strip().strip(QUOTES)
    if not name:
        reply(update, t("withdraw_usage"))
        return
    async with context.services.db.read() as tx:
        matches = roster.find(await tx.roster(round_.id), name)
        found = matches[0] if len(matches) == 1 else None
        joined = found.participant_id if found else None
        answers = len(await tx.answers_of(joined)) if joined is not None else 0
    if found is not None:
        params = {"name": found.name, "invite": found.invite_id, "round": round_.name}
        if found.joined:
            text, label = t("withdraw_confirm", count=answers, **params), "withdraw_yes"
        else:
            text, label = t("withdraw_invite_confirm", **params), "withdraw_invite_yes"
        data = callbacks.make(Action.WITHDRAW_CONFIRM, round_.id, found.invite_id)
        button = InlineKeyboardButton(t.button(label), callback_data=data)
        reply(update, text, InlineKeyboardMarkup([[button]]))
    elif matches:
        choices = ", ".join(f"#{m.invite_id}" for m in matches)
        reply(
            update,
            t(
                "withdraw_ambiguous",
                name=name,
                count=len(matches),
                choices=choices,
                example=f"#{matches[0].invite_id}",
            ),
        )
    else:
        reply(update, t("withdraw_unknown", name=name, round=round_.name))


@coordinator_command(the_round)
async def on_withdraw_confirmed(
    update: Update, context: BotContext, _active: Round, t: Catalogue
) -> None:
    """Takes the confirmed colleague out and erases their input, or withdraws the invite."""
    query, callback = callbacks.pressed(update)
    s = context.services
    now = s.now()
    entry = None
    async with s.db.write() as tx:
        round_ = (
            await tx.get_round(callback.owner) if callback and len(callback.args) == 1 else None
        )
        if round_ is not None and callback is not None:
            entries = await tx.roster(round_.id)
            wanted = callback.args[0]
            entry = next((e for e in entries if e.invite_id == wanted and not e.coordinator), None)
        if round_ is not None and entry is not None and await first_time(tx, update, now):
            who = update.effective_user.full_name if update.effective_user else None
            actor = Actor(ActorRole.COORDINATOR, user_id(update), who)
            erased = await withdraw_entry(tx, round_, entry, now, actor)
            if erased is None:
                text = t("withdraw_gone")
            elif entry.joined:
                text = t("withdrawn_done", name=entry.name, round=round_.name, count=erased)
            else:
                text = t("withdrawn_invite_done", name=entry.name, round=round_.name)
            await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
    if entry is None:
        await acknowledge(query, t("withdraw_gone"))
        return
    await acknowledge(query)
    await drop_keyboard(query)
    if entry.joined:
        s.in_background(scrub(s.db), f"scrub-after-withdrawal-{entry.invite_id}")


def handlers(new: filters.BaseFilter) -> list[BaseHandler[Update, BotContext, None]]:
    """The coordinators' handlers; commands only in new messages (``new``)."""
    return [
        CommandHandler("progress", on_progress, filters=new),
        CommandHandler("overview", on_overview, filters=new),
        CommandHandler("invite", on_invite, filters=new),
        CommandHandler("rounds", on_rounds, filters=new),
        CommandHandler("partners", on_partners, filters=new),
        CommandHandler("merge", on_merge, filters=new),
        # /withdraw itself is bot.privacy_chat's: without a name it is a colleague's own.
        CallbackQueryHandler(on_round_selected, pattern=callbacks.pattern(Action.ROUND_SELECT)),
        CallbackQueryHandler(on_overview_button, pattern=callbacks.pattern(Action.OVERVIEW)),
        CallbackQueryHandler(
            on_withdraw_confirmed, pattern=callbacks.pattern(Action.WITHDRAW_CONFIRM)
        ),
    ]
