"""Coordinators and partner merges in SQLite."""

from __future__ import annotations

from datetime import datetime

from storage.records import Coordinator
from storage.sqlite.base import Queries, req_dt, ts


class CoordinationQueries(Queries):
    """Implements CoordinationReads and CoordinationWrites."""

    async def add_coordinator(
        self,
        user_id: int,
        chat_id: int,
        name: str,
        invite_id: int | None,
        now: datetime,
        active_round_id: int | None = None,
    ) -> None:
        await self._run(
            "INSERT INTO coordinators"
            " (user_id, chat_id, name, active_round_id, invite_id, joined_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
            " chat_id = excluded.chat_id,"
            " active_round_id = COALESCE(excluded.active_round_id, coordinators.active_round_id)",
            (user_id, chat_id, name, active_round_id, invite_id, ts(now)),
        )

    async def coordinator(self, user_id: int) -> Coordinator | None:
        row = await self._one("SELECT * FROM coordinators WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Coordinator(
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            name=row["name"],
            active_round_id=row["active_round_id"],
            invite_id=row["invite_id"],
            joined_at=req_dt(row["joined_at"]),
        )

    async def coordinator_chats(self) -> list[int]:
        return [r[0] for r in await self._all("SELECT chat_id FROM coordinators ORDER BY user_id")]

    async def set_active_round(
        self, user_id: int, chat_id: int, name: str, round_id: int, now: datetime
    ) -> None:
        await self.add_coordinator(user_id, chat_id, name, None, now, active_round_id=round_id)

    async def merge_partner(self, round_id: int, alias: str, canonical: str, now: datetime) -> None:
        await self._run(
            "INSERT INTO partner_merges (round_id, alias, canonical, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT(round_id, alias) DO UPDATE SET canonical = excluded.canonical,"
            " created_at = excluded.created_at",
            (round_id, alias, canonical, ts(now)),
        )

    async def partner_merges(self, round_id: int) -> dict[str, str]:
        rows = await self._all(
            # Oldest first: the registry lets a newer merge of the same names win.
            "SELECT alias, canonical FROM partner_merges WHERE round_id = ?"
            " ORDER BY created_at, rowid",
            (round_id,),
        )
        return {r[0]: r[1] for r in rows}
