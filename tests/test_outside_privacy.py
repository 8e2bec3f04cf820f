"""Privacy checked from outside, as a new user meets it: the real `themabot run` process
polling an HTTP Bot API stand-in, the command line in processes of its own beside it.

A colleague answers, asks /mydata and gets a file with all of their answers and none of
another colleague's; after /withdraw (confirmed) the coordinator's /overview in every format
holds none of their text and still the others'; after `themabot round close` and `themabot
purge` no report, progress output, chat /progress or line of the bot's log holds a name or an
answer, and neither do the database file and its WAL.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl

from tests.test_outside import (  # the same bot process, stand-in and command line
    COORDINATOR,
    document_for,
    outside,  # noqa: F401 (a fixture)
    themabot,
)

NAMES = ("Alice Vermeer", "Bram Oosting")
ALICE_SAYS = ("Alice-geheim: criminele geldstromen", "Alice-geheim: Politie, RIEC")
BRAM_SAYS = ("Bram-inbreng: jongeren in het park", "Bram-inbreng: Halt")
FORMATS = ("html", "docx", "md", "xlsx", "csv")


def readable(fmt: str, content: bytes) -> str:
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


def on_disk(db: str) -> bytes:
    path = Path(db)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_mydata_withdraw_close_and_purge_checked_from_outside(outside):  # noqa: F811
    tg, env, process, tmp_path = outside
    template = str(tmp_path / "template.toml")
    created = await themabot(env, "round", "create", "--name", "Ronde", "--template", template,
                             "--json")  # fmt: skip
    round_id = str(json.loads(created)["round"])
    tokens = []
    for name in NAMES:
        invite = await themabot(env, "invite", "--round", round_id, "--name", name, "--theme",
                                "ondermijning", "--json")  # fmt: skip
        tokens.append(json.loads(invite)["token"])
    process.start()
    alice = tg.user(1001, "Alice", last_name="Vermeer")
    bram = tg.user(1002, "Bram", last_name="Oosting")
    for user, token, answers in ((alice, tokens[0], ALICE_SAYS), (bram, tokens[1], BRAM_SAYS)):
        await user.send(f"/start {token}")
        for answer in answers:
            await user.send(answer)

    mine = await document_for(alice, "/mydata")
    with zipfile.ZipFile(io.BytesIO(mine)) as archive:
        inside = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert all(answer in inside for answer in ALICE_SAYS)
    assert all(answer not in inside for answer in BRAM_SAYS) and "Bram" not in inside

    await alice.send("/withdraw")
    await alice.press("Ja, wis mijn input")
    assert "is gewist" in alice.last_reply
    coordinator = tg.user(COORDINATOR, "Coby")
    for fmt in FORMATS:
        shown = readable(fmt, await document_for(coordinator, f"/overview {fmt}"))
        assert all(answer not in shown for answer in ALICE_SAYS), fmt
        assert BRAM_SAYS[0] in shown, fmt

    await themabot(env, "round", "close", "--round", round_id, "--yes")
    purged = json.loads(await themabot(env, "purge", "--round", round_id, "--yes", "--json"))
    assert purged["purged"] and purged["scrubbed"]
    secrets = (*NAMES, "Alice", "Bram", *ALICE_SAYS, *BRAM_SAYS)
    raw = on_disk(env["THEMABOT_DB"])  # the bot is still running
    assert [s for s in secrets if s.encode() in raw] == []

    outputs = [await themabot(env, "progress", "--round", round_id)]
    outputs.append(await themabot(env, "progress", "--round", round_id, "--json"))
    for fmt in FORMATS:
        path = tmp_path / f"rapport.{fmt}"
        await themabot(env, "report", "--round", round_id, "--output", str(path))
        outputs.append(readable(fmt, path.read_bytes()))
    await coordinator.send("/progress")
    outputs.append(coordinator.last_reply)
    assert "Gewist op" in coordinator.last_reply
    outputs.append((tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace"))
    for output in outputs:
        assert [s for s in secrets if s in output] == [], output[:200]
    assert process.alive()
