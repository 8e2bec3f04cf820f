"""The intake engine: given what is stored and what the colleague did, decide what changes
and what to say. Pure: no Telegram, no I/O, no clock (``now`` is passed in).

A colleague's questions form an ordered list of *slots*: for each of their themes, every
question of the template for that theme. Where they are is a mode plus a cursor (the slot
last asked), both stored, so the next text message answers the question last asked even
after weeks or a restart. A text that is no answer where the colleague is (the review is
shown, themes are being picked, the answers are final) is never thrown away: it is kept
aside and placed where the colleague says it belongs (conversations/aside.py).

The records live beside it: state (conversations/state.py), events (conversations/events.py)
and decisions (conversations/decisions.py); this module re-exports them, so callers can say
``engine.Text`` and ``engine.decide`` alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec.structs import replace

from conversations import aside, navigation
from conversations.answers import clean_text, normalise_answer
from conversations.decisions import (
    EXPIRED,
    ConfirmSubmit,
    Decision,
    MarkSubmitted,
    MoveTo,
    Note,
    PickThemes,
    Reply,
    ReviewItem,
    SaveAnswer,
    SetThemes,
)
from conversations.events import (
    AddAside,
    Append,
    Back,
    Choose,
    ConfirmThemes,
    Continue,
    Edit,
    Event,
    MessageEdited,
    PlaceAside,
    Review,
    ShowAddTargets,
    Skip,
    Status,
    Submit,
    Text,
    ToggleTheme,
    WhereAside,
)
from conversations.navigation import status_note
from conversations.slots import SlotRef, question_of
from conversations.state import (
    MAX_ANSWER_CHARS,
    AnswerSource,
    IntakeState,
    Mode,
    StoredAnswer,
)
from conversations.template import QuestionKind

# What the shell reaches as engine.X: the events, the entry points, the state.
__all__ = [
    "EXPIRED",
    "AddAside",
    "Append",
    "Back",
    "Choose",
    "ConfirmThemes",
    "Continue",
    "Decision",
    "Edit",
    "Event",
    "IntakeState",
    "MessageEdited",
    "Mode",
    "PlaceAside",
    "Reply",
    "Review",
    "ReviewItem",
    "ShowAddTargets",
    "Skip",
    "SlotRef",
    "Status",
    "StoredAnswer",
    "Submit",
    "Text",
    "ToggleTheme",
    "WhereAside",
    "decide",
    "start",
    "status_note",
]


def start(state: IntakeState) -> Decision:
    """Begins (or resumes) the intake: pick themes, or ask the current or first open question."""
    if not state.theme_keys or state.mode is Mode.PICKING:
        return Decision(
            changes=(MoveTo(Mode.PICKING, None),), replies=(PickThemes(state.theme_keys),)
        )
    return navigation.resume(state)


def decide(state: IntakeState, event: Event) -> Decision:
    """Returns what changes and what to say when the colleague does ``event``."""
    if state.mode is Mode.PICKING and isinstance(event, Continue):
        return start(state)  # where they are is the theme picker
    if state.mode is Mode.PICKING and not isinstance(event, ToggleTheme | ConfirmThemes | Status):
        if isinstance(event, Text | MessageEdited):
            # No questions yet to put it under: kept, and placed once the themes are chosen.
            kept = aside.keep(event.text, getattr(event, "message_id", None))
            if kept is None:
                return Decision(replies=(Note("empty_answer"),))
            return Decision((kept,), (Note("kept_while_picking"), PickThemes(state.theme_keys)))
        if _not_from_a_button(event):
            # Typed (/review, /skip, /back): not stale, just too early.
            return Decision(replies=(Note("pick_themes_first"), PickThemes(state.theme_keys)))
        return EXPIRED
    if state.locked and isinstance(event, Text | MessageEdited):
        # The answers are final, but what was typed is kept (the coordinator sees it).
        kept = aside.keep(event.text, getattr(event, "message_id", None))
        return Decision((kept,) if kept else (), (Note("kept_after_deadline"),))
    if state.locked and isinstance(
        event, Skip | Back | Append | Choose | Edit | PlaceAside | AddAside | ShowAddTargets
    ):
        return Decision(replies=(Note("locked"),))
    match event:
        case Text(text=text, message_id=message_id):
            return _on_text(state, text, message_id)
        case Skip(at=at):
            return _on_skip(state, at)
        case Back(at=at):
            return _on_back(state, at)
        case Append(at=at, target=target):
            return _on_append(state, at, target)
        case Choose(at=at, option=option):
            return _on_choose(state, at, option)
        case Review():
            return navigation.review(state)
        case Edit(at=at):
            return _on_edit(state, at)
        case Submit(confirmed=confirmed):
            return _on_submit(state, confirmed)
        case Continue(welcome_back=welcome_back):
            decision = navigation.resume(state)
            if welcome_back:
                return Decision(decision.changes, (Note("welcome_back"), *decision.replies))
            return decision
        case Status():
            return Decision(replies=(status_note(state),))
        case ToggleTheme(index=index):
            return _on_toggle(state, index)
        case ConfirmThemes():
            return _on_confirm_themes(state)
        case MessageEdited(slot=slot, part=part, text=text):
            return _on_message_edited(state, slot, part, text)
        case PlaceAside(note=note, target=target):
            return aside.place(state, note, target, add=False)
        case AddAside(note=note, target=target):
            return aside.place(state, note, target, add=True)
        case ShowAddTargets(note=note):
            if aside.find(state, note) is None:
                return EXPIRED
            return Decision(replies=(aside.choose_add_target(state, note),))
        case WhereAside():
            if not state.aside:
                return navigation.follow_up(state)
            first = state.aside[0]
            return Decision(replies=(aside.ask_where(state, first.id, first.text),))
    raise TypeError(f"unknown event {event!r}")  # pragma: no cover - the union is exhaustive


def _not_from_a_button(event: Event) -> bool:
    """Whether an event names no button position: typed, or a button valid anywhere."""
    if isinstance(event, Skip | Back):
        return event.at is None
    return isinstance(event, Text | Review | Submit)


def _on_text(state: IntakeState, text: str, message_id: int | None) -> Decision:
    if state.mode is Mode.REVIEW:
        return aside.keep_and_ask(state, text, message_id)
    index = state.index(state.cursor)
    if index is None:
        return navigation.resume(state)
    slot = state.slots[index]
    question = question_of(state.template, slot)
    if state.mode is Mode.APPENDING:
        return _append_text(state, index, slot, text, message_id)
    value = normalise_answer(question, text)
    if value is None:
        if question.kind is QuestionKind.CHOICE:
            return Decision(replies=(Note("choose_an_option"), navigation.ask(state, index)))
        return Decision(replies=(Note("empty_answer"),))
    if len(value) > MAX_ANSWER_CHARS:
        return Decision(replies=(Note("too_long", {"limit": MAX_ANSWER_CHARS}),))
    source = AnswerSource.CHOICE if question.kind is QuestionKind.CHOICE else AnswerSource.ANSWER
    save = SaveAnswer(slot, (value,), source, message_id)
    answers = {**state.answers, slot: StoredAnswer((value,))}
    return _after_save(
        state, answers, index, save, appendable=question.kind is not QuestionKind.CHOICE
    )


def _after_save(
    state: IntakeState,
    answers: Mapping[SlotRef, StoredAnswer],
    index: int,
    save: SaveAnswer,
    *,
    appendable: bool,
) -> Decision:
    saved = Note("saved_submitted" if state.submitted else "saved")
    if state.mode is Mode.EDITING:
        updated = replace(state, answers=answers, mode=Mode.REVIEW)
        review = navigation.review(updated)
        return Decision((save, *review.changes), (saved, *review.replies))
    nxt = navigation.advance(state, answers, index, append_target=index if appendable else None)
    return Decision((save, *nxt.changes), (saved, *nxt.replies))


def _append_text(
    state: IntakeState, index: int, slot: SlotRef, text: str, message_id: int | None
) -> Decision:
    addition = clean_text(text).strip()
    if not addition:
        return Decision(replies=(Note("empty_answer"),))
    previous = state.answers.get(slot, StoredAnswer(()))
    parts = (*previous.parts, addition)
    if sum(len(p) + 1 for p in parts) > MAX_ANSWER_CHARS:
        return Decision(replies=(Note("too_long", {"limit": MAX_ANSWER_CHARS}),))
    save = SaveAnswer(slot, parts, AnswerSource.APPEND, message_id, part=len(parts) - 1)
    answers = {**state.answers, slot: StoredAnswer(parts)}
    nxt = navigation.advance(state, answers, index, append_target=index)
    return Decision((save, *nxt.changes), (Note("appended"), *nxt.replies))


def _on_skip(state: IntakeState, at: int | None) -> Decision:
    index = navigation.current_index(state, at)
    if index is None:
        return EXPIRED if at is not None else navigation.resume(state)
    if state.mode is Mode.EDITING:
        return navigation.review(state)
    if state.mode is Mode.APPENDING:
        return navigation.advance(state, state.answers, index)
    if state.slots[index] in state.answers and index + 1 < len(state.slots):
        # Keeping an answer while walking back through them: on to the very next question.
        nxt = navigation.ask_at(state, index + 1)
        return Decision(nxt.changes, (Note("kept"), *nxt.replies))
    note = Note("kept" if state.slots[index] in state.answers else "skipped")
    nxt = navigation.advance(state, state.answers, index)
    return Decision(nxt.changes, (note, *nxt.replies))


def _on_back(state: IntakeState, at: int | None) -> Decision:
    index = navigation.current_index(state, at)
    if index is None:
        if at is not None:
            return EXPIRED
        if state.mode is Mode.REVIEW and state.slots:
            came_from = state.index(state.cursor)
            return navigation.ask_at(
                state, len(state.slots) - 1 if came_from is None else came_from
            )
        return navigation.resume(state)
    if index == 0:
        return Decision(replies=(Note("at_first_question"), navigation.ask(state, 0)))
    return navigation.ask_at(state, index - 1)


def _on_append(state: IntakeState, at: int, target: int) -> Decision:
    index = navigation.current_index(state, at)
    slots = state.slots
    if index is None or state.mode is not Mode.ASKING or not 0 <= target < len(slots):
        return EXPIRED
    if slots[target] not in state.answers:
        return EXPIRED
    return Decision(
        changes=(MoveTo(Mode.APPENDING, slots[target]),),
        replies=(Note("append_now", {"answer": state.answers[slots[target]].text}),),
    )


def _on_choose(state: IntakeState, at: int, option: int) -> Decision:
    index = navigation.current_index(state, at)
    if index is None:
        return EXPIRED
    slot = state.slots[index]
    question = question_of(state.template, slot)
    if question.kind is not QuestionKind.CHOICE or not 0 <= option < len(question.options):
        return EXPIRED
    value = question.options[option]
    save = SaveAnswer(slot, (value,), AnswerSource.CHOICE)
    answers = {**state.answers, slot: StoredAnswer((value,))}
    asking = state if state.mode is not Mode.APPENDING else replace(state, mode=Mode.ASKING)
    return _after_save(asking, answers, index, save, appendable=False)


def _on_edit(state: IntakeState, at: int) -> Decision:
    if not 0 <= at < len(state.slots):
        return EXPIRED
    return navigation.ask_at(replace(state, mode=Mode.EDITING), at, Mode.EDITING)


def _on_submit(state: IntakeState, confirmed: bool) -> Decision:
    if not state.answers:
        return Decision(replies=(Note("nothing_to_submit"),))
    open_required = len(state.open_required())
    if open_required and not confirmed:
        return Decision(replies=(ConfirmSubmit(open_required),))
    note = Note("resubmitted" if state.submitted else "submitted", {"open_required": open_required})
    changes = (MarkSubmitted(), MoveTo(Mode.REVIEW, state.cursor))
    return Decision(changes=changes, replies=(note,))


def _on_toggle(state: IntakeState, index: int) -> Decision:
    if state.mode is not Mode.PICKING or not 0 <= index < len(state.template.themes):
        return EXPIRED
    key = state.template.themes[index].key
    chosen = set(state.theme_keys) ^ {key}
    # Keep template order so "Thema 1/3" means the same to everyone.
    ordered = tuple(t.key for t in state.template.themes if t.key in chosen)
    return Decision(changes=(SetThemes(ordered),), replies=(PickThemes(ordered),))


def _on_confirm_themes(state: IntakeState) -> Decision:
    if state.mode is not Mode.PICKING:
        return EXPIRED
    if not state.theme_keys:
        return Decision(replies=(Note("pick_at_least_one"), PickThemes(())))
    asking = replace(state, mode=Mode.ASKING)
    first = navigation.next_open(asking, -1)
    nxt = navigation.review(asking) if first is None else navigation.ask_at(asking, first)
    replies: tuple[Reply, ...] = (
        Note("themes_chosen", {"count": len(state.theme_keys)}),
        *nxt.replies,
    )
    if state.aside:  # kept while picking: now there are questions to put it under
        kept = state.aside[0]
        asked = replace(asking, cursor=asking.slots[first]) if first is not None else asking
        replies += (aside.ask_where(asked, kept.id, kept.text),)
    return Decision(nxt.changes, replies)


def _on_message_edited(state: IntakeState, slot: SlotRef, part: int, text: str) -> Decision:
    answer = state.answers.get(slot)
    if answer is None or not 0 <= part < len(answer.parts):
        # The message no longer gives an answer (replaced since), but its new text is kept.
        return aside.keep_and_ask(state, text, None, key="edit_kept_aside")
    question = question_of(state.template, slot)
    whole = len(answer.parts) == 1  # the whole answer must fit its question; a part need not
    value = normalise_answer(question, text) if whole else clean_text(text).strip()
    if not value:
        return Decision(replies=(Note("edit_rejected"),))
    parts = tuple(value if i == part else p for i, p in enumerate(answer.parts))
    if sum(len(p) + 1 for p in parts) > MAX_ANSWER_CHARS:
        return Decision(replies=(Note("too_long", {"limit": MAX_ANSWER_CHARS}),))
    title = state.template.theme(slot.theme_key)
    return Decision(
        changes=(SaveAnswer(slot, parts, AnswerSource.EDIT, part=part),),
        replies=(
            Note("edit_saved", {"question": question.text, "theme": title.title if title else ""}),
        ),
    )
