"""Where the intake goes next: the question to ask, the review, where to resume. Pure.

The engine's event handlers (conversations/engine.py) and the placing of kept texts
(conversations/aside.py) both end in one of these.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec.structs import replace

from conversations.decisions import Ask, Decision, MoveTo, Note, ReviewItem, ShowReview
from conversations.progress import count_progress
from conversations.slots import SlotRef, question_of
from conversations.state import IntakeState, Mode, StoredAnswer


def status_note(state: IntakeState) -> Note:
    """Returns the progress line: answered of total, open required, submitted."""
    progress = count_progress(
        state.template, state.theme_keys, state.answers, submitted=state.submitted
    )
    return Note(
        "status_submitted" if progress.submitted else "status",
        {
            "answered": progress.answered,
            "total": progress.total,
            "open_required": progress.open_required,
            "themes": len(progress.themes),
        },
    )


def ask(state: IntakeState, index: int, *, append_target: int | None = None) -> Ask:
    slots = state.slots
    slot = slots[index]
    theme_no = state.theme_keys.index(slot.theme_key) + 1
    questions = state.template.questions_for(slot.theme_key)
    question_no = next(i for i, q in enumerate(questions, 1) if q.key == slot.question_key)
    answer = state.answers.get(slot)
    return Ask(
        index=index,
        slot=slot,
        theme_no=theme_no,
        theme_count=len(state.theme_keys),
        question_no=question_no,
        question_count=len(questions),
        current=answer.text if answer else None,
        append_target=append_target,
        editing=state.mode is Mode.EDITING,
    )


def ask_at(state: IntakeState, index: int, mode: Mode = Mode.ASKING, **kw: int | None) -> Decision:
    moved = replace(state, mode=mode, cursor=state.slots[index])
    return Decision(changes=(MoveTo(mode, state.slots[index]),), replies=(ask(moved, index, **kw),))


def next_open(state: IntakeState, after: int) -> int | None:
    """Returns the first unanswered slot after ``after``, or None."""
    slots = state.slots
    return next((i for i in range(after + 1, len(slots)) if slots[i] not in state.answers), None)


def advance(
    state: IntakeState,
    answers: Mapping[SlotRef, StoredAnswer],
    after: int,
    *,
    append_target: int | None = None,
) -> Decision:
    """After slot ``after`` is done: ask the next open question, or show the review."""
    updated = replace(state, answers=answers, mode=Mode.ASKING)
    nxt = next_open(updated, after)
    if nxt is None:
        return review(updated)
    return ask_at(updated, nxt, append_target=append_target)


def resume(state: IntakeState) -> Decision:
    index = state.index(state.cursor)
    if state.mode in (Mode.ASKING, Mode.EDITING, Mode.APPENDING) and index is not None:
        mode = Mode.ASKING if state.mode is Mode.APPENDING else state.mode
        return ask_at(state, index, mode)
    if state.mode is Mode.REVIEW or state.submitted:
        open_required = state.open_required()
        if open_required:
            # "Continue" from the review means: on with what is still open. Also after
            # submitting: reminders nudge about open questions, so Continue must reach them.
            return ask_at(state, state.slots.index(open_required[0]))
        return review(state)
    first_open = next_open(state, -1)
    if first_open is None:
        return review(state)
    return ask_at(state, first_open)


def review(state: IntakeState) -> Decision:
    items = tuple(
        ReviewItem(
            index=i,
            slot=slot,
            answer=state.answers[slot].text if slot in state.answers else None,
            required=question_of(state.template, slot).required,
        )
        for i, slot in enumerate(state.slots)
    )
    show = ShowReview(
        items, len(state.open_required()), state.submitted, state.locked, len(state.aside)
    )
    # The cursor stays: "back" from the review returns to the question the colleague was at.
    return Decision(changes=(MoveTo(Mode.REVIEW, state.cursor),), replies=(show,))


def current_index(state: IntakeState, at: int | None) -> int | None:
    """Returns the cursor's index if a button made for slot ``at`` is still current."""
    if state.mode not in (Mode.ASKING, Mode.EDITING, Mode.APPENDING):
        return None
    index = state.index(state.cursor)
    if index is None or (at is not None and at != index):
        return None
    return index


def follow_up(state: IntakeState, placed: int | None = None) -> Decision:
    """Where the colleague goes on after a kept text found its place (slot ``placed``): back
    to the review, on to the next question when it answered the one being asked, or back to
    the question they were at."""
    if state.mode is Mode.REVIEW:
        return review(state)
    if placed is not None and placed == state.index(state.cursor) and state.mode is Mode.ASKING:
        return advance(state, state.answers, placed)
    return resume(state)
