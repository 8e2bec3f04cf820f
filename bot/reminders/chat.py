"""The buttons under a reminder (later, away) and the coordinator's /remind."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.callbacks import Action, Callback
from bot.context import BotContext
from bot.handling import first_time, forget, queue_replies, reply
from bot.reminders.messages import AWAY_WEEKS, away_keyboard
from bot.reminders.run import manual_candidates, remind_now, scheduled, working_calendar
from bot.render import Outgoing
from bot.roles import chat_id, coordinator_command, owned, the_round, user_id
from bot.sending import acknowledge, drop_keyboard, send
from bot.services import Services
from conversations.reminders import SnoozeChoice, snooze_until
from conversations.texts import Catalogue, catalogue
from storage import Reader
from storage.records import Participant, Round

log = logging.getLogger(__name__)

SNOOZE_CHOICES: dict[int, SnoozeChoice] = {1: "tomorrow", 7: "next_week"}
AWAY_MAX_DAYS = 7 * max(AWAY_WEEKS) + 7  # a pressed date further away was not made by us


async def _owned(tx: Reader, callback: Callback | None, presser: int) -> Participant | None:
    """Returns the participant a button was made for, if the presser is that participant."""
    return None if callback is None else await owned(tx, callback.owner, presser)


async def _expired(update: Update, s: Services, participant: Participant | None) -> None:
    assert update.callback_query is not None
    if participant is None:
        forget(update)
    t = catalogue(participant.language if participant else s.settings.language)
    await acknowledge(update.callback_query, t("reminder_button_expired"))


async def on_snooze(update: Update, context: BotContext) -> None:
    """Stores "remind me tomorrow" or "next week" and says when the next reminder comes."""
    s = context.services
    query, callback = callbacks.pressed(update)
    choice = SNOOZE_CHOICES.get(callback.args[0]) if callback and len(callback.args) == 1 else None
    calendar = working_calendar(s.settings.timezone)
    now = s.now()
    until = None
    async with s.db.write() as tx:
        participant = await _owned(tx, callback, user_id(update))
        round_ = await tx.get_round(participant.round_id) if participant else None
        if participant is not None and round_ is not None and choice is not None:
            until = snooze_until(choice, now, round_.template.reminders, calendar)
            if await first_time(tx, update, now):
                await tx.snooze(participant.id, until)
                t = catalogue(participant.language)
                text = t("reminder_snoozed", date=t.date(calendar.local_date(until)))
                await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
    if participant is None or until is None:
        await _expired(update, s, participant)
        return
    await acknowledge(query)
    await drop_keyboard(query)


async def on_away(update: Update, context: BotContext) -> None:
    """Offers away-until dates; a picked date pauses reminders until that day."""
    s = context.services
    query, callback = callbacks.pressed(update)
    calendar = working_calendar(s.settings.timezone)
    now = s.now()
    today = calendar.local_date(now)
    async with s.db.read() as tx:
        participant = await _owned(tx, callback, user_id(update))
    if participant is None or callback is None or len(callback.args) > 1:
        await _expired(update, s, participant)
        return
    t = catalogue(participant.language)
    if not callback.args:
        await acknowledge(query, t("reminder_away_pick"))
        try:
            await query.edit_message_reply_markup(away_keyboard(t, participant.id, today, calendar))
        except (BadRequest, NetworkError, RetryAfter) as exc:
            log.debug("could not show the away choices: %s", exc)
        return
    try:
        back = date.fromordinal(callback.args[0])
    except (ValueError, OverflowError):
        back = today
    if not today < back <= today + timedelta(days=AWAY_MAX_DAYS):
        await _expired(update, s, participant)
        return
    async with s.db.write() as tx:
        if await first_time(tx, update, now):
            # Paused up to and including the day before: the reminder may come on the day back.
            await tx.pause(participant.id, back - timedelta(days=1))
            text = t("reminder_away_set", date=t.date(back))
            await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
    await acknowledge(query)
    await drop_keyboard(query)


@coordinator_command(the_round)
async def on_remind(update: Update, context: BotContext, round_: Round, t: Catalogue) -> None:
    """Shows how many colleagues a reminder would reach and asks to confirm; on/off switches."""
    s = context.services
    if round_.closed:
        reply(update, t("round_closed_coordinator", round=round_.name))
        return
    argument = context.args[0].lower() if context.args else ""
    if argument in ("on", "off", "aan", "uit"):
        enabled = argument in ("on", "aan")
        now = s.now()
        async with s.db.write() as tx:
            if await first_time(tx, update, now):
                await tx.set_reminders_enabled(round_.id, enabled)
                key = "remind_switched_on" if enabled else "remind_switched_off"
                text = t(key, round=round_.name, hour=round_.template.reminders.hour)
                await queue_replies(tx, update, chat_id(update), [Outgoing(text)], now)
        return
    if argument:
        reply(update, t("remind_usage"))
        return
    names = await manual_candidates(s, round_, s.now())
    status = t("remind_status_on" if scheduled(round_) else "remind_status_off")
    if not names:
        reply(update, t("remind_nobody", round=round_.name) + status)
        return
    count = len(names)
    # The day it was asked: a confirmation pressed days later is stale.
    data = callbacks.make(Action.REMIND_CONFIRM, round_.id, _today(s).toordinal())
    button = InlineKeyboardButton(t.button("remind_send", count=count), callback_data=data)
    text = t("remind_confirm", round=round_.name, count=count) + status
    reply(update, text, InlineKeyboardMarkup([[button]]))


def _today(s: Services) -> date:
    return working_calendar(s.settings.timezone).local_date(s.now())


@coordinator_command(the_round)
async def on_remind_confirm(
    update: Update, context: BotContext, _active: Round, t: Catalogue
) -> None:
    """Starts a reminder to every colleague with open questions; the digest follows when done.

    The batch runs beside the pipeline, on the bulk lane: the coordinator's chat and every
    colleague's replies go on meanwhile.
    """
    s = context.services
    query, callback = callbacks.pressed(update)
    async with s.db.write() as tx:
        round_ = await tx.get_round(callback.owner) if callback else None
        fresh = round_ is not None and await first_time(tx, update, s.now())
    if round_ is None or callback is None or round_.closed:
        await acknowledge(query, t("reminder_button_expired"))
        return
    await acknowledge(query)
    await drop_keyboard(query)  # one press, one batch
    if not fresh:
        return  # pressed before a crash: that batch ran (its slots are claimed)
    if callback.args != (_today(s).toordinal(),):
        # Who has open questions changes; the count the coordinator confirmed may be wrong now.
        reply(update, t("remind_confirm_stale"))
        return
    app = context.app
    coordinator = chat_id(update)

    async def batch() -> None:
        digest = await remind_now(app, round_)
        await send(app.bot, coordinator, [Outgoing(digest.text(s))])

    s.in_background(batch(), f"remind-round-{round_.id}")


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/remind and the reminder buttons (before the intake's generic button handler)."""
    new = filters.UpdateType.MESSAGE
    return [
        CommandHandler("remind", on_remind, filters=new),
        CallbackQueryHandler(on_snooze, pattern=callbacks.pattern(Action.SNOOZE)),
        CallbackQueryHandler(on_away, pattern=callbacks.pattern(Action.AWAY)),
        CallbackQueryHandler(on_remind_confirm, pattern=callbacks.pattern(Action.REMIND_CONFIRM)),
    ]
