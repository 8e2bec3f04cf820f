"""The update being handled right now: what its handler queued, claimed and asked for.

The pipeline (bot/pipeline.py) runs each update's handler inside a :class:`Handling`, kept in a
context variable so handlers need not pass it around. A handler

* claims the update in its write transaction (:func:`first_time`), which marks the inbox entry
  handled in the same commit as the answer: a crash can never make it count twice;
* queues its replies in that same transaction (:func:`queue_replies`), so a crash between the
  commit and the send delays them instead of losing them; or, when it writes nothing, hands
  them over with :func:`reply_later` and the pipeline claims and queues them in one commit;
* asks to be tried again later when the store could not take its write (:func:`retry_later`).

The pipeline sends the queued replies after the handler returned, in order, per chat.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.lengths import split_text
from bot.render import Outgoing
from storage import Writer
from storage.records import Keyboard, Lane, Letter, OutboxMessage


def fingerprint(update: Update) -> str:
    """Returns what identifies an update besides its id, which Telegram may reuse."""
    if update.callback_query:
        return f"q:{update.callback_query.id}"
    message = update.effective_message
    if message is not None:
        edited = int(message.edit_date.timestamp()) if message.edit_date else 0
        return f"m:{message.chat_id}:{message.message_id}:{edited}"
    return f"u:{update.update_id}"


@dataclass
class Handling:
    """One update on its way through its handler."""

    update_id: int
    fingerprint: str
    queued: list[OutboxMessage] = field(default_factory=list)  # in the outbox, to send
    later: list[tuple[int, Letter]] = field(default_factory=list)  # (chat, message) to queue
    claimed: bool = False  # its handler claimed it (in a transaction that committed or not)
    redelivered: bool = False  # the claim found it handled before: say nothing again
    forget: bool = False  # a stranger's update: keep nothing of it
    retry: bool = False  # the store could not take it: try again later
    failed: bool = False  # a handler raised: its transaction, claim included, is undone
    attempt: int = 0  # earlier tries of this update that the store could not take

    @classmethod
    def of(cls, update: Update) -> Handling:
        return cls(update.update_id, fingerprint(update))


_current: contextvars.ContextVar[Handling | None] = contextvars.ContextVar(
    "themabot_handling", default=None
)


def current(update: Update) -> Handling:
    """Returns the Handling of ``update`` (a fresh one when it came from outside a pipeline)."""
    handling = _current.get()
    if handling is None or handling.update_id != update.update_id:
        handling = Handling.of(update)
        _current.set(handling)
    return handling


def enter(handling: Handling) -> contextvars.Token[Handling | None]:
    """Makes ``handling`` current (the pipeline does, before running the handlers)."""
    return _current.set(handling)


def leave(token: contextvars.Token[Handling | None]) -> None:
    _current.reset(token)


async def first_time(tx: Writer, update: Update, now: datetime) -> bool:
    """Claims the update in the caller's transaction; False when it was handled before."""
    handling = current(update)
    fresh = await tx.claim_update(handling.update_id, handling.fingerprint, now)
    handling.claimed = True
    handling.redelivered = not fresh
    return fresh


def letters(messages: list[Outgoing]) -> list[Letter]:
    """Turns rendered messages into outbox letters: one per Telegram message (long ones split,
    the keyboard on the last part)."""
    out: list[Letter] = []
    for message in messages:
        chunks = split_text(message.text)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(Letter(chunk, stored_keyboard(message.keyboard) if last else None))
    return out


def stored_keyboard(markup: InlineKeyboardMarkup | None) -> Keyboard | None:
    """Returns inline buttons as the outbox stores them: rows of (label, callback data)."""
    if markup is None:
        return None
    return tuple(
        tuple((button.text, str(button.callback_data or "")) for button in row)
        for row in markup.inline_keyboard
    )


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Returns stored buttons as Telegram's inline keyboard."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in keyboard
        ]
    )


async def queue_replies(
    tx: Writer, update: Update, chat_id: int, messages: list[Outgoing], now: datetime
) -> None:
    """Queues replies to ``update`` in the caller's transaction; sent once it has committed."""
    if not messages:
        return
    queued = await tx.queue_messages(chat_id, letters(messages), Lane.REPLY, now)
    current(update).queued.extend(queued)


def reply_later(update: Update, chat_id: int, messages: list[Outgoing]) -> None:
    """Hands replies of a handler that writes nothing to the pipeline, which claims the
    update and queues them in one commit."""
    current(update).later.extend((chat_id, letter) for letter in letters(messages))


def reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Answers in the chat the update came from, after the handler (see :func:`reply_later`)."""
    chat = update.effective_chat
    if chat is not None:
        reply_later(update, chat.id, [Outgoing(text, keyboard)])


def forget(update: Update) -> None:
    """Marks the update as a stranger's: the inbox keeps nothing of it."""
    current(update).forget = True


def retry_later(update: Update) -> None:
    """Leaves the update in the inbox: the store could not take its write; try again."""
    current(update).retry = True
