"""Reading the bot's messages as the demo's colleagues do: by what their buttons do.

Buttons are found by their callback action (``bot.callbacks``), not their label, so the demo
keeps working when a text in the catalogue changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot import callbacks
from bot.callbacks import Action
from devtools.standin import BotMessage

__all__ = ["actions", "button_data", "choice_data", "is_question", "last_step"]


def actions(message: BotMessage) -> set[Action]:
    """The actions of the message's inline buttons (buttons we did not make are ignored)."""
    found = set()
    for row in message.inline_keyboard:
        for button in row:
            parsed = callbacks.parse(button.get("callback_data"))
            if parsed is not None:
                found.add(parsed.action)
    return found


def button_data(message: BotMessage, wanted: Callable[[str, Action], bool]) -> str | None:
    """The callback data of the first button whose (label, action) is ``wanted``."""
    for row in message.inline_keyboard:
        for button in row:
            parsed = callbacks.parse(button.get("callback_data"))
            if parsed is not None and wanted(str(button.get("text", "")), parsed.action):
                return str(button["callback_data"])
    return None


def choice_data(message: BotMessage, option: str) -> str | None:
    """The callback data of the choice button for ``option`` (labelled "2. krap")."""
    return button_data(
        message, lambda label, action: action is Action.CHOOSE and label.endswith(f". {option}")
    )


def is_question(message: BotMessage) -> bool:
    # Every question offers Overslaan (or Houden zo): a skip button marks a question message.
    return Action.SKIP in actions(message)


def _is_review_footer(message: BotMessage) -> bool:
    return bool(actions(message) & {Action.SUBMIT, Action.CONTINUE})


def last_step(replies: Sequence[BotMessage]) -> BotMessage | None:
    """The next question or the review footer among ``replies`` (both come last in a reply)."""
    return next((m for m in reversed(replies) if is_question(m) or _is_review_footer(m)), None)
