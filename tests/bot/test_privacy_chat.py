"""A colleague's rights and a round's end in the chat: /mydata, /withdraw, /privacy, /close,
through the real Application; and what is left of a withdrawn colleague afterwards."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import openpyxl
import pytest

from bot.reminders.run import manual_candidates, scheduled
from conversations.template import PrivacyPolicy, load_template
from reports.render import FORMATS
from storage.records import ActorRole, AuditAction, Lane
from tests.auxil.data import SMALL
from tests.auxil.database import stored_text
from tests.auxil.harness import COORDINATOR_ID

ALICE_SAYS = ("Alice-geheim: geldstromen in de haven", "Politie, <b>RIEC</b>")
ALICE_EDITED = "Alice-geheim: geldstromen bij de jachthaven"
BRAM_SAYS = "Bram-inbreng: vastgoed in de binnenstad"


@pytest.fixture
async def round_of_two(bot):
    """Alice answered two questions and edited her first message; Bram answered one."""
    round_id = await bot.create_round(SMALL, name="IVP Leiden")
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    first = await alice.send(ALICE_SAYS[0])
    await alice.send(ALICE_SAYS[1])
    await alice.edit(first, ALICE_EDITED)
    bram = bot.user(1002, "Bram")
    await bram.send(f"/start {await bot.invite(round_id, 'Bram', ['ondermijning'])}")
    await bram.send(BRAM_SAYS)
    alice.first_message = first  # for a test that edits it later
    return round_id, alice, bram


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def text_of(fmt: str, content: bytes) -> str:
    """What a reader finds in an overview document of any format."""
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
        )
    return content.decode("utf-8-sig")


def on_disk(bot) -> bytes:
    wal = bot.db_path.with_name(bot.db_path.name + "-wal")
    return bot.db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --- /mydata -----------------------------------------------------------------------------


async def test_mydata_holds_all_of_mine_with_history_and_nothing_of_anyone_else(bot, round_of_two):
    _, alice, _ = round_of_two
    await alice.send("/mydata")
    name, content, caption = alice.last_document
    assert name.endswith(".zip") and "mijn-gegevens" in name and ".html" in caption
    files = unzip(content)
    page = next(v for k, v in files.items() if k.endswith(".html"))
    data = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    for text in (ALICE_SAYS[0], ALICE_EDITED):  # every version, the first one too
        assert text in page and text in json.dumps(data, ensure_ascii=False)
    assert "&lt;b&gt;RIEC&lt;/b&gt;" in page and "<b>RIEC" not in page  # escaped
    for someone_else in ("Bram", BRAM_SAYS, "Coby"):
        assert all(someone_else not in value for value in files.values()), someone_else
    assert data["telegram_user_id"] == 1001
    (participation,) = data["rounds"]
    assert participation["invite"]["name"] == "Alice"
    assert participation["participation"]["themes"] == [
        {"key": "ondermijning", "title": "Aanpak ondermijning"}
    ]
    first, second = participation["answers"]
    assert first["text"] == ALICE_EDITED and first["question_text"] == "Waar gaat dit thema over?"
    assert [v["source"] for v in first["history"]] == ["answer", "edit"]
    assert first["message_ids"] and second["history"][0]["text"] == ALICE_SAYS[1]
    assert participation["participation"]["cursor"]["question"] == "niveau"  # where she is


async def test_someone_without_an_invite_is_told_nothing_is_kept_and_leaves_nothing(bot):
    await bot.create_round(SMALL)
    mallory = bot.user(666, "Mallory")
    await mallory.send("/mydata")
    assert "bewaar niets over je" in mallory.last_reply and mallory.documents == []
    await mallory.send("/privacy")
    assert "Wat ik bewaar" in mallory.last_reply
    await mallory.send("/withdraw")
    assert "nog geen uitnodiging" in mallory.last_reply
    stored = stored_text(bot.db_path)
    assert "Mallory" not in stored and ":666:" not in stored


# --- /withdraw ---------------------------------------------------------------------------


async def test_withdrawing_my_input_erases_it_everywhere_after_i_confirm(bot, round_of_two):
    round_id, alice, bram = round_of_two
    await alice.send("/withdraw")
    assert "Je 2 antwoorden en de hele geschiedenis ervan worden gewist" in alice.last_reply
    assert alice.buttons == ["Ja, wis mijn input", "Nee, ik doe mee"]
    await alice.press("Nee, ik doe mee")
    assert "Welk niveau stel je voor?" in alice.last_reply  # nothing changed: on she goes
    await alice.send("/withdraw")
    await alice.press("Ja, wis mijn input")
    assert "Je input voor IVP Leiden is gewist" in alice.last_reply

    async with bot.store.read() as tx:
        (me, _) = await tx.participants(round_id)
        assert me.withdrawn and await tx.answers_of(me.id) == []
        assert await tx.answer_history(me.id, "ondermijning", "inhoud") == []
        assert await tx.reminder_outcomes(me.id) == {}
        (entry,) = await tx.audit_trail(round_id)
        round_ = await tx.get_round(round_id)
    assert entry.action is AuditAction.WITHDRAW_SELF and entry.actor.role is ActorRole.COLLEAGUE
    # Nothing of what she typed is left in the database, nor in its files (the WAL scrubbed).
    for text in (*ALICE_SAYS, ALICE_EDITED):
        assert text not in stored_text(bot.db_path)
        assert text.encode() not in on_disk(bot)
    assert BRAM_SAYS in stored_text(bot.db_path)

    coby = bot.coordinator()
    for fmt in FORMATS:
        await coby.send(f"/overview {fmt}")
        shown = text_of(fmt, coby.last_document[1])
        assert BRAM_SAYS in shown, fmt
        assert "geldstromen" not in shown and "Alice" not in shown, fmt
    await coby.send("/progress")
    assert "Teruggetrokken, zonder inhoud (1): Alice (#1)" in coby.last_reply
    assert "geldstromen" not in coby.last_reply
    assert await manual_candidates(bot.services, round_, bot.clock()) == ["Bram"]  # no reminders

    await alice.send("/mydata")
    files = unzip(alice.last_document[1])
    page = next(v for k, v in files.items() if k.endswith(".html"))
    data = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    assert "Je input is gewist" in page and "geldstromen" not in page
    assert data["rounds"][0]["answers"] == [] and data["rounds"][0]["participation"]["withdrawn"]
    await alice.send("/withdraw")
    assert "al teruggetrokken" in alice.last_reply
    await alice.send("Nog een geheim antwoord")
    assert "Je hebt je input voor IVP Leiden teruggetrokken" in alice.last_reply
    assert "Nog een geheim" not in stored_text(bot.db_path)
    await bram.send("/status")  # Bram goes on
    assert "Je hebt 1 van de 3 vragen beantwoord" in bram.last_reply


async def test_a_withdraw_button_of_someone_else_changes_nothing(bot, round_of_two):
    round_id, alice, bram = round_of_two
    await alice.send("/withdraw")
    yes = next(b for r in alice.replies[-1].inline_keyboard for b in r if "wis" in b["text"])
    await bram.press_data(yes["callback_data"])
    assert "verlopen" in bram.last_callback_answer
    async with bot.store.read() as tx:
        assert all(not p.withdrawn for p in await tx.participants(round_id))


async def test_the_coordinators_withdraw_name_erases_the_same_way(bot, round_of_two):
    round_id, _, _ = round_of_two
    coby = bot.coordinator()
    await coby.send("/withdraw #2")
    assert "Bram (#2) uit IVP Leiden halen?" in coby.last_reply
    assert "Het antwoord en de hele geschiedenis ervan worden gewist" in coby.last_reply
    (row,) = coby.replies[-1].inline_keyboard
    await coby.press("Ja, uit de ronde halen en wissen")
    assert "Bram doet niet meer mee" in coby.last_reply
    await coby.press_data(row[0]["callback_data"])  # twice: nothing more happens
    assert "al gebeurd" in coby.last_callback_answer
    async with bot.store.read() as tx:
        (_, gone) = await tx.participants(round_id)
        assert await tx.answers_of(gone.id) == []
        (entry,) = await tx.audit_trail(round_id)
    assert entry.actor.role is ActorRole.COORDINATOR and entry.actor.user_id == COORDINATOR_ID
    assert entry.subject_name == "Bram" and dict(entry.detail) == {"answers": 1}
    assert BRAM_SAYS not in stored_text(bot.db_path)
    assert BRAM_SAYS.encode() not in on_disk(bot)


async def test_a_coordinator_who_answers_too_withdraws_their_own_input_without_a_name(bot):
    round_id = await bot.create_round(SMALL)
    coby = bot.coordinator()
    await coby.send("/withdraw")
    assert "Gebruik: /withdraw NAAM" in coby.last_reply  # takes part in nothing: the usage
    await coby.send(f"/start {await bot.invite(round_id, 'Coby', ['jeugd'])}")
    await coby.send("Coby-antwoord over jeugd")
    await coby.send("/withdraw")
    assert "Je input voor IVP 2027-2030 terugtrekken?" in coby.last_reply
    await coby.press("Ja, wis mijn input")
    assert "is gewist" in coby.last_reply
    assert "Coby-antwoord" not in stored_text(bot.db_path)


# --- /privacy ----------------------------------------------------------------------------


async def test_privacy_says_what_why_how_long_and_who_in_the_rounds_own_words(bot):
    alice = bot.user(1001, "Alice")
    default = await bot.create_round(SMALL)
    await alice.send(f"/start {await bot.invite(default, 'Alice', ['jeugd'])}")
    await alice.send("/privacy")
    text = alice.last_reply
    for part in ("Wat ik bewaar", "Waarom", "Wie het ziet", "Hoe lang", "/mydata", "/withdraw"):
        assert part in text, part
    assert "Tot de ronde gesloten en gewist wordt" in text

    policy = PrivacyPolicy(
        retention_days=30,
        controller="Gemeente <Leiden>",
        contact="fg@leiden.example",
        purpose="Voor het Integraal Veiligheidsplan 2027.",
    )
    template = load_template(SMALL).model_copy(update={"privacy": policy})
    own = await bot.create_round(template, name="Eigen ronde")
    bram = bot.user(1002, "Bram")
    await bram.send(f"/start {await bot.invite(own, 'Bram', ['jeugd'])}")
    await bram.send("/privacy")
    text = bram.last_reply
    assert "Privacy in Eigen ronde" in text and "Voor het Integraal Veiligheidsplan 2027." in text
    assert "daarna nog 30 dagen" in text and "Gemeente <Leiden>" in text  # escaped, shown as is
    assert "fg@leiden.example" in text

    english = await bot.create_round("ivp-en", name="English round")
    eve = bot.user(1003, "Eve")
    await eve.send(f"/start {await bot.invite(english, 'Eve', ['jeugd'])}")
    await eve.send("/privacy")
    assert "What I keep" in eve.last_reply and "/mydata" in eve.last_reply


# --- /close ------------------------------------------------------------------------------


async def test_close_ends_the_round_and_nothing_sent_to_it_is_kept(bot, round_of_two):
    round_id, alice, bram = round_of_two
    carla_token = await bot.invite(round_id, "Carla", ["jeugd"])
    coby = bot.coordinator()
    await coby.send("/close")
    assert "IVP Leiden sluiten?" in coby.last_reply
    # Alice answered every required question; Bram has open ones and is told.
    assert "1 collega met open vragen krijgt er eenmalig bericht van" in coby.last_reply
    assert "themabot purge --round 1" in coby.last_reply
    await coby.press("Ronde sluiten")
    assert "IVP Leiden is gesloten" in coby.last_reply
    await coby.send("/close")
    assert "al gesloten" in coby.last_reply

    async with bot.store.read() as tx:
        notices = await tx.pending_messages(Lane.BULK)
        round_ = await tx.get_round(round_id)
    assert [m.chat_id for m in notices] == [1002] and not scheduled(round_)
    await bot.services.postman.drain(startup=True)
    assert "🔒 IVP Leiden is gesloten" in bram.last_reply

    await alice.send("Na-sluiten-tekst die niet bewaard mag worden")
    assert "gesloten" in alice.last_reply and "bewaar ik niet" in alice.last_reply
    await alice.edit(alice.first_message, "Gewijzigd-na-sluiten")
    assert "gesloten" in alice.last_reply
    await bram.press_data("v1:sk:2:0")  # an old skip button
    assert "gesloten" in bram.last_reply
    stored = stored_text(bot.db_path)
    assert "Na-sluiten-tekst" not in stored and "Gewijzigd-na-sluiten" not in stored
    assert ALICE_EDITED in stored  # what was given before stays until a purge

    carla = bot.user(1003, "Carla")
    await carla.send(f"/start {carla_token}")
    assert "die ronde is gesloten" in carla.last_reply
    async with bot.store.read() as tx:
        assert await tx.participant_in_round(round_id, 1003) is None
    assert ":1003:" not in stored_text(bot.db_path)  # not even her update is kept
    await coby.send("/invite Dirk jeugd")
    assert "is gesloten" in coby.last_reply
    await coby.send("/remind")
    assert "is gesloten" in coby.last_reply
    await coby.send("/progress")
    assert "Gesloten op" in coby.last_reply
    await alice.send("/mydata")  # rights last until the purge
    page = next(v for k, v in unzip(alice.last_document[1]).items() if k.endswith(".html"))
    assert ALICE_EDITED in page and "gesloten op" in page
    async with bot.store.read() as tx:
        actions = [e.action for e in await tx.audit_trail(round_id)]
    assert actions == [AuditAction.CLOSE]
