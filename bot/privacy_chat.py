"""Handlers for privacy in the chat: what is kept (/privacy), withdrawing one's own input
(/withdraw; with a name it is the coordinator's /withdraw NAME), and closing a round (/close).
``/mydata`` is bot/mydata.py's.

Withdrawing and closing cannot be undone, so both ask first with a button; the button does
it, in one transaction with its audit entry and its reply.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, coordination, mydata
from bot.callbacks import Action
from bot.closing import close_round, open_colleagues
from bot.context import BotContext
from bot.handling import first_time, forget, queue_replies, reply
from bot.reminders.run import working_calendar
from bot.render import Outgoing
from bot.roles import (
    active_round,
    chat_id,
    coordinator_command,
    is_coordinator,
    owned,
    refuse_stranger,
    texts_for,
    the_round,
    user_id,
)
from bot.sending import acknowledge, drop_keyboard
from bot.withdrawal import scrub, withdraw_self
from conversations.template import PrivacyPolicy
from conversations.texts import Catalogue, Markup, catalogue
from storage.records import Actor, ActorRole, Round


def privacy_text(t: Catalogue, round_: Round | None) -> str:
    """What is kept, why, who sees it, for how long, and one's rights, as Telegram HTML:
    the catalogue's words, with the round's template's own texts where it has them."""
    policy = round_.template.privacy if round_ is not None else PrivacyPolicy()
    parts = [
        t("privacy_title", round=round_.name) if round_ else t("privacy_title_general"),
        t("privacy_stored"),
        t("privacy_purpose", text=policy.purpose)
        if policy.purpose
        else t("privacy_purpose_default"),
        t("privacy_access", text=policy.access) if policy.access else t("privacy_access_default"),
    ]
    if round_ is not None and round_.retention_days is not None:
        parts.append(t("privacy_retention_days", days=round_.retention_days))
    else:
        parts.append(t("privacy_retention_manual"))
    if policy.retention:  # in addition: the period itself is the round's, and may change
        parts[-1] += "\n" + html.escape(policy.retention, quote=False)
    parts.append(t("privacy_rights"))
    extra = []
    if policy.controller:
        extra.append(t("privacy_controller", text=policy.controller))
    if policy.contact:
        extra.append(t("privacy_contact", text=policy.contact))
    if extra:
        parts.append("\n".join(extra))
    return "\n\n".join(parts)


async def on_privacy(update: Update, context: BotContext) -> None:
    """Says what is kept, why, for how long and who sees it; in the sender's round's words."""
    s = context.services
    async with s.db.read() as tx:
        participant = await tx.active_participant(user_id(update))
        coordinator = await is_coordinator(tx, s, user_id(update))
        if participant is not None:
            round_ = await tx.get_round(participant.round_id)
        else:
            round_ = await active_round(tx, user_id(update)) if coordinator else None
    if participant is None and not coordinator:
        forget(update)  # anyone may ask; nothing of a stranger's is kept for it
    language = participant.language if participant else None
    t = catalogue(language or (round_.template.language if round_ else s.settings.language))
    reply(update, privacy_text(t, round_))


async def on_withdraw(update: Update, context: BotContext) -> None:
    """Without a name: asks to confirm withdrawing one's own input. With a name (or #12):
    the coordinator's /withdraw NAME, which asks to confirm taking that colleague out."""
    if context.args:
        await coordination.on_withdraw(update, context)
        return
    s = context.services
    async with s.db.read() as tx:
        participant = await tx.active_participant(user_id(update))
        round_ = await tx.get_round(participant.round_id) if participant else None
        answers = len(await tx.answers_of(participant.id)) if participant else 0
        coordinator = await is_coordinator(tx, s, user_id(update))
        withdrew = participant is None and any(
            p.participant.withdrawn
            for p in (await tx.personal_data(user_id(update))).participations
        )
    if participant is None or round_ is None:
        if coordinator:
            reply(update, texts_for(s)("withdraw_usage"))
        elif withdrew:
            forget(update)
            reply(update, texts_for(s)("withdraw_self_nothing"))
        else:
            await refuse_stranger(update, context)
        return
    t = catalogue(participant.language)
    yes = callbacks.make(Action.WITHDRAW_SELF, participant.id)
    no = callbacks.make(Action.CONTINUE, participant.id)
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.button("withdraw_self_yes"), callback_data=yes)],
            [InlineKeyboardButton(t.button("withdraw_self_no"), callback_data=no)],
        ]
    )
    reply(update, t("withdraw_self_confirm", round=round_.name, count=answers), keyboard)


async def on_withdraw_self_confirmed(update: Update, context: BotContext) -> None:
    """Erases the presser's own input (answers, history, message links, reminders) and says
    what is left; a button made for someone else changes nothing."""
    query, callback = callbacks.pressed(update)
    s = context.services
    now = s.now()
    done = False
    async with s.db.write() as tx:
        participant = None
        if callback is not None and not callback.args:
            participant = await owned(tx, callback.owner, user_id(update))
        round_ = await tx.get_round(participant.round_id) if participant else None
        if participant is not None and round_ is not None and await first_time(tx, update, now):
            actor = Actor(ActorRole.COLLEAGUE, user_id(update), participant.name)
            done = await withdraw_self(tx, participant, now, actor) is not None
            t = catalogue(participant.language)
            text = t("withdraw_self_done", round=round_.name)
            await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
    if participant is None:
        async with s.db.read() as tx:
            known = await tx.active_participant(user_id(update)) or await is_coordinator(
                tx, s, user_id(update)
            )
        if not known:
            forget(update)
        await acknowledge(query, texts_for(s)("reminder_button_expired"))
        return
    await acknowledge(query)
    await drop_keyboard(query)
    if done:
        s.in_background(scrub(s.db), f"scrub-after-withdrawal-{participant.id}")


@coordinator_command(the_round)
async def on_close(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Asks to confirm closing the active round: what stops, who is told, when it is erased."""
    s = context.services
    if round_.closed_at is not None:
        day = round_.closed_at.astimezone(s.settings.zone).date()
        reply(update, t("close_already", round=round_.name, date=t.date(day)))
        return
    async with s.db.read() as tx:
        waiting = len(await open_colleagues(tx, round_))
    if round_.retention_days is not None:
        retention = t("close_retention_days", days=round_.retention_days)
    else:
        retention = t("close_retention_manual", round_id=round_.id)
    text = t("close_confirm", round=round_.name, count=waiting, retention=Markup(retention))
    data = callbacks.make(Action.CLOSE_CONFIRM, round_.id)
    button = InlineKeyboardButton(t.button("close_round"), callback_data=data)
    reply(update, text, InlineKeyboardMarkup([[button]]))


@coordinator_command(the_round)
async def on_close_confirmed(
    update: Update, context: BotContext, _active: Round, t: Catalogue
) -> None:
    """Closes the round; colleagues with open questions are told once, within working hours."""
    query, callback = callbacks.pressed(update)
    s = context.services
    now = s.now()
    async with s.db.write() as tx:
        round_ = await tx.get_round(callback.owner) if callback and not callback.args else None
        if round_ is not None and await first_time(tx, update, now):
            who = update.effective_user.full_name if update.effective_user else None
            actor = Actor(ActorRole.COORDINATOR, user_id(update), who)
            calendar = working_calendar(s.settings.timezone)
            told = await close_round(tx, round_, now, calendar, actor, s.settings.timezone)
            if told is None and round_.closed_at is not None:
                day = t.date(round_.closed_at.astimezone(s.settings.zone).date())
                text = t("close_already", round=round_.name, date=day)
            else:
                text = t("close_done", round=round_.name, count=told or 0)
            await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
    if round_ is None:
        await acknowledge(query, t("button_expired"))
        return
    await acknowledge(query)
    await drop_keyboard(query)


def handlers(new: filters.BaseFilter) -> list[BaseHandler[Update, BotContext, None]]:
    """/privacy, /mydata, /withdraw, /close and their buttons (before the generic ones)."""
    return [
        CommandHandler("privacy", on_privacy, filters=new),
        CommandHandler("mydata", mydata.on_mydata, filters=new),
        CommandHandler("withdraw", on_withdraw, filters=new),
        CommandHandler("close", on_close, filters=new),
        CallbackQueryHandler(
            on_withdraw_self_confirmed, pattern=callbacks.pattern(Action.WITHDRAW_SELF)
        ),
        CallbackQueryHandler(on_close_confirmed, pattern=callbacks.pattern(Action.CLOSE_CONFIRM)),
    ]
