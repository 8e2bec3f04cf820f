"""Hostile input gets nowhere: coordinator commands and buttons refuse everyone else, nobody
reaches another colleague's answers or round, invite tokens are unguessable, hashed and single
use, guessing and flooding are slowed, the logs hold no answer or token."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import logging
from datetime import date

import pytest

from bot.app import COORDINATOR_COMMANDS
from bot.callbacks import Action
from storage import new_token
from storage.records import Lane
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text, stored_values
from tests.auxil.waiting import quick

NOT_COORDINATOR = "Dat is een opdracht voor de coördinator."
ARGUMENTS = {  # arguments a coordinator would give, so each command would really act
    "overview": "docx",
    "invite": "Mallory jeugd",
    "assign": "Bram jeugd",
    "deadline": "2027-03-12",
    "remind": "off",
    "merge": "politie = Politie",
    "withdraw": "Bram",
}


@pytest.fixture
async def two(bot):
    """Alice and Bram in round 1, Carla in round 2; Bram has answered one question."""
    first = await bot.create_round(SMALL, name="Ronde 1")
    second = await bot.create_round(SMALL, name="Ronde 2")
    alice, bram, carla = bot.user(1001, "Alice"), bot.user(1002, "Bram"), bot.user(1003, "Carla")
    await alice.send(f"/start {await bot.invite(first, 'Alice', ['ondermijning', 'jeugd'])}")
    await bram.send(f"/start {await bot.invite(first, 'Bram', ['ondermijning'])}")
    await bram.send("Bram zijn geheime inhoud")
    await carla.send(f"/start {await bot.invite(second, 'Carla', ['jeugd'])}")
    return alice, bram, carla


async def everything(bot) -> tuple:
    """What a refused command must leave as it was: every round, invite, participant, answer
    and queued message."""
    async with bot.store.read() as tx:
        rounds = await tx.list_rounds()
        invites = [await tx.invites(r.id) for r in rounds]
        people = [await tx.participants(r.id) for r in rounds]
        answers = [await tx.round_answers(r.id) for r in rounds]
        merges = [await tx.partner_merges(r.id) for r in rounds]
        bulk = await tx.pending_messages(Lane.BULK)
    return rounds, invites, people, answers, merges, bulk


async def participant_of(bot, user_id: int):
    async with bot.store.read() as tx:
        return await tx.active_participant(user_id)


@pytest.mark.parametrize("command", COORDINATOR_COMMANDS)
async def test_every_coordinator_command_refuses_colleagues_and_strangers(bot, two, command):
    alice, _bram, _carla = two
    mallory = bot.user(666, "Mallory")
    before = await everything(bot)
    for user in (alice, mallory):
        await user.send(f"/{command} {ARGUMENTS.get(command, '')}".strip())
        assert user.last_reply == NOT_COORDINATOR, (command, user)
        assert user.documents == []
    assert await everything(bot) == before
    assert "Mallory" not in stored_text(bot.db_path)


async def test_a_strangers_button_press_says_how_to_get_in_and_keeps_nothing(bot, two):
    mallory = bot.user(666, "Mallory")
    await mallory.send("/start")  # a message of the bot's to press under
    before = await everything(bot)
    for data in ("v1:sk:1:0", "v1:rv:1", "garbage"):
        await mallory.press_data(data)
        assert "vraag de coördinator om een persoonlijke link" in mallory.last_callback_answer
        assert mallory.new_replies == []
    assert await everything(bot) == before
    assert "Mallory" not in stored_text(bot.db_path)


async def test_coordinator_buttons_and_files_refuse_colleagues(bot, two):
    alice, _bram, _carla = two
    before = await everything(bot)
    today = date(2026, 11, 27).toordinal()
    for data in (f"v1:{Action.REMIND_CONFIRM}:1:{today}", f"v1:{Action.ROUND_SELECT}:2"):
        await alice.press_data(data)
        assert alice.last_callback_answer == NOT_COORDINATOR, data
    await alice.send_document("collegas.csv", b"naam,thema's\nMallory,jeugd\n")
    assert "Mallory" not in alice.last_reply and not alice.documents
    await bot.services.background_done()
    assert await everything(bot) == before
    coordinator = bot.coordinator()
    await coordinator.send("/progress")  # Alice did not switch the coordinator's round either
    assert "Ronde 2" in coordinator.last_reply


async def test_forged_buttons_never_reach_another_colleague_or_round(bot, two):
    alice, bram, carla = two
    bram_id = (await participant_of(bot, bram.chat_id)).id
    carla_id = (await participant_of(bot, carla.chat_id)).id
    before = await everything(bot)
    bram_before, carla_before = await participant_of(bot, 1002), await participant_of(bot, 1003)
    for owner in (bram_id, carla_id):
        for data in (
            f"v1:sk:{owner}:0",
            f"v1:bk:{owner}:1",
            f"v1:ap:{owner}:0:0",
            f"v1:ch:{owner}:2:0",
            f"v1:rv:{owner}",
            f"v1:ed:{owner}:0",
            f"v1:su:{owner}",
            f"v1:sa:{owner}",
            f"v1:go:{owner}",
            f"v1:tt:{owner}:0",
            f"v1:tc:{owner}",
            f"v1:sn:{owner}:7",
            f"v1:aw:{owner}:{date(2026, 12, 4).toordinal()}",
            f"v1:aw:{owner}",
        ):
            await alice.press_data(data)
            assert "Bram zijn geheime" not in "\n".join(m.shown for m in alice.replies), data
    assert await everything(bot) == before
    assert await participant_of(bot, 1002) == bram_before
    assert await participant_of(bot, 1003) == carla_before
    assert "verlopen" in alice.last_callback_answer

    # Another colleague's used invite opens nothing; /start never switches people.
    async with bot.store.read() as tx:
        (bram_invite,) = [i for i in await tx.invites(1) if i.name == "Bram"]
    assert bram_invite.used_by == 1002
    await alice.send("/review")
    assert "Bram zijn geheime" not in alice.last_reply


async def test_invite_tokens_are_long_random_hashed_and_single_use(bot):
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in list(tokens)[:50]:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128

    round_id = await bot.create_round(SMALL)
    token = await bot.invite(round_id, "Alice", ["jeugd"])
    stored = stored_text(bot.db_path)
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    alice, mallory = bot.user(1001, "Alice"), bot.user(666, "Mallory")
    await alice.send(f"/start {token}")
    await mallory.send(f"/start {token}")
    assert "al door iemand anders gebruikt" in mallory.last_reply
    assert await participant_of(bot, 666) is None
    assert token not in stored_text(bot.db_path)


async def test_an_invite_is_unusable_once_its_round_is_closed(bot):
    from bot.closing import close_round
    from bot.reminders.run import working_calendar
    from storage.records import Actor, ActorRole

    round_id = await bot.create_round(SMALL, name="Ronde 1")
    token = await bot.invite(round_id, "Dirk", ["jeugd"])
    async with bot.store.write() as tx:
        round_ = await tx.get_round(round_id)
        calendar = working_calendar(bot.settings.timezone)
        actor = Actor(ActorRole.COMMAND_LINE, name="test")
        await close_round(tx, round_, bot.clock(), calendar, actor, bot.settings.timezone)
    dirk = bot.user(1004, "Dirk")
    await dirk.send(f"/start {token}")
    assert "die ronde is gesloten" in dirk.last_reply
    assert await participant_of(bot, 1004) is None
    async with bot.store.read() as tx:
        (invite,) = await tx.invites(round_id)
    assert invite.used_by is None


async def test_guessing_tokens_is_slowed_and_others_are_not(bot):
    round_id = await bot.create_round(SMALL)
    good = await bot.invite(round_id, "Mallory", ["jeugd"])
    mallory, bob = bot.user(666, "Mallory"), bot.user(1002, "Bob")
    for i in range(5):
        await mallory.send(f"/start {'x' * 20}{i:04d}")
        assert "ken ik niet" in mallory.last_reply
    await mallory.send(f"/start {good}")  # even a good one is not looked at now
    assert "Wacht een paar minuten" in mallory.last_reply
    assert await participant_of(bot, 666) is None
    assert "x" * 20 not in stored_text(bot.db_path) and 666 not in stored_values(bot.db_path)
    await bob.send(f"/start {await bot.invite(round_id, 'Bob', ['jeugd'])}")
    assert "Welkom, Bob" in bob.last_reply  # nobody else is held back

    bot.clock.advance(minutes=9)
    await mallory.send(f"/start {good}")
    assert "Wacht een paar minuten" in mallory.last_reply
    bot.clock.advance(minutes=1)
    await mallory.send(f"/start {good}")
    assert "Welkom, Mallory" in mallory.last_reply


async def test_logs_at_info_hold_no_answer_text_and_no_token(bot, caplog):
    caplog.set_level(logging.INFO)
    round_id = await bot.create_round(SMALL)
    token = await bot.invite(round_id, "Alice", ["ondermijning"])
    alice, mallory, coby = bot.user(1001, "Alice"), bot.user(666, "Mallory"), bot.coordinator()
    await mallory.send("geheim-vreemde 1")
    await mallory.send("/start geheimtokenXYZ123")
    await alice.send(f"/start {token}")
    message = await alice.send("geheim-antwoord-1")
    await alice.edit(message, "geheim-antwoord-1 aangepast")
    await alice.send("geheim-partner-2")
    await alice.press("Overslaan")
    await alice.send("/review")
    await alice.press("Insturen")
    await coby.send("/invite Bram ondermijning")
    new_token = coby.replies[-2].shown.rsplit("start=", 1)[-1].split()[0]
    await coby.send("/overview md")
    quick(bot)
    bot.tg.api.fail_server_error(times=6, methods=["sendMessage"])  # a reply that fails, too
    await alice.send("/status")
    logged = caplog.text
    assert "geheim" not in logged and token not in logged and new_token not in logged
    assert "XYZ123" not in logged
    assert any(r.levelno >= logging.WARNING for r in caplog.records)  # it did log the failure


async def test_user_text_stays_text_in_every_chat_message_and_document(bot):
    hostile = '<b>vet</b> & <script>alert("x")</script> *ster* _lijn_ [link](javascript:x) =1+1'
    round_id = await bot.create_round(SMALL, name="<i>Ronde</i> & co")
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, '<u>Eve</u> & Co', ['jeugd'])}")
    await alice.send(hostile)
    await alice.send("/review")
    assert hostile in "\n".join(m.shown for m in alice.replies)  # shown as typed
    coby = bot.coordinator()
    await coby.send("/progress")
    assert "<u>Eve</u> & Co" in coby.last_reply and "<i>Ronde</i> & co" in coby.last_reply
    refused = [c for c in bot.tg.api.calls if c[0] == "sendMessage" and "error" in str(c[1])]
    assert refused == []
    for fmt in ("html", "md", "csv"):
        await coby.send(f"/overview {fmt}")
        content = coby.last_document[1].decode("utf-8-sig")
        if fmt == "html":
            assert "<script>" not in content and "&lt;script&gt;" in content
            assert "&lt;u&gt;Eve&lt;/u&gt; &amp; Co" in content
        if fmt == "md":
            assert "<script>" not in content and "[link](javascript" not in content
            assert "\\[link\\]" in content and "*ster*" not in content.replace("\\*", "")
        if fmt == "csv":  # data, not markup: quoted so that it reads back as typed
            cells = [
                cell for row in csv.reader(io.StringIO(content), delimiter=";") for cell in row
            ]
            assert hostile in cells and "<u>Eve</u> & Co" in cells
