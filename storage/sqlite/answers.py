"""Answers in SQLite: the current answer per question, every version, and message links."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from conversations.state import AnswerSource
from storage.records import Answer, AnswerLink, AnswerVersion, AsideText
from storage.sqlite.base import Queries, Row, dt, req_dt, ts

# ``parts`` is written by json.dumps: no white space around it, so raw_decode reads it
# directly, without json.loads' two regular-expression scans per call (20,000 answers in a
# large round's snapshot: a third of reading it).
_read_parts = json.JSONDecoder().raw_decode

# The columns in the order of Answer's fields, read by position: a large round's snapshot
# turns 20,000 rows into Answers, and looking each value up by name cost a third of that.
# An answer of one part is its text (the text is the parts joined): its parts come as NULL,
# rather than as a second copy of the text to decode, another third.
ANSWER_SQL = (
    "SELECT a.participant_id, a.theme_key, a.question_key, a.text,"
    " CASE WHEN json_array_length(a.parts) = 1 THEN NULL ELSE a.parts END, a.created_at,"
    " a.updated_at,"
    " (SELECT COUNT(*) FROM answer_versions v WHERE v.answer_id = a.id) AS versions"
    " FROM answers a"
)


def answer_records(rows: Iterable[Row]) -> list[Answer]:
    """Turns rows of ``ANSWER_SQL`` into Answers.

    One string per distinct theme and question key and one datetime per distinct moment, not
    one per row: a large round's 20,000 answers name a few dozen keys and fewer moments than
    answers, and whoever reads them compares and hashes the keys again and again (a string
    that is the same object compares at once, and keeps its hash).
    """
    keys: dict[str, str] = {}
    moments: dict[str, datetime] = {}
    key = keys.setdefault

    def moment(text: str) -> datetime:
        found = moments.get(text)
        if found is None:
            found = moments[text] = req_dt(text)
        return found

    # By position, in the order of Answer's fields: a call by keyword costs twice as much.
    return [
        Answer(
            pid,
            key(theme, theme),
            key(question, question),
            text,
            (text,) if parts is None else tuple(_read_parts(parts)[0]),
            moment(created),
            moment(updated),
            versions,
        )
        for pid, theme, question, text, parts, created, updated, versions in rows
    ]


def aside_record(row: Row) -> AsideText:
    """Turns an ``aside_texts`` row into an AsideText."""
    return AsideText(
        id=row["id"],
        participant_id=row["participant_id"],
        text=row["text"],
        message_id=row["message_id"],
        created_at=req_dt(row["created_at"]),
        placed_at=dt(row["placed_at"]),
    )


class AnswerQueries(Queries):
    """Implements the answer half of ParticipantReads and ParticipantWrites."""

    async def answers_of(self, participant_id: int) -> list[Answer]:
        rows = await self._all(
            f"{ANSWER_SQL} WHERE a.participant_id = ? ORDER BY a.id", (participant_id,)
        )
        return answer_records(rows)

    async def round_answers(self, round_id: int) -> list[Answer]:
        rows = await self._all(
            f"{ANSWER_SQL} JOIN participants p ON p.id = a.participant_id"
            " WHERE p.round_id = ? ORDER BY a.id",
            (round_id,),
        )
        return answer_records(rows)

    async def save_answer(
        self,
        participant_id: int,
        theme_key: str,
        question_key: str,
        parts: tuple[str, ...],
        source: AnswerSource,
        now: datetime,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        part: int = 0,
    ) -> None:
        text = "\n".join(parts)
        row = await self._one(
            "INSERT INTO answers (participant_id, theme_key, question_key, parts, text,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(participant_id, theme_key, question_key) DO UPDATE SET"
            " parts = excluded.parts, text = excluded.text, updated_at = excluded.updated_at"
            " RETURNING id",
            (participant_id, theme_key, question_key, json.dumps(parts), text, ts(now), ts(now)),
        )
        assert row is not None  # an upsert with RETURNING always returns the row
        answer_id = int(row["id"])
        await self._run(
            "INSERT INTO answer_versions (answer_id, text, source, created_at) VALUES (?, ?, ?, ?)",
            (answer_id, text, source.value, ts(now)),
        )
        if source.replaces_parts:
            await self._run("DELETE FROM answer_messages WHERE answer_id = ?", (answer_id,))
        if chat_id is not None and message_id is not None:
            await self._run(
                "INSERT OR REPLACE INTO answer_messages (chat_id, message_id, answer_id, part)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, message_id, answer_id, part),
            )

    async def aside_texts(self, participant_id: int) -> list[AsideText]:
        rows = await self._all(
            "SELECT * FROM aside_texts WHERE participant_id = ? AND placed_at IS NULL ORDER BY id",
            (participant_id,),
        )
        return [aside_record(r) for r in rows]

    async def keep_aside(
        self,
        participant_id: int,
        text: str,
        now: datetime,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> int:
        return await self._insert(
            "INSERT INTO aside_texts (participant_id, text, chat_id, message_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (participant_id, text, chat_id, message_id, ts(now)),
        )

    async def place_aside(self, participant_id: int, aside_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE aside_texts SET placed_at = ? WHERE id = ? AND participant_id = ?"
            " AND placed_at IS NULL",
            (ts(now), aside_id, participant_id),
        )

    async def _round_aside(self, round_id: int) -> list[AsideText]:
        """Kept texts of a round that wait for a place (for the overview and progress)."""
        rows = await self._all(
            "SELECT s.* FROM aside_texts s JOIN participants p ON p.id = s.participant_id"
            " WHERE p.round_id = ? AND s.placed_at IS NULL ORDER BY s.id",
            (round_id,),
        )
        return [aside_record(r) for r in rows]

    async def answer_for_message(self, chat_id: int, message_id: int) -> AnswerLink | None:
        row = await self._one(
            "SELECT a.participant_id, a.theme_key, a.question_key, m.part FROM answer_messages m"
            " JOIN answers a ON a.id = m.answer_id WHERE m.chat_id = ? AND m.message_id = ?",
            (chat_id, message_id),
        )
        return AnswerLink(row[0], row[1], row[2], row[3]) if row else None

    async def answer_history(
        self, participant_id: int, theme_key: str, question_key: str
    ) -> list[AnswerVersion]:
        rows = await self._all(
            "SELECT v.text, v.source, v.created_at FROM answer_versions v"
            " JOIN answers a ON a.id = v.answer_id"
            " WHERE a.participant_id = ? AND a.theme_key = ? AND a.question_key = ?"
            " ORDER BY v.id",
            (participant_id, theme_key, question_key),
        )
        return [AnswerVersion(r[0], AnswerSource(r[1]), req_dt(r[2])) for r in rows]
