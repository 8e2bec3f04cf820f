"""Nothing typed is dropped: text that is no answer where the colleague is, kept and placed.

Read as chat transcripts through the real Application, pipeline and store.
"""

from __future__ import annotations

import pytest

from tests.auxil.data import SMALL
from tests.auxil.database import stored_text


@pytest.fixture
async def alice(bot):
    """Alice at the review, every question of her one theme answered."""
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    for text in ("Zicht op geldstromen.", "Politie, OM"):
        await alice.send(text)
    await alice.press("1. prioriteit")
    assert "Overzicht van je antwoorden" in alice.transcript()
    return alice


async def answers(bot, user_id: int) -> dict[str, str]:
    async with bot.store.read() as tx:
        participant = await tx.active_participant(user_id)
        return {a.question_key: a.text for a in await tx.answers_of(participant.id)}


async def test_text_typed_while_the_review_is_shown_is_kept_and_placed_with_one_tap(bot, alice):
    await alice.send("Ook de gemeentelijke BIBOB-toets werkt goed.")
    where = alice.last_reply
    assert "Ik heb je bericht bewaard." in where and "Waar hoort het bij?" in where
    assert "Ook de gemeentelijke BIBOB-toets werkt goed." in where
    # Stored before anyone pressed anything: a restart now loses nothing.
    assert "BIBOB-toets" in stored_text(bot.db_path)
    # Every question has an answer (the last asked is a choice this text fits no option of):
    # the answers it can be added to are offered straight away, still one tap.
    assert alice.buttons[:2] == [
        "➕ 1.1 Waar gaat dit thema over?",
        "➕ 1.2 Met welke partners werk je samen?",
    ]
    await alice.press("➕ 1.1 Waar gaat dit thema over?")
    assert "Toegevoegd aan je antwoord op" in alice.transcript()
    assert "Overzicht van je antwoorden" in alice.transcript()
    stored = await answers(bot, 1001)
    assert stored["inhoud"] == "Zicht op geldstromen.\nOok de gemeentelijke BIBOB-toets werkt goed."

    coby = bot.coordinator()
    await coby.send("/overview")
    _, html, _ = coby.last_document
    assert "BIBOB-toets werkt goed" in html.decode()


async def test_a_restart_while_the_review_was_shown_keeps_the_text_and_its_buttons(bot, alice):
    await bot.restart()
    await alice.send("Nog iets over de partners: ook de Belastingdienst.")
    assert "Waar hoort het bij?" in alice.last_reply
    await bot.restart()  # the buttons name everything they need
    await alice.press("➕ 1.2 Met welke partners werk je samen?")
    assert (await answers(bot, 1001))["partners"] == (
        "Politie, OM\nNog iets over de partners: ook de Belastingdienst."
    )
    assert "Toegevoegd aan je antwoord op" in alice.transcript()


async def test_unplaced_texts_are_named_in_the_review_and_can_be_placed_later(bot, alice):
    await alice.send("Eerste gedachte")
    await alice.send("Tweede gedachte")
    await alice.send("/review")
    assert "2 bewaarde berichten die nog geen plek hebben" in alice.transcript()
    await alice.press("📝 2 bewaarde berichten plaatsen")
    assert "Eerste gedachte" in alice.last_reply
    await alice.press("➕ 1.1 Waar gaat dit thema over?")
    # Placed; and right away the next one is asked about.
    assert "Tweede gedachte" in alice.last_reply and "Waar hoort het bij?" in alice.last_reply


async def test_editing_a_message_that_no_longer_gives_an_answer_keeps_the_new_text(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    first = await alice.send("Eerste versie")
    await alice.press("Terug") if "Terug" in alice.buttons else None
    await alice.send("/back")
    await alice.send("Vervangen antwoord")  # the first message no longer gives the answer
    await alice.edit(first, "Toch nog dit erbij")
    assert "ik heb je nieuwe tekst bewaard" in alice.transcript()
    assert "Toch nog dit erbij" in stored_text(bot.db_path)
    assert "Waar hoort het bij?" in alice.last_reply


async def test_a_forged_place_button_changes_nothing(bot, alice):
    await alice.send("Mijn tekst")
    async with bot.store.read() as tx:
        participant = await tx.active_participant(1001)
    await alice.press_data(f"v1:pa:{participant.id}:999:0")  # no kept text 999
    assert "Deze knop is verlopen" in "\n".join(m.shown for m in alice.new_replies)
    await alice.press_data(f"v1:pa:{participant.id + 1}:1:0")  # someone else's button
    assert (await answers(bot, 1001))["inhoud"] == "Zicht op geldstromen."


async def test_text_in_the_review_with_open_questions_offers_them_first(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning', 'jeugd'])}")
    await alice.send("Inhoud A")
    await alice.send("/review")
    await alice.send("Jongeren hangen rond bij het station.")
    assert alice.buttons[:3] == [
        "1.2 Met welke partners werk je samen? (laatst gevraagd)",
        "2.1 Waar gaat dit thema over?",
        "2.2 Met welke partners werk je samen?",
    ]
    await alice.press("2.1 Waar gaat dit thema over?")
    assert "Bewaard als antwoord op: Waar gaat dit thema over? (Regie op jeugd)" in (
        alice.transcript()
    )
    async with bot.store.read() as tx:
        participant = await tx.active_participant(1001)
        stored = {
            (a.theme_key, a.question_key): a.text for a in await tx.answers_of(participant.id)
        }
    assert stored[("jeugd", "inhoud")] == "Jongeren hangen rond bij het station."


async def test_a_text_without_a_place_is_in_every_document_the_coordinator_reads(bot, alice):
    await alice.send("Een losse <gedachte> voor de coördinator")
    coby = bot.coordinator()
    for fmt in ("html", "md", "docx"):
        await coby.send(f"/overview {fmt}")
        _, content, _ = coby.last_document
        if fmt == "docx":
            import io

            import docx

            text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        else:
            text = content.decode()
        assert "Berichten nog zonder plek" in text, fmt
        assert "Alice" in text and "gedachte" in text, fmt
        if fmt == "html":
            assert "&lt;gedachte&gt;" in text and "<gedachte>" not in text
