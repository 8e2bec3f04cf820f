"""What reminders and their digests say, and their buttons. Pure rendering."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.callbacks import Action
from bot.coordinator_views import progress_counts
from bot.render import Outgoing
from conversations.progress import Progress
from conversations.reminders import WorkingCalendar
from conversations.texts import Catalogue, Markup, catalogue
from reports.progress import RoundProgress
from storage.records import Participant, Round

AWAY_WEEKS = (1, 2, 3)


def reminder_message(
    participant: Participant, progress: Progress, round_: Round, kind: str
) -> Outgoing:
    """Returns the reminder: what is left ("nog 4 vragen bij 2 thema's"), the deadline, buttons."""
    t = catalogue(participant.language)
    if not participant.theme_keys:
        key = "reminder_pick"
    elif kind == "deadline":
        key = "reminder_deadline_near"
    elif not progress.started:
        key = "reminder_start"
    else:
        key = "reminder"
    text = t(
        key,
        name=participant.name,
        round=round_.name,
        questions=progress.open_required,
        themes=progress.open_themes,
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


def digest_text(
    t: Catalogue,
    round_name: str,
    *,
    sent: int,
    unreachable: int,
    failed: list[str],
    progress: RoundProgress | None,
) -> str:
    """Returns a short digest: sent, unreachable and failed, then progress counts."""
    colleagues = progress.colleagues if progress else ()
    text = t(
        "reminder_digest",
        round=round_name,
        sent=sent,
        unreachable=unreachable,
        failed=len(failed),
        counts=Markup(progress_counts(progress, t)),
    )
    # Everyone unreachable, not only who turned out so now: the coordinator has to act on them.
    names = [c.name for c in colleagues if c.unreachable]
    if names:
        text += "\n" + t("reminder_digest_unreachable", names=", ".join(names))
    if failed:
        text += "\n" + t("reminder_digest_failed", names=", ".join(failed))
    return text
