"""Store write throughput: one guarded ``save_answer`` transaction vs a bare INSERT + commit.

**Ours.** ``async with store.write() as tx: await tx.save_answer(...)`` per answer, as the bot
does for every text answer: the store's ``asyncio.Lock``, ``BEGIN IMMEDIATE``, the upsert of the
answer, a row in its version history, the link from the Telegram message to the answer, and the
``COMMIT``. Each write is a new answer (a new question key), so it measures inserts, not updates.

**Reference.** The same answer text INSERTed as one row into a one-table database on a bare
aiosqlite connection with the store's PRAGMAs (WAL, ``synchronous=FULL``, see
:mod:`benchmarks.bare_sqlite`), then ``commit()``. The ratio is the price of the history, the
message link and the write guard, per durable write; both pay one fsync per commit.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.bare_sqlite import open_bare, pragmas_of
from benchmarks.measure import Comparison, Sample, compare
from benchmarks.typed_answers import PROSE
from conversations.state import AnswerSource, Mode
from conversations.template import load_template
from storage import Store, open_store

__all__ = ["run"]

_NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
_CHAT_ID = 700_000_001


async def _participant(store: Store) -> int:
    """Creates a round, an invite and the colleague who opened it; returns the participant id."""
    async with store.write() as tx:
        round_ = await tx.create_round("Benchmark", load_template("ivp"), date(2027, 2, 26), _NOW)
        invite, _token = await tx.create_invite(round_.id, "Collega", ("ondermijning",), _NOW)
        participant = await tx.create_participant(
            invite, _CHAT_ID, _CHAT_ID, "nl", Mode.ASKING, _NOW
        )
        return participant.id


async def run(*, writes: int, rounds: int) -> Comparison:
    """Times ``writes`` durable writes per round, ``rounds`` interleaved rounds after a warm-up."""
    with tempfile.TemporaryDirectory(prefix="themabot-bench-") as tmp:
        store = await open_store(Path(tmp) / "themabot.db")
        try:
            db = await open_bare(Path(tmp) / "reference.db", pragmas_of())
            try:
                participant_id = await _participant(store)
                numbers = itertools.count(1)

                async def ours() -> Sample:
                    elapsed = 0.0
                    for _ in range(writes):
                        n = next(numbers)
                        start = time.perf_counter()
                        async with store.write() as tx:
                            await tx.save_answer(
                                participant_id,
                                "ondermijning",
                                f"q{n}",
                                (PROSE,),
                                AnswerSource.ANSWER,
                                _NOW,
                                chat_id=_CHAT_ID,
                                message_id=n,
                            )
                        elapsed += time.perf_counter() - start
                    return Sample(elapsed, writes)

                async def reference() -> Sample:
                    elapsed = 0.0
                    for _ in range(writes):
                        n = next(numbers)
                        start = time.perf_counter()
                        await db.execute(
                            "INSERT INTO answers (chat_id, message_id, text, created_at)"
                            " VALUES (?, ?, ?, ?)",
                            (_CHAT_ID, n, PROSE, _NOW.isoformat()),
                        )
                        await db.commit()
                        elapsed += time.perf_counter() - start
                    return Sample(elapsed, writes)

                return await compare(
                    "store write (save_answer)",
                    "write",
                    ours,
                    reference,
                    rounds=rounds,
                    reference_name="bare aiosqlite INSERT + commit, same PRAGMAs",
                )
            finally:
                await db.close()
        finally:
            await store.close()
