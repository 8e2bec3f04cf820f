"""Reminders through the real Application, with a clock the tests move: nothing ever waits.

The default setting: a round on the small template (2 required questions per theme, deadline
Friday 26 February 2027), colleagues invited on Monday 23 November 2026. Their first nudge is
due on Thursday 26 November (3 working days later), the weekly one on Mondays from 30 November.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from bot import callbacks
from bot.app import build_application
from bot.callbacks import Action
from bot.pacing import Pacer
from bot.reminders import jobs
from bot.reminders import run as reminder_run
from conversations.reminders import ReminderSubject, WorkingCalendar, manual_due, manual_slot_key
from devtools.chat import ChatUser
from devtools.standin import BotMessage, FakeRequest
from storage import open_store
from storage.contract import MAX_SEND_ATTEMPTS
from storage.sqlite.transaction import SqliteTransaction
from tests.auxil.data import SMALL
from tests.auxil.harness import Harness

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BOTH_THEMES = ("ondermijning", "jeugd")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """Returns an Amsterdam wall time as the UTC moment the bot's clock shows."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


class Sleeps:
    """An injected ``sleep`` that records how long the bot wanted to wait, and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


async def run(bot: Harness, sleep: Sleeps | None = None) -> list[reminder_run.RoundDigest]:
    """Runs one scheduled reminder check at the clock's time."""
    return await reminder_run.run_reminders(bot.app, sleep=sleep or Sleeps())


def reminders(bot: Harness, user: ChatUser) -> list[BotMessage]:
    """The reminders that reached a colleague's chat."""
    return [m for m in bot.tg.api.messages(user.chat_id) if m.shown.startswith("⏰")]


def send_attempts(bot: Harness, user: ChatUser) -> int:
    """How often the bot tried to send a reminder to a chat, refused tries included."""
    return sum(
        1
        for call in bot.tg.api.calls_to("sendMessage")
        if call["chat_id"] == user.chat_id and str(call.get("text", "")).startswith("⏰")
    )


async def round_on_monday(bot: Harness, **kwargs: object) -> int:
    bot.clock.current = local(2026, 11, 23)
    return await bot.create_round(SMALL, **kwargs)


async def join(
    bot: Harness, round_id: int, user_id: int, name: str, themes=BOTH_THEMES
) -> ChatUser:
    """Invites a colleague, who opens the link (and so is in the round, not started)."""
    token = await bot.invite(round_id, name, themes)
    user = bot.user(user_id, name)
    await user.send(f"/start {token}")
    return user


async def answer_all(user: ChatUser) -> None:
    """Answers every question of both themes (not submitting): the colleague is done."""
    for _ in BOTH_THEMES:
        await user.send("Hier is mijn antwoord.")
        await user.send("Politie, OM")
        await user.send("prioriteit")


async def participant_of(bot: Harness, user: ChatUser):
    async with bot.store.read() as tx:
        return await tx.active_participant(user.chat_id)


async def outcomes(bot: Harness, user: ChatUser) -> dict[str, str]:
    participant = await participant_of(bot, user)
    async with bot.store.read() as tx:
        return await tx.reminder_outcomes(participant.id)


# --- what a reminder says and offers ------------------------------------------------------


async def test_due_reminder_says_what_is_left_and_is_sent_once(bot, sleeps):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")

    bot.clock.current = local(2026, 11, 27)  # Friday: the first nudge (Thursday) is due
    digests = await run(bot, sleeps)
    [reminder] = reminders(bot, alice)
    assert "nog niet begonnen" in reminder.shown
    assert "nog 4 vragen bij 2 thema's" in reminder.shown
    assert "vrijdag 26 februari 2027" in reminder.shown  # the deadline
    assert alice.buttons == ["Verder", "Morgen herinneren", "Volgende week", "Ik ben weg tot…"]
    assert [d.sent for d in digests] == [["Alice"]]
    assert "1 verstuurd, 0 onbereikbaar" in coby.last_reply

    await run(bot, sleeps)  # the same moment again: a retry or a second wake-up
    bot.clock.advance(minutes=30)
    await run(bot, sleeps)  # the next check that day
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {"first": "sent"}

    await alice.press("Verder")
    assert "vraag 1/3" in alice.last_reply
    await alice.send("Zicht op geldstromen.")
    bot.clock.current = local(2026, 11, 30, 9)  # Monday: the weekly one says what is left now
    await run(bot, sleeps)
    assert "nog 3 vragen bij 2 thema's" in reminders(bot, alice)[-1].shown


async def test_nothing_after_the_invite_on_the_same_day(bot):
    round_id = await bot.create_round(SMALL)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.advance(hours=3)
    assert await run(bot) == []
    assert reminders(bot, alice) == []


async def test_colleague_who_has_not_picked_themes_is_asked_to_pick(bot):
    round_id = await round_on_monday(bot)
    bram = await join(bot, round_id, 1002, "Bram", themes=())
    bot.clock.current = local(2026, 11, 27)
    await run(bot)
    [reminder] = reminders(bot, bram)
    assert "nog geen thema's gekozen" in reminder.shown


async def test_continue_from_a_reminder_shows_the_theme_picker(bot):
    round_id = await round_on_monday(bot)
    bram = await join(bot, round_id, 1002, "Bram", themes=())
    bot.clock.current = local(2026, 11, 27)
    await run(bot)
    await bram.press("Verder")
    assert "Kies de thema's" in bram.last_reply and "Klaar, begin met de vragen" in bram.buttons


# --- when: working days, working hours, holidays, DST ------------------------------------


async def test_weekend_sends_nothing_and_monday_one_not_a_burst(bot):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    for moment in (local(2026, 11, 28, 10), local(2026, 11, 29, 14)):  # Saturday, Sunday
        bot.clock.current = moment
        await run(bot)
    assert reminders(bot, alice) == []

    bot.clock.current = local(2026, 11, 30, 9)  # Monday 09:00: first and weekly are both due
    await run(bot)
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {"first": "superseded", "weekly:2026-11-30": "sent"}


async def test_public_holiday_moves_the_weekly_reminder_to_the_next_working_day(bot):
    bot.clock.current = local(2026, 5, 18)
    round_id = await bot.create_round(SMALL, deadline=date(2026, 7, 3))
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.send("Begonnen.")  # started: no first nudge, only the weekly Monday one

    bot.clock.current = local(2026, 5, 25, 10)  # Whit Monday (Tweede Pinksterdag)
    await run(bot)
    assert reminders(bot, alice) == []
    bot.clock.current = local(2026, 5, 26, 9)
    await run(bot)
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {"weekly:2026-05-25": "sent"}


async def test_quiet_hours_wait_for_the_next_working_morning(bot):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    for moment in (local(2026, 11, 27, 8, 59), local(2026, 11, 27, 17), local(2026, 11, 27, 23)):
        bot.clock.current = moment
        await run(bot)
    assert reminders(bot, alice) == []
    assert await jobs.next_run(bot.app, now=bot.clock()) == local(2026, 11, 30, 9)


@pytest.mark.parametrize(
    ("started", "expected_wakeup"),
    [
        (local(2026, 11, 28, 10), local(2026, 11, 30, 9)),  # Saturday -> Monday morning
        (local(2026, 12, 1, 23), local(2026, 12, 2, 9)),  # Tuesday 23:00 -> Wednesday morning
    ],
    ids=["saturday", "23:00"],
)
async def test_bot_started_off_hours_sends_nothing_until_the_next_working_morning(
    bot, started, expected_wakeup
):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    await bot.restart()
    bot.clock.current = started  # reminders are overdue, but not at this hour
    assert await jobs.wake(bot.app, sleep=Sleeps()) == expected_wakeup
    assert reminders(bot, alice) == []
    bot.clock.current = expected_wakeup
    await jobs.wake(bot.app, sleep=Sleeps())
    assert len(reminders(bot, alice)) == 1  # one, not one for every slot missed


def test_the_start_up_check_is_armed_on_the_job_queue(bot):
    from bot import retention

    names = sorted(job.name for job in bot.app.job_queue.jobs())
    assert names == sorted([jobs.JOB_NAME, retention.JOB_NAME])


@pytest.mark.parametrize(
    ("invited", "monday", "utc_hour"),
    [
        (local(2026, 3, 18), date(2026, 3, 30), 7),  # clocks went forward on Sunday 29 March
        (local(2026, 10, 14), date(2026, 10, 26), 8),  # clocks went back on Sunday 25 October
    ],
    ids=["spring", "autumn"],
)
async def test_dst_weekend_keeps_the_reminder_at_nine_local(bot, invited, monday, utc_hour):
    bot.clock.current = invited
    round_id = await bot.create_round(SMALL, deadline=date(2026, 12, 31))
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.send("Begonnen.")

    saturday = datetime.combine(monday, datetime.min.time(), UTC).replace(day=monday.day - 2)
    nine = datetime(monday.year, monday.month, monday.day, utc_hour, tzinfo=UTC)
    assert await jobs.next_run(bot.app, now=saturday) == nine
    bot.clock.current = nine.replace(hour=utc_hour - 1, minute=59)  # 08:59 local
    await run(bot)
    assert reminders(bot, alice) == []
    bot.clock.current = nine
    await run(bot)
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {f"weekly:{monday.isoformat()}": "sent"}


# --- snooze and away ---------------------------------------------------------------------


@pytest.fixture
async def reminded(bot) -> ChatUser:
    """Alice, who got her first nudge on Friday 27 November 10:00."""
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 27)
    await run(bot)
    assert len(reminders(bot, alice)) == 1
    return alice


async def test_remind_me_tomorrow_on_friday_means_monday(bot, reminded):
    alice = reminded
    await alice.press("Morgen herinneren")
    assert alice.last_reply.startswith("Goed, ik herinner je op maandag 30 november 2026 weer")
    assert alice.replies[-2].inline_keyboard == []  # the reminder's buttons are used up
    participant = await participant_of(bot, alice)
    assert participant.snoozed_until == local(2026, 11, 30, 9)

    bot.clock.current = local(2026, 11, 30, 8, 59)
    await run(bot)
    assert len(reminders(bot, alice)) == 1
    bot.clock.current = local(2026, 11, 30, 9)
    await run(bot)
    assert len(reminders(bot, alice)) == 2
    assert (await outcomes(bot, alice))["snooze:2026-11-30"] == "sent"


async def test_remind_me_next_week_skips_the_weekly_monday(bot, reminded):
    alice = reminded
    await alice.press("Volgende week")
    assert "vrijdag 4 december 2026" in alice.last_reply
    for moment in (local(2026, 11, 30, 9), local(2026, 12, 3, 16)):
        bot.clock.current = moment
        await run(bot)
    assert len(reminders(bot, alice)) == 1
    bot.clock.current = local(2026, 12, 4, 9)
    await run(bot)
    assert len(reminders(bot, alice)) == 2


async def test_away_until_a_date_pauses_reminders(bot, reminded):
    alice = reminded
    await alice.press("Ik ben weg tot…")
    assert alice.last_callback_answer == "Tot wanneer ben je weg?"
    assert alice.buttons == [
        "Tot vrijdag 4 december 2026",
        "Tot vrijdag 11 december 2026",
        "Tot vrijdag 18 december 2026",
        "Verder",
    ]
    await alice.press("Tot vrijdag 11 december 2026")
    assert "Tot vrijdag 11 december 2026 stuur ik je geen herinneringen" in alice.last_reply
    assert (await participant_of(bot, alice)).paused_until == date(2026, 12, 10)

    for moment in (local(2026, 11, 30, 9), local(2026, 12, 7, 9), local(2026, 12, 10, 12)):
        bot.clock.current = moment
        await run(bot)
    assert len(reminders(bot, alice)) == 1
    bot.clock.current = local(2026, 12, 14, 9)
    await run(bot)
    assert len(reminders(bot, alice)) == 2


async def test_foreign_stale_and_forged_reminder_buttons_change_nothing(bot, reminded):
    alice = reminded
    bram = bot.user(1002, "Bram")
    await bram.send("/start")  # a stranger, with a chat to press a button in
    before = len(bram.replies)
    participant = await participant_of(bot, alice)
    yesterday = date(2026, 11, 26).toordinal()
    for presser, data in [
        (bram, callbacks.make(Action.SNOOZE, participant.id, 1)),  # someone else's reminder
        (bram, callbacks.make(Action.AWAY, participant.id)),
        (alice, callbacks.make(Action.SNOOZE, participant.id, 3)),  # not a choice we offer
        (alice, callbacks.make(Action.AWAY, participant.id, yesterday)),  # a date gone by
        (alice, callbacks.make(Action.AWAY, participant.id, 10**9)),  # forged, no date at all
        (alice, callbacks.make(Action.SNOOZE, 999_999, 1)),  # no such participant
    ]:
        await presser.press_data(data)
        assert presser.last_callback_answer == "Deze knop is verlopen; er is niets veranderd."
    after = await participant_of(bot, alice)
    assert (after.snoozed_until, after.paused_until) == (None, None)
    assert len(bram.replies) == before


# --- who gets nothing ----------------------------------------------------------------------


async def test_done_colleague_gets_nothing(bot):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bram = await join(bot, round_id, 1002, "Bram")
    await answer_all(bram)  # done, though not submitted

    bot.clock.current = local(2026, 11, 27)
    await run(bot)
    bot.clock.current = local(2026, 11, 30, 9)
    await run(bot)
    assert len(reminders(bot, alice)) == 2
    assert reminders(bot, bram) == []
    assert send_attempts(bot, bram) == 0


async def test_round_past_its_deadline_gets_nothing(bot):
    round_id = await round_on_monday(bot, deadline=date(2026, 12, 4))
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.send("Begonnen.")
    bot.clock.current = local(2026, 12, 3, 9)  # one working day before the deadline
    await run(bot)
    [reminder] = reminders(bot, alice)
    assert "De deadline van" in reminder.shown and "komt eraan" in reminder.shown
    assert (await outcomes(bot, alice))["deadline-1:2026-12-04"] == "sent"

    for moment in (local(2026, 12, 7, 9), local(2026, 12, 14, 9)):  # after the deadline day
        bot.clock.current = moment
        await run(bot)
    assert len(reminders(bot, alice)) == 1


async def test_reminders_follow_a_moved_deadline(bot):
    round_id = await round_on_monday(bot, deadline=date(2026, 12, 4))
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.send("Begonnen.")
    bot.clock.current = local(2026, 12, 3, 9)
    await run(bot)
    assert (await outcomes(bot, alice))["deadline-1:2026-12-04"] == "sent"
    bot.clock.current = local(2026, 12, 3, 10)
    await bot.coordinator().send("/deadline 18-12-2026")
    bot.clock.current = local(2026, 12, 17, 9)  # one working day before the new deadline
    await run(bot)
    assert (await outcomes(bot, alice))["deadline-1:2026-12-18"] == "sent"
    assert "De deadline van" in reminders(bot, alice)[-1].shown
    assert "vrijdag 18 december 2026" in reminders(bot, alice)[-1].shown


async def test_reminders_switched_off_and_on_by_the_coordinator(bot):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.send("/remind off")
    assert "opdracht voor de coördinator" in alice.last_reply  # colleagues cannot

    await coby.send("/remind off")
    assert "staan uit" in coby.last_reply
    bot.clock.current = local(2026, 11, 27)
    assert await run(bot) == []
    assert reminders(bot, alice) == []

    await coby.send("/remind on")
    assert "staan aan" in coby.last_reply and "9:00" in coby.last_reply
    await run(bot)
    assert len(reminders(bot, alice)) == 1


# --- durable and idempotent ----------------------------------------------------------------


class Crash(BaseException):
    """The process dying: not an error the batch could catch and go on from."""


async def test_restart_mid_batch_sends_nobody_twice(bot, monkeypatch):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bram = await join(bot, round_id, 1002, "Bram")
    carla = await join(bot, round_id, 1003, "Carla")
    bot.clock.current = local(2026, 11, 27)

    record = SqliteTransaction.record_reminder
    recorded = 0

    async def crash_on_the_second(*args: Any) -> None:
        nonlocal recorded
        recorded += 1
        if recorded == 2:
            raise Crash  # Bram's reminder went out, but the bot died before noting it
        await record(*args)

    monkeypatch.setattr(SqliteTransaction, "record_reminder", crash_on_the_second)
    monkeypatch.setattr(reminder_run, "IN_FLIGHT", 1)  # one at a time: a known crash point
    with pytest.raises(Crash):
        await run(bot)
    monkeypatch.setattr(SqliteTransaction, "record_reminder", record)
    assert [len(reminders(bot, u)) for u in (alice, bram, carla)] == [1, 1, 0]

    await bot.restart()
    await run(bot)
    bot.clock.advance(minutes=30)
    await run(bot)
    assert [len(reminders(bot, u)) for u in (alice, bram, carla)] == [1, 1, 1]
    assert await outcomes(bot, bram) == {"first": "claimed"}  # in flight when it died


async def test_two_schedulers_on_one_database_send_exactly_one(bot):
    round_id = await round_on_monday(bot)
    colleagues = [await join(bot, round_id, 1001 + i, f"Collega {i}") for i in range(5)]
    bot.clock.current = local(2026, 11, 27)

    second_store = await open_store(bot.db_path)
    second = build_application(
        bot.settings,
        second_store,
        request=FakeRequest(bot.tg.api),
        get_updates_request=FakeRequest(bot.tg.api),
        clock=bot.clock,
        documents="thread",
    )
    try:
        async with second:
            first_digests, second_digests = await asyncio.gather(
                reminder_run.run_reminders(bot.app, sleep=Sleeps()),
                reminder_run.run_reminders(second, sleep=Sleeps()),
            )
    finally:
        await second_store.close()
    assert [len(reminders(bot, c)) for c in colleagues] == [1] * 5
    assert [send_attempts(bot, c) for c in colleagues] == [1] * 5
    sent = [name for d in (*first_digests, *second_digests) for name in d.sent]
    assert sorted(sent) == [f"Collega {i}" for i in range(5)]


# --- sending at scale ----------------------------------------------------------------------


async def test_blocked_colleague_is_marked_unreachable_and_the_batch_goes_on(bot):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    bram = await join(bot, round_id, 1002, "Bram")
    carla = await join(bot, round_id, 1003, "Carla")
    bot.tg.api.block(alice.chat_id)

    bot.clock.current = local(2026, 11, 27)
    [digest] = await run(bot)
    assert (digest.sent, digest.unreachable) == (["Bram", "Carla"], ["Alice"])
    assert "2 verstuurd, 1 onbereikbaar" in coby.last_reply
    assert "Onbereikbaar (heeft de bot geblokkeerd): Alice" in coby.last_reply
    assert (await participant_of(bot, alice)).unreachable_at == local(2026, 11, 27)
    assert await outcomes(bot, alice) == {"first": "unreachable"}

    bot.clock.current = local(2026, 11, 30, 9)
    await run(bot)
    assert send_attempts(bot, alice) == 1  # skipped from then on
    assert [len(reminders(bot, u)) for u in (bram, carla)] == [2, 2]


async def test_flood_control_is_waited_out_and_retried(bot, sleeps):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.tg.api.rate_limit(times=2, retry_after=5)
    bot.clock.current = local(2026, 11, 27)
    await run(bot, sleeps)
    assert sleeps.waits == [5.0, 5.0]
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {"first": "sent"}


async def test_a_long_flood_wait_is_left_to_the_next_check(bot, sleeps):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.tg.api.rate_limit(times=1, retry_after=3600)
    bot.clock.current = local(2026, 11, 27)
    await run(bot, sleeps)
    assert sleeps.waits == []  # not sleeping an hour inside the batch
    assert await outcomes(bot, alice) == {"first": "failed"}
    bot.clock.advance(minutes=30)
    await run(bot, sleeps)
    assert len(reminders(bot, alice)) == 1
    assert await outcomes(bot, alice) == {"first": "sent"}


async def test_network_errors_back_off_and_a_failed_send_is_tried_again_later(bot, sleeps):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 27)
    bot.tg.api.fail_network(times=2)
    await run(bot, sleeps)
    assert sleeps.waits == [1.0, 2.0]
    assert len(reminders(bot, alice)) == 1

    bot.clock.current = local(2026, 11, 30, 9)
    bot.tg.api.fail_network(times=reminder_run.SEND_TRIES)  # down for the whole batch
    await run(bot, sleeps)
    assert await outcomes(bot, alice) == {"first": "sent", "weekly:2026-11-30": "failed"}
    bot.clock.advance(minutes=30)
    await run(bot, sleeps)
    assert len(reminders(bot, alice)) == 2
    assert await outcomes(bot, alice) == {"first": "sent", "weekly:2026-11-30": "sent"}


async def test_a_failing_chat_is_given_up_after_a_few_checks(bot, sleeps):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 27)
    bot.tg.api.fail_network(times=100)
    for _ in range(MAX_SEND_ATTEMPTS + 2):
        await run(bot, sleeps)
        bot.clock.advance(minutes=30)
    assert send_attempts(bot, alice) == MAX_SEND_ATTEMPTS * reminder_run.SEND_TRIES


# --- the coordinator's /remind ------------------------------------------------------------


async def test_acceptance_remind_reaches_the_half_done_skips_the_done_survives_the_blocked(bot):
    """One colleague half done, one finished, one who blocked the bot; /remind, confirmed."""
    round_id = await bot.create_round(SMALL)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    bram = await join(bot, round_id, 1002, "Bram")
    carla = await join(bot, round_id, 1003, "Carla")
    for text in ("Geldstromen.", "Politie", "prioriteit"):  # Alice: the first theme done
        await alice.send(text)
    await answer_all(bram)
    bot.tg.api.block(carla.chat_id)

    await coby.send("/remind")
    assert "2 collega's met open vragen kunnen" in coby.last_reply
    assert coby.buttons == ["Stuur 2 herinneringen"]
    await coby.press("Stuur 2 herinneringen")

    [reminder] = reminders(bot, alice)
    assert "nog 2 vragen bij 1 thema " in reminder.shown
    assert reminders(bot, bram) == [] and send_attempts(bot, bram) == 0
    assert send_attempts(bot, carla) == 1  # tried once, refused with 403
    assert "1 verstuurd, 1 onbereikbaar" in coby.last_reply
    assert coby.replies[-2].inline_keyboard == []  # confirm cannot be pressed twice

    await coby.send("/progress")
    carla_line = next(line for line in coby.last_reply.splitlines() if "Carla" in line)
    assert "onbereikbaar" in carla_line
    assert "onbereikbaar" not in coby.last_reply.replace(carla_line, "")

    await alice.press("Verder")  # the bot keeps running, and the reminder's button works
    assert "Thema 2/2" in alice.last_reply
    await coby.send("/remind")  # reminded today, done, unreachable: nobody left
    assert "niemand om te herinneren" in coby.last_reply
    assert coby.buttons == []


async def test_remind_now_ignores_the_hour_but_counts_for_the_day(bot):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 29, 23)  # Sunday night: the coordinator asked
    await coby.send("/remind")
    await coby.press("Stuur 1 herinnering")
    assert len(reminders(bot, alice)) == 1
    assert (await outcomes(bot, alice)) == {"manual:2026-11-29T23:00": "sent"}

    bot.clock.current = local(2026, 11, 30, 9)  # Monday's scheduled one still comes: a new day
    await run(bot)
    assert len(reminders(bot, alice)) == 2
    await coby.send("/remind")
    assert "niemand om te herinneren" in coby.last_reply


async def test_remind_confirm_from_a_colleague_is_refused(bot):
    round_id = await bot.create_round(SMALL)
    alice = await join(bot, round_id, 1001, "Alice")
    await alice.press_data(callbacks.make(Action.REMIND_CONFIRM, round_id))
    assert alice.last_callback_answer == "Dat is een opdracht voor de coördinator."
    assert reminders(bot, alice) == []


async def test_remind_usage_for_an_unknown_argument(bot):
    await bot.create_round(SMALL)
    coby = bot.coordinator()
    await coby.send("/remind morgen")
    assert coby.last_reply.startswith("Gebruik: /remind")


# --- the pure additions ------------------------------------------------------------------


def test_manual_due_respects_the_colleague_not_the_hour():
    calendar = WorkingCalendar("Europe/Amsterdam")
    sunday_night = local(2026, 11, 29, 23)
    base = ReminderSubject(invited_at=local(2026, 11, 23), started=True, open_questions=2)

    def due(**changes: object) -> bool:
        subject = replace(base, **changes)
        return manual_due(subject, deadline=date(2027, 1, 1), now=sunday_night, calendar=calendar)

    assert due()
    assert not due(done=True)
    assert not due(open_questions=0)
    assert not due(unreachable=True)
    assert not due(withdrawn=True)
    assert not due(paused_until=date(2026, 11, 29))
    assert due(paused_until=date(2026, 11, 28))
    assert not due(snoozed_until=local(2026, 11, 30, 9))
    assert not due(last_reminded_at=local(2026, 11, 29, 9))
    assert due(last_reminded_at=local(2026, 11, 28, 9))
    assert not manual_due(base, deadline=date(2026, 11, 27), now=sunday_night, calendar=calendar)
    assert manual_slot_key(sunday_night, calendar) == "manual:2026-11-29T23:00"


# --- flood control with the production pacing ---------------------------------------------


async def test_a_long_flood_wait_does_not_hold_the_bot_with_the_production_pacing(tmp_path):
    """The bot's pacer never sleeps out a flood wait: a reminder's is decided by ``deliver``."""
    bot = Harness(tmp_path, send_rate=30)
    await bot.start()
    try:
        assert isinstance(bot.app.bot.rate_limiter, Pacer)
        round_id = await round_on_monday(bot)
        alice = await join(bot, round_id, 1001, "Alice")
        bot.clock.current = local(2026, 11, 27)
        waits = Sleeps()
        bot.tg.api.rate_limit(times=1, retry_after=3600)
        await asyncio.wait_for(run(bot, waits), 5)  # not an hour inside the pacer
        assert waits.waits == []
        assert await outcomes(bot, alice) == {"first": "failed"}

        bot.clock.advance(minutes=30)
        bot.tg.api.rate_limit(times=1, retry_after=5)  # short: deliver waits (no real sleep)
        await asyncio.wait_for(run(bot, waits), 2)
        assert waits.waits == [5.0]
        assert await outcomes(bot, alice) == {"first": "sent"}
    finally:
        await bot.stop()


# --- late joiners, failing chats, people in two rounds ------------------------------------


async def test_a_late_joiner_is_not_nudged_minutes_after_opening_the_link(bot):
    round_id = await round_on_monday(bot)
    token = await bot.invite(round_id, "Alice", BOTH_THEMES)
    bot.clock.current = local(2026, 11, 27, 9, 50)  # Friday: opens Monday's link
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {token}")
    bot.clock.current = local(2026, 11, 27, 10)
    await run(bot)
    assert reminders(bot, alice) == []
    bot.clock.current = local(2026, 12, 2, 9)  # 3 working days after joining
    await run(bot)
    [reminder] = reminders(bot, alice)
    assert "nog niet begonnen" in reminder.shown


async def test_a_chat_that_is_gone_is_unreachable_and_gives_one_digest(bot):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    bot.tg.api.chats.pop(alice.chat_id)  # Telegram no longer knows the chat: 400 chat not found
    before = len(coby.replies)
    bot.clock.current = local(2026, 11, 27, 9)
    digests = []
    for _ in range(16):  # eight hours of checks
        digests += await run(bot)
        bot.clock.advance(minutes=30)
    assert [d.unreachable for d in digests] == [["Alice"]]
    assert len(coby.replies) - before == 1
    assert "onbereikbaar" in coby.last_reply
    assert await outcomes(bot, alice) == {"first": "unreachable"}
    async with bot.store.read() as tx:
        [participant] = await tx.participants(round_id)
    assert participant.unreachable_at == local(2026, 11, 27, 9)


async def test_a_failing_send_gives_a_digest_only_when_given_up(bot, sleeps):
    round_id = await round_on_monday(bot)
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 27, 9)
    per_run = []
    for _ in range(MAX_SEND_ATTEMPTS + 3):
        # The network is down for the whole reminder batch (the digest itself may get through).
        bot.tg.api.fail_network(times=reminder_run.SEND_TRIES)
        per_run.append([(d.sent, d.failed) for d in await run(bot, sleeps)])
        bot.clock.advance(minutes=30)
    tries = MAX_SEND_ATTEMPTS
    assert per_run == [[]] * (tries - 1) + [[([], ["Alice"])]] + [[]] * 3
    assert await outcomes(bot, alice) == {"first": "failed"}


async def test_a_colleague_in_two_rounds_gets_one_reminder_a_day(bot):
    bot.clock.current = local(2026, 11, 23)
    first = await bot.create_round(SMALL, name="Ronde A")
    second = await bot.create_round(SMALL, name="Ronde B")
    alice = await join(bot, first, 1001, "Alice")
    await alice.send(f"/start {await bot.invite(second, 'Alice', ('ondermijning',))}")

    def rounds_reminded() -> list[str]:
        return ["A" if "Ronde A" in m.shown else "B" for m in reminders(bot, alice)]

    bot.clock.current = local(2026, 11, 27, 10)  # both first nudges are due (Thursday)
    for _ in range(4):
        await run(bot)
        bot.clock.advance(minutes=30)
    assert rounds_reminded() == ["A"]
    # Round B's nudge waits for the next working day, it is not dropped.
    bot.clock.current = local(2026, 11, 30, 9)  # Monday: A's weekly one is due too
    for _ in range(4):
        await run(bot)
        bot.clock.advance(minutes=30)
    assert rounds_reminded() == ["A", "A"]
    bot.clock.current = local(2026, 12, 1, 9)
    await run(bot)
    assert rounds_reminded() == ["A", "A", "B"]


async def test_a_remind_confirmation_pressed_on_a_later_day_sends_nothing(bot):
    round_id = await round_on_monday(bot)
    coby = bot.coordinator()
    alice = await join(bot, round_id, 1001, "Alice")
    bot.clock.current = local(2026, 11, 30, 10)
    await coby.send("/remind")
    bot.clock.current = local(2026, 12, 1, 10)  # the button waited a day
    await coby.press("Stuur 1 herinnering")
    assert "eerdere dag" in coby.last_reply
    assert reminders(bot, alice) == []
