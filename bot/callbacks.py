"""Inline-button callback data: short, versioned and self-describing.

``v1:<action>:<n>:<n>...`` — an action code and integer arguments, the first of which is the
owner (participant or round) the button was made for. A button pressed after a restart still
works because it names everything it needs; one that no longer fits the stored state, or
that was never made by us (forged), parses to None or is refused as expired by the engine.
Telegram allows 64 bytes.
"""

from __future__ import annotations

import re
from enum import StrEnum

from msgspec import Struct
from telegram import CallbackQuery, Update

VERSION = "v1"
_PATTERN = re.compile(rf"^{VERSION}:([a-z]{{2}})((?::-?\d{{1,12}}){{0,4}})$")


class Action(StrEnum):
    SKIP = "sk"
    BACK = "bk"
    APPEND = "ap"
    CHOOSE = "ch"
    REVIEW = "rv"
    EDIT = "ed"
    SUBMIT = "su"
    SUBMIT_ANYWAY = "sa"
    CONTINUE = "go"
    TOGGLE_THEME = "tt"
    CONFIRM_THEMES = "tc"
    SNOOZE = "sn"  # remind me later: arg 1 = days ahead (1 tomorrow, 7 next week)
    AWAY = "aw"  # away: arg = the return date (date.toordinal())
    REMIND_CONFIRM = "rm"  # coordinator: send reminders now (owner = round)
    ROUND_SELECT = "rs"  # coordinator: make a round the active one
    PLACE_ASIDE = "pa"  # a kept text becomes the answer of a slot: args = note, slot
    ADD_ASIDE = "ad"  # a kept text is added to the answer of a slot: args = note, slot
    ADD_TARGETS = "al"  # offer the answers a kept text can be added to: arg = note
    WHERE_ASIDE = "wh"  # ask again where the oldest kept text belongs
    OVERVIEW = "ov"  # coordinator: an overview again (owner = round): format, submitted only
    WITHDRAW_CONFIRM = "wd"  # coordinator: take someone out (owner = round, arg = invite id)
    WITHDRAW_SELF = "wm"  # colleague: erase my own input (owner = participant)
    CLOSE_CONFIRM = "cl"  # coordinator: close the round (owner = round)


class Callback(Struct, frozen=True):
    action: Action
    owner: int
    args: tuple[int, ...] = ()

    def encode(self) -> str:
        return ":".join([VERSION, self.action.value, str(self.owner), *map(str, self.args)])


def make(action: Action, owner: int, *args: int) -> str:
    """Returns the callback data for a button."""
    data = Callback(action, owner, tuple(args)).encode()
    assert len(data.encode()) <= 64, data  # a programming error, not user input
    return data


def pattern(action: Action) -> str:
    """Returns the regex a CallbackQueryHandler uses to pick this action's buttons."""
    return rf"^{VERSION}:{action.value}:"


def pressed(update: Update) -> tuple[CallbackQuery, Callback | None]:
    """The query of a pressed button (every CallbackQueryHandler's update has one) and what
    its data says (None: not made by us, or too old)."""
    query = update.callback_query
    assert query is not None  # only CallbackQueryHandlers call this
    return query, parse(query.data)


def parse(data: str | None) -> Callback | None:
    """Returns the decoded callback, or None for anything we did not make (old or forged)."""
    match = _PATTERN.match(data or "")
    if not match:
        return None
    try:
        action = Action(match.group(1))
    except ValueError:
        return None
    numbers = tuple(int(n) for n in match.group(2).split(":")[1:])
    if not numbers:
        return None
    return Callback(action, numbers[0], numbers[1:])
