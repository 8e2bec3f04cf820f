"""What a colleague can do in the intake: the engine's events. Pure records."""

from __future__ import annotations

from msgspec import Struct

from conversations.slots import SlotRef


class Text(Struct, frozen=True):
    """A text message."""

    text: str
    message_id: int | None = None


class Skip(Struct, frozen=True):
    """Skip (or keep) the question at the cursor; ``at`` is the slot the button was for."""

    at: int | None = None


class Back(Struct, frozen=True):
    """Go to the previous question."""

    at: int | None = None


class Append(Struct, frozen=True):
    """Add the next message to the answer of slot ``target``."""

    at: int
    target: int


class Choose(Struct, frozen=True):
    """Pick option ``option`` of the choice question at the cursor."""

    at: int
    option: int


class Review(Struct, frozen=True):
    """Show all answers."""


class Edit(Struct, frozen=True):
    """Answer slot ``at`` again, then return to the review."""

    at: int


class Submit(Struct, frozen=True):
    """Submit the answers; ``confirmed`` once the colleague said yes despite open questions."""

    confirmed: bool = False


class Continue(Struct, frozen=True):
    """Ask the current question again, or the first open one."""

    welcome_back: bool = False


class Status(Struct, frozen=True):
    """Say how far along the colleague is."""


class ToggleTheme(Struct, frozen=True):
    """Select or deselect a theme while picking."""

    index: int


class ConfirmThemes(Struct, frozen=True):
    """Done picking themes."""


class MessageEdited(Struct, frozen=True):
    """The colleague edited a message that was (part ``part`` of) the answer of ``slot``."""

    slot: SlotRef
    part: int
    text: str


class PlaceAside(Struct, frozen=True):
    """Make kept text ``note`` the answer of slot ``target`` (a former answer stays in history)."""

    note: int
    target: int


class AddAside(Struct, frozen=True):
    """Add kept text ``note`` to the answer of slot ``target``."""

    note: int
    target: int


class ShowAddTargets(Struct, frozen=True):
    """Offer the answers kept text ``note`` can be added to."""

    note: int


class WhereAside(Struct, frozen=True):
    """Ask again where the oldest kept text belongs."""


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
    | PlaceAside
    | AddAside
    | ShowAddTargets
    | WhereAside
)
