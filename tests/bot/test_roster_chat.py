"""A coordinator changing a round in chat: a list as a file, more themes, the deadline; and a
colleague who opens a second invite of a round they are in."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl

from storage.records import Lane
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text


async def queued(bot):
    async with bot.store.read() as tx:
        return await tx.pending_messages(Lane.BULK)


async def people(bot, round_id):
    async with bot.store.read() as tx:
        return {e.name: e for e in await tx.roster(round_id)}


# --- one person, one place --------------------------------------------------------------


async def test_a_second_invite_adds_its_themes_and_counts_as_used(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice de Vries', ['ondermijning'])}")
    second = await bot.invite(round_id, "A. de Vries", ["jeugd"])  # another spelling
    await alice.send(f"/start {second}")
    assert "Ik heb er thema's bij gezet: Regie op jeugd" in alice.transcript()
    (only,) = (await people(bot, round_id)).values()
    assert only.name == "Alice de Vries" and only.theme_keys == ("ondermijning", "jeugd")
    coby = bot.coordinator()
    await coby.send("/progress")
    assert "niet geopend" not in coby.last_reply and "A. de Vries" not in coby.last_reply
    await alice.send(f"/start {second}")  # the same link again changes nothing more
    assert alice.transcript().count("Je doet al mee aan deze ronde. We gaan verder") == 1
    assert (await people(bot, round_id))["Alice de Vries"].theme_keys == ("ondermijning", "jeugd")


async def test_invite_in_chat_refuses_a_name_already_in_the_round(bot):
    round_id = await bot.create_round(SMALL)
    coby = bot.coordinator()
    await coby.send("/invite Anna jeugd")
    await coby.send("/invite anna ondermijning")
    assert "Anna staat al in deze ronde (#1, uitnodiging nog niet geopend)" in coby.last_reply
    assert "/assign #1 THEMA" in coby.last_reply
    assert list(await people(bot, round_id)) == ["Anna"]


async def test_withdraw_by_the_number_progress_shows(bot):
    round_id = await bot.create_round(SMALL)
    await bot.invite(round_id, "Sam", ["jeugd"])
    await bot.invite(round_id, "sam", ["jeugd"])  # made before the rule, or by hand
    coby = bot.coordinator()
    await coby.send("/progress")
    assert "Sam — uitnodiging nog niet geopend · #1" in coby.last_reply
    await coby.send("/withdraw Sam")
    assert "#1, #2" in coby.last_reply and "/withdraw #1" in coby.last_reply
    await coby.send("/withdraw #2")
    assert "uitnodiging van sam (#2)" in coby.last_reply  # asks first
    await coby.press("Ja, uitnodiging intrekken")
    assert "is ingetrokken" in coby.last_reply
    assert [e.invite_id for e in (await people(bot, round_id)).values()] == [1]


# --- /assign ------------------------------------------------------------------------------


async def test_assign_gives_a_colleague_more_themes_and_tells_them(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    await bot.invite(round_id, "Bram", [])
    coby = bot.coordinator()
    await coby.send("/assign Alice jeugd")
    assert "Alice heeft nu: Aanpak ondermijning, Regie op jeugd." in coby.last_reply
    assert "Ik laat Alice het weten" in coby.last_reply
    (told,) = await queued(bot)
    assert told.chat_id == 1001 and "Regie op jeugd" in told.text
    await coby.send("/assign #2 jeugd")
    assert "de thema's komen mee met de link" in coby.last_reply
    assert (await people(bot, round_id))["Bram"].theme_keys == ("jeugd",)
    await coby.send("/assign Alice jeugd")
    assert "had die thema's al" in coby.last_reply
    await coby.send("/assign Carla jeugd")
    assert "Niemand met de naam of het nummer Carla" in coby.last_reply
    await coby.send("/assign Alice sport")
    assert "Onbekend thema: sport. Er is niets veranderd." in coby.last_reply
    await coby.send('/assign "Alice" jeugd')
    assert "had die thema's al" in coby.last_reply
    await coby.send("/assign")
    assert "Gebruik: /assign NAAM THEMA" in coby.last_reply
    assert len(await queued(bot)) == 1
    await alice.send("/assign Alice jeugd")
    assert "opdracht voor de coördinator" in alice.last_reply


# --- /deadline ----------------------------------------------------------------------------


async def test_deadline_moves_and_tells_colleagues_with_open_questions_once(bot):
    round_id = await bot.create_round(SMALL, deadline=date(2027, 2, 26))
    alice, dirk = bot.user(1001, "Alice"), bot.user(1004, "Dirk")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['jeugd'])}")
    await dirk.send(f"/start {await bot.invite(round_id, 'Dirk', ['jeugd'])}")
    for text in ["Overlast", "Halt"]:
        await dirk.send(text)  # Dirk is done: nothing required is open
    coby = bot.coordinator()
    await coby.send("/deadline 12-3-2027")
    assert "is nu vrijdag 12 maart 2027. 1 collega met open vragen krijgt er bericht van" in (
        coby.last_reply
    )
    (news,) = await queued(bot)
    assert news.chat_id == 1001 and "vrijdag 12 maart 2027" in news.text
    assert news.not_before == bot.clock()  # Friday 10:00: working hours, so right away
    async with bot.store.read() as tx:
        assert (await tx.get_round(round_id)).deadline == date(2027, 3, 12)
    await coby.send("/deadline 2027-03-12")
    assert "is al" in coby.last_reply and len(await queued(bot)) == 1
    await coby.send("/deadline 2020-01-01")
    assert "is al voorbij" in coby.last_reply
    await coby.send("/deadline morgen")
    assert "lees ik niet als datum" in coby.last_reply
    await coby.send("/deadline")
    assert "Nu: vrijdag 12 maart 2027" in coby.last_reply
    bot.clock.current = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 18:00 local
    await coby.send("/deadline 27-11-2026")
    assert "de werkdag is voorbij" in coby.last_reply


# --- a list sent as a file ----------------------------------------------------------------


def csv_file(rows: list[str]) -> bytes:
    return "\n".join(["naam;thema's", *rows]).encode("utf-8-sig")


async def test_a_list_sent_as_a_file_invites_everyone_new_and_sends_the_links(bot):
    round_id = await bot.create_round(SMALL)
    await bot.invite(round_id, "Anna", ["jeugd"])
    coby = bot.coordinator()
    await coby.send_document("collegas.csv", csv_file(["Anna;jeugd", "Bram;jeugd", "Carla;"]))
    assert "2 nieuwe uitnodigingen" in coby.transcript()
    assert "Al in de ronde, overgeslagen: Anna (#1)" in coby.transcript()
    sheet_name, sheet, _ = coby.last_document
    assert sheet_name.endswith(".html") and sheet.count(b"<svg") == 2
    xlsx = next(m.document for m in coby.documents if m.document[0].endswith(".xlsx"))
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx[1])).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Bram", "Carla"]
    assert all(r[2].startswith(f"https://t.me/{bot.tg.api.username}?start=") for r in rows[1:])
    assert list(await people(bot, round_id)) == ["Anna", "Bram", "Carla"]


async def test_a_bad_list_file_invites_nobody_and_names_the_rows(bot):
    round_id = await bot.create_round(SMALL)
    coby = bot.coordinator()
    await coby.send_document("l.csv", csv_file(["Bram;jeugd", "<i>Eva</i>;sport", ";jeugd"]))
    assert "Er is niemand uitgenodigd: 2 rijen van l.csv kloppen niet" in coby.last_reply
    assert 'rij 3: onbekend thema "sport"' in coby.last_reply
    assert "rij 4: de naam is leeg" in coby.last_reply
    assert await people(bot, round_id) == {} and not coby.documents
    await coby.send_document("l.xls", b"\xd0\xcf\x11\xe0")
    assert "l.xls is een oud Excel-bestand (.xls); sla het op als .xlsx of .csv" in coby.last_reply


async def test_a_list_from_someone_else_is_no_answer_and_stores_nothing(bot):
    await bot.create_round(SMALL)
    mallory = bot.user(6666, "Mallory")
    await mallory.send_document("l.csv", csv_file(["Geheime Naam;jeugd"]))
    assert "Je hebt nog geen uitnodiging" in mallory.last_reply
    assert "Geheime Naam" not in stored_text(bot.db_path)
