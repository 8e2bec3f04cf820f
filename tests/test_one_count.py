"""One count of progress: the chat, the command line and every document agree on a round."""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections import Counter
from pathlib import Path

import docx
import pytest

from bot.cli import main
from conversations.progress import Category
from conversations.texts import catalogue, plain

SMALL = str(Path(__file__).parent / "data" / "small.toml")
# One colleague in each category.
EXPECTED = dict.fromkeys(Category, 1)


def counts_in(text: str) -> dict[Category, int]:
    """Reads the category counts a view shows, by the words the catalogue gives each category."""
    t = catalogue("nl")
    found: dict[Category, int] = {}
    for category in Category:
        forms = {t.labels[f"progress_{category.value}_{form}"] for form in ("one", "many")}
        for words in forms:
            pattern = re.escape(words).replace(re.escape("{count}"), r"(\d+)")
            for match in re.finditer(pattern, text):
                found[category] = found.get(category, 0) + int(match.group(1))
    return found


@pytest.fixture
async def five_colleagues(bot):
    """Anna submitted, Bram is done without submitting, Carla is busy, Dirk has not started
    and Eva has not opened her invite."""
    round_id = await bot.create_round(SMALL, name="Ronde")
    anna = bot.user(1001, "Anna")
    await anna.send(f"/start {await bot.invite(round_id, 'Anna', ['jeugd'])}")
    for text in ("Overlast", "Halt", "prioriteit"):
        await anna.send(text)
    await anna.press("Insturen")
    bram = bot.user(1002, "Bram")
    await bram.send(f"/start {await bot.invite(round_id, 'Bram', ['jeugd'])}")
    for text in ("Vastgoed", "Politie"):  # the third question is optional
        await bram.send(text)
    carla = bot.user(1003, "Carla")
    await carla.send(f"/start {await bot.invite(round_id, 'Carla', ['jeugd'])}")
    await carla.send("Iets")
    dirk = bot.user(1004, "Dirk")
    await dirk.send(f"/start {await bot.invite(round_id, 'Dirk', ['jeugd'])}")
    await bot.invite(round_id, "Eva", ["jeugd"])
    return round_id


async def test_chat_cli_and_documents_report_the_same_counts(
    bot, five_colleagues, capsys, monkeypatch, tmp_path
):
    coby = bot.coordinator()
    await coby.send("/progress")
    title = plain(coby.last_reply).splitlines()[1]
    assert counts_in(title) == EXPECTED, title

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEMABOT_DB", str(bot.db_path))
    capsys.readouterr()
    # The command line runs its own event loop: give it a thread, as a terminal would a process.
    progress = ["progress", "--round", str(five_colleagues)]
    assert await asyncio.to_thread(main, [*progress, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["counts"] == {k.value: 1 for k in Category}
    tally = Counter(Category(c["category"]) for c in listed["colleagues"])
    assert dict(tally) == EXPECTED
    assert {c["name"]: c["state"] for c in listed["colleagues"]}["Bram"] == "in_progress"
    assert await asyncio.to_thread(main, progress) == 0
    assert counts_in(capsys.readouterr().out.splitlines()[1]) == EXPECTED

    await coby.send("/overview html")
    _, html, caption = coby.last_document
    chips = re.search(r'<ul class="progress".*?</ul>', html.decode(), re.S)
    assert chips and counts_in(re.sub(r"<[^>]+>", " ", chips.group(0))) == EXPECTED
    (line,) = [line for line in (caption or "").splitlines() if line.startswith("Deelnemers")]
    assert counts_in(line) == EXPECTED

    await coby.send("/overview md")
    markdown = coby.last_document[1].decode()
    (line,) = [line for line in markdown.splitlines() if line.startswith("**Deelnemers")]
    assert line.startswith("**Deelnemers: 5** — ") and counts_in(line) == EXPECTED

    await coby.send("/overview docx")
    document = docx.Document(io.BytesIO(coby.last_document[1]))
    (line,) = [p.text for p in document.paragraphs if p.text.startswith("Deelnemers")]
    assert counts_in(line) == EXPECTED, line
