"""Privacy in SQLite: withdrawing erases input, closing ends a round, purging erases a round's
personal data (keeping anonymous counts), the audit trail, and everything about one person.

:data:`INVENTORY` names every table and what of a person it holds; a test fails when a table
is added without saying so, because a purge that does not know a table cannot erase it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, cast

from storage.records import (
    Actor,
    ActorRole,
    AnswerRecord,
    AsideText,
    AuditAction,
    AuditEntry,
    ClaimOutcome,
    Erased,
    Kept,
    KeptCount,
    Lane,
    Participation,
    PersonalData,
    Purge,
    PurgeOutcome,
    ReminderClaim,
)
from storage.sqlite.answers import aside_record
from storage.sqlite.base import Queries, Row, req_dt, ts

if TYPE_CHECKING:
    from storage.contract import Reader

# Every table, and what of a person it holds (empty: nothing). The README's section for the
# privacy officer says the same in words; tests/storage/test_privacy_store.py holds the
# schema to this list.
INVENTORY: Mapping[str, str] = {
    "rounds": "",  # name, template, dates; after a purge also the anonymous counts
    "kept_counts": "",  # a purged round's answers per theme and question: numbers only
    "schema_migrations": "",
    "meta": "",  # the bot's own username
    "sqlite_sequence": "",  # SQLite's counter of the outbox ids
    "invites": "name as invited, themes, who opened it (Telegram id); erased by a purge",
    "participants": "name, Telegram user and chat id, language, where they are, dates; "
    "erased by a purge (a withdrawal keeps the row, marked withdrawn, without input)",
    "assignments": "a participant's themes; erased by a purge",
    "answers": "answer text; erased by a withdrawal and by a purge",
    "answer_versions": "every earlier text of an answer; erased by a withdrawal and a purge",
    "answer_messages": "chat and message id of each answer part; erased likewise",
    "reminder_claims": "when a colleague was reminded; erased by a withdrawal and a purge",
    "aside_texts": "texts a colleague sent that were no answer where they came, kept until "
    "placed; erased by a withdrawal and by a purge",
    "coordinators": "a coordinator's name, Telegram user and chat id, active round; kept "
    "(the role is not part of a round); a purge clears a pointer to the round",
    "partner_merges": "partner names typed by colleagues; erased by a purge",
    "inbox": "updates received: content until handled, then chat and message id for two "
    "days; a purge erases the rows of the round's chats",
    "outbox": "messages waiting to be sent (their text); a withdrawal erases the replies "
    "waiting for that chat, a purge all messages to chats that belong to nobody else",
    "audit_log": "who withdrew, closed or purged what; a purge keeps action and role only",
}

_PEOPLE = "SELECT id FROM participants WHERE round_id = ?"
_ANSWERS_OF_PEOPLE = (
    "SELECT a.id FROM answers a JOIN participants p ON p.id = a.participant_id WHERE p.round_id = ?"
)


def audit_entry(row: Row, *, actor: bool = True, subject: bool = True) -> AuditEntry:
    """Turns an ``audit_log`` row into an AuditEntry; ``actor``/``subject`` False leave out
    who acted (the role stays) or whom it was about: another person's data."""
    detail = json.loads(row["detail"] or "{}")
    return AuditEntry(
        id=row["id"],
        round_id=row["round_id"],
        at=req_dt(row["at"]),
        action=AuditAction(row["action"]),
        actor=Actor(
            ActorRole(row["role"]),
            row["actor_user_id"] if actor else None,
            row["actor_name"] if actor else None,
        ),
        subject_name=row["subject_name"] if subject else None,
        subject_invite=row["subject_invite"] if subject else None,
        detail=tuple((str(k), int(v)) for k, v in detail.items()),
    )


class ErasureQueries(Queries):
    """Taking a participant's input out of the store; shared by every kind of withdrawal."""

    async def _take_out(self, participant_id: int, now: datetime) -> Erased:
        """Marks a participant withdrawn and erases their input: answers, every version,
        the message links and their reminder claims. Where they were is forgotten too."""
        answers = "SELECT id FROM answers WHERE participant_id = ?"
        counted = await self._one(
            "SELECT (SELECT COUNT(*) FROM answers WHERE participant_id = ?) AS answers,"
            f" (SELECT COUNT(*) FROM answer_versions WHERE answer_id IN ({answers})) AS versions,"
            f" (SELECT COUNT(*) FROM answer_messages WHERE answer_id IN ({answers})) AS links,"
            " (SELECT COUNT(*) FROM reminder_claims WHERE participant_id = ?) AS reminders",
            (participant_id,) * 4,
        )
        assert counted is not None  # an aggregate always returns a row
        for table in ("answer_messages", "answer_versions"):
            await self._run(
                f"DELETE FROM {table} WHERE answer_id IN ({answers})", (participant_id,)
            )
        await self._run("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
        await self._run("DELETE FROM reminder_claims WHERE participant_id = ?", (participant_id,))
        await self._run("DELETE FROM aside_texts WHERE participant_id = ?", (participant_id,))
        # Replies waiting to go out (a send that failed, or one just sent and not yet noted)
        # can quote answers: they go too. Bulk messages (announcements) never quote any.
        await self._run(
            "DELETE FROM outbox WHERE lane = ? AND chat_id IN"
            " (SELECT chat_id FROM participants WHERE id = ?)",
            (Lane.REPLY.value, participant_id),
        )
        await self._run(
            "UPDATE participants SET withdrawn = 1, withdrawn_at = COALESCE(withdrawn_at, ?),"
            " cursor_theme = NULL, cursor_question = NULL, paused_until = NULL,"
            " snoozed_until = NULL WHERE id = ?",
            (ts(now), participant_id),
        )
        return Erased(
            counted["answers"], counted["versions"], counted["links"], counted["reminders"]
        )


class PrivacyQueries(ErasureQueries):
    """Implements storage.privacy's PrivacyReads and PrivacyWrites."""

    async def withdraw_participant(self, participant_id: int, now: datetime) -> Erased | None:
        row = await self._one("SELECT withdrawn FROM participants WHERE id = ?", (participant_id,))
        if row is None or row["withdrawn"]:
            return None
        return await self._take_out(participant_id, now)

    async def close_round(self, round_id: int, now: datetime) -> bool:
        row = await self._one(
            "UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL RETURNING id",
            (ts(now), round_id),
        )
        return row is not None

    async def set_retention(self, round_id: int, days: int | None) -> None:
        await self._run("UPDATE rounds SET retention_days = ? WHERE id = ?", (days, round_id))

    async def record_action(
        self,
        round_id: int,
        action: AuditAction,
        actor: Actor,
        now: datetime,
        *,
        subject_name: str | None = None,
        subject_invite: int | None = None,
        detail: Mapping[str, int] | None = None,
    ) -> None:
        await self._run(
            "INSERT INTO audit_log (round_id, at, action, role, actor_user_id, actor_name,"
            " subject_name, subject_invite, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                round_id,
                ts(now),
                action.value,
                actor.role.value,
                actor.user_id,
                actor.name,
                subject_name,
                subject_invite,
                json.dumps(dict(detail or {})),
            ),
        )

    async def audit_trail(self, round_id: int) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT * FROM audit_log WHERE round_id = ? ORDER BY id", (round_id,)
        )
        return [audit_entry(r) for r in rows]

    async def kept(self, round_id: int) -> Kept | None:
        row = await self._one(
            "SELECT kept_colleagues, kept_submitted FROM rounds WHERE id = ? AND purged_at"
            " IS NOT NULL",
            (round_id,),
        )
        if row is None:
            return None
        rows = await self._all(
            "SELECT theme_key, question_key, answers FROM kept_counts WHERE round_id = ?"
            " ORDER BY theme_key, question_key",
            (round_id,),
        )
        counts = tuple(KeptCount(r[0], r[1], r[2]) for r in rows)
        return Kept(row[0] or 0, row[1] or 0, counts)

    # --- purging -----------------------------------------------------------------------

    async def purge_round(self, round_id: int, now: datetime) -> Purge:
        row = await self._one("SELECT closed_at, purged_at FROM rounds WHERE id = ?", (round_id,))
        if row is None:
            return Purge(PurgeOutcome.NO_ROUND)
        if row["purged_at"] is not None:
            return Purge(PurgeOutcome.ALREADY)
        if row["closed_at"] is None:
            return Purge(PurgeOutcome.NOT_CLOSED)
        await self._run(
            "INSERT INTO kept_counts (round_id, theme_key, question_key, answers)"
            " SELECT p.round_id, a.theme_key, a.question_key, COUNT(*) FROM answers a"
            " JOIN participants p ON p.id = a.participant_id"
            " WHERE p.round_id = ? AND p.withdrawn = 0 GROUP BY a.theme_key, a.question_key",
            (round_id,),
        )
        totals = await self._one(
            "SELECT COUNT(*) AS everyone, SUM(withdrawn = 0) AS taking_part,"
            " SUM(withdrawn = 0 AND submitted_at IS NOT NULL) AS submitted,"
            f" (SELECT COUNT(*) FROM answers WHERE participant_id IN ({_PEOPLE})) AS answers,"
            " (SELECT COUNT(*) FROM invites WHERE round_id = ?) AS invites"
            " FROM participants WHERE round_id = ?",
            (round_id, round_id, round_id),
        )
        assert totals is not None  # an aggregate always returns a row
        await self._forget_chats(round_id)
        for table in ("answer_messages", "answer_versions"):
            await self._run(
                f"DELETE FROM {table} WHERE answer_id IN ({_ANSWERS_OF_PEOPLE})", (round_id,)
            )
        for table in ("answers", "reminder_claims", "assignments", "aside_texts"):
            await self._run(f"DELETE FROM {table} WHERE participant_id IN ({_PEOPLE})", (round_id,))
        await self._run(
            "UPDATE coordinators SET active_round_id = NULL WHERE active_round_id = ?", (round_id,)
        )
        await self._run(
            "UPDATE coordinators SET invite_id = NULL"
            " WHERE invite_id IN (SELECT id FROM invites WHERE round_id = ?)",
            (round_id,),
        )
        for table in ("participants", "invites", "partner_merges"):
            await self._run(f"DELETE FROM {table} WHERE round_id = ?", (round_id,))
        await self._run(
            "UPDATE audit_log SET actor_user_id = NULL, actor_name = NULL, subject_name = NULL,"
            " subject_invite = NULL WHERE round_id = ?",
            (round_id,),
        )
        await self._run(
            "UPDATE rounds SET purged_at = ?, kept_colleagues = ?, kept_submitted = ?,"
            " reminders_enabled = 0 WHERE id = ?",
            (ts(now), totals["taking_part"] or 0, totals["submitted"] or 0, round_id),
        )
        return Purge(
            PurgeOutcome.PURGED,
            colleagues=totals["everyone"],
            invites=totals["invites"],
            answers=totals["answers"],
        )

    async def _forget_chats(self, round_id: int) -> None:
        """Erases the round's chats from the inbox and outbox.

        A chat that also belongs to someone elsewhere (another round, a coordinator) keeps
        what is waiting to be handled or sent: that is theirs there. Everything else of the
        round's chats goes, also the record of handled updates (chat and message ids).
        """
        rows = await self._all(
            "SELECT DISTINCT chat_id FROM participants WHERE round_id = ?"
            " UNION SELECT DISTINCT user_id FROM participants WHERE round_id = ?",
            (round_id, round_id),
        )
        chats = [r[0] for r in rows]
        if not chats:
            return
        elsewhere_rows = await self._all(
            "SELECT chat_id FROM participants WHERE round_id != ?"
            " UNION SELECT user_id FROM participants WHERE round_id != ?"
            " UNION SELECT chat_id FROM coordinators UNION SELECT user_id FROM coordinators",
            (round_id, round_id),
        )
        elsewhere = {r[0] for r in elsewhere_rows}
        for chat in chats:
            mine_only = chat not in elsewhere
            waiting = "" if mine_only else " AND handled_at IS NOT NULL"
            await self._run(f"DELETE FROM inbox WHERE chat_id = ?{waiting}", (chat,))
            # Claimed without passing the inbox (chat unknown): the fingerprint names the chat.
            await self._run(
                f"DELETE FROM inbox WHERE chat_id IS NULL AND fingerprint LIKE ?{waiting}",
                (f"m:{chat}:%",),
            )
            if mine_only:
                await self._run("DELETE FROM outbox WHERE chat_id = ?", (chat,))

    # --- everything about one person ---------------------------------------------------

    async def personal_data(self, user_id: int) -> PersonalData:
        # Reading through the other query modules' methods: mixed into the same transaction.
        reads = cast("Reader", self)
        rows = await self._all(
            "SELECT id FROM participants WHERE user_id = ? ORDER BY id", (user_id,)
        )
        participations = []
        chats = {user_id}
        for row in rows:
            participant = await reads.participant(row["id"])
            assert participant is not None  # read in this same transaction
            round_ = await reads.get_round(participant.round_id)
            assert round_ is not None  # a foreign key guarantees it
            chats.add(participant.chat_id)
            invites = {i.id: i for i in await reads.invites(round_.id)}
            participations.append(
                Participation(
                    round=round_,
                    participant=participant,
                    invite=invites.get(participant.invite_id or 0),
                    answers=tuple(await self._answer_records(participant.id)),
                    reminders=tuple(await self._reminder_claims(participant.id)),
                    audit=tuple(await self._about(round_.id, participant.invite_id)),
                    aside=tuple(await self._all_aside(participant.id)),
                )
            )
        coordinator = await reads.coordinator(user_id)
        if coordinator is not None:
            chats.add(coordinator.chat_id)
        actions = await self._all(
            "SELECT * FROM audit_log WHERE actor_user_id = ? ORDER BY id", (user_id,)
        )
        marks = ", ".join("?" * len(chats))
        inbox = await self._one(
            "SELECT SUM(handled_at IS NOT NULL), SUM(handled_at IS NULL) FROM inbox"
            f" WHERE chat_id IN ({marks})",
            tuple(chats),
        )
        queued = await self._one(
            f"SELECT COUNT(*) FROM outbox WHERE chat_id IN ({marks})", tuple(chats)
        )
        return PersonalData(
            user_id=user_id,
            participations=tuple(participations),
            coordinator=coordinator,
            coordinator_actions=tuple(audit_entry(r, subject=False) for r in actions),
            recent_updates=int(inbox[0] or 0) if inbox else 0,
            waiting_updates=int(inbox[1] or 0) if inbox else 0,
            queued_messages=int(queued[0]) if queued else 0,
        )

    async def _answer_records(self, participant_id: int) -> list[AnswerRecord]:
        reads = cast("Reader", self)
        records = []
        for answer in await reads.answers_of(participant_id):
            history = await reads.answer_history(
                participant_id, answer.theme_key, answer.question_key
            )
            messages = await self._all(
                "SELECT m.message_id FROM answer_messages m JOIN answers a ON a.id = m.answer_id"
                " WHERE a.participant_id = ? AND a.theme_key = ? AND a.question_key = ?"
                " ORDER BY m.part, m.message_id",
                (participant_id, answer.theme_key, answer.question_key),
            )
            records.append(AnswerRecord(answer, tuple(history), tuple(r[0] for r in messages)))
        return records

    async def _all_aside(self, participant_id: int) -> list[AsideText]:
        """Every text kept aside for this participant, placed or not, oldest first."""
        rows = await self._all(
            "SELECT * FROM aside_texts WHERE participant_id = ? ORDER BY id", (participant_id,)
        )
        return [aside_record(r) for r in rows]

    async def _reminder_claims(self, participant_id: int) -> list[ReminderClaim]:
        rows = await self._all(
            "SELECT slot_key, claimed_at, outcome, attempts FROM reminder_claims"
            " WHERE participant_id = ? ORDER BY claimed_at, rowid",
            (participant_id,),
        )
        return [ReminderClaim(r[0], req_dt(r[1]), ClaimOutcome(r[2]), r[3]) for r in rows]

    async def _about(self, round_id: int, invite_id: int | None) -> Iterable[AuditEntry]:
        if invite_id is None:
            return []
        rows = await self._all(
            "SELECT * FROM audit_log WHERE round_id = ? AND subject_invite = ? ORDER BY id",
            (round_id, invite_id),
        )
        # Who acted is someone else: a colleague sees the role ("a coordinator"), not the name;
        # their own withdrawal names them, which is them.
        return [audit_entry(r, actor=r["role"] == ActorRole.COLLEAGUE.value) for r in rows]
