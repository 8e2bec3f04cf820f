"""The intake engine: given what is stored and what the colleague did, decide what changes
and what to say. Pure: no Telegram, no I/O, no clock (``now`` is passed in).

A colleague's questions form an ordered list of *slots*: for each of their themes, every
question of the template for that theme. Where they are is a mode plus a cursor (the slot
last asked), both stored, so the next text message answers the question last asked even
after weeks or a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property

from conversations.answers import clean_text, normalise_answer
from conversations.progress import count_progress, open_required
from conversations.slots import SlotRef, question_of, slots_for
from conversations.template import QuestionKind, Template

MAX_ANSWER_CHARS = 20_000  # an answer grown by appends; far beyond any sensible contribution


class AnswerSource(StrEnum):
    """How a version of an answer came about; kept in the answer's history."""

    ANSWER = "answer"  # typed as the answer to the question asked
    APPEND = "append"  # added to the previous answer ("add to previous answer")
    EDIT = "edit"  # the colleague edited the message that gave (part of) the answer
    CHOICE = "choice"  # an option of a choice question, pressed or typed

    @property
    def replaces_parts(self) -> bool:
        """A fresh answer replaces every part: edits of the old messages no longer apply."""
        return self in (AnswerSource.ANSWER, AnswerSource.CHOICE)


class Mode(StrEnum):
    """What the next text message means."""

    PICKING = "picking"  # choosing themes (invite without themes); text is not an answer
    ASKING = "asking"  # text answers the slot at the cursor, then the next open one is asked
    EDITING = "editing"  # text answers the slot at the cursor, then the review is shown
    APPENDING = "appending"  # text is added to the answer at the cursor
    REVIEW = "review"  # the review is shown; text gets a hint


@dataclass(frozen=True)
class StoredAnswer:
    """What the engine needs of a stored answer: its parts (one per message) and their join."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


@dataclass(frozen=True)
class IntakeState:
    """Everything stored about one colleague that decides what happens next."""

    template: Template
    theme_keys: tuple[str, ...]
    answers: Mapping[SlotRef, StoredAnswer]
    mode: Mode
    cursor: SlotRef | None
    submitted: bool = False
    locked: bool = False  # submitted and past the deadline: answers are final

    @cached_property
    def slots(self) -> list[SlotRef]:
        return slots_for(self.template, self.theme_keys)

    def index(self, slot: SlotRef | None) -> int | None:
        """Returns the slot's position in the list, or None when it is not (or no longer) there."""
        try:
            return self.slots.index(slot) if slot else None
        except ValueError:
            return None

    def open_required(self) -> list[SlotRef]:
        """Returns the required slots without an answer."""
        return open_required(self.template, self.theme_keys, self.answers)


# --- events: what the colleague did -------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text message."""

    text: str
    message_id: int | None = None


@dataclass(frozen=True)
class Skip:
    """Skip (or keep) the question at the cursor; ``at`` is the slot the button was for."""

    at: int | None = None


@dataclass(frozen=True)
class Back:
    """Go to the previous question."""

    at: int | None = None


@dataclass(frozen=True)
class Append:
    """Add the next message to the answer of slot ``target``."""

    at: int
    target: int


@dataclass(frozen=True)
class Choose:
    """Pick option ``option`` of the choice question at the cursor."""

    at: int
    option: int


@dataclass(frozen=True)
class Review:
    """Show all answers."""


@dataclass(frozen=True)
class Edit:
    """Answer slot ``at`` again, then return to the review."""

    at: int


@dataclass(frozen=True)
class Submit:
    """Submit the answers; ``confirmed`` once the colleague said yes despite open questions."""

    confirmed: bool = False


@dataclass(frozen=True)
class Continue:
    """Ask the current question again, or the first open one."""

    welcome_back: bool = False


@dataclass(frozen=True)
class Status:
    """Say how far along the colleague is."""


@dataclass(frozen=True)
class ToggleTheme:
    """Select or deselect a theme while picking."""

    index: int


@dataclass(frozen=True)
class ConfirmThemes:
    """Done picking themes."""


@dataclass(frozen=True)
class MessageEdited:
    """The colleague edited a message that was (part ``part`` of) the answer of ``slot``."""

    slot: SlotRef
    part: int
    text: str


Event = (
    Text
    | Skip
    | Back
    | Append
    | Choose
    | Review
    | Edit
    | Submit
    | Continue
    | Status
    | ToggleTheme
    | ConfirmThemes
    | MessageEdited
)


# --- decisions: what changes and what to say ---------------------------------------------


@dataclass(frozen=True)
class SaveAnswer:
    """Store this answer (all its parts); ``message_id`` is the message that gave ``part``."""

    slot: SlotRef
    parts: tuple[str, ...]
    source: AnswerSource
    message_id: int | None = None
    part: int = 0


@dataclass(frozen=True)
class MoveTo:
    """Store where the colleague is."""

    mode: Mode
    cursor: SlotRef | None


@dataclass(frozen=True)
class SetThemes:
    """Store the colleague's themes, in this order."""

    theme_keys: tuple[str, ...]


@dataclass(frozen=True)
class MarkSubmitted:
    """Store that the colleague submitted."""


Change = SaveAnswer | MoveTo | SetThemes | MarkSubmitted


@dataclass(frozen=True)
class Note:
    """A short text from the catalogue."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Ask:
    """Ask one question: where it stands, the current answer, and what to offer."""

    index: int
    slot: SlotRef
    theme_no: int
    theme_count: int
    question_no: int
    question_count: int
    current: str | None
    append_target: int | None = None  # offer to add to the answer just given
    editing: bool = False


@dataclass(frozen=True)
class ReviewItem:
    index: int
    slot: SlotRef
    answer: str | None
    required: bool


@dataclass(frozen=True)
class ShowReview:
    """All questions per theme with their answers, edit buttons and submit."""

    items: tuple[ReviewItem, ...]
    open_required: int
    submitted: bool
    locked: bool


@dataclass(frozen=True)
class PickThemes:
    """The theme picker with the current selection."""

    selected: tuple[str, ...]


@dataclass(frozen=True)
class ConfirmSubmit:
    """Ask whether to submit despite open required questions."""

    open_required: int


Reply = Note | Ask | ShowReview | PickThemes | ConfirmSubmit


@dataclass(frozen=True)
class Decision:
    changes: tuple[Change, ...] = ()
    replies: tuple[Reply, ...] = ()


EXPIRED = Decision(replies=(Note("button_expired"),))


# --- the engine ----------------------------------------------------------------------------


def start(state: IntakeState) -> Decision:
    """Begins (or resumes) the intake: pick themes, or ask the current or first open question."""
    if not state.theme_keys or state.mode is Mode.PICKING:
        return Decision(
            changes=(MoveTo(Mode.PICKING, None),), replies=(PickThemes(state.theme_keys),)
        )
    return _resume(state)


def decide(state: IntakeState, event: Event) -> Decision:
    """Returns what changes and what to say when the colleague does ``event``."""
    if state.mode is Mode.PICKING and isinstance(event, Continue):
        return start(state)  # where they are is the theme picker
    if state.mode is Mode.PICKING and not isinstance(event, ToggleTheme | ConfirmThemes | Status):
        if _not_from_a_button(event):
            # Typed (/review, /skip, /back or text): not stale, just too early.
            return Decision(replies=(Note("pick_themes_first"), PickThemes(state.theme_keys)))
        if isinstance(event, MessageEdited):
            return Decision(replies=(Note("edit_not_an_answer"),))
        return EXPIRED
    if state.locked and isinstance(
        event, Text | Skip | Back | Append | Choose | Edit | MessageEdited
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
            return _review(state)
        case Edit(at=at):
            return _on_edit(state, at)
        case Submit(confirmed=confirmed):
            return _on_submit(state, confirmed)
        case Continue(welcome_back=welcome_back):
            decision = _resume(state)
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
    raise TypeError(f"unknown event {event!r}")  # pragma: no cover - the union is exhaustive


def _not_from_a_button(event: Event) -> bool:
    """Whether an event names no button position: typed, or a button valid anywhere."""
    if isinstance(event, Skip | Back):
        return event.at is None
    return isinstance(event, Text | Review | Submit)


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


def _ask(state: IntakeState, index: int, *, append_target: int | None = None) -> Ask:
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


def _ask_at(state: IntakeState, index: int, mode: Mode = Mode.ASKING, **kw: int | None) -> Decision:
    moved = replace(state, mode=mode, cursor=state.slots[index])
    return Decision(
        changes=(MoveTo(mode, state.slots[index]),), replies=(_ask(moved, index, **kw),)
    )


def _next_open(state: IntakeState, after: int) -> int | None:
    """Returns the first unanswered slot after ``after``, or None."""
    slots = state.slots
    return next((i for i in range(after + 1, len(slots)) if slots[i] not in state.answers), None)


def _advance(
    state: IntakeState,
    answers: Mapping[SlotRef, StoredAnswer],
    after: int,
    *,
    append_target: int | None = None,
) -> Decision:
    """After slot ``after`` is done: ask the next open question, or show the review."""
    updated = replace(state, answers=answers, mode=Mode.ASKING)
    nxt = _next_open(updated, after)
    if nxt is None:
        return _review(updated)
    return _ask_at(updated, nxt, append_target=append_target)


def _resume(state: IntakeState) -> Decision:
    index = state.index(state.cursor)
    if state.mode in (Mode.ASKING, Mode.EDITING, Mode.APPENDING) and index is not None:
        mode = Mode.ASKING if state.mode is Mode.APPENDING else state.mode
        return _ask_at(state, index, mode)
    if state.mode is Mode.REVIEW or state.submitted:
        open_required = state.open_required()
        if open_required:
            # "Continue" from the review means: on with what is still open. Also after
            # submitting: reminders nudge about open questions, so Continue must reach them.
            return _ask_at(state, state.slots.index(open_required[0]))
        return _review(state)
    first_open = _next_open(state, -1)
    if first_open is None:
        return _review(state)
    return _ask_at(state, first_open)


def _review(state: IntakeState) -> Decision:
    items = tuple(
        ReviewItem(
            index=i,
            slot=slot,
            answer=state.answers[slot].text if slot in state.answers else None,
            required=question_of(state.template, slot).required,
        )
        for i, slot in enumerate(state.slots)
    )
    show = ShowReview(items, len(state.open_required()), state.submitted, state.locked)
    # The cursor stays: "back" from the review returns to the question the colleague was at.
    return Decision(changes=(MoveTo(Mode.REVIEW, state.cursor),), replies=(show,))


def _current_index(state: IntakeState, at: int | None) -> int | None:
    """Returns the cursor's index if a button made for slot ``at`` is still current."""
    if state.mode not in (Mode.ASKING, Mode.EDITING, Mode.APPENDING):
        return None
    index = state.index(state.cursor)
    if index is None or (at is not None and at != index):
        return None
    return index


def _on_text(state: IntakeState, text: str, message_id: int | None) -> Decision:
    if state.mode is Mode.REVIEW:
        return Decision(replies=(Note("review_hint"),))
    index = state.index(state.cursor)
    if index is None:
        return _resume(state)
    slot = state.slots[index]
    question = question_of(state.template, slot)
    if state.mode is Mode.APPENDING:
        return _append_text(state, index, slot, text, message_id)
    value = normalise_answer(question, text)
    if value is None:
        if question.kind is QuestionKind.CHOICE:
            return Decision(replies=(Note("choose_an_option"), _ask(state, index)))
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
        review = _review(updated)
        return Decision((save, *review.changes), (saved, *review.replies))
    nxt = _advance(state, answers, index, append_target=index if appendable else None)
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
    nxt = _advance(state, answers, index, append_target=index)
    return Decision((save, *nxt.changes), (Note("appended"), *nxt.replies))


def _on_skip(state: IntakeState, at: int | None) -> Decision:
    index = _current_index(state, at)
    if index is None:
        return EXPIRED if at is not None else _resume(state)
    if state.mode is Mode.EDITING:
        return _review(state)
    if state.mode is Mode.APPENDING:
        return _advance(state, state.answers, index)
    if state.slots[index] in state.answers and index + 1 < len(state.slots):
        # Keeping an answer while walking back through them: on to the very next question.
        nxt = _ask_at(state, index + 1)
        return Decision(nxt.changes, (Note("kept"), *nxt.replies))
    note = Note("kept" if state.slots[index] in state.answers else "skipped")
    nxt = _advance(state, state.answers, index)
    return Decision(nxt.changes, (note, *nxt.replies))


def _on_back(state: IntakeState, at: int | None) -> Decision:
    index = _current_index(state, at)
    if index is None:
        if at is not None:
            return EXPIRED
        if state.mode is Mode.REVIEW and state.slots:
            came_from = state.index(state.cursor)
            return _ask_at(state, len(state.slots) - 1 if came_from is None else came_from)
        return _resume(state)
    if index == 0:
        return Decision(replies=(Note("at_first_question"), _ask(state, 0)))
    return _ask_at(state, index - 1)


def _on_append(state: IntakeState, at: int, target: int) -> Decision:
    index = _current_index(state, at)
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
    index = _current_index(state, at)
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
    return _ask_at(replace(state, mode=Mode.EDITING), at, Mode.EDITING)


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
    first = _next_open(asking, -1)
    nxt = _review(asking) if first is None else _ask_at(asking, first)
    return Decision(
        nxt.changes, (Note("themes_chosen", {"count": len(state.theme_keys)}), *nxt.replies)
    )


def _on_message_edited(state: IntakeState, slot: SlotRef, part: int, text: str) -> Decision:
    answer = state.answers.get(slot)
    if answer is None or not 0 <= part < len(answer.parts):
        return Decision(replies=(Note("edit_not_an_answer"),))
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
