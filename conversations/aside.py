"""Texts kept aside: a text that is no answer where the colleague is, and where it may go.

Nothing typed is thrown away. When the review is shown, while themes are picked, after the
deadline of a submitted colleague, or when a message that no longer gives an answer is
edited, the text is kept (stored) and the colleague is asked with one tap where it belongs:
the question last asked first (the rule "a text answers the question last asked"), then the
open questions, or "add to an answer". Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec.structs import replace

from conversations import navigation
from conversations.answers import clean_text, normalise_answer
from conversations.decisions import (
    EXPIRED,
    AskWhere,
    ChooseAddTarget,
    Decision,
    KeepAside,
    MarkPlaced,
    Note,
    Reply,
    SaveAnswer,
    Target,
)
from conversations.slots import SlotRef, question_of
from conversations.state import MAX_ANSWER_CHARS, AnswerSource, AsideNote, IntakeState, StoredAnswer
from conversations.template import QuestionKind

MAX_TARGETS = 5  # question buttons under one "where does this belong?"
MAX_ADD_TARGETS = 8


def keep(text: str, message_id: int | None) -> KeepAside | None:
    """Returns the change that keeps ``text`` aside, or None for a text with nothing in it."""
    cleaned = clean_text(text).strip()
    return KeepAside(cleaned, message_id) if cleaned else None


def find(state: IntakeState, note_id: int) -> AsideNote | None:
    """Returns the colleague's kept text with this id, if it still waits for a place."""
    return next((n for n in state.aside if n.id == note_id), None)


def fits(state: IntakeState, index: int, text: str) -> bool:
    """Whether ``text`` can be the answer of slot ``index`` (a choice needs one of its options)."""
    return normalise_answer(question_of(state.template, state.slots[index]), text) is not None


def target(state: IntakeState, index: int) -> Target:
    """Slot ``index`` as a place to offer, numbered as the colleague's questions are."""
    slot = state.slots[index]
    questions = state.template.questions_for(slot.theme_key)
    question_no = next(i for i, q in enumerate(questions, 1) if q.key == slot.question_key)
    theme_no = state.theme_keys.index(slot.theme_key) + 1
    return Target(index, slot, theme_no, question_no, index == state.index(state.cursor))


def targets(state: IntakeState, text: str) -> tuple[int, ...]:
    """The slots to offer, best guess first: the question last asked, then the open ones."""
    found: list[int] = []
    cursor = state.index(state.cursor)
    if cursor is not None and fits(state, cursor, text):
        found.append(cursor)
    for index, slot in enumerate(state.slots):
        if len(found) >= MAX_TARGETS:
            break
        if index != cursor and slot not in state.answers and fits(state, index, text):
            found.append(index)
    return tuple(found)


def add_targets(state: IntakeState) -> tuple[int, ...]:
    """The answers a kept text can be added to: answered, not a choice; latest asked first."""
    answered = [
        index
        for index, slot in enumerate(state.slots)
        if slot in state.answers
        and question_of(state.template, slot).kind is not QuestionKind.CHOICE
    ]
    cursor = state.index(state.cursor)
    if cursor in answered:  # the question last asked first, as everywhere
        answered.remove(cursor)
        answered.insert(0, cursor)
    return tuple(answered[:MAX_ADD_TARGETS])


def ask_where(state: IntakeState, note_id: int | None, text: str) -> AskWhere:
    """The question where a kept text belongs (``note_id`` None: the one kept just now)."""
    offered = tuple(target(state, i) for i in targets(state, text))
    additions = add_targets(state)
    adds = () if offered else tuple(target(state, i) for i in additions)
    return AskWhere(note_id, text, offered, bool(additions), adds)


def choose_add_target(state: IntakeState, note_id: int) -> ChooseAddTarget:
    """The answers a kept text can be added to, as buttons."""
    return ChooseAddTarget(note_id, tuple(target(state, i) for i in add_targets(state)))


def keep_and_ask(
    state: IntakeState, text: str, message_id: int | None, key: str = "kept_aside"
) -> Decision:
    """Keeps a text that is no answer here and asks, with one tap, where it belongs."""
    kept = keep(text, message_id)
    if kept is None:
        return Decision(replies=(Note("empty_answer"),))
    if len(kept.text) > MAX_ANSWER_CHARS:
        return Decision(replies=(Note("too_long", {"limit": MAX_ANSWER_CHARS}),))
    return Decision((kept,), (Note(key), ask_where(state, None, kept.text)))


def place(
    state: IntakeState,
    note_id: int,
    target: int,
    *,
    add: bool,
) -> Decision:
    """Puts kept text ``note_id`` under slot ``target``: as its answer, or added to it, then
    goes on where the colleague was (the review, or the next question)."""
    note = find(state, note_id)
    if note is None or not 0 <= target < len(state.slots):
        return EXPIRED
    slot = state.slots[target]
    question = question_of(state.template, slot)
    if add:
        previous = state.answers.get(slot)
        if previous is None or question.kind is QuestionKind.CHOICE:
            return EXPIRED
        parts = (*previous.parts, note.text)
        if sum(len(p) + 1 for p in parts) > MAX_ANSWER_CHARS:
            return Decision(replies=(Note("too_long", {"limit": MAX_ANSWER_CHARS}),))
        save = SaveAnswer(slot, parts, AnswerSource.APPEND, note.message_id, part=len(parts) - 1)
    else:
        value = normalise_answer(question, note.text)
        if value is None:  # offered only where it fits: a stale or forged button
            return EXPIRED
        source = (
            AnswerSource.CHOICE if question.kind is QuestionKind.CHOICE else AnswerSource.ANSWER
        )
        save = SaveAnswer(slot, (value,), source, note.message_id)
    answers: Mapping[SlotRef, StoredAnswer] = {**state.answers, slot: StoredAnswer(save.parts)}
    remaining = tuple(n for n in state.aside if n.id != note_id)
    placed = replace(state, answers=answers, aside=remaining)
    theme = state.template.theme(slot.theme_key)
    done = Note(
        "aside_added" if add else "aside_placed",
        {"question": question.text, "theme": theme.title if theme else ""},
    )
    follow = navigation.follow_up(placed, target)
    replies: tuple[Reply, ...] = (done, *follow.replies)
    if remaining:
        nxt = remaining[0]
        replies += (ask_where(placed, nxt.id, nxt.text),)
    return Decision((save, MarkPlaced(note_id), *follow.changes), replies)
