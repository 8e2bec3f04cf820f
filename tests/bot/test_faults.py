"""Telegram at its worst: 10 % of every send answered 500 and 5 % 429. Every colleague still
gets every next question and finishes, nothing is stored or said twice, and the coordinator's
overview arrives."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from tests.auxil.data import SMALL
from tests.auxil.database import saved_versions
from tests.auxil.waiting import quick

COLLEAGUES = 20


async def walk(bot, user, token: str, rng: random.Random) -> list[str]:
    """One colleague's whole intake; returns what the bot showed after each step."""
    steps: list[tuple[str, str, str]] = [  # (how, what, what the reply must show)
        ("send", f"/start {token}", "Thema 1/2 · Aanpak ondermijning — vraag 1/3"),
        ("send", f"inhoud {user.chat_id}", "vraag 2/3"),
        ("send", f"partners {user.chat_id}", "vraag 3/3"),
        ("press", "1. prioriteit", "Thema 2/2 · Regie op jeugd — vraag 1/3"),
        ("send", f"jeugd {user.chat_id}", "vraag 2/3"),
        ("send", f"halt {user.chat_id}", "vraag 3/3"),
        ("press", "3. beheersniveau", "Overzicht van je antwoorden"),
        ("press", "Insturen", "ingestuurd"),
    ]
    seen = []
    for how, what, expected in steps:
        await asyncio.sleep(rng.uniform(0, 0.01))  # colleagues interleave
        if how == "send":
            await user.send(what)
        else:
            await user.press(what)
        shown = "\n".join(m.shown for m in user.new_replies)
        assert expected in shown, (user, what, user.transcript())
        seen.append(shown)
    return seen


async def test_every_colleague_finishes_through_500s_and_429s(bot):
    sleeps = quick(bot)
    round_id = await bot.create_round(SMALL)
    tokens = [
        await bot.invite(round_id, f"Collega {i}", ["ondermijning", "jeugd"])
        for i in range(COLLEAGUES + 1)
    ]
    clean = bot.user(5000, "Schoon")
    await walk(bot, clean, tokens[-1], random.Random(0))  # without failures: the norm

    faults = bot.tg.api.fail_randomly(0.10, 0.05, seed=9, retry_after=2)
    users = [bot.user(1001 + i, f"Collega {i}") for i in range(COLLEAGUES)]
    await asyncio.gather(
        *(
            walk(bot, u, t, random.Random(i))
            for i, (u, t) in enumerate(zip(users, tokens[:-1], strict=True))
        )
    )
    coby = bot.coordinator()
    await coby.send("/overview")
    assert len(coby.documents) == 1 and "inhoud 1001" in coby.last_document[1].decode()

    assert faults.counts[500] >= 10 and faults.counts[429] >= 5  # it really was that bad
    assert 2.0 in sleeps.waits  # 429s were sat out
    # Nothing stored twice: one version per answer, four answers and two choices each.
    versions = Counter((v[0], v[1], v[2]) for v in saved_versions(bot.db_path))
    assert set(versions.values()) == {1} and len(versions) == 6 * (COLLEAGUES + 1)
    async with bot.store.read() as tx:
        assert all(p.submitted_at for p in await tx.participants(round_id))
    # Nothing said twice: every chat has as many messages as the clean one.
    assert {len(u.replies) for u in users} == {len(clean.replies)}
    assert not bot.errors
