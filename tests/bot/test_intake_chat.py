"""The colleague's intake through the real Application, read as chat transcripts."""

from __future__ import annotations

import pytest
from telegram import Update

from tests.auxil.data import SMALL
from tests.auxil.database import stored_text, stored_values


@pytest.fixture
async def alice(bot):
    """Alice, invited for two themes of the small template, who has opened her link."""
    round_id = await bot.create_round(SMALL)
    token = await bot.invite(round_id, "Alice", ["ondermijning", "jeugd"])
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {token}")
    return alice


async def stored_answers(bot, user_id: int) -> dict[tuple[str, str], str]:
    async with bot.store.read() as tx:
        participant = await tx.active_participant(user_id)
        return {(a.theme_key, a.question_key): a.text for a in await tx.answers_of(participant.id)}


async def test_whole_walk_answers_every_question_in_order(bot, alice):
    (first,) = alice.replies  # the welcome and the first question: one message, one ping
    assert "Welkom, Alice" in first.shown and "Kleine intake" not in first.shown
    assert "Aanpak ondermijning, Regie op jeugd" in first.shown
    assert first.shown.index("Welkom") < first.shown.index("Thema 1/2")
    assert "Thema 1/2 · Aanpak ondermijning — vraag 1/3" in first.shown
    assert "Waar gaat dit thema over?" in first.shown
    assert alice.buttons == ["Overslaan", "Overzicht"]  # no Back on the very first question

    await alice.send("Zicht op criminele geldstromen.")
    assert "✓ Bewaard." in alice.last_reply
    assert "vraag 2/3" in alice.last_reply
    assert "Aanvullen vorige antwoord" in alice.buttons

    await alice.send("Politie, RIEC; gemeente")
    assert "vraag 3/3" in alice.last_reply
    assert alice.buttons[:3] == ["1. prioriteit", "2. overig strategisch thema", "3. beheersniveau"]
    await alice.press("1. prioriteit")
    assert "Thema 2/2 · Regie op jeugd — vraag 1/3" in alice.last_reply

    await alice.send("Jeugdoverlast in de binnenstad.")
    await alice.send("Jongerenwerk\nHalt")
    await alice.send("beheersniveau")  # a typed option selects it
    assert "Overzicht van je antwoorden" in alice.transcript()
    assert "Insturen" in alice.buttons

    assert await stored_answers(bot, 1001) == {
        ("ondermijning", "inhoud"): "Zicht op criminele geldstromen.",
        ("ondermijning", "partners"): "Politie, RIEC; gemeente",
        ("ondermijning", "niveau"): "prioriteit",
        ("jeugd", "inhoud"): "Jeugdoverlast in de binnenstad.",
        ("jeugd", "partners"): "Jongerenwerk\nHalt",
        ("jeugd", "niveau"): "beheersniveau",
    }
    await alice.press("Insturen")
    assert "ingestuurd" in alice.last_reply


async def test_skip_back_and_keep(bot, alice):
    await alice.press("Overslaan")
    assert "Overgeslagen" in alice.last_reply and "vraag 2/3" in alice.last_reply
    await alice.send("Politie")
    await alice.press("Terug")
    assert "vraag 2/3" in alice.last_reply and "Je huidige antwoord" in alice.last_reply
    assert "Politie" in alice.last_reply
    await alice.press("Houden zo")
    assert "vraag 3/3" in alice.last_reply
    await alice.send("/back")
    await alice.send("Politie, OM")
    assert await stored_answers(bot, 1001) == {("ondermijning", "partners"): "Politie, OM"}


async def test_append_adds_to_previous_answer(bot, alice):
    await alice.send("Eerste deel van mijn verhaal.")
    await alice.press("Aanvullen vorige antwoord")
    assert "Stuur wat je wilt toevoegen" in alice.last_reply
    await alice.send("En het tweede deel.")
    assert "Toegevoegd" in alice.last_reply and "vraag 2/3" in alice.last_reply
    answers = await stored_answers(bot, 1001)
    assert (
        answers[("ondermijning", "inhoud")] == "Eerste deel van mijn verhaal.\nEn het tweede deel."
    )


async def test_edited_message_updates_the_stored_answer_and_keeps_history(bot, alice):
    message = await alice.send("Eerste versie")
    await alice.send("Politie")
    await alice.edit(message, "Betere versie")
    assert "gewijzigde bericht is bewaard" in alice.last_reply
    assert (await stored_answers(bot, 1001))[("ondermijning", "inhoud")] == "Betere versie"
    async with bot.store.read() as tx:
        participant = await tx.active_participant(1001)
        history = await tx.answer_history(participant.id, "ondermijning", "inhoud")
    assert [(v.text, v.source) for v in history] == [
        ("Eerste versie", "answer"),
        ("Betere versie", "edit"),
    ]


async def test_review_edit_and_submit_then_edit_after_submitting(bot, alice):
    await alice.send("Inhoud A")
    await alice.send("/review")
    assert "Overzicht van je antwoorden" in alice.transcript()
    assert "Inhoud A" in alice.transcript()
    await alice.press("Insturen")
    assert "Toch insturen" in alice.buttons  # required questions are still open
    await alice.press("Toch insturen")
    assert "ingestuurd" in alice.last_reply
    await alice.send("/review")
    await alice.press("Wijzig 1.1 Waar gaat dit thema over?")
    assert "Je huidige antwoord" in alice.last_reply
    await alice.send("Inhoud B")
    assert "meegenomen in je ingestuurde antwoorden" in alice.transcript()
    assert (await stored_answers(bot, 1001))[("ondermijning", "inhoud")] == "Inhoud B"


async def test_resume_after_restart_answers_the_question_last_asked(bot, alice):
    await alice.send("Antwoord 1")
    await bot.restart()
    await alice.send("Politie, OM")
    assert "vraag 3/3" in alice.last_reply
    await bot.restart()
    await alice.send("/start")
    assert "Welkom terug" in alice.last_reply and "vraag 3/3" in alice.last_reply
    assert await stored_answers(bot, 1001) == {
        ("ondermijning", "inhoud"): "Antwoord 1",
        ("ondermijning", "partners"): "Politie, OM",
    }


async def test_status_and_help(bot, alice):
    await alice.send("Iets")
    await alice.send("/status")
    assert "1 van de 6 vragen" in alice.last_reply
    await alice.send("/help")
    assert "/review" in alice.last_reply


async def test_invite_without_themes_lets_colleague_pick(bot):
    round_id = await bot.create_round(SMALL)
    token = await bot.invite(round_id, "Bram")
    bram = bot.user(1002, "Bram")
    await bram.send(f"/start {token}")
    assert "Kies hieronder de thema's" in bram.transcript()
    await bram.send("ik typ iets")
    assert "Ik heb je bericht bewaard. Kies eerst je thema's" in bram.transcript()
    for command in ("/review", "/skip", "/back"):
        await bram.send(command)
        assert "Kies eerst je thema's" in bram.last_reply, command
        assert "verlopen" not in bram.last_reply, command
        assert "▫️ Regie op jeugd" in bram.buttons
    await bram.press("Klaar, begin met de vragen")
    assert "minstens één thema" in bram.transcript()
    await bram.press("▫️ Regie op jeugd")
    assert "✅ Regie op jeugd" in bram.buttons
    await bram.press("Klaar, begin met de vragen")
    question, where = bram.replies[-2:]
    assert "Thema 1/1 · Regie op jeugd — vraag 1/3" in question.shown
    # What he typed before picking was kept: now there are questions to put it under.
    assert "Waar hoort het bij?" in where.shown and "ik typ iets" in where.shown
    await bram.press("1.1 Waar gaat dit thema over? (laatst gevraagd)")
    assert "Bewaard als antwoord op" in bram.transcript()
    assert "vraag 2/3" in bram.last_reply
    assert (await stored_answers(bot, 1002))[("jeugd", "inhoud")] == "ik typ iets"


async def test_strangers_bad_and_used_tokens_are_refused_and_nothing_is_stored(bot, alice):
    round_id = await bot.create_round(SMALL)
    token = await bot.invite(round_id, "Carla", ["jeugd"])
    mallory = bot.user(666, "Mallory")
    await mallory.send("hallo, mijn geheim")
    assert "nog geen uitnodiging" in mallory.last_reply
    await mallory.send("/start AAAAAAAAAAAAAAAAAAAAAAAA")
    assert "ken ik niet" in mallory.last_reply
    await mallory.send("/start <script>")
    assert "ken ik niet" in mallory.last_reply
    carla = bot.user(1003, "Carla")
    await carla.send(f"/start {token}")
    await mallory.send(f"/start {token}")
    assert "al door iemand anders gebruikt" in mallory.last_reply
    await mallory.send("mijn geheime antwoord")
    await mallory.press_data("v1:sk:1:0")
    assert "geheim" not in stored_text(bot.db_path)
    # Nothing of the stranger's, not even their id in the record of handled updates.
    assert 666 not in stored_values(bot.db_path) and ":666:" not in stored_text(bot.db_path)


async def test_bad_input_gets_a_hint_and_changes_nothing(bot, alice):
    await alice.send_sticker()
    assert "alleen tekst" in alice.last_reply
    await alice.send_photo()
    await alice.send_voice()
    assert "alleen tekst" in alice.last_reply
    await alice.send_in_group("hoi")
    assert "alleen in een privégesprek" in bot.tg.api.messages(-4001000001)[-1].shown
    await alice.press_data("v1:zz:1")
    assert "verlopen" in alice.last_callback_answer
    await alice.press_data("v1:sk:1:5")  # a button for a question she is not at
    assert "verlopen" in alice.transcript()
    await alice.press_data("nonsense")
    assert "vraag 1/3" in alice.last_reply
    assert await stored_answers(bot, 1001) == {}


async def test_hostile_and_huge_text_is_stored_and_echoed_escaped(bot, alice):
    await alice.send("<script>alert(1)</script> & <b>vet</b>")
    await alice.send("x" * 4096)
    await alice.send("/review")
    review = "\n".join(m.text for m in alice.replies if "Overzicht" in m.text)
    assert "&lt;script&gt;" in review and "<script>" not in review
    answers = await stored_answers(bot, 1001)
    assert answers[("ondermijning", "inhoud")] == "<script>alert(1)</script> & <b>vet</b>"
    assert answers[("ondermijning", "partners")] == "x" * 4096


async def test_redelivered_update_is_not_answered_twice(bot, alice):
    message = bot.tg.api.user_message(alice.user, alice.chat, "Eenmalig")
    update = await bot.tg.process({"message": message})
    assert "vraag 2/3" in alice.last_reply
    # Telegram redelivers an update whose offset was not confirmed before a crash: the bot
    # repeats where the colleague is instead of taking it as the answer to the next question.
    await bot.app.process_update(update)
    assert "vraag 2/3" in alice.last_reply
    assert await stored_answers(bot, 1001) == {("ondermijning", "inhoud"): "Eenmalig"}


async def test_unexpected_error_is_logged_and_answered_kindly(bot, alice, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("conversations.engine.decide", broken)
    await alice.send("Een antwoord")
    assert "er ging iets mis" in alice.last_reply and "database on fire" not in alice.last_reply
    assert any("user 1001" in r.getMessage() and r.exc_info for r in caplog.records)
    assert await stored_answers(bot, 1001) == {}  # the transaction was rolled back
    bot.errors.clear()  # expected here; the harness fails a test on any other handler error
    monkeypatch.undo()
    await alice.send("Een antwoord")
    assert "✓ Bewaard." in alice.last_reply


async def test_review_continue_button_goes_to_open_questions(bot, alice):
    await alice.send("/review")
    await alice.press("Verder met open vragen")
    assert "Thema 1/2 · Aanpak ondermijning — vraag 1/3" in alice.last_reply


async def test_a_button_pressed_long_ago_is_still_handled(bot, alice):
    # Telegram refuses to answer a callback query that is too old; the press still counts.
    question = alice.replies[-1]
    await bot.tg.process(
        {
            "callback_query": {
                "id": "too-old-to-answer",
                "from": alice.user,
                "message": bot.tg.api.message_json(question),
                "chat_instance": "ci",
                "data": next(b["callback_data"] for r in question.inline_keyboard for b in r),
            }
        }
    )
    assert "Overgeslagen" in alice.last_reply and "vraag 2/3" in alice.last_reply


async def test_an_answer_that_grows_when_escaped_is_clipped_not_broken(bot, alice):
    # 1499 characters, every one of them but the line breaks growing fourfold as HTML: shown
    # whole, it would need several messages, split inside the <blockquote> Telegram refuses.
    answer = "\n".join(["<<<<<<<<<"] * 150)
    await alice.send(answer)
    await alice.press("Aanvullen vorige antwoord")
    assert "Stuur wat je wilt toevoegen" in alice.last_reply and "…" in alice.last_reply
    await alice.send("/back")
    question = alice.replies[-1]
    assert "vraag 1/3" in question.shown and "Je huidige antwoord" in question.shown
    assert "<<<<<<<<<\n<<<<<<<<<" in question.shown and "…" in question.shown
    assert "&lt;&lt;" in question.text and "<<" not in question.text
    await alice.send("/review")
    review = next(m for m in reversed(alice.replies) if "Overzicht van je antwoorden" in m.shown)
    assert "<<<<<<<<<" in review.shown and "…" in review.shown
    await alice.press("Wijzig 1.1 Waar gaat dit thema over?")
    assert "Je huidige antwoord" in alice.last_reply and "…" in alice.last_reply
    assert "er ging iets mis" not in alice.transcript()
    assert (await stored_answers(bot, 1001))[("ondermijning", "inhoud")] == answer


async def test_after_submitting_early_continue_leads_to_the_open_questions(bot, alice):
    await alice.send("Antwoord 1")
    await alice.send("/review")
    await alice.press("Insturen")
    await alice.press("Toch insturen")
    await alice.send("/review")
    assert "Nog 3 verplichte vragen open" in alice.last_reply
    await alice.press("Verder met open vragen")
    assert "Thema 1/2 · Aanpak ondermijning — vraag 2/3" in alice.last_reply
    await alice.send("/start")  # as after a reminder: straight to what is still open
    assert "Welkom terug" in alice.last_reply and "vraag 2/3" in alice.last_reply
    await alice.send("Politie, OM")
    assert "meegenomen in je ingestuurde antwoorden" in alice.last_reply
    assert "vraag 3/3" in alice.last_reply  # on through the questions, as before submitting
    assert (await stored_answers(bot, 1001))[("ondermijning", "partners")] == "Politie, OM"


async def test_a_button_on_an_inline_message_expires_and_changes_nothing(bot, alice):
    # A button on a message shared inline comes without the message, so without a chat.
    api = bot.tg.api
    for data in ("v1:sk:1:0", "garbage", "v1:sn:1:1", None):
        query = {"id": api.new_callback_query_id(), "from": alice.user, "chat_instance": "x"}
        query |= {"data": data, "inline_message_id": "i"} if data else {"game_short_name": "g"}
        await bot.tg.process({"callback_query": query})
        assert "werkt hier niet" in api.callback_answer(query["id"]).text
    # A private message without a sender has nobody to answer to: ignored, not an answer.
    chat = {"id": alice.chat_id, "type": "private", "first_name": "Alice"}
    await bot.tg.process({"message": {"message_id": 77, "date": 0, "chat": chat, "text": "hoi"}})
    assert "vraag 1/3" in alice.last_reply
    assert await stored_answers(bot, 1001) == {}


async def test_long_template_texts_and_a_long_answer_still_make_one_question_message(bot):
    from conversations.template import load_template

    template = load_template(SMALL)
    wordy = template.model_copy(
        update={
            "questions": [
                q.model_copy(update={"text": "Vraag " + "x" * 990, "help": "<" * 1000})
                for q in template.questions
            ],
            "themes": [t.model_copy(update={"description": "&" * 1000}) for t in template.themes],
        }
    )
    round_id = await bot.create_round(wordy)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    await alice.send("<b>\n" * 1500)
    await alice.send("/back")
    question = alice.replies[-1]
    assert len(question.text) <= 4096 and "Je huidige antwoord" in question.shown
    assert question.inline_keyboard  # one message, buttons included


async def test_a_new_message_under_a_reused_update_id_is_still_an_answer(bot, alice):
    # Telegram picks update ids at random after a quiet week, and another token has other ids.
    first = await bot.tg.process(
        {"message": bot.tg.api.user_message(alice.user, alice.chat, "Een")}
    )
    reused = Update.de_json(
        {
            "update_id": first.update_id,
            "message": bot.tg.api.user_message(alice.user, alice.chat, "Politie"),
        },
        bot.app.bot,
    )
    await bot.app.process_update(reused)
    assert await stored_answers(bot, 1001) == {
        ("ondermijning", "inhoud"): "Een",
        ("ondermijning", "partners"): "Politie",
    }


async def test_a_button_without_data_expires_like_any_unknown_button(bot, alice):
    await alice.press_data("")
    assert "verlopen" in alice.last_callback_answer
    assert "vraag 1/3" in alice.last_reply and "coördinator" not in alice.transcript()


async def test_review_then_back_returns_to_where_the_colleague_was(bot, alice):
    await alice.send("Een")
    await alice.send("/review")
    await alice.send("/back")
    assert "Thema 1/2 · Aanpak ondermijning — vraag 2/3" in alice.last_reply
    await alice.send("Politie")
    assert "vraag 3/3" in alice.last_reply


async def test_the_last_answer_and_the_review_come_as_one_message(bot, alice):
    for text in ("Inhoud", "Politie"):
        await alice.send(text)
    await alice.press("1. prioriteit")
    for text in ("Overlast", "Halt"):
        await alice.send(text)
    before = len(alice.replies)
    await alice.press("3. beheersniveau")
    (review,) = alice.replies[before:]
    assert review.shown.startswith("✓ Bewaard.") and "Overzicht van je antwoorden" in review.shown
    assert "Aanpak ondermijning" in review.shown and "Regie op jeugd" in review.shown
    assert "Wijzig 2.3 Welk niveau stel je voor?" in alice.buttons and "Insturen" in alice.buttons


async def test_a_review_too_big_for_one_message_comes_per_theme(bot):
    round_id = await bot.create_round("ivp")  # seven themes, seven questions each
    themes = ["wijkaanpak", "woonoverlast", "openbare-ruimte", "jeugd"]
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', themes)}")
    await alice.send("/review")
    review = [m for m in alice.new_replies]
    assert len(review) == len(themes) + 1  # one per theme and the footer: 28 edit buttons
    assert all(len(m.text) <= 4096 for m in review)
