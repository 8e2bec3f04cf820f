"""Rounds and invites in SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from conversations.template import Template
from storage.records import Invite, Round
from storage.sqlite.base import Queries, Row, day, dt, req_dt, template_snapshot, ts
from storage.tokens import hash_token, new_token


def round_record(row: Row) -> Round:
    """Turns a ``rounds`` row into a Round."""
    return Round(
        id=row["id"],
        name=row["name"],
        template=template_snapshot(row["template_json"]),
        deadline=day(row["deadline"]),
        created_at=req_dt(row["created_at"]),
        reminders_enabled=bool(row["reminders_enabled"]),
    )


def invite_record(row: Row) -> Invite:
    """Turns an ``invites`` row into an Invite."""
    return Invite(
        id=row["id"],
        round_id=row["round_id"],
        name=row["name"],
        theme_keys=tuple(json.loads(row["theme_keys"])),
        coordinator=bool(row["coordinator"]),
        created_at=req_dt(row["created_at"]),
        used_at=dt(row["used_at"]),
        used_by=row["used_by"],
        revoked_at=dt(row["revoked_at"]),
    )


def same_name(a: str, b: str) -> bool:
    """Names match whatever their case and spacing: "anna  de Vries" is Anna de Vries."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class RoundQueries(Queries):
    """Implements RoundReads and RoundWrites."""

    async def create_round(
        self,
        name: str,
        template: Template,
        deadline: date | None,
        now: datetime,
        *,
        reminders_enabled: bool = True,
    ) -> Round:
        round_id = await self._insert(
            "INSERT INTO rounds (name, template_json, deadline, created_at, reminders_enabled)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                name,
                template.model_dump_json(),
                deadline.isoformat() if deadline else None,
                ts(now),
                int(reminders_enabled),
            ),
        )
        return Round(round_id, name, template, deadline, now, reminders_enabled)

    async def get_round(self, round_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return round_record(row) if row else None

    async def list_rounds(self) -> list[Round]:
        return [round_record(r) for r in await self._all("SELECT * FROM rounds ORDER BY id")]

    async def set_reminders_enabled(self, round_id: int, enabled: bool) -> None:
        await self._run(
            "UPDATE rounds SET reminders_enabled = ? WHERE id = ?", (int(enabled), round_id)
        )

    async def create_invite(
        self,
        round_id: int,
        name: str,
        theme_keys: Iterable[str],
        now: datetime,
        *,
        coordinator: bool = False,
    ) -> tuple[Invite, str]:
        token = new_token()
        keys = tuple(theme_keys)
        invite_id = await self._insert(
            "INSERT INTO invites (round_id, token_hash, name, theme_keys, coordinator, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (round_id, hash_token(token), name, json.dumps(keys), int(coordinator), ts(now)),
        )
        return Invite(invite_id, round_id, name, keys, coordinator, now, None, None), token

    async def invite_by_token(self, token: str) -> Invite | None:
        row = await self._one(
            "SELECT * FROM invites WHERE token_hash = ? AND revoked_at IS NULL",
            (hash_token(token),),
        )
        return invite_record(row) if row else None

    async def invites(self, round_id: int) -> list[Invite]:
        rows = await self._all("SELECT * FROM invites WHERE round_id = ? ORDER BY id", (round_id,))
        return [invite_record(r) for r in rows]

    async def mark_invite_used(self, invite_id: int, user_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
            (ts(now), user_id, invite_id),
        )

    async def pending_invites(self, round_id: int) -> list[Invite]:
        rows = await self._all(
            "SELECT * FROM invites WHERE round_id = ? AND used_at IS NULL AND coordinator = 0"
            " AND revoked_at IS NULL ORDER BY id",
            (round_id,),
        )
        return [invite_record(r) for r in rows]

    async def withdraw(self, round_id: int, name: str, now: datetime) -> list[str]:
        people = await self._all(
            "SELECT id, name FROM participants WHERE round_id = ? AND withdrawn = 0 ORDER BY id",
            (round_id,),
        )
        matching_people = [r for r in people if same_name(r["name"], name)]
        matching_invites = [
            i for i in await self.pending_invites(round_id) if same_name(i.name, name)
        ]
        if len(matching_people) + len(matching_invites) == 1:
            if matching_people:
                await self._run(
                    "UPDATE participants SET withdrawn = 1 WHERE id = ?",
                    (matching_people[0]["id"],),
                )
            else:
                await self._run(
                    "UPDATE invites SET revoked_at = ? WHERE id = ?",
                    (ts(now), matching_invites[0].id),
                )
        return [r["name"] for r in matching_people] + [i.name for i in matching_invites]
