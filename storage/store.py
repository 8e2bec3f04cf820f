"""The aiosqlite store: one connection, numbered migrations, one guarded transaction per write.

Every write operation runs inside ``async with store.write() as tx:``: an ``asyncio.Lock``
keeps coroutines (handlers and jobs on one event loop) from interleaving inside a
transaction, and ``BEGIN IMMEDIATE`` takes SQLite's write lock up front so a second process
(the CLI, or a second bot) waits instead of failing half-way.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import aiosqlite

from conversations.template import Template
from storage.records import Answer, Invite, Participant, Round, RoundSnapshot

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "storage.migrations"


def hash_token(token: str) -> str:
    """Returns the stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Returns an unguessable token that fits Telegram's deep-link alphabet ([A-Za-z0-9_-])."""
    return secrets.token_urlsafe(18)  # 144 bits, 24 characters


def _ts(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def migrations() -> list[tuple[int, str, str]]:
    """Returns (number, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append((int(number), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(found)


class Store:
    """The database of rounds, invites, participants, answers and reminders."""

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, upto: int | None = None) -> Store:
        """Opens (creating if needed) the database and brings its schema up to date.

        ``upto`` stops at an older migration; only tests of the upgrade path use it.
        """
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=10000")
        # FULL: an answer the bot confirmed must survive a power cut, not only a kill -9.
        await db.execute("PRAGMA synchronous=FULL")
        store = cls(db, str(path))
        await store._migrate(upto)
        return store

    async def close(self) -> None:
        """Closes the connection."""
        await self._db.close()

    async def _migrate(self, upto: int | None) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self._db.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        for number, name, sql in migrations():
            if number in done or (upto is not None and number > upto):
                continue
            # executescript runs the whole file; BEGIN/COMMIT make it all-or-nothing.
            script = (
                f"BEGIN IMMEDIATE;\n{sql}\n"
                "INSERT INTO schema_migrations (version, name, applied_at) "
                f"VALUES ({number}, '{name}', '{datetime.now(UTC).isoformat()}');\nCOMMIT;"
            )
            try:
                await self._db.executescript(script)
            except Exception:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            log.info("applied migration %04d_%s", number, name)

    async def schema_version(self) -> int:
        """Returns the number of the newest applied migration."""
        async with self._db.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return int(row[0] or 0)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """Runs the block as one write transaction; it commits only if the block succeeds."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            else:
                await self._db.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Gives consistent reads: no write transaction of this process is half-way meanwhile."""
        async with self._lock:
            yield Tx(self._db)


class Tx:
    """Queries and writes on one connection. Obtain it from ``Store.write()``/``read()``."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def _one(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def _insert(self, sql: str, params: Iterable[object]) -> int:
        async with self.db.execute(sql, tuple(params)) as cur:
            return int(cur.lastrowid or 0)

    # --- meta -------------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- rounds -----------------------------------------------------------------------

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
                _ts(now),
                int(reminders_enabled),
            ),
        )
        return Round(round_id, name, template, deadline, now, reminders_enabled)

    @staticmethod
    def _round(row: aiosqlite.Row) -> Round:
        return Round(
            id=row["id"],
            name=row["name"],
            template=Template.model_validate_json(row["template_json"]),
            deadline=_date(row["deadline"]),
            created_at=_dt(row["created_at"]),
            reminders_enabled=bool(row["reminders_enabled"]),
        )

    async def get_round(self, round_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return self._round(row) if row else None

    async def list_rounds(self) -> list[Round]:
        return [self._round(r) for r in await self._all("SELECT * FROM rounds ORDER BY id")]

    async def set_reminders_enabled(self, round_id: int, enabled: bool) -> None:
        await self.db.execute(
            "UPDATE rounds SET reminders_enabled = ? WHERE id = ?", (int(enabled), round_id)
        )

    # --- invites ----------------------------------------------------------------------

    async def create_invite(
        self,
        round_id: int,
        name: str,
        theme_keys: Iterable[str],
        now: datetime,
        *,
        coordinator: bool = False,
    ) -> tuple[Invite, str]:
        """Creates an invite and returns it with its token (the only time the token exists)."""
        token = new_token()
        keys = tuple(theme_keys)
        invite_id = await self._insert(
            "INSERT INTO invites (round_id, token_hash, name, theme_keys, coordinator, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (round_id, hash_token(token), name, json.dumps(keys), int(coordinator), _ts(now)),
        )
        return Invite(invite_id, round_id, name, keys, coordinator, now, None, None), token

    @staticmethod
    def _invite(row: aiosqlite.Row) -> Invite:
        return Invite(
            id=row["id"],
            round_id=row["round_id"],
            name=row["name"],
            theme_keys=tuple(json.loads(row["theme_keys"])),
            coordinator=bool(row["coordinator"]),
            created_at=_dt(row["created_at"]),
            used_at=_dt(row["used_at"]),
            used_by=row["used_by"],
        )

    async def invite_by_token(self, token: str) -> Invite | None:
        row = await self._one(
            "SELECT * FROM invites WHERE token_hash = ? AND revoked_at IS NULL",
            (hash_token(token),),
        )
        return self._invite(row) if row else None

    async def mark_invite_used(self, invite_id: int, user_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
            (_ts(now), user_id, invite_id),
        )

    async def pending_invites(self, round_id: int) -> list[Invite]:
        rows = await self._all(
            "SELECT * FROM invites WHERE round_id = ? AND used_at IS NULL AND coordinator = 0"
            " AND revoked_at IS NULL ORDER BY id",
            (round_id,),
        )
        return [self._invite(r) for r in rows]

    async def withdraw(self, round_id: int, name: str, now: datetime) -> list[str]:
        """Withdraws the colleague (or unopened invite) called ``name``; returns who matched.

        Nothing changes unless exactly one matches: two colleagues may share a name.
        """
        wanted = " ".join(name.split()).casefold()
        people = [
            p
            for p in await self.participants(round_id)
            if not p.withdrawn and " ".join(p.name.split()).casefold() == wanted
        ]
        invites = [
            i
            for i in await self.pending_invites(round_id)
            if " ".join(i.name.split()).casefold() == wanted
        ]
        if len(people) + len(invites) == 1:
            if people:
                await self.db.execute(
                    "UPDATE participants SET withdrawn = 1 WHERE id = ?", (people[0].id,)
                )
            else:
                await self.db.execute(
                    "UPDATE invites SET revoked_at = ? WHERE id = ?", (_ts(now), invites[0].id)
                )
        return [p.name for p in people] + [i.name for i in invites]

    # --- participants -----------------------------------------------------------------

    async def create_participant(
        self,
        invite: Invite,
        user_id: int,
        chat_id: int,
        language: str,
        mode: str,
        now: datetime,
    ) -> int:
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
                mode,
                _ts(now),
                _ts(now),
            ),
        )
        await self.set_themes(participant_id, invite.theme_keys)
        return participant_id

    _PARTICIPANT_SQL = (
        "SELECT p.*, i.created_at AS invited_at,"
        " (SELECT json_group_array(theme_key) FROM"
        "   (SELECT theme_key FROM assignments a WHERE a.participant_id = p.id ORDER BY position)"
        " ) AS theme_keys"
        " FROM participants p JOIN invites i ON i.id = p.invite_id"
    )

    @staticmethod
    def _participant(row: aiosqlite.Row) -> Participant:
        cursor = (row["cursor_theme"], row["cursor_question"]) if row["cursor_theme"] else None
        return Participant(
            id=row["id"],
            round_id=row["round_id"],
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            name=row["name"],
            language=row["language"],
            theme_keys=tuple(json.loads(row["theme_keys"])),
            mode=row["mode"],
            cursor=cursor,
            submitted_at=_dt(row["submitted_at"]),
            joined_at=_dt(row["joined_at"]),
            last_active_at=_dt(row["last_active_at"]),
            invited_at=_dt(row["invited_at"]),
            paused_until=_date(row["paused_until"]),
            snoozed_until=_dt(row["snoozed_until"]),
            unreachable_at=_dt(row["unreachable_at"]),
            withdrawn=bool(row["withdrawn"]),
        )

    async def participant(self, participant_id: int) -> Participant | None:
        row = await self._one(f"{self._PARTICIPANT_SQL} WHERE p.id = ?", (participant_id,))
        return self._participant(row) if row else None

    async def participant_in_round(self, round_id: int, user_id: int) -> Participant | None:
        row = await self._one(
            f"{self._PARTICIPANT_SQL} WHERE p.round_id = ? AND p.user_id = ?", (round_id, user_id)
        )
        return self._participant(row) if row else None

    async def active_participant(self, user_id: int) -> Participant | None:
        """Returns the user's participation they were last active in (a user may be in several)."""
        row = await self._one(
            f"{self._PARTICIPANT_SQL} WHERE p.user_id = ? AND p.withdrawn = 0"
            " ORDER BY p.last_active_at DESC, p.id DESC LIMIT 1",
            (user_id,),
        )
        return self._participant(row) if row else None

    async def set_reachable(self, user_id: int, reachable: bool, now: datetime) -> None:
        """Records that a Telegram user blocked (or unblocked) the bot, in all their rounds."""
        await self.db.execute(
            "UPDATE participants SET unreachable_at = CASE WHEN ? THEN NULL"
            " ELSE COALESCE(unreachable_at, ?) END WHERE user_id = ?",
            (int(reachable), _ts(now), user_id),
        )

    async def mark_unreachable(self, participant_id: int, now: datetime) -> None:
        """Marks one participation unreachable (a send failed for good); keeps an older mark.

        ``touch`` and ``set_position`` clear it when the colleague writes again.
        """
        await self.db.execute(
            "UPDATE participants SET unreachable_at = COALESCE(unreachable_at, ?) WHERE id = ?",
            (_ts(now), participant_id),
        )

    async def participants(self, round_id: int) -> list[Participant]:
        rows = await self._all(
            f"{self._PARTICIPANT_SQL} WHERE p.round_id = ? ORDER BY p.id", (round_id,)
        )
        return [self._participant(r) for r in rows]

    async def set_themes(self, participant_id: int, theme_keys: Iterable[str]) -> None:
        await self.db.execute("DELETE FROM assignments WHERE participant_id = ?", (participant_id,))
        await self.db.executemany(
            "INSERT INTO assignments (participant_id, theme_key, position) VALUES (?, ?, ?)",
            [(participant_id, key, i) for i, key in enumerate(theme_keys)],
        )

    async def set_position(
        self,
        participant_id: int,
        mode: str,
        cursor: tuple[str, str] | None,
        now: datetime,
        chat_id: int | None = None,
    ) -> None:
        """Stores where the colleague is in the intake; records activity as ``touch`` does."""
        theme, question = cursor if cursor else (None, None)
        await self.db.execute(
            "UPDATE participants SET mode = ?, cursor_theme = ?, cursor_question = ?,"
            " last_active_at = ?, chat_id = COALESCE(?, chat_id), unreachable_at = NULL"
            " WHERE id = ?",
            (mode, theme, question, _ts(now), chat_id, participant_id),
        )

    async def touch(self, participant_id: int, now: datetime, chat_id: int | None = None) -> None:
        """Records activity (and the chat to reach them in); clears a stale unreachable mark."""
        await self.db.execute(
            "UPDATE participants SET last_active_at = ?, chat_id = COALESCE(?, chat_id),"
            " unreachable_at = NULL WHERE id = ?",
            (_ts(now), chat_id, participant_id),
        )

    async def mark_submitted(self, participant_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE participants SET submitted_at = ? WHERE id = ?", (_ts(now), participant_id)
        )

    # --- answers ----------------------------------------------------------------------

    @staticmethod
    def _answer(row: aiosqlite.Row) -> Answer:
        return Answer(
            participant_id=row["participant_id"],
            theme_key=row["theme_key"],
            question_key=row["question_key"],
            text=row["text"],
            parts=tuple(json.loads(row["parts"])),
            created_at=_dt(row["created_at"]),
            updated_at=_dt(row["updated_at"]),
            versions=row["versions"],
        )

    _ANSWER_SQL = (
        "SELECT a.*, (SELECT COUNT(*) FROM answer_versions v WHERE v.answer_id = a.id) AS versions"
        " FROM answers a"
    )

    async def answers_of(self, participant_id: int) -> list[Answer]:
        rows = await self._all(
            f"{self._ANSWER_SQL} WHERE a.participant_id = ? ORDER BY a.id", (participant_id,)
        )
        return [self._answer(r) for r in rows]

    async def save_answer(
        self,
        participant_id: int,
        theme_key: str,
        question_key: str,
        parts: tuple[str, ...],
        source: str,
        now: datetime,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        part: int = 0,
    ) -> int:
        """Stores the answer's new parts, a version in its history, and which message gave it."""
        text = "\n".join(parts)
        row = await self._one(
            "INSERT INTO answers (participant_id, theme_key, question_key, parts, text,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(participant_id, theme_key, question_key) DO UPDATE SET"
            " parts = excluded.parts, text = excluded.text, updated_at = excluded.updated_at"
            " RETURNING id",
            (participant_id, theme_key, question_key, json.dumps(parts), text, _ts(now), _ts(now)),
        )
        answer_id = int(row["id"])
        await self.db.execute(
            "INSERT INTO answer_versions (answer_id, text, source, created_at) VALUES (?, ?, ?, ?)",
            (answer_id, text, source, _ts(now)),
        )
        if source in ("answer", "choice"):
            # A fresh answer replaces every part: edits of the old messages no longer apply.
            await self.db.execute("DELETE FROM answer_messages WHERE answer_id = ?", (answer_id,))
        if chat_id is not None and message_id is not None:
            await self.db.execute(
                "INSERT OR REPLACE INTO answer_messages (chat_id, message_id, answer_id, part)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, message_id, answer_id, part),
            )
        return answer_id

    async def answer_for_message(
        self, chat_id: int, message_id: int
    ) -> tuple[int, str, str, int] | None:
        """Returns (participant id, theme key, question key, part) a message answered, if any."""
        row = await self._one(
            "SELECT a.participant_id, a.theme_key, a.question_key, m.part FROM answer_messages m"
            " JOIN answers a ON a.id = m.answer_id WHERE m.chat_id = ? AND m.message_id = ?",
            (chat_id, message_id),
        )
        return (row[0], row[1], row[2], row[3]) if row else None

    async def answer_history(
        self, participant_id: int, theme_key: str, question_key: str
    ) -> list[tuple[str, str, datetime]]:
        """Returns every version of one answer as (text, source, when), oldest first."""
        rows = await self._all(
            "SELECT v.text, v.source, v.created_at FROM answer_versions v"
            " JOIN answers a ON a.id = v.answer_id"
            " WHERE a.participant_id = ? AND a.theme_key = ? AND a.question_key = ?"
            " ORDER BY v.id",
            (participant_id, theme_key, question_key),
        )
        return [(r[0], r[1], _dt(r[2])) for r in rows]

    async def round_answers(self, round_id: int) -> list[Answer]:
        rows = await self._all(
            f"{self._ANSWER_SQL} JOIN participants p ON p.id = a.participant_id"
            " WHERE p.round_id = ? ORDER BY a.id",
            (round_id,),
        )
        return [self._answer(r) for r in rows]

    # --- updates ----------------------------------------------------------------------

    async def claim_update(self, update_id: int, fingerprint: str, now: datetime) -> bool:
        """Records an update as handled; False if this very update was handled before.

        A redelivery (Telegram resends updates whose offset was not confirmed before a crash)
        has the same id *and* the same fingerprint (chat, message, query); a new update that
        happens to reuse an old id does not, and is handled.
        """
        row = await self._one(
            "SELECT fingerprint, processed_at FROM processed_updates WHERE update_id = ?",
            (update_id,),
        )
        # Telegram keeps undelivered updates for 24 hours: older ones can never come back.
        recent = _ts(now - timedelta(days=2))
        if row is not None and row["fingerprint"] == fingerprint and row["processed_at"] >= recent:
            return False
        await self.db.execute(
            "INSERT INTO processed_updates (update_id, fingerprint, processed_at) VALUES (?, ?, ?)"
            " ON CONFLICT(update_id) DO UPDATE SET fingerprint = excluded.fingerprint,"
            " processed_at = excluded.processed_at",
            (update_id, fingerprint, _ts(now)),
        )
        if update_id % 100 == 0:
            await self.db.execute("DELETE FROM processed_updates WHERE processed_at < ?", (recent,))
        return True

    # --- coordinators -----------------------------------------------------------------

    async def add_coordinator(
        self,
        user_id: int,
        chat_id: int,
        name: str,
        invite_id: int | None,
        now: datetime,
        active_round_id: int | None = None,
    ) -> None:
        await self.db.execute(
            "INSERT INTO coordinators"
            " (user_id, chat_id, name, active_round_id, invite_id, joined_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
            " chat_id = excluded.chat_id,"
            " active_round_id = COALESCE(excluded.active_round_id, coordinators.active_round_id)",
            (user_id, chat_id, name, active_round_id, invite_id, _ts(now)),
        )

    async def coordinator(self, user_id: int) -> aiosqlite.Row | None:
        return await self._one("SELECT * FROM coordinators WHERE user_id = ?", (user_id,))

    async def coordinator_chats(self) -> list[int]:
        return [r[0] for r in await self._all("SELECT chat_id FROM coordinators")]

    async def set_active_round(
        self, user_id: int, chat_id: int, name: str, round_id: int, now: datetime
    ) -> None:
        await self.add_coordinator(user_id, chat_id, name, None, now, active_round_id=round_id)

    # --- partner merges ---------------------------------------------------------------

    async def merge_partner(self, round_id: int, alias: str, canonical: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO partner_merges (round_id, alias, canonical, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT(round_id, alias) DO UPDATE SET canonical = excluded.canonical,"
            " created_at = excluded.created_at",
            (round_id, alias, canonical, _ts(now)),
        )

    async def partner_merges(self, round_id: int) -> dict[str, str]:
        rows = await self._all(
            # Oldest first: the registry lets a newer merge of the same names win.
            "SELECT alias, canonical FROM partner_merges WHERE round_id = ?"
            " ORDER BY created_at, rowid",
            (round_id,),
        )
        return {r[0]: r[1] for r in rows}

    # --- whole round ------------------------------------------------------------------

    async def snapshot(self, round_id: int) -> RoundSnapshot | None:
        """Returns everything about one round that the overview and progress read."""
        round_ = await self.get_round(round_id)
        if round_ is None:
            return None
        return RoundSnapshot(
            round=round_,
            participants=tuple(await self.participants(round_id)),
            answers=tuple(await self.round_answers(round_id)),
            pending_invites=tuple(await self.pending_invites(round_id)),
            partner_merges=await self.partner_merges(round_id),
        )
