"""The colleague's intake as a service: load stored state, let the engine decide, commit.

Handlers call these functions; each runs one write transaction and returns the messages to
send, which the handler sends only after the commit (nothing typed lives only in memory).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from msgspec import Struct

from bot.render import Outgoing, Renderer
from conversations import engine
from conversations.decisions import (
    Decision,
    KeepAside,
    MarkPlaced,
    MarkSubmitted,
    MoveTo,
    SaveAnswer,
    SetThemes,
)
from conversations.slots import SlotRef
from conversations.state import AsideNote, IntakeState, StoredAnswer
from conversations.texts import catalogue
from storage import Reader, Writer
from storage.records import Participant, Round


class Outcome(Struct, frozen=True):
    """What to send, and to whom (the participant's chat)."""

    chat_id: int
    messages: list[Outgoing]


def is_locked(round_: Round, participant: Participant, now: datetime, zone: ZoneInfo) -> bool:
    """Submitted answers are final once the deadline day is over (local time)."""
    if round_.deadline is None or participant.submitted_at is None:
        return False
    return now.astimezone(zone).date() > round_.deadline


async def load_state(
    tx: Reader, participant: Participant, round_: Round, now: datetime, zone: ZoneInfo
) -> IntakeState:
    """Returns the engine's view of one participant."""
    answers = {
        SlotRef(a.theme_key, a.question_key): StoredAnswer(a.parts)
        for a in await tx.answers_of(participant.id)
    }
    cursor = SlotRef(*participant.cursor) if participant.cursor else None
    aside = tuple(
        AsideNote(a.id, a.text, a.message_id) for a in await tx.aside_texts(participant.id)
    )
    return IntakeState(
        template=round_.template,
        theme_keys=participant.theme_keys,
        answers=answers,
        mode=participant.mode,
        cursor=cursor,
        submitted=participant.submitted_at is not None,
        locked=is_locked(round_, participant, now, zone),
        aside=aside,
    )


async def apply(
    tx: Writer, participant: Participant, decision: Decision, now: datetime, chat_id: int
) -> int | None:
    """Commits a decision's changes (inside the caller's transaction) and records activity.

    Returns the id of the text it kept aside, if it kept one (its buttons need the id).
    """
    moved: MoveTo | None = None
    kept: int | None = None
    for change in decision.changes:
        match change:
            case SaveAnswer():
                await tx.save_answer(
                    participant.id,
                    change.slot.theme_key,
                    change.slot.question_key,
                    change.parts,
                    change.source,
                    now,
                    chat_id=chat_id,
                    message_id=change.message_id,
                    part=change.part,
                )
            case MoveTo():
                moved = change  # stored with the activity below: one UPDATE, the last move wins
            case SetThemes(theme_keys=keys):
                await tx.set_themes(participant.id, keys)
            case MarkSubmitted():
                await tx.mark_submitted(participant.id, now)
            case KeepAside(text=text, message_id=message_id):
                kept = await tx.keep_aside(
                    participant.id, text, now, chat_id=chat_id, message_id=message_id
                )
            case MarkPlaced(note=note):
                await tx.place_aside(participant.id, note, now)
    if moved is None:
        await tx.touch(participant.id, now, chat_id)
    else:
        cursor = moved.cursor
        position = (cursor.theme_key, cursor.question_key) if cursor else None
        await tx.set_position(participant.id, moved.mode, position, now, chat_id)
    return kept


async def run(
    tx: Writer,
    participant: Participant,
    event: engine.Event | None,
    now: datetime,
    zone: ZoneInfo,
    *,
    chat_id: int | None = None,
) -> Outcome:
    """Decides ``event`` (None: start or resume) for a participant, commits, returns replies.

    In a closed round nothing is decided or stored: whatever came is answered with "this
    round is closed" (before the engine sees it, so no text of it is kept anywhere).
    """
    round_ = await tx.get_round(participant.round_id)
    assert round_ is not None  # a foreign key guarantees it
    if round_.closed:
        text = catalogue(participant.language)("round_closed", round=round_.name)
        return Outcome(chat_id if chat_id is not None else participant.chat_id, [Outgoing(text)])
    state = await load_state(tx, participant, round_, now, zone)
    decision = engine.start(state) if event is None else engine.decide(state, event)
    if decision is engine.EXPIRED:
        # A stale button changes nothing; show where the colleague is now instead.
        resume = engine.decide(state, engine.Continue())
        decision = Decision(resume.changes, (*decision.replies, *resume.replies))
    target = chat_id if chat_id is not None else participant.chat_id
    kept = await apply(tx, participant, decision, now, target)
    renderer = Renderer(catalogue(participant.language), round_.template, participant.id)
    return Outcome(target, renderer.render(decision.replies, kept=kept))


async def current_prompt(
    tx: Writer, participant: Participant, now: datetime, zone: ZoneInfo
) -> Outcome:
    """Returns the question (or review) the participant is at, changing nothing but activity."""
    return await run(tx, participant, engine.Continue(), now, zone)
