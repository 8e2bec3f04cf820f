"""Rounds and invites in SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from conversations.answers import same_name
from conversations.template import ReminderPolicy, Template
from storage.records import Invite, RosterEntry, Round
from storage.sqlite.base import Row, day, dt, req_dt, template_snapshot, ts
from storage.sqlite.privacy import ErasureQueries
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
        closed_at=dt(row["closed_at"]),
        retention_days=row["retention_days"],
        purged_at=dt(row["purged_at"]),
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


ROSTER_SQL = (
    "SELECT i.id AS invite_id, i.round_id, i.name AS invite_name, i.theme_keys,"
    " i.coordinator, i.created_at, i.used_at,"
    " p.id AS participant_id, p.name AS participant_name, p.chat_id, p.language, p.withdrawn,"
    " (SELECT json_group_array(theme_key) FROM"
    "   (SELECT theme_key FROM assignments a WHERE a.participant_id = p.id ORDER BY position)"
    " ) AS participant_themes"
    " FROM invites i LEFT JOIN participants p ON p.invite_id = i.id"
    " WHERE i.round_id = ? AND i.revoked_at IS NULL ORDER BY i.id"
)


def roster_entry(row: Row) -> RosterEntry | None:
    """Turns a row of ``ROSTER_SQL`` into a RosterEntry; None for who has no place (any more)."""
    joined = row["participant_id"] is not None
    if joined and row["withdrawn"]:
        return None
    if not row["coordinator"] and row["used_at"] is not None and not joined:
        return None  # a second invite, opened by someone already in: its themes are theirs
    keys = row["participant_themes"] if joined else row["theme_keys"]
    return RosterEntry(
        invite_id=row["invite_id"],
        round_id=row["round_id"],
        name=row["participant_name"] if joined else row["invite_name"],
        theme_keys=tuple(json.loads(keys)),
        coordinator=bool(row["coordinator"]),
        invited_at=req_dt(row["created_at"]),
        opened=row["used_at"] is not None,
        participant_id=row["participant_id"],
        chat_id=row["chat_id"],
        language=row["language"],
    )


class RoundQueries(ErasureQueries):
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
        retention = template.privacy.retention_days
        round_id = await self._insert(
            "INSERT INTO rounds (name, template_json, deadline, created_at, reminders_enabled,"
            " retention_days) VALUES (?, ?, ?, ?, ?, ?)",
            (
                name,
                template.model_dump_json(),
                deadline.isoformat() if deadline else None,
                ts(now),
                int(reminders_enabled),
                retention,
            ),
        )
        return Round(
            round_id, name, template, deadline, now, reminders_enabled, retention_days=retention
        )

    async def get_round(self, round_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return round_record(row) if row else None

    async def list_rounds(self) -> list[Round]:
        return [round_record(r) for r in await self._all("SELECT * FROM rounds ORDER BY id")]

    async def set_reminders_enabled(self, round_id: int, enabled: bool) -> None:
        await self._run(
            "UPDATE rounds SET reminders_enabled = ? WHERE id = ?", (int(enabled), round_id)
        )

    async def rename_round(self, round_id: int, name: str) -> None:
        await self._run("UPDATE rounds SET name = ? WHERE id = ?", (name, round_id))

    async def set_deadline(self, round_id: int, deadline: date | None) -> None:
        await self._run(
            "UPDATE rounds SET deadline = ? WHERE id = ?",
            (deadline.isoformat() if deadline else None, round_id),
        )

    async def set_reminder_policy(self, round_id: int, policy: ReminderPolicy) -> None:
        row = await self._one("SELECT template_json FROM rounds WHERE id = ?", (round_id,))
        if row is None:
            return
        template = template_snapshot(row["template_json"]).model_copy(update={"reminders": policy})
        await self._run(
            "UPDATE rounds SET template_json = ? WHERE id = ?",
            (template.model_dump_json(), round_id),
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

    async def set_invite_themes(self, invite_id: int, theme_keys: Iterable[str]) -> None:
        await self._run(
            "UPDATE invites SET theme_keys = ? WHERE id = ?",
            (json.dumps(tuple(theme_keys)), invite_id),
        )

    async def roster(self, round_id: int) -> list[RosterEntry]:
        entries = (roster_entry(r) for r in await self._all(ROSTER_SQL, (round_id,)))
        return [e for e in entries if e is not None]

    async def withdraw_by_invite(self, invite_id: int, now: datetime) -> bool:
        row = await self._one(
            "SELECT i.used_at, i.coordinator, i.revoked_at, p.id AS participant_id, p.withdrawn"
            " FROM invites i LEFT JOIN participants p ON p.invite_id = i.id WHERE i.id = ?",
            (invite_id,),
        )
        if row is None or row["coordinator"] or row["revoked_at"] is not None:
            return False
        if row["participant_id"] is not None:
            if row["withdrawn"]:
                return False
            await self._take_out(row["participant_id"], now)
            return True
        if row["used_at"] is not None:
            return False  # a second invite whose themes went to someone already taking part
        await self._run("UPDATE invites SET revoked_at = ? WHERE id = ?", (ts(now), invite_id))
        return True

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
                await self._take_out(matching_people[0]["id"], now)
            else:
                await self._run(
                    "UPDATE invites SET revoked_at = ? WHERE id = ?",
                    (ts(now), matching_invites[0].id),
                )
        return [r["name"] for r in matching_people] + [i.name for i in matching_invites]
