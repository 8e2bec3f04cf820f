"""What the engine decides: changes to store and replies to render. Pure records."""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct, field

from conversations.slots import SlotRef
from conversations.state import AnswerSource, Mode


class SaveAnswer(Struct, frozen=True):
    """Store this answer (all its parts); ``message_id`` is the message that gave ``part``."""

    slot: SlotRef
    parts: tuple[str, ...]
    source: AnswerSource
    message_id: int | None = None
    part: int = 0


class MoveTo(Struct, frozen=True):
    """Store where the colleague is."""

    mode: Mode
    cursor: SlotRef | None


class SetThemes(Struct, frozen=True):
    """Store the colleague's themes, in this order."""

    theme_keys: tuple[str, ...]


class MarkSubmitted(Struct, frozen=True):
    """Store that the colleague submitted."""


class KeepAside(Struct, frozen=True):
    """Store a text that is no answer now, to be placed later (never thrown away)."""

    text: str
    message_id: int | None = None


class MarkPlaced(Struct, frozen=True):
    """Store that kept text ``note`` has found its place."""

    note: int


Change = SaveAnswer | MoveTo | SetThemes | MarkSubmitted | KeepAside | MarkPlaced


class Note(Struct, frozen=True):
    """A short text from the catalogue."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


class Ask(Struct, frozen=True):
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


class ReviewItem(Struct, frozen=True):
    index: int
    slot: SlotRef
    answer: str | None
    required: bool


class ShowReview(Struct, frozen=True):
    """All questions per theme with their answers, edit buttons and submit."""

    items: tuple[ReviewItem, ...]
    open_required: int
    submitted: bool
    locked: bool
    aside: int = 0  # kept texts still without a place


class PickThemes(Struct, frozen=True):
    """The theme picker with the current selection."""

    selected: tuple[str, ...]


class ConfirmSubmit(Struct, frozen=True):
    """Ask whether to submit despite open required questions."""

    open_required: int


class Target(Struct, frozen=True):
    """A question a kept text may go under: slot ``index`` of the colleague's list."""

    index: int
    slot: SlotRef
    theme_no: int  # 1-based, as the questions show it ("Thema 1/2 ... vraag 3/7")
    question_no: int
    last_asked: bool = False


class AskWhere(Struct, frozen=True):
    """Ask where a kept text belongs: the question last asked first, then open questions.

    ``note`` is None for the text kept by this very decision (its id exists once stored).
    """

    note: int | None
    text: str
    targets: tuple[Target, ...]  # best guess first
    can_add: bool  # there are answers it could be added to
    # Where it can go nowhere as an answer (everything answered, say): the answers it can be
    # added to, offered straight away, so it still takes one tap.
    adds: tuple[Target, ...] = ()


class ChooseAddTarget(Struct, frozen=True):
    """Offer the answers a kept text can be added to."""

    note: int
    targets: tuple[Target, ...]


Reply = Note | Ask | ShowReview | PickThemes | ConfirmSubmit | AskWhere | ChooseAddTarget


class Decision(Struct, frozen=True):
    changes: tuple[Change, ...] = ()
    replies: tuple[Reply, ...] = ()


EXPIRED = Decision(replies=(Note("button_expired"),))
