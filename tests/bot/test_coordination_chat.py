"""The coordinator's side in chat: roles, invites, progress, the overview and partners."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pytest

from tests.auxil.data import SMALL


@pytest.fixture
async def round_with_two(bot):
    """A round where Alice answered everything and submitted, and Bram answered a bit."""
    round_id = await bot.create_round(SMALL, name="Ronde <Leiden>")
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning', 'jeugd'])}")
    for text in [
        "Geldstromen",
        "Politie, RIEC",
        "prioriteit",
        "Overlast",
        "de politie; Halt",
        "beheersniveau",
    ]:
        await alice.send(text)
    await alice.press("Insturen")
    bram = bot.user(1002, "Bram")
    await bram.send(f"/start {await bot.invite(round_id, 'Bram', ['ondermijning'])}")
    await bram.send("Vastgoed <script>x</script>")
    await bram.send(" politie")
    await bot.invite(round_id, "Carla", ["jeugd"])  # never opened
    return round_id, alice, bram


async def test_overview_docx_has_a_heading_per_theme_and_every_answer(bot, round_with_two):
    coby = bot.coordinator()
    await coby.send("/overview docx")
    name, content, caption = coby.last_document
    assert name.endswith(".docx") and "Ronde <Leiden>" in caption
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Aanpak ondermijning" in headings and "Regie op jeugd" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    for answer in ["Geldstromen", "Overlast", "Vastgoed <script>x</script>"]:
        assert answer in text


async def test_overview_xlsx_has_one_row_per_answer_and_partners_count_once(bot, round_with_two):
    coby = bot.coordinator()
    await coby.send("/overview xlsx")
    _, content, _ = coby.last_document
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) - 1 == 8  # six answers from Alice, two from Bram
    matrix = [r for r in book.worksheets[1].iter_rows(values_only=True)]
    police = [r for r in matrix if r[0] and "olitie" in str(r[0])]
    assert len(police) == 1, matrix


async def test_overview_in_every_format_and_unknown_format(bot, round_with_two):
    coby = bot.coordinator()
    for fmt in ("html", "md", "csv"):
        await coby.send(f"/overview {fmt}")
        name, content, _ = coby.last_document
        assert name.endswith(f".{fmt}")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 9
    await coby.send("/overview")
    name, content, _ = coby.last_document
    assert name.endswith(".html") and b"&lt;script&gt;" in content and b"<script>x" not in content
    await coby.send("/overview pdf")
    assert "Onbekend formaat pdf" in coby.last_reply


async def test_progress_names_each_colleague_with_their_state(bot, round_with_two):
    coby = bot.coordinator()
    await coby.send("/progress")
    text = coby.last_reply
    assert "Alice — ingestuurd (6 van 6 beantwoord)" in text
    assert "Bram — klaar, nog niet ingestuurd (2 van 3 beantwoord)" in text
    assert "Carla — uitnodiging nog niet geopend" in text


async def test_colleagues_and_strangers_are_refused_coordinator_commands(bot, round_with_two):
    _, alice, _ = round_with_two
    mallory = bot.user(666, "Mallory")
    for person in (alice, mallory):
        for command in (
            "/overview docx",
            "/progress",
            "/invite Eve",
            "/rounds",
            "/partners",
            "/merge a = b",
        ):
            await person.send(command)
            assert "opdracht voor de coördinator" in person.last_reply
            assert not person.documents


async def test_invite_in_chat_gives_a_link_and_a_message_to_forward(bot):
    round_id = await bot.create_round(SMALL)
    coby = bot.coordinator()
    await coby.send("/invite Dirk van Dam jeugd ondermijning")
    created, forward = coby.replies[-2:]
    assert (
        "Dirk van Dam" in created.shown and "Aanpak ondermijning, Regie op jeugd" in created.shown
    )
    link = forward.shown.split()[-1]
    assert link.startswith("https://t.me/themabot_test_bot?start=")
    dirk = bot.user(1004, "Dirk")
    await dirk.send(f"/start {link.split('=')[1]}")
    assert "Welkom, Dirk van Dam" in dirk.transcript()
    assert "Thema 1/2 · Aanpak ondermijning" in dirk.last_reply  # template order
    await coby.send("/invite")
    assert "Gebruik: /invite" in coby.last_reply
    assert round_id


async def test_coordinator_invite_makes_a_coordinator_without_knowing_ids(bot, round_with_two):
    round_id, _, _ = round_with_two
    token = await bot.invite(round_id, "Fenna", coordinator=True)
    fenna = bot.user(1010, "Fenna")
    await fenna.send("/progress")
    assert "opdracht voor de coördinator" in fenna.last_reply
    await fenna.send(f"/start {token}")
    assert "coördinator" in fenna.last_reply
    await fenna.send("/progress")
    assert "Alice" in fenna.last_reply


async def test_rounds_lists_and_picks_the_active_round(bot, round_with_two):
    second = await bot.create_round(SMALL, name="Tweede ronde")
    coby = bot.coordinator()
    await coby.send("/rounds")
    assert "Ronde &lt;Leiden&gt;" not in coby.last_reply  # shown as text, escaped on the wire
    assert "Tweede ronde" in coby.last_reply
    await coby.press(f"#{second - 1} Ronde <Leiden>")
    assert "Ronde <Leiden>" in coby.last_reply
    await coby.send("/progress")
    assert "Alice" in coby.last_reply


async def test_merge_makes_two_spellings_one_partner(bot, round_with_two):
    coby = bot.coordinator()
    await coby.send("/partners")
    assert "Politie</b>" not in coby.replies[-1].shown
    assert "Politie (3)" in coby.last_reply and "RIEC (1)" in coby.last_reply
    await coby.send("/merge riec = Politie")
    assert "Samengevoegd" in coby.last_reply
    await coby.send("/partners")
    assert "Politie (3)" in coby.last_reply and "RIEC" not in coby.last_reply.split("\n")[1]
    await coby.send("/merge zonder gelijkteken")
    assert "Gebruik: /merge" in coby.last_reply


async def test_long_progress_is_split_not_cut(bot):
    round_id = await bot.create_round(SMALL)
    for i in range(150):
        await bot.invite(
            round_id, f"Collega met een behoorlijk lange naam nummer {i:03d}", ["jeugd"]
        )
    coby = bot.coordinator()
    await coby.send("/progress")
    texts = [m.text for m in coby.replies]
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    joined = "\n".join(texts)
    assert all(f"nummer {i:03d}" in joined for i in range(150))


async def test_a_theme_without_input_keeps_its_chapter_and_is_a_gap(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['ondermijning'])}")
    await alice.send("Geldstromen")
    dirk = bot.user(1004, "Dirk")
    await dirk.send(f"/start {await bot.invite(round_id, 'Dirk', ['jeugd'])}")
    coby = bot.coordinator()
    await coby.send("/overview docx")
    document = docx.Document(io.BytesIO(coby.last_document[1]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # The skeleton does not move as answers come in: every theme has its chapter.
    assert "Aanpak ondermijning" in headings and "Regie op jeugd" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Regie op jeugd — toegewezen aan Dirk" in text  # a gap, with who has it


async def test_a_colleague_who_blocks_the_bot_shows_as_unreachable(bot, round_with_two):
    _, _, bram = round_with_two

    def member(status: str) -> dict:
        extra = {"until_date": 0} if status == "kicked" else {}  # 0: blocked for good
        return {"user": bot.tg.api.bot_user, "status": status, **extra}

    def membership(old: str, new: str) -> dict:
        return {
            "my_chat_member": {
                "chat": bram.chat,
                "from": bram.user,
                "date": 1_800_000_000,
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
        }

    await bot.tg.process(membership("member", "kicked"))
    coby = bot.coordinator()
    await coby.send("/progress")
    assert (
        "Bram — klaar, nog niet ingestuurd (2 van 3 beantwoord) · ⚠️ onbereikbaar" in coby.last_reply
    )
    await bot.tg.process(membership("kicked", "member"))
    await coby.send("/progress")
    assert "onbereikbaar" not in coby.last_reply


async def invites(bot) -> list[tuple[str, tuple[str, ...]]]:
    async with bot.store.read() as tx:
        return [
            (i.name, i.theme_keys) for r in await tx.list_rounds() for i in await tx.invites(r.id)
        ]


async def test_invite_never_takes_a_mistyped_theme_for_part_of_the_name(bot):
    await bot.create_round(SMALL)
    coby = bot.coordinator()
    for command in (
        "/invite Jan de Vries ondermijning cyber",
        '/invite "Jan de Vries" ondermijning cyber',
    ):
        await coby.send(command)
        assert "Onbekend thema: cyber. Er is niemand uitgenodigd." in coby.last_reply
        assert "Thema's: ondermijning, jeugd" in coby.last_reply
    await coby.send("/invite Jan de Vries Jeugt")
    assert "Onbekend thema Jeugt — bedoel je jeugd?" in coby.last_reply
    for command in ("/invite Piet jeugdzorg", "/invite Piet jeugdzorg jeugd"):
        await coby.send(command)  # a theme not in this round, typed where themes go
        assert "Onbekend thema: jeugdzorg. Er is niemand uitgenodigd." in coby.last_reply
    await coby.send('/invite "Jan de Vries')
    assert "Gebruik: /invite" in coby.last_reply
    await coby.send("/invite Jan " + "de " * 100 + "Vries")
    assert "Die naam is te lang" in coby.last_reply
    assert await invites(bot) == []
    await coby.send("/invite “Anna Jeugd” ONDERMIJNING Jeugd")  # as a phone types quotes
    created = coby.replies[-2].shown
    assert "Anna Jeugd (thema's: Aanpak ondermijning, Regie op jeugd)" in created
    await coby.send("/invite Jan de Vries JEUGD")
    assert "Jan de Vries (thema's: Regie op jeugd)" in coby.replies[-2].shown
    assert await invites(bot) == [
        ("Anna Jeugd", ("ondermijning", "jeugd")),
        ("Jan de Vries", ("jeugd",)),
    ]


async def test_a_redelivered_invite_command_makes_no_second_invite(bot):
    await bot.create_round(SMALL)
    coby = bot.coordinator()
    message = bot.tg.api.user_message(coby.user, coby.chat, "/invite Gert jeugd")
    update = await bot.tg.process({"message": message})
    assert "https://t.me/" in coby.last_reply
    replies = len(coby.replies)
    await bot.tg.handle(update)  # Telegram again, after a crash before confirming
    await bot.app.process_update(update)  # even straight to the handler: claimed already
    assert len(coby.replies) == replies  # not answered twice
    assert await invites(bot) == [("Gert", ("jeugd",))]


async def test_progress_names_the_questions_nobody_answered(bot):
    round_id = await bot.create_round(SMALL)
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['jeugd'])}")
    await alice.send("Overlast")
    coby = bot.coordinator()
    await coby.send("/progress")
    assert "Regie op jeugd: 1 bijdrage\n" in coby.last_reply
    assert (
        "nog door niemand beantwoord: Met welke partners werk je samen?; "
        "Welk niveau stel je voor?" in coby.last_reply
    )


async def test_withdraw_takes_a_colleague_out_and_stops_an_unopened_link(bot, round_with_two):
    round_id, _, bram = round_with_two
    carla_token = await bot.invite(round_id, "Ca rla", ["jeugd"])  # a second, odd name
    coby = bot.coordinator()
    await coby.send("/withdraw bram")
    assert "De 2 antwoorden en de hele geschiedenis ervan worden gewist" in coby.last_reply
    await coby.press("Ja, uit de ronde halen en wissen")
    assert "Bram</b> doet niet meer mee" in coby.replies[-1].text
    assert "de 2 antwoorden en de geschiedenis ervan zijn gewist" in coby.last_reply
    await coby.send('/withdraw "Ca  rla"')
    await coby.press("Ja, uitnodiging intrekken")
    assert "is ingetrokken" in coby.last_reply
    await coby.send("/withdraw Nobody")
    assert "Niemand met de naam Nobody" in coby.last_reply

    await coby.send("/progress")
    # Bram shows as withdrawn, without anything he gave; the withdrawn invite is gone.
    assert "Teruggetrokken, zonder inhoud (1): Bram (#2)" in coby.last_reply
    assert "Vastgoed" not in coby.last_reply and "Ca rla" not in coby.last_reply
    await coby.send("/overview md")
    assert b"Vastgoed" not in coby.last_document[1]  # Bram's answer left the overview

    await bram.send("nog een antwoord")
    assert "Je hebt je input voor Ronde <Leiden> teruggetrokken" in bram.last_reply
    await bram.press_data("v1:sk:2:0")  # an old button of his
    assert "Thema" not in bram.last_reply and "verlopen" in bram.last_callback_answer
    carla = bot.user(1003, "Carla")
    await carla.send(f"/start {carla_token}")
    assert "ken ik niet" in carla.last_reply
    assert "Alice" in (await _progress_json(bot, round_id))


async def _progress_json(bot, round_id: int) -> str:
    from reports.progress import round_progress

    async with bot.store.read() as tx:
        return str(round_progress(await tx.snapshot(round_id)).to_json())


async def test_a_submitted_only_overview_leaves_the_drafts_out_and_a_button_switches(
    bot, round_with_two
):
    coby = bot.coordinator()
    await coby.send("/overview md ingestuurd")
    name, content, _ = coby.last_document
    text = content.decode()
    assert name.endswith("-ingestuurd.md")
    assert "Geldstromen" in text and "Vastgoed" not in text  # Bram has not submitted
    assert coby.buttons[-1] == "Alle antwoorden, ook concepten"
    await coby.press("Alle antwoorden, ook concepten")
    name, content, _ = coby.last_document
    assert not name.endswith("-ingestuurd.md") and "Vastgoed" in content.decode()
    assert coby.buttons[-1] == "Alleen ingestuurde antwoorden"
    await coby.send("/overview ingestuurd docx")  # the words in any order
    assert coby.last_document[0].endswith("-ingestuurd.docx")


async def test_the_overview_button_refuses_colleagues_and_forged_data(bot, round_with_two):
    round_id, alice, _ = round_with_two
    coby = bot.coordinator()
    await coby.send("/overview")
    documents = len(coby.documents)
    await coby.press_data(f"v1:ov:{round_id}:9:1")  # no format 9
    assert coby.last_callback_answer and "verlopen" in coby.last_callback_answer
    await alice.press_data(f"v1:ov:{round_id}:0:1")
    assert alice.last_callback_answer and "coördinator" in alice.last_callback_answer
    assert len(coby.documents) == documents and alice.documents == []
