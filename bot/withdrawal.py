"""Taking someone's input out of a round: by a coordinator (chat or command line) or by the
colleague themself. Either way their answers, every version of them, the message links and
their reminder claims leave the store in one transaction, and the audit trail records who
did it and when. Progress then shows them as withdrawn, without content.
"""

from __future__ import annotations

from datetime import datetime

from storage import Store, Writer
from storage.records import Actor, AuditAction, Erased, Participant, RosterEntry, Round


async def withdraw_entry(
    tx: Writer, round_: Round, entry: RosterEntry, now: datetime, actor: Actor
) -> int | None:
    """Takes out whoever holds a roster entry (a colleague, or an invite nobody opened) and
    records it; returns how many answers were erased, or None when there was nobody left to
    take out."""
    answers = len(await tx.answers_of(entry.participant_id)) if entry.participant_id else 0
    if not await tx.withdraw_by_invite(entry.invite_id, now):
        return None
    await tx.record_action(
        round_.id,
        AuditAction.WITHDRAW,
        actor,
        now,
        subject_name=entry.name,
        subject_invite=entry.invite_id,
        detail={"answers": answers},
    )
    return answers


async def withdraw_self(
    tx: Writer, participant: Participant, now: datetime, actor: Actor
) -> Erased | None:
    """Withdraws a colleague's own input and records it; None when withdrawn already."""
    erased = await tx.withdraw_participant(participant.id, now)
    if erased is None:
        return None
    await tx.record_action(
        participant.round_id,
        AuditAction.WITHDRAW_SELF,
        actor,
        now,
        subject_name=participant.name,
        subject_invite=participant.invite_id,
        detail={"answers": erased.answers, "versions": erased.versions},
    )
    return erased


async def scrub(store: Store) -> None:
    """Empties the database's write-ahead log after an erasure (beside the pipeline: it may
    wait a moment for readers), so older copies of the erased answers leave the files too."""
    await store.scrub()
