"""Participants in SQLite: who takes part, their themes, and where they are in the intake."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from conversations.state import Mode
from storage.records import Invite, Participant
from storage.sqlite.base import Queries, Row, day, dt, req_dt, ts

PARTICIPANT_SQL = (
    "SELECT p.*, i.created_at AS invited_at,"
    " (SELECT json_group_array(theme_key) FROM"
    "   (SELECT theme_key FROM assignments a WHERE a.participant_id = p.id ORDER BY position)"
    " ) AS theme_keys"
    " FROM participants p JOIN invites i ON i.id = p.invite_id"
)


def participant_record(row: Row) -> Participant:
    """Turns a row of ``PARTICIPANT_SQL`` into a Participant."""
    cursor = (row["cursor_theme"], row["cursor_question"]) if row["cursor_theme"] else None
    return Participant(
        id=row["id"],
        round_id=row["round_id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        name=row["name"],
        language=row["language"],
        theme_keys=tuple(json.loads(row["theme_keys"])),
        mode=Mode(row["mode"]),
        cursor=cursor,
        submitted_at=dt(row["submitted_at"]),
        joined_at=req_dt(row["joined_at"]),
        last_active_at=req_dt(row["last_active_at"]),
        invited_at=req_dt(row["invited_at"]),
        paused_until=day(row["paused_until"]),
        snoozed_until=dt(row["snoozed_until"]),
        unreachable_at=dt(row["unreachable_at"]),
        withdrawn=bool(row["withdrawn"]),
        invite_id=row["invite_id"],
        withdrawn_at=dt(row["withdrawn_at"]),
    )


class ParticipantQueries(Queries):
    """Implements the participant half of ParticipantReads and ParticipantWrites."""

    async def create_participant(
        self,
        invite: Invite,
        user_id: int,
        chat_id: int,
        language: str,
        mode: Mode,
        now: datetime,
    ) -> Participant:
        participant_id = await self._insert(
            "INSERT INTO participants (round_id, invite_id, user_id, chat_id, name, language, mode,"
            " joined_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                invite.round_id,
                invite.id,
                user_id,
                chat_id,
                invite.name,
                language,
                mode.value,
                ts(now),
                ts(now),
            ),
        )
        await self.set_themes(participant_id, invite.theme_keys)
        created = await self.participant(participant_id)
        assert created is not None  # inserted just now, in this transaction
        return created

    async def participant(self, participant_id: int) -> Participant | None:
        row = await self._one(f"{PARTICIPANT_SQL} WHERE p.id = ?", (participant_id,))
        return participant_record(row) if row else None

    async def participant_in_round(self, round_id: int, user_id: int) -> Participant | None:
        row = await self._one(
            f"{PARTICIPANT_SQL} WHERE p.round_id = ? AND p.user_id = ?", (round_id, user_id)
        )
        return participant_record(row) if row else None

    async def active_participant(self, user_id: int) -> Participant | None:
        # A round that is still open goes before a closed one: text goes where it can count.
        row = await self._one(
            f"{PARTICIPANT_SQL} JOIN rounds r ON r.id = p.round_id"
            " WHERE p.user_id = ? AND p.withdrawn = 0"
            " ORDER BY r.closed_at IS NOT NULL, p.last_active_at DESC, p.id DESC LIMIT 1",
            (user_id,),
        )
        return participant_record(row) if row else None

    async def participants(self, round_id: int) -> list[Participant]:
        rows = await self._all(f"{PARTICIPANT_SQL} WHERE p.round_id = ? ORDER BY p.id", (round_id,))
        return [participant_record(r) for r in rows]

    async def set_reachable(self, user_id: int, reachable: bool, now: datetime) -> None:
        await self._run(
            "UPDATE participants SET unreachable_at = CASE WHEN ? THEN NULL"
            " ELSE COALESCE(unreachable_at, ?) END WHERE user_id = ?",
            (int(reachable), ts(now), user_id),
        )

    async def mark_unreachable(self, participant_id: int, now: datetime) -> None:
        # ``touch`` and ``set_position`` clear it when the colleague writes again.
        await self._run(
            "UPDATE participants SET unreachable_at = COALESCE(unreachable_at, ?) WHERE id = ?",
            (ts(now), participant_id),
        )

    async def set_themes(self, participant_id: int, theme_keys: Iterable[str]) -> None:
        await self._run("DELETE FROM assignments WHERE participant_id = ?", (participant_id,))
        await self._many(
            "INSERT INTO assignments (participant_id, theme_key, position) VALUES (?, ?, ?)",
            [(participant_id, key, i) for i, key in enumerate(theme_keys)],
        )

    async def set_position(
        self,
        participant_id: int,
        mode: Mode,
        cursor: tuple[str, str] | None,
        now: datetime,
        chat_id: int | None = None,
    ) -> None:
        theme, question = cursor if cursor else (None, None)
        await self._run(
            "UPDATE participants SET mode = ?, cursor_theme = ?, cursor_question = ?,"
            " last_active_at = ?, chat_id = COALESCE(?, chat_id), unreachable_at = NULL"
            " WHERE id = ?",
            (mode.value, theme, question, ts(now), chat_id, participant_id),
        )

    async def touch(self, participant_id: int, now: datetime, chat_id: int | None = None) -> None:
        await self._run(
            "UPDATE participants SET last_active_at = ?, chat_id = COALESCE(?, chat_id),"
            " unreachable_at = NULL WHERE id = ?",
            (ts(now), chat_id, participant_id),
        )

    async def mark_submitted(self, participant_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE participants SET submitted_at = ? WHERE id = ?", (ts(now), participant_id)
        )
