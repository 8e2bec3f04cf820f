"""Where a colleague is in the intake: the state the engine decides on. Pure records."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property

from msgspec import Struct

from conversations.progress import open_required
from conversations.slots import SlotRef, slots_for
from conversations.template import Template

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
    REVIEW = "review"  # the review is shown; text is kept aside and placed where it belongs


class StoredAnswer(Struct, frozen=True):
    """What the engine needs of a stored answer: its parts (one per message) and their join."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


class AsideNote(Struct, frozen=True):
    """A text the colleague sent that was no answer when it came (the review was shown, the
    themes were being picked, a message that no longer gives an answer was edited): kept, and
    placed where the colleague says it belongs."""

    id: int
    text: str
    message_id: int | None = None


class IntakeState(Struct, frozen=True, dict=True):
    """Everything stored about one colleague that decides what happens next."""

    # dict=True: `slots` (a cached_property) is kept in a __dict__, which a Struct has not
    # otherwise; `replace` makes a new state, so a changed theme list is counted afresh.

    template: Template
    theme_keys: tuple[str, ...]
    answers: Mapping[SlotRef, StoredAnswer]
    mode: Mode
    cursor: SlotRef | None
    submitted: bool = False
    locked: bool = False  # submitted and past the deadline: answers are final
    aside: tuple[AsideNote, ...] = ()  # texts kept aside, not placed yet, oldest first

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
