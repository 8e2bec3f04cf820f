"""Handlers for colleagues: thin translations from Telegram updates to intake events.

Each handler that changes something claims its update and queues its replies in the same
write transaction (bot/handling.py); the pipeline sends them after the commit. A redelivered
update that was handled before finds its claim taken and says nothing again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from telegram import ChatMember, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import ApplicationHandlerStop

from bot import callbacks, intake
from bot.callbacks import Action, Callback
from bot.context import BotContext
from bot.handling import first_time, forget, queue_replies, reply
from bot.render import Outgoing, with_note
from bot.roles import chat_id, is_coordinator, owned, refuse_stranger, texts_for, user_id
from bot.roster import join_again, theme_titles
from bot.sending import acknowledge, drop_keyboard
from bot.services import Services
from conversations import engine
from conversations.slots import SlotRef
from conversations.texts import Markup, catalogue
from storage import Writer
from storage.records import Invite

log = logging.getLogger(__name__)

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


# --- guards ----------------------------------------------------------------------------


async def only_private(update: Update, context: BotContext) -> None:
    """Answers updates from groups and channels with a pointer to a private chat, and stops.

    Also stops what no handler can serve: a button on an inline message (there is no chat to
    answer in, so its spinner gets "expired") and a message without a sender.
    """
    query = update.callback_query
    if query is not None and query.message is None:
        await acknowledge(query, texts_for(context.services)("button_not_here"))
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if query is not None and not query.data and chat is not None and chat.type == chat.PRIVATE:
        # PTB would hand a press without data to the first handler with a pattern (a
        # coordinator's); it is simply not one of our buttons.
        await on_button(update, context)
        raise ApplicationHandlerStop
    if chat is not None and chat.type != chat.PRIVATE:
        if query:
            await acknowledge(query)
        if update.message and chat.type in (chat.GROUP, chat.SUPERGROUP):
            reply(update, texts_for(context.services)("private_only"))
        raise ApplicationHandlerStop
    if update.effective_message is not None and update.effective_user is None:
        raise ApplicationHandlerStop  # nobody to answer, nothing of anybody's to store


# --- /start ----------------------------------------------------------------------------


async def on_start(update: Update, context: BotContext) -> None:
    """Accepts an invite (or resumes) and asks the first open question, in one message."""
    s = context.services
    token = context.args[0] if context.args else None
    if token is None:
        await _run_event(update, context, engine.Continue(welcome_back=True))
        return
    t = texts_for(s)
    now = s.now()
    if not s.throttle.may_try_token(user_id(update), now):  # guessing: not even looked up
        await refuse_stranger_with(update, context, t("too_many_tries"))
        return
    if not TOKEN_SHAPE.match(token):
        s.throttle.bad_token(user_id(update), now)
        await refuse_stranger_with(update, context, t("bad_token"))
        return
    async with s.db.write() as tx:
        invite = await tx.invite_by_token(token)
        round_ = await tx.get_round(invite.round_id) if invite else None
        if invite is None or invite.used_by not in (None, user_id(update)):
            refusal = t("bad_token" if invite is None else "token_used")
        elif round_ is not None and round_.closed:
            # An invite of a closed round opens nothing: nobody joins, nothing is stored.
            refusal = catalogue(round_.template.language)("invite_round_closed", round=round_.name)
        else:
            refusal = None
            if await first_time(tx, update, now):
                if invite.coordinator:
                    welcome = await _join_as_coordinator(tx, invite, update, now)
                else:
                    welcome = await _join_as_colleague(tx, s, invite, update, now)
                await queue_replies(tx, update, chat_id(update), welcome, now)
    if refusal is not None:
        s.throttle.bad_token(user_id(update), now)
        # A refused stranger's update is not recorded: nothing of theirs is kept.
        await refuse_stranger_with(update, context, refusal)
    else:
        s.throttle.good_token(user_id(update))


async def refuse_stranger_with(update: Update, context: BotContext, text: str) -> None:
    """Refuses with ``text``; a stranger's update leaves nothing behind."""
    s = context.services
    async with s.db.read() as tx:
        known = await tx.active_participant(user_id(update)) is not None or await is_coordinator(
            tx, s, user_id(update)
        )
    if not known:
        forget(update)
    reply(update, text)


async def _join_as_coordinator(
    tx: Writer, invite: Invite, update: Update, now: datetime
) -> list[Outgoing]:
    round_ = await tx.get_round(invite.round_id)
    assert round_ is not None  # an invite belongs to a round (foreign key)
    await tx.mark_invite_used(invite.id, user_id(update), now)
    await tx.add_coordinator(
        user_id(update), chat_id(update), invite.name, invite.id, now, invite.round_id
    )
    t = catalogue(round_.template.language)
    return [Outgoing(t("coordinator_joined", name=invite.name, round=round_.name))]


async def _join_as_colleague(
    tx: Writer, s: Services, invite: Invite, update: Update, now: datetime
) -> list[Outgoing]:
    round_ = await tx.get_round(invite.round_id)
    assert round_ is not None  # an invite belongs to a round (foreign key)
    zone = s.settings.zone
    existing = await tx.participant_in_round(invite.round_id, user_id(update))
    if existing is not None and existing.withdrawn:
        return [Outgoing(catalogue(existing.language)("withdrawn", round=round_.name))]
    if existing is not None:
        # Same person again: resume. A second invite for a round they are in (invited twice,
        # maybe under another spelling): its themes become theirs and it counts as used.
        t = catalogue(existing.language)
        added = await join_again(tx, round_, existing, invite, now) if not invite.used_at else ()
        if added:
            existing = await tx.participant(existing.id) or existing
            note = t("already_joined_more", themes=theme_titles(round_, added))
        else:
            note = t("already_joined")
        prompt = await intake.current_prompt(tx, existing, now, zone)
        return with_note(note, prompt.messages)
    language = round_.template.language
    t = catalogue(language)
    mode = engine.Mode.ASKING if invite.theme_keys else engine.Mode.PICKING
    await tx.mark_invite_used(invite.id, user_id(update), now)
    participant = await tx.create_participant(
        invite, user_id(update), chat_id(update), language, mode, now
    )
    deadline = t("deadline_line", deadline=t.date(round_.deadline)) if round_.deadline else ""
    if invite.theme_keys:
        template = round_.template
        themes = ", ".join(theme.title for k in invite.theme_keys if (theme := template.theme(k)))
        welcome = t(
            "welcome", name=invite.name, round=round_.name, deadline=Markup(deadline), themes=themes
        )
    else:
        welcome = t("welcome_pick", name=invite.name, round=round_.name, deadline=Markup(deadline))
    first = await intake.run(tx, participant, None, now, zone)
    return with_note(welcome, first.messages)


# --- the intake itself -----------------------------------------------------------------


async def _run_event(update: Update, context: BotContext, event: engine.Event) -> None:
    """Runs one event for the user's active participation and queues the replies."""
    s = context.services
    now = s.now()
    async with s.db.write() as tx:
        participant = await tx.active_participant(user_id(update))
        if participant is not None and await first_time(tx, update, now):
            outcome = await intake.run(
                tx, participant, event, now, s.settings.zone, chat_id=chat_id(update)
            )
            await queue_replies(tx, update, outcome.chat_id, outcome.messages, now)
    if participant is None:
        await refuse_stranger(update, context)


async def on_text(update: Update, context: BotContext) -> None:
    """Stores the answer to the question last asked and asks the next one."""
    message = update.effective_message
    assert message is not None and message.text is not None  # filters.TEXT
    await _run_event(update, context, engine.Text(message.text, message.message_id))


async def on_skip(update: Update, context: BotContext) -> None:
    """Skips the current question and asks the next one."""
    await _run_event(update, context, engine.Skip())


async def on_back(update: Update, context: BotContext) -> None:
    """Asks the previous question again."""
    await _run_event(update, context, engine.Back())


async def on_review(update: Update, context: BotContext) -> None:
    """Shows every answer with edit buttons and submit."""
    await _run_event(update, context, engine.Review())


async def on_status(update: Update, context: BotContext) -> None:
    """Says how far along the colleague is."""
    await _run_event(update, context, engine.Status())


async def on_help(update: Update, context: BotContext) -> None:
    """Explains the commands: the colleague's, and the coordinator's to coordinators."""
    s = context.services
    async with s.db.read() as tx:
        participant = await tx.active_participant(user_id(update))
        coordinator = await is_coordinator(tx, s, user_id(update))
    t = catalogue(participant.language) if participant else texts_for(s)
    parts = []
    if participant:
        parts.append(t("help_colleague"))
    if coordinator:
        parts.append(t("help_coordinator"))
    if not parts:
        await refuse_stranger(update, context)
        return
    reply(update, "\n\n".join(parts))


async def on_edited(update: Update, context: BotContext) -> None:
    """Updates the stored answer a message gave, when the colleague edits that message."""
    s = context.services
    message = update.edited_message
    assert message is not None  # filters.UpdateType.EDITED_MESSAGE
    now = s.now()
    if not message.text:
        reply(update, texts_for(s)("non_text"))
        return
    async with s.db.write() as tx:
        found = await tx.answer_for_message(message.chat_id, message.message_id)
        owner = await owned(tx, found.participant_id, user_id(update)) if found else None
        if owner is None or found is None:
            owner = await tx.active_participant(user_id(update))
            event = engine.MessageEdited(SlotRef("", ""), -1, message.text)
        else:
            slot = SlotRef(found.theme_key, found.question_key)
            event = engine.MessageEdited(slot, found.part, message.text)
        if owner is not None and await first_time(tx, update, now):
            outcome = await intake.run(tx, owner, event, now, s.settings.zone)
            await queue_replies(tx, update, outcome.chat_id, outcome.messages, now)
    if owner is None:
        await refuse_stranger(update, context)


async def on_other_message(update: Update, context: BotContext) -> None:
    """Answers stickers, photos, voice notes and the like with a hint to type text."""
    s = context.services
    async with s.db.read() as tx:
        participant = await tx.active_participant(user_id(update))
    if participant is None:
        await refuse_stranger(update, context)
        return
    reply(update, catalogue(participant.language)("non_text"))


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """Points to /help for a command we do not know."""
    await refuse_stranger_with(update, context, texts_for(context.services)("unknown_command"))


# --- buttons ---------------------------------------------------------------------------

_EVENTS: dict[Action, Callable[[tuple[int, ...]], engine.Event]] = {
    Action.SKIP: lambda a: engine.Skip(a[0]),
    Action.BACK: lambda a: engine.Back(a[0]),
    Action.APPEND: lambda a: engine.Append(a[0], a[1]),
    Action.CHOOSE: lambda a: engine.Choose(a[0], a[1]),
    Action.REVIEW: lambda a: engine.Review(),
    Action.EDIT: lambda a: engine.Edit(a[0]),
    Action.SUBMIT: lambda a: engine.Submit(),
    Action.SUBMIT_ANYWAY: lambda a: engine.Submit(confirmed=True),
    Action.CONTINUE: lambda a: engine.Continue(),
    Action.TOGGLE_THEME: lambda a: engine.ToggleTheme(a[0]),
    Action.CONFIRM_THEMES: lambda a: engine.ConfirmThemes(),
    Action.PLACE_ASIDE: lambda a: engine.PlaceAside(a[0], a[1]),
    Action.ADD_ASIDE: lambda a: engine.AddAside(a[0], a[1]),
    Action.ADD_TARGETS: lambda a: engine.ShowAddTargets(a[0]),
    Action.WHERE_ASIDE: lambda a: engine.WhereAside(),
}
_ARITY = {
    Action.SKIP: 1,
    Action.BACK: 1,
    Action.APPEND: 2,
    Action.CHOOSE: 2,
    Action.EDIT: 1,
    Action.TOGGLE_THEME: 1,
    Action.PLACE_ASIDE: 2,
    Action.ADD_ASIDE: 2,
    Action.ADD_TARGETS: 1,
}


def intake_event(callback: Callback) -> engine.Event | None:
    """Returns the intake event a button stands for, or None if it is malformed."""
    build = _EVENTS.get(callback.action)
    if build is None or len(callback.args) != _ARITY.get(callback.action, 0):
        return None
    return build(callback.args)


async def on_button(update: Update, context: BotContext) -> None:
    """Runs the intake event of a pressed button; stale or forged buttons change nothing."""
    s = context.services
    query, callback = callbacks.pressed(update)
    event = intake_event(callback) if callback else None
    now = s.now()
    messages: list[Outgoing] = []
    edit: Outgoing | None = None
    async with s.db.write() as tx:
        participant = (
            await owned(tx, callback.owner, user_id(update)) if callback and event else None
        )
        expired = participant is None
        if participant is None:
            # Not made by us, or made for someone else: change nothing, say where they are.
            participant = await tx.active_participant(user_id(update))
            event = engine.Continue() if participant else None
        if participant is not None and event is not None and await first_time(tx, update, now):
            outcome = await intake.run(tx, participant, event, now, s.settings.zone)
            messages = outcome.messages
            t = catalogue(participant.language)
            if expired:
                messages = with_note(t("button_expired"), messages)
            toggled = (
                not expired and callback is not None and callback.action is Action.TOGGLE_THEME
            )
            if toggled and len(messages) == 1:
                edit = messages.pop()  # the picker changes where it is: nothing new to send
            await queue_replies(tx, update, chat_id(update), messages, now)
    if participant is None:
        # A stranger's press: nothing of it is kept, and there is no "where you are" to show.
        await acknowledge(query, texts_for(s)("button_stranger"))
        forget(update)
        return
    t = catalogue(participant.language)
    await acknowledge(query, t("button_expired") if expired else None)
    if messages:
        await drop_keyboard(query)
    elif edit is not None:
        await _edit_in_place(update, edit)


async def _edit_in_place(update: Update, message: Outgoing) -> None:
    assert update.callback_query is not None
    try:
        await update.callback_query.edit_message_text(message.text, reply_markup=message.keyboard)
    except (BadRequest, NetworkError, RetryAfter) as exc:  # "not modified", old messages, 429
        log.debug("could not edit message in place: %s", exc)


async def on_membership(update: Update, context: BotContext) -> None:
    """Records that a colleague blocked or unblocked the bot; progress shows who is unreachable."""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    blocked = change.new_chat_member.status == ChatMember.BANNED
    s = context.services
    async with s.db.write() as tx:
        if await first_time(tx, update, s.now()):
            await tx.set_reachable(change.from_user.id, not blocked, s.now())
