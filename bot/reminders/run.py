"""A reminder run: who is due, claimed before sent, sent on the bulk lane, outcome recorded.

One run goes over every round with reminders on and, per colleague:

1. in a write transaction, reads the colleague's answers, pause, snooze and past claims, lets
   the pure schedule (``conversations.reminders.due_slot``) decide, settles the superseded slots
   and claims the chosen one. The claim commits *before* anything is sent, so a restart, a crash
   mid-batch or a second bot on the same database can never send that slot again;
2. sends it outside any transaction on the bulk lane (bot/pacing.py: replies to colleagues
   always go first), with bounded retries for flood control (429) and network errors;
3. records the outcome in a second write transaction; 403 (or "chat not found", "user is
   deactivated") marks the colleague unreachable.

Colleagues are handled concurrently (their writes share commits, the pacer spaces the sends),
so a batch runs at the send rate, not at one network round trip per colleague. A failing
colleague is logged and counted; the batch goes on. Coordinators get a digest after a run that
sent a reminder, found someone newly unreachable or gave up on a slot for good; a failed try that
a later run will repeat is not news on its own. ``/remind`` does the same for one round on
request, at any hour.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from msgspec import Struct
from telegram import Bot, InlineKeyboardMarkup

from bot.context import BotApplication, services_of
from bot.lengths import split_text
from bot.reminders.messages import digest_text, reminder_message
from bot.roles import coordinator_chats
from bot.sending import BULK_PATIENCE, Sent, Sleep, deliver
from bot.services import Services
from conversations.progress import Progress, count_progress
from conversations.reminders import (
    ReminderSubject,
    WorkingCalendar,
    due_slot,
    in_sending_window,
    manual_due,
    manual_slot_key,
)
from conversations.slots import SlotRef
from conversations.texts import catalogue
from reports.progress import RoundProgress, round_progress
from storage import Reader, Writer
from storage.contract import MAX_SEND_ATTEMPTS
from storage.records import ClaimOutcome, Lane, Participant, Round

log = logging.getLogger(__name__)

SEND_TRIES = BULK_PATIENCE.tries  # per reminder within one run; a later run tries again
IN_FLIGHT = 32  # colleagues of one batch being claimed, sent and recorded at once

_OUTCOMES = {
    Sent.SENT: ClaimOutcome.SENT,
    Sent.UNCERTAIN: ClaimOutcome.UNCERTAIN,  # it may have arrived: never sent again
    Sent.GONE: ClaimOutcome.UNREACHABLE,
    Sent.REFUSED: ClaimOutcome.FAILED,
    Sent.FAILED: ClaimOutcome.FAILED,
}


@cache
def working_calendar(zone: str) -> WorkingCalendar:
    """Returns the calendar of a time zone; cached, so holidays are computed once a year."""
    return WorkingCalendar(zone)


class Colleague(Struct, frozen=True):
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
        if outcome in (ClaimOutcome.SENT, ClaimOutcome.UNCERTAIN):
            self.sent.append(name)
        elif outcome is ClaimOutcome.UNREACHABLE:
            self.unreachable.append(name)
        elif outcome is ClaimOutcome.FAILED and not final:
            self.retrying.append(name)
        else:
            self.failed.append(name)

    def sort(self) -> None:
        """Puts the names in alphabetical order: reminders go out concurrently, so the order
        they finished in says nothing, and a coordinator scans a sorted list faster."""
        for names in (self.sent, self.unreachable, self.failed, self.retrying):
            names.sort(key=str.casefold)

    def text(self, s: Services) -> str:
        """The digest as the coordinators read it."""
        return digest_text(
            catalogue(s.settings.language),
            self.round_name,
            sent=len(self.sent),
            unreachable=len(self.unreachable),
            failed=self.failed + self.retrying,
            progress=self.progress,
        )


class _Claimed(Struct, frozen=True):
    participant: Participant
    slot_key: str
    text: str
    keyboard: InlineKeyboardMarkup | None
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
    message = reminder_message(participant, colleague.progress, round_, kind)
    return _Claimed(participant, key, message.text, message.keyboard, attempt)


async def remind_round(
    s: Services, bot: Bot, round_: Round, now: datetime, sleep: Sleep, *, manual: bool
) -> RoundDigest:
    """Claims, sends and records one reminder per colleague who is due; returns the digest."""
    calendar = working_calendar(s.settings.timezone)
    digest = RoundDigest(round_.id, round_.name)
    async with s.db.read() as tx:
        ids = [p.id for p in await tx.participants(round_.id) if not p.withdrawn]
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def remind(participant_id: int) -> None:
        async with slots:
            try:
                async with s.db.write() as tx:
                    claimed = await _decide_and_claim(
                        tx, round_, participant_id, now, calendar, manual=manual
                    )
                if claimed is None:
                    return
                participant = claimed.participant
                sent = await deliver(
                    bot,
                    participant.chat_id,
                    claimed.text,
                    claimed.keyboard,
                    lane=Lane.BULK,
                    patience=BULK_PATIENCE,
                    sleep=sleep,
                )
                outcome = _OUTCOMES[sent]
                async with s.db.write() as tx:
                    await tx.record_reminder(participant.id, claimed.slot_key, outcome)
                    if outcome is ClaimOutcome.UNREACHABLE:
                        await tx.mark_unreachable(participant.id, now)
                # A failed manual slot is never tried again (its key is for that minute only).
                final = manual or claimed.attempt >= MAX_SEND_ATTEMPTS
                digest.add(participant.name, outcome, final=final)
            except Exception:
                # One colleague's trouble must not cost the others their reminder.
                log.exception(
                    "reminder for participant %s in round %s failed", participant_id, round_.id
                )
                digest.retrying.append(f"#{participant_id}")

    await asyncio.gather(*(remind(i) for i in ids))
    digest.sort()
    return digest


async def _add_progress(s: Services, digest: RoundDigest) -> None:
    """Fills in the round's progress counts of a digest that will be shown."""
    async with s.db.read() as tx:
        snapshot = await tx.snapshot(digest.round_id)
    digest.progress = round_progress(snapshot) if snapshot else None


def scheduled(round_: Round) -> bool:
    """Whether a round's scheduled reminders are on (never in a closed round)."""
    return round_.reminders_enabled and round_.template.reminders.enabled and not round_.closed


async def scheduled_rounds(s: Services) -> list[Round]:
    """Returns the rounds whose scheduled reminders are on."""
    async with s.db.read() as tx:
        return [r for r in await tx.list_rounds() if scheduled(r)]


async def run_reminders(
    app: BotApplication, *, now: datetime | None = None, sleep: Sleep = asyncio.sleep
) -> list[RoundDigest]:
    """Sends every scheduled reminder due at ``now`` and tells the coordinators; returns digests.

    ``sleep`` is how the run waits before a retry; tests pass one that does not wait.
    """
    s = services_of(app)
    return await run_rounds(app, await scheduled_rounds(s), now or s.now(), sleep)


async def run_rounds(
    app: BotApplication, rounds: list[Round], now: datetime, sleep: Sleep
) -> list[RoundDigest]:
    """Sends what is due at ``now`` in these rounds and the digest; returns the digests."""
    s = services_of(app)
    calendar = working_calendar(s.settings.timezone)
    digests = []
    for round_ in rounds:
        if not in_sending_window(now, round_.template.reminders, calendar):
            continue  # nothing is sent at night or at the weekend; the schedule decides again
        if round_.deadline is not None and calendar.local_date(now) > round_.deadline:
            continue
        digest = await remind_round(s, app.bot, round_, now, sleep, manual=False)
        if digest.worth_telling:
            await _add_progress(s, digest)
            digests.append(digest)
    if digests:
        await send_digest(app, digests, sleep)
    return digests


async def remind_now(
    app: BotApplication,
    round_: Round,
    *,
    now: datetime | None = None,
    sleep: Sleep = asyncio.sleep,
) -> RoundDigest:
    """Sends a coordinator's reminder to everyone in the round who may get one now, any hour."""
    s = services_of(app)
    digest = await remind_round(s, app.bot, round_, now or s.now(), sleep, manual=True)
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


async def send_digest(app: BotApplication, digests: list[RoundDigest], sleep: Sleep) -> None:
    """Sends the run's digest to every coordinator (by setting and by invite)."""
    s = services_of(app)
    async with s.db.read() as tx:
        chats = await coordinator_chats(tx, s)
    chunks = split_text("\n\n".join(d.text(s) for d in digests))
    for chat_id in sorted(chats):
        for chunk in chunks:
            outcome = await deliver(app.bot, chat_id, chunk, lane=Lane.BULK, sleep=sleep)
            if outcome is not Sent.SENT:
                log.warning("could not send the reminder digest to chat %s: %s", chat_id, outcome)
                break
