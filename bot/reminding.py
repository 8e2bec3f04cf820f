"""Reminders: the JobQueue wakes the bot; what is due and what was sent lives in SQLite.

One run goes over every round with reminders on and, per colleague:

1. in one write transaction, reads the colleague's answers, pause, snooze and past claims, lets
   the pure schedule (``conversations.reminders.due_slot``) decide, settles the superseded slots
   and claims the chosen one. The claim commits *before* anything is sent, so a restart, a crash
   mid-batch or a second bot on the same database can never send that slot again;
2. sends it outside any transaction (Telegram may be slow; other writers must not wait), with
   bounded retries for flood control (429) and network errors;
3. records the outcome in a second write transaction; 403 (or "chat not found", "user is
   deactivated") marks the colleague unreachable.

A failing colleague is logged and counted; the batch goes on. Coordinators get a digest after a
run that sent a reminder, found someone newly unreachable or gave up on a slot for good; a failed
try that a later run will repeat is not news on its own (else one bad chat means a digest every
half hour). ``/remind`` does the same for one round on request, at any hour.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.callbacks import Action, Callback
from bot.coordination import coordinator_round, progress_counts
from bot.handlers import Context, coordinator_chats, owned, reply
from bot.ratelimit import NO_RETRIES, BoundedRateLimiter, retry_after_seconds
from bot.render import Outgoing
from bot.sending import acknowledge, drop_keyboard, split_text
from bot.services import Services
from conversations.progress import Progress, count_progress
from conversations.reminders import (
    ReminderSubject,
    SnoozeChoice,
    WorkingCalendar,
    due_slot,
    in_sending_window,
    manual_due,
    manual_slot_key,
    next_wakeup,
    snooze_until,
)
from conversations.slots import SlotRef
from conversations.template import ReminderPolicy
from conversations.texts import Catalogue, Markup, catalogue
from reports.progress import RoundProgress, round_progress
from storage import Reader, Writer
from storage.contract import MAX_SEND_ATTEMPTS
from storage.records import ClaimOutcome, Participant, Round

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

JOB_NAME = "reminders"
START_DELAY = 5.0  # seconds after start-up: let polling begin before the first batch
SEND_TRIES = 4  # per reminder within one run; a failed slot is tried again at a later run
BACKOFF_SECONDS = 1.0  # network errors: wait 1, 2, 4 s between tries
MAX_RETRY_AFTER = 60.0  # a longer flood-control wait is left to the next run, not slept out
SNOOZE_CHOICES: dict[int, SnoozeChoice] = {1: "tomorrow", 7: "next_week"}
AWAY_WEEKS = (1, 2, 3)
AWAY_MAX_DAYS = 7 * max(AWAY_WEEKS) + 7  # a pressed date further away was not made by us


@cache
def working_calendar(zone: str) -> WorkingCalendar:
    """Returns the calendar of a time zone; cached, so holidays are computed once a year."""
    return WorkingCalendar(zone)


def _services(app: Application) -> Services:
    return app.bot_data["services"]


# --- one colleague ---------------------------------------------------------------------


@dataclass(frozen=True)
class Colleague:
    """One participant as the reminders see them: progress and schedule input."""

    participant: Participant
    progress: Progress
    subject: ReminderSubject


async def load_colleague(tx: Reader, round_: Round, participant: Participant) -> Colleague:
    """Returns what is left for one colleague and what the schedule needs, from the store."""
    answered = {SlotRef(a.theme_key, a.question_key) for a in await tx.answers_of(participant.id)}
    progress = count_progress(
        round_.template,
        participant.theme_keys,
        answered,
        submitted=participant.submitted_at is not None,
    )
    past = await tx.claim_history(participant.id)
    picking = not participant.theme_keys  # themes not chosen yet: open, though nothing counted
    subject = ReminderSubject(
        invited_at=participant.invited_at,
        joined_at=participant.joined_at,
        started=progress.started,
        open_questions=max(progress.open_required, 1 if picking else 0),
        done=progress.done and not picking,
        paused_until=participant.paused_until,
        snoozed_until=participant.snoozed_until,
        unreachable=participant.unreachable_at is not None,
        withdrawn=participant.withdrawn,
        claimed=past.claimed,
        last_reminded_at=past.last_reminded_at,
        other_reminded_at=past.other_reminded_at,
    )
    return Colleague(participant, progress, subject)


def reminder_message(colleague: Colleague, round_: Round, kind: str) -> Outgoing:
    """Returns the reminder: what is left ("nog 4 vragen bij 2 thema's"), the deadline, buttons."""
    participant = colleague.participant
    t = catalogue(participant.language)
    if not participant.theme_keys:
        key = "reminder_pick"
    elif kind == "deadline":
        key = "reminder_deadline_near"
    elif not colleague.subject.started:
        key = "reminder_start"
    else:
        key = "reminder"
    text = t(
        key,
        name=participant.name,
        round=round_.name,
        questions=colleague.progress.open_required,
        themes=colleague.progress.open_themes,
    )
    if round_.deadline is not None:
        text += t("deadline_line", deadline=t.date(round_.deadline))
    text += t("reminder_footer")
    return Outgoing(text, reminder_keyboard(t, participant.id))


def reminder_keyboard(t: Catalogue, participant_id: int) -> InlineKeyboardMarkup:
    """Returns the reminder's buttons: continue, tomorrow, next week, away until."""

    def button(label: str, action: Action, *args: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            label, callback_data=callbacks.make(action, participant_id, *args)
        )

    return InlineKeyboardMarkup(
        [
            [button(t.button("continue"), Action.CONTINUE)],
            [
                button(t.button("reminder_tomorrow"), Action.SNOOZE, 1),
                button(t.button("reminder_next_week"), Action.SNOOZE, 7),
            ],
            [button(t.button("reminder_away"), Action.AWAY)],
        ]
    )


def away_keyboard(
    t: Catalogue, participant_id: int, today: date, calendar: WorkingCalendar
) -> InlineKeyboardMarkup:
    """Returns the away-until choices: the working day one, two and three weeks from today.

    The date itself goes into the button, so a choice pressed a day later still means the
    date it showed.
    """
    rows = []
    for weeks in AWAY_WEEKS:
        back = calendar.next_working_day(today + timedelta(weeks=weeks))
        data = callbacks.make(Action.AWAY, participant_id, back.toordinal())
        label = t.button("reminder_away_until", date=t.date(back))
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    continue_data = callbacks.make(Action.CONTINUE, participant_id)
    rows.append([InlineKeyboardButton(t.button("continue"), callback_data=continue_data)])
    return InlineKeyboardMarkup(rows)


# --- sending -----------------------------------------------------------------------------


# Refusals that mean the chat is gone for good (Telegram words them as 400 or 403).
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


def _gone(exc: BadRequest) -> bool:
    return any(phrase in exc.message.lower() for phrase in _GONE)


async def deliver(bot: Bot, chat_id: int, message: Outgoing, sleep: Sleep) -> ClaimOutcome:
    """Sends one message, retrying flood control and network errors a bounded number of times.

    Never raises a Telegram error: returns SENT, UNREACHABLE (403, or a chat that is gone),
    FAILED (worth another try at a later run) or UNCERTAIN (timed out: it may have arrived, so
    it is never resent). Flood control is decided here, not by the bot's rate limiter: that one
    is told not to retry, so a long wait never holds the bot.
    """
    extra = {"rate_limit_args": NO_RETRIES} if _bounded(bot) else {}
    chunks = split_text(message.text)
    done = 0  # chunks already delivered: a retry goes on from the first one that failed
    for attempt in range(1, SEND_TRIES + 1):
        try:
            while done < len(chunks):
                last = done == len(chunks) - 1
                markup = message.keyboard if last else None
                await bot.send_message(chat_id, chunks[done], reply_markup=markup, **extra)
                done += 1
            return ClaimOutcome.SENT
        except Forbidden:
            return ClaimOutcome.UNREACHABLE
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if attempt == SEND_TRIES or wait > MAX_RETRY_AFTER:
                return ClaimOutcome.FAILED
            await sleep(wait)
        except BadRequest as exc:  # a refusal, not a hiccup: trying again now will not help
            log.warning("Telegram refused a reminder to chat %s: %s", chat_id, exc)
            return ClaimOutcome.UNREACHABLE if _gone(exc) else ClaimOutcome.FAILED
        except TimedOut:
            # The request may have reached Telegram; a second send could be a double reminder.
            return ClaimOutcome.UNCERTAIN
        except NetworkError as exc:
            if attempt == SEND_TRIES:
                log.warning("giving up on a reminder to chat %s: %s", chat_id, exc)
                return ClaimOutcome.FAILED
            await sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    return ClaimOutcome.FAILED  # pragma: no cover - the loop always returns


def _bounded(bot: Bot) -> bool:
    return isinstance(getattr(bot, "rate_limiter", None), BoundedRateLimiter)


# --- a run -------------------------------------------------------------------------------


@dataclass
class RoundDigest:
    """What one run did in one round, for the coordinators."""

    round_id: int
    round_name: str
    sent: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # newly: found so in this run
    failed: list[str] = field(default_factory=list)  # given up: the slot's last try failed
    retrying: list[str] = field(default_factory=list)  # failed now, tried again at a later run
    progress: RoundProgress | None = None

    @property
    def worth_telling(self) -> bool:
        """True when the run sent something, found someone unreachable or gave up on a slot.

        A failed try with tries left is not news by itself: the next run tries again.
        """
        return bool(self.sent or self.unreachable or self.failed)

    def add(self, name: str, outcome: ClaimOutcome, *, final: bool = True) -> None:
        """Counts one outcome; ``final`` is False for a failed try a later run will repeat."""
        if outcome is ClaimOutcome.SENT:
            self.sent.append(name)
        elif outcome is ClaimOutcome.UNREACHABLE:
            self.unreachable.append(name)
        elif outcome is ClaimOutcome.FAILED and not final:
            self.retrying.append(name)
        else:
            self.failed.append(name)


@dataclass(frozen=True)
class _Claimed:
    participant_id: int
    chat_id: int
    name: str
    slot_key: str
    message: Outgoing
    attempt: int  # the slot's try number; MAX_SEND_ATTEMPTS is the last one


async def _decide_and_claim(
    tx: Writer,
    round_: Round,
    participant_id: int,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    manual: bool,
) -> _Claimed | None:
    """Decides within the caller's write transaction; returns the claimed reminder, if any."""
    participant = await tx.participant(participant_id)
    if participant is None:
        return None
    colleague = await load_colleague(tx, round_, participant)
    if manual:
        if not manual_due(colleague.subject, deadline=round_.deadline, now=now, calendar=calendar):
            return None
        key, kind = manual_slot_key(now, calendar), "manual"
    else:
        slot, superseded = due_slot(
            round_.template.reminders,
            colleague.subject,
            deadline=round_.deadline,
            now=now,
            calendar=calendar,
        )
        await tx.supersede_reminders(participant.id, superseded, now)
        if slot is None:
            return None
        key, kind = slot.key, slot.kind
    attempt = await tx.claim_reminder(participant.id, key, now)
    if not attempt:
        # Taken already: a double press within the minute, or a process on an older view.
        return None
    message = reminder_message(colleague, round_, kind)
    return _Claimed(participant.id, participant.chat_id, participant.name, key, message, attempt)


async def _remind_round(
    s: Services,
    bot: Bot,
    round_: Round,
    now: datetime,
    sleep: Sleep,
    *,
    manual: bool,
) -> RoundDigest:
    """Claims, sends and records one reminder per colleague who is due; returns the digest."""
    calendar = working_calendar(s.settings.timezone)
    digest = RoundDigest(round_.id, round_.name)
    async with s.db.read() as tx:
        ids = [p.id for p in await tx.participants(round_.id) if not p.withdrawn]
    for participant_id in ids:
        try:
            async with s.db.write() as tx:
                claimed = await _decide_and_claim(
                    tx, round_, participant_id, now, calendar, manual=manual
                )
            if claimed is None:
                continue
            outcome = await deliver(bot, claimed.chat_id, claimed.message, sleep)
            async with s.db.write() as tx:
                await tx.record_reminder(claimed.participant_id, claimed.slot_key, outcome)
                if outcome is ClaimOutcome.UNREACHABLE:
                    await tx.mark_unreachable(claimed.participant_id, now)
            # A failed manual slot is never tried again (its key is for that minute only).
            final = manual or claimed.attempt >= MAX_SEND_ATTEMPTS
            digest.add(claimed.name, outcome, final=final)
        except Exception:
            # One colleague's trouble must not cost the others their reminder.
            log.exception(
                "reminder for participant %s in round %s failed", participant_id, round_.id
            )
            digest.retrying.append(f"#{participant_id}")
    return digest


async def _add_progress(s: Services, digest: RoundDigest) -> None:
    """Fills in the round's progress counts of a digest that will be shown."""
    async with s.db.read() as tx:
        snapshot = await tx.snapshot(digest.round_id)
    digest.progress = round_progress(snapshot) if snapshot else None


def _scheduled(round_: Round) -> bool:
    return round_.reminders_enabled and round_.template.reminders.enabled


async def _scheduled_rounds(s: Services) -> list[Round]:
    async with s.db.read() as tx:
        return [r for r in await tx.list_rounds() if _scheduled(r)]


async def run_reminders(
    app: Application, *, now: datetime | None = None, sleep: Sleep = asyncio.sleep
) -> list[RoundDigest]:
    """Sends every scheduled reminder due at ``now`` and tells the coordinators; returns digests.

    ``sleep`` is how the run waits before a retry; tests pass one that does not wait.
    """
    s = _services(app)
    return await _run(app, await _scheduled_rounds(s), now or s.now(), sleep)


async def _run(
    app: Application, rounds: list[Round], now: datetime, sleep: Sleep
) -> list[RoundDigest]:
    s = _services(app)
    calendar = working_calendar(s.settings.timezone)
    digests = []
    for round_ in rounds:
        if not in_sending_window(now, round_.template.reminders, calendar):
            continue  # nothing is sent at night or at the weekend; the schedule decides again
        if round_.deadline is not None and calendar.local_date(now) > round_.deadline:
            continue
        digest = await _remind_round(s, app.bot, round_, now, sleep, manual=False)
        if digest.worth_telling:
            await _add_progress(s, digest)
            digests.append(digest)
    if digests:
        await send_digest(app, digests, sleep)
    return digests


async def remind_now(
    app: Application, round_: Round, *, now: datetime | None = None, sleep: Sleep = asyncio.sleep
) -> RoundDigest:
    """Sends a coordinator's reminder to everyone in the round who may get one now, any hour."""
    s = _services(app)
    digest = await _remind_round(s, app.bot, round_, now or s.now(), sleep, manual=True)
    await _add_progress(s, digest)
    return digest


async def manual_candidates(s: Services, round_: Round, now: datetime) -> list[str]:
    """Returns the names of the colleagues ``remind_now`` would reach now."""
    calendar = working_calendar(s.settings.timezone)
    names = []
    async with s.db.read() as tx:
        for participant in await tx.participants(round_.id):
            colleague = await load_colleague(tx, round_, participant)
            if manual_due(colleague.subject, deadline=round_.deadline, now=now, calendar=calendar):
                names.append(participant.name)
    return names


def digest_text(t: Catalogue, digest: RoundDigest) -> str:
    """Returns a short digest: sent, unreachable and failed, then progress counts."""
    progress = digest.progress
    colleagues = progress.colleagues if progress else ()
    failed = digest.failed + digest.retrying
    text = t(
        "reminder_digest",
        round=digest.round_name,
        sent=len(digest.sent),
        unreachable=len(digest.unreachable),
        failed=len(failed),
        counts=Markup(progress_counts(progress, t)),
    )
    # Everyone unreachable, not only who turned out so now: the coordinator has to act on them.
    unreachable = [c.name for c in colleagues if c.unreachable]
    if unreachable:
        text += "\n" + t("reminder_digest_unreachable", names=", ".join(unreachable))
    if failed:
        text += "\n" + t("reminder_digest_failed", names=", ".join(failed))
    return text


async def send_digest(app: Application, digests: list[RoundDigest], sleep: Sleep) -> None:
    """Sends the run's digest to every coordinator (by setting and by invite)."""
    s = _services(app)
    t = catalogue(s.settings.language)
    async with s.db.read() as tx:
        chats = await coordinator_chats(tx, s)
    text = "\n\n".join(digest_text(t, d) for d in digests)
    for chat_id in sorted(chats):
        outcome = await deliver(app.bot, chat_id, Outgoing(text), sleep)
        if outcome is not ClaimOutcome.SENT:
            log.warning("could not send the reminder digest to chat %s: %s", chat_id, outcome)


# --- waking up ---------------------------------------------------------------------------


async def next_run(app: Application, *, now: datetime) -> datetime:
    """Returns when to look again: the earliest wake-up of any round with reminders on."""
    s = _services(app)
    return _earliest_wakeup(s, await _scheduled_rounds(s), now)


def _earliest_wakeup(s: Services, rounds: list[Round], now: datetime) -> datetime:
    calendar = working_calendar(s.settings.timezone)
    policies = [r.template.reminders for r in rounds]
    # With no round yet, still look at the next default window: a round may be created by then.
    return min(next_wakeup(p, now=now, calendar=calendar) for p in policies or [ReminderPolicy()])


async def wake(app: Application, *, sleep: Sleep = asyncio.sleep) -> datetime:
    """Sends what is due now and returns when to wake up next."""
    s = _services(app)
    # Listed once: a round switched on meanwhile is seen at the next wake-up.
    rounds = await _scheduled_rounds(s)
    await _run(app, rounds, s.now(), sleep)
    return _earliest_wakeup(s, rounds, s.now())


def _arm(app: Application, delay: float) -> None:
    # No grace limit: a wake-up that fires late (a busy loop, a suspended laptop) still runs;
    # the schedule itself decides whether it is still a good moment.
    app.job_queue.run_once(
        _on_wake, when=delay, name=JOB_NAME, job_kwargs={"misfire_grace_time": None}
    )


async def _on_wake(context: Context) -> None:
    """Sends the due reminders and arms the next wake-up, also after an error."""
    app = context.application
    s = _services(app)
    try:
        wake_at = await wake(app)
    except Exception:
        log.exception("reminder run failed")
        wake_at = s.now() + timedelta(minutes=30)
    _arm(app, max((wake_at - s.now()).total_seconds(), 1.0))


def schedule(app: Application) -> None:
    """Plans the first reminder run shortly after start; every run plans the next one."""
    if app.job_queue is None:  # built without the job-queue extra: reminders only on request
        return
    _arm(app, START_DELAY)


# --- colleague buttons -------------------------------------------------------------------


async def _owned(tx: Reader, callback: Callback | None, user_id: int) -> Participant | None:
    """Returns the participant a button was made for, if the presser is that participant."""
    return None if callback is None else await owned(tx, callback.owner, user_id)


async def _expired(update: Update, s: Services, participant: Participant | None) -> None:
    t = catalogue(participant.language if participant else s.settings.language)
    await acknowledge(update.callback_query, t("reminder_button_expired"))


async def on_snooze(update: Update, context: Context) -> None:
    """Stores "remind me tomorrow" or "next week" and says when the next reminder comes."""
    s = _services(context.application)
    query = update.callback_query
    callback = callbacks.parse(query.data)
    choice = SNOOZE_CHOICES.get(callback.args[0]) if callback and len(callback.args) == 1 else None
    calendar = working_calendar(s.settings.timezone)
    now = s.now()
    until = None
    async with s.db.write() as tx:
        participant = await _owned(tx, callback, update.effective_user.id)
        if participant is not None and choice is not None:
            round_ = await tx.get_round(participant.round_id)
            until = snooze_until(choice, now, round_.template.reminders, calendar)
            await tx.snooze(participant.id, until)
    if participant is None or until is None:
        await _expired(update, s, participant)
        return
    t = catalogue(participant.language)
    await acknowledge(query)
    await drop_keyboard(query)
    await reply(update, t("reminder_snoozed", date=t.date(calendar.local_date(until))))


async def on_away(update: Update, context: Context) -> None:
    """Offers away-until dates; a picked date pauses reminders until that day."""
    s = _services(context.application)
    query = update.callback_query
    callback = callbacks.parse(query.data)
    calendar = working_calendar(s.settings.timezone)
    today = calendar.local_date(s.now())
    async with s.db.read() as tx:
        participant = await _owned(tx, callback, update.effective_user.id)
    if participant is None or len(callback.args) > 1:
        await _expired(update, s, participant)
        return
    t = catalogue(participant.language)
    if not callback.args:
        await acknowledge(query, t("reminder_away_pick"))
        try:
            await query.edit_message_reply_markup(away_keyboard(t, participant.id, today, calendar))
        except BadRequest as exc:
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
        # Paused up to and including the day before: the reminder may come on the day back.
        await tx.pause(participant.id, back - timedelta(days=1))
    await acknowledge(query)
    await drop_keyboard(query)
    await reply(update, t("reminder_away_set", date=t.date(back)))


# --- coordinator -------------------------------------------------------------------------


async def on_remind(update: Update, context: Context) -> None:
    """Shows how many colleagues a reminder would reach and asks to confirm; on/off switches."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    round_, t = found
    s = _services(context.application)
    argument = context.args[0].lower() if context.args else ""
    if argument in ("on", "off", "aan", "uit"):
        enabled = argument in ("on", "aan")
        async with s.db.write() as tx:
            await tx.set_reminders_enabled(round_.id, enabled)
        key = "remind_switched_on" if enabled else "remind_switched_off"
        await reply(update, t(key, round=round_.name, hour=round_.template.reminders.hour))
        return
    if argument:
        await reply(update, t("remind_usage"))
        return
    names = await manual_candidates(s, round_, s.now())
    status = t("remind_status_on" if _scheduled(round_) else "remind_status_off")
    if not names:
        await reply(update, t("remind_nobody", round=round_.name) + status)
        return
    count = len(names)
    label = t.button("remind_send", count=count)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label,
                    # The day it was asked: a confirmation pressed days later is stale.
                    callback_data=callbacks.make(
                        Action.REMIND_CONFIRM, round_.id, _today(s).toordinal()
                    ),
                )
            ]
        ]
    )
    await update.get_bot().send_message(
        update.effective_chat.id,
        t("remind_confirm", round=round_.name, count=count) + status,
        reply_markup=keyboard,
    )


def _today(s: Services) -> date:
    return working_calendar(s.settings.timezone).local_date(s.now())


async def on_remind_confirm(update: Update, context: Context) -> None:
    """Sends a reminder now to every colleague with open questions and replies with the digest."""
    found = await coordinator_round(update, context)
    if found is None:
        return
    _, t = found
    s = _services(context.application)
    query = update.callback_query
    callback = callbacks.parse(query.data)
    async with s.db.read() as tx:
        round_ = await tx.get_round(callback.owner) if callback else None
    if round_ is None:
        await acknowledge(query, t("reminder_button_expired"))
        return
    await acknowledge(query)
    await drop_keyboard(query)  # one press, one batch
    if callback.args != (_today(s).toordinal(),):
        # Who has open questions changes; the count the coordinator confirmed may be wrong now.
        await reply(update, t("remind_confirm_stale"))
        return
    digest = await remind_now(context.application, round_)
    await reply(update, digest_text(t, digest))


def add_handlers(app: Application) -> None:
    """Registers /remind and the reminder buttons (before the intake's generic button handler)."""
    new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("remind", on_remind, filters=new))
    app.add_handler(CallbackQueryHandler(on_snooze, pattern=callbacks.pattern(Action.SNOOZE)))
    app.add_handler(CallbackQueryHandler(on_away, pattern=callbacks.pattern(Action.AWAY)))
    app.add_handler(
        CallbackQueryHandler(on_remind_confirm, pattern=callbacks.pattern(Action.REMIND_CONFIRM))
    )
