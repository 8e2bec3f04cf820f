"""Who may do what: coordinators, colleagues who own a button, strangers.

:func:`coordinator_command` is the one preamble of every coordinator handler: it checks the
role, finds the coordinator's active round (reading what the handler needs of it in the same
consistent view) and refuses politely otherwise, so a handler body starts with its data.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot.context import BotContext
from bot.handling import forget, reply
from bot.sending import acknowledge
from bot.services import Services
from conversations.texts import Catalogue, catalogue
from storage import Reader
from storage.records import Participant, Round, RoundSnapshot

T = TypeVar("T")

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def texts_for(s: Services) -> Catalogue:
    """Returns the catalogue for someone we know nothing about: the bot's default language."""
    return catalogue(s.settings.language)


async def is_coordinator(tx: Reader, s: Services, user_id: int) -> bool:
    """Returns whether the user is a coordinator (by setting or by coordinator invite)."""
    return user_id in s.settings.coordinators or await tx.coordinator(user_id) is not None


async def coordinator_chats(tx: Reader, s: Services) -> set[int]:
    """Returns the chats of every coordinator (by setting and by coordinator invite)."""
    return set(s.settings.coordinators) | set(await tx.coordinator_chats())


async def owned(tx: Reader, participant_id: int, user_id: int) -> Participant | None:
    """Returns the participation if it is this user's and they still take part, else None."""
    participant = await tx.participant(participant_id)
    if participant is None or participant.user_id != user_id or participant.withdrawn:
        return None
    return participant


def user_id(update: Update) -> int:
    """The sender of an update that reached a handler (the guards stop updates without one)."""
    assert update.effective_user is not None  # only_private stops updates without a sender
    return update.effective_user.id


def chat_id(update: Update) -> int:
    """The chat of an update that reached a handler (only private chats get this far)."""
    assert update.effective_chat is not None
    return update.effective_chat.id


async def refuse_stranger(update: Update, context: BotContext) -> None:
    """Tells someone without a participation what they can do; stores nothing of theirs."""
    s = context.services
    withdrawn: Round | None = None
    async with s.db.read() as tx:
        coordinator = await is_coordinator(tx, s, user_id(update))
        if not coordinator:
            # Someone who withdrew is no stranger: they hear why nothing is kept any more.
            for round_ in reversed(await tx.list_rounds()):
                found = await tx.participant_in_round(round_.id, user_id(update))
                if found is not None and found.withdrawn:
                    withdrawn = round_
                    break
    if not coordinator:
        forget(update)
    t = texts_for(s)
    if withdrawn is not None:
        reply(update, t("withdrawn_writes", round=withdrawn.name))
        return
    reply(update, t("coordinator_no_text" if coordinator else "not_invited"))


async def active_round(tx: Reader, coordinator_id: int) -> Round | None:
    """Returns the round a coordinator works on: the one they picked, else the newest."""
    coordinator = await tx.coordinator(coordinator_id)
    if coordinator is not None and coordinator.active_round_id is not None:
        round_ = await tx.get_round(coordinator.active_round_id)
        if round_ is not None:
            return round_
    rounds = await tx.list_rounds()
    return rounds[-1] if rounds else None


async def the_round(_tx: Reader, round_: Round) -> Round:
    """What a coordinator command reads of its round: the round itself."""
    return round_


async def the_snapshot(tx: Reader, round_: Round) -> RoundSnapshot | None:
    """What a coordinator command reads of its round: everything (progress, overview)."""
    return await tx.snapshot(round_.id)


def coordinator_command(
    read: Callable[[Reader, Round], Awaitable[T | None]],
) -> Callable[[Callable[[Update, BotContext, T, Catalogue], Awaitable[None]]], Handler]:
    """Makes a coordinator handler: ``handler(update, context, what_read, texts)`` runs only
    for a coordinator with a round; anyone else gets a polite refusal and nothing happens."""

    def decorate(
        handler: Callable[[Update, BotContext, T, Catalogue], Awaitable[None]],
    ) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> None:
            s = context.services
            t = texts_for(s)
            found = None
            async with s.db.read() as tx:
                allowed = await is_coordinator(tx, s, user_id(update))
                if allowed:
                    round_ = await active_round(tx, user_id(update))
                    found = await read(tx, round_) if round_ is not None else None
            if not allowed:
                if update.callback_query:
                    await acknowledge(update.callback_query, t("not_coordinator"))
                else:
                    forget(update)
                    reply(update, t("not_coordinator"))
                return
            if found is None:
                reply(update, t("no_rounds"))
                return
            await handler(update, context, found, t)

        return guarded

    return decorate
