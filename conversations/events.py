"""What a colleague can do in the intake: the engine's events. Pure records."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.slots import SlotRef


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


@dataclass(frozen=True)
class PlaceAside:
    """Make kept text ``note`` the answer of slot ``target`` (a former answer stays in history)."""

    note: int
    target: int


@dataclass(frozen=True)
class AddAside:
    """Add kept text ``note`` to the answer of slot ``target``."""

    note: int
    target: int


@dataclass(frozen=True)
class ShowAddTargets:
    """Offer the answers kept text ``note`` can be added to."""

    note: int


@dataclass(frozen=True)
class WhereAside:
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
