"""Handlers for colleagues: thin translations from Telegram updates to intake events."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from telegram import ChatMember, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import callbacks, intake
from bot.callbacks import Action, Callback
from bot.render import Outgoing
from bot.roster import join_again, theme_titles
from bot.sending import acknowledge, drop_keyboard, send
from bot.services import Services, services
from conversations import engine
from conversations.slots import SlotRef
from conversations.texts import Catalogue, Markup, catalogue
from storage import Reader, Writer
from storage.records import Invite, Participant

log = logging.getLogger(__name__)

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

Context = ContextTypes.DEFAULT_TYPE


def texts_for(s: Services) -> Catalogue:
    """Returns the catalogue for someone we know nothing about: the bot's default language."""
    return catalogue(s.settings.language)


async def reply(update: Update, text: str) -> None:
    """Answers in the chat the update came from (in several messages if it is long)."""
    if update.effective_chat:
        await send(update.get_bot(), update.effective_chat.id, [Outgoing(text)])


async def is_coordinator(tx: Reader, s: Services, user_id: int) -> bool:
    """Returns whether the user is a coordinator (by setting or by coordinator invite)."""
    return user_id in s.settings.coordinators or await tx.coordinator(user_id) is not None


async def coordinator_chats(tx: Reader, s: Services) -> set[int]:
    """Returns the chats of every coordinator (by setting and by coordinator invite)."""
    return set(s.settings.coordinators) | set(await tx.coordinator_chats())


def fingerprint(update: Update) -> str:
    """Returns what identifies an update besides its id, which Telegram may reuse."""
    if update.callback_query:
        return f"q:{update.callback_query.id}"
    message = update.effective_message
    if message is not None:
        edited = int(message.edit_date.timestamp()) if message.edit_date else 0
        return f"m:{message.chat_id}:{message.message_id}:{edited}"
    return f"u:{update.update_id}"


async def first_time(tx: Writer, update: Update, now: datetime) -> bool:
    """Records the update as handled (in the caller's transaction); False for a redelivery."""
    return await tx.claim_update(update.update_id, fingerprint(update), now)


async def owned(tx: Reader, participant_id: int, user_id: int) -> Participant | None:
    """Returns the participation if it is this user's and they still take part, else None."""
    participant = await tx.participant(participant_id)
    if participant is None or participant.user_id != user_id or participant.withdrawn:
        return None
    return participant


async def refuse_stranger(update: Update, context: Context) -> None:
    """Tells someone without a participation what they can do; stores nothing of theirs."""
    s = services(context)
    async with s.db.read() as tx:
        coordinator = await is_coordinator(tx, s, update.effective_user.id)
    key = "coordinator_no_text" if coordinator else "not_invited"
    await reply(update, texts_for(s)(key))


# --- guards ----------------------------------------------------------------------------


async def only_private(update: Update, context: Context) -> None:
    """Answers updates from groups and channels with a pointer to a private chat, and stops.

    Also stops what no handler can serve: a button on an inline message (there is no chat to
    answer in, so its spinner gets "expired") and a message without a sender.
    """
    query = update.callback_query
    if query is not None and query.message is None:
        await acknowledge(query, texts_for(services(context))("button_not_here"))
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
            await reply(update, texts_for(services(context))("private_only"))
        raise ApplicationHandlerStop
    if update.effective_message is not None and update.effective_user is None:
        raise ApplicationHandlerStop  # nobody to answer, nothing of anybody's to store


# --- /start ----------------------------------------------------------------------------


async def on_start(update: Update, context: Context) -> None:
    """Accepts an invite (or resumes) and asks the first open question."""
    s = services(context)
    token = context.args[0] if context.args else None
    if token is None:
        await _resume(update, context)
        return
    t = texts_for(s)
    if not TOKEN_SHAPE.match(token):
        await reply(update, t("bad_token"))
        return
    user, chat = update.effective_user, update.effective_chat
    now = s.now()
    async with s.db.write() as tx:
        invite = await tx.invite_by_token(token)
        # A refused stranger's update is not recorded: nothing of theirs is kept.
        if invite is None:
            text, outcome = t("bad_token"), None
        elif invite.used_by not in (None, user.id):
            text, outcome = t("token_used"), None
        elif invite.coordinator:
            text, outcome = await _join_as_coordinator(tx, invite, user.id, chat.id, now), None
            await first_time(tx, update, now)
        else:
            text, outcome = await _join_as_colleague(tx, s, invite, user.id, chat.id, now)
            await first_time(tx, update, now)
    if text:
        await reply(update, text)
    if outcome:
        await send(update.get_bot(), outcome.chat_id, outcome.messages)


async def _join_as_coordinator(tx: Writer, invite: Invite, user_id: int, chat_id: int, now) -> str:
    round_ = await tx.get_round(invite.round_id)
    await tx.mark_invite_used(invite.id, user_id, now)
    await tx.add_coordinator(user_id, chat_id, invite.name, invite.id, now, invite.round_id)
    return catalogue(round_.template.language)(
        "coordinator_joined", name=invite.name, round=round_.name
    )


async def _join_as_colleague(
    tx: Writer, s: Services, invite: Invite, user_id: int, chat_id: int, now
) -> tuple[str, intake.Outcome | None]:
    round_ = await tx.get_round(invite.round_id)
    zone = s.settings.zone
    existing = await tx.participant_in_round(invite.round_id, user_id)
    if existing is not None and existing.withdrawn:
        return catalogue(existing.language)("withdrawn", round=round_.name), None
    if existing is not None:
        # Same person again: resume. A second invite for a round they are in (invited twice,
        # maybe under another spelling): its themes become theirs and it counts as used.
        t = catalogue(existing.language)
        added = await join_again(tx, round_, existing, invite, now) if not invite.used_at else ()
        if added:
            existing = await tx.participant(existing.id) or existing
            text = t("already_joined_more", themes=theme_titles(round_, added))
        else:
            text = t("already_joined")
        return text, await intake.current_prompt(tx, existing, now, zone)
    language = round_.template.language
    t = catalogue(language)
    mode = engine.Mode.ASKING if invite.theme_keys else engine.Mode.PICKING
    await tx.mark_invite_used(invite.id, user_id, now)
    participant = await tx.create_participant(invite, user_id, chat_id, language, mode, now)
    deadline = t("deadline_line", deadline=t.date(round_.deadline)) if round_.deadline else ""
    if invite.theme_keys:
        themes = ", ".join(
            round_.template.theme(k).title for k in invite.theme_keys if round_.template.theme(k)
        )
        text = t(
            "welcome", name=invite.name, round=round_.name, deadline=Markup(deadline), themes=themes
        )
    else:
        text = t("welcome_pick", name=invite.name, round=round_.name, deadline=Markup(deadline))
    return text, await intake.run(tx, participant, None, now, zone)


async def _resume(update: Update, context: Context) -> None:
    """Greets a known colleague back with the current question."""
    await _run_event(update, context, engine.Continue(welcome_back=True))


# --- the intake itself -----------------------------------------------------------------


async def _run_event(update: Update, context: Context, event: engine.Event) -> None:
    """Runs one event for the user's active participation and sends the replies."""
    s = services(context)
    now = s.now()
    async with s.db.write() as tx:
        participant = await tx.active_participant(update.effective_user.id)
        if participant is None:
            outcome = None
        elif not await first_time(tx, update, now):
            # Telegram redelivered an update we committed before a crash: repeat where they are.
            outcome = await intake.current_prompt(tx, participant, now, s.settings.zone)
        else:
            outcome = await intake.run(
                tx, participant, event, now, s.settings.zone, chat_id=update.effective_chat.id
            )
    if outcome is None:
        await refuse_stranger(update, context)
        return
    await send(update.get_bot(), outcome.chat_id, outcome.messages)


async def on_text(update: Update, context: Context) -> None:
    """Stores the answer to the question last asked and asks the next one."""
    message = update.effective_message
    await _run_event(update, context, engine.Text(message.text, message.message_id))


async def on_skip(update: Update, context: Context) -> None:
    """Skips the current question and asks the next one."""
    await _run_event(update, context, engine.Skip())


async def on_back(update: Update, context: Context) -> None:
    """Asks the previous question again."""
    await _run_event(update, context, engine.Back())


async def on_review(update: Update, context: Context) -> None:
    """Shows every answer with edit buttons and submit."""
    await _run_event(update, context, engine.Review())


async def on_status(update: Update, context: Context) -> None:
    """Says how far along the colleague is."""
    await _run_event(update, context, engine.Status())


async def on_help(update: Update, context: Context) -> None:
    """Explains the commands: the colleague's, and the coordinator's to coordinators."""
    s = services(context)
    async with s.db.read() as tx:
        participant = await tx.active_participant(update.effective_user.id)
        coordinator = await is_coordinator(tx, s, update.effective_user.id)
    t = catalogue(participant.language) if participant else texts_for(s)
    parts = []
    if participant:
        parts.append(t("help_colleague"))
    if coordinator:
        parts.append(t("help_coordinator"))
    await reply(update, "\n\n".join(parts) or t("not_invited"))


async def on_edited(update: Update, context: Context) -> None:
    """Updates the stored answer a message gave, when the colleague edits that message."""
    s = services(context)
    message = update.edited_message
    now = s.now()
    if not message.text:
        await reply(update, texts_for(s)("non_text"))
        return
    async with s.db.write() as tx:
        found = await tx.answer_for_message(message.chat_id, message.message_id)
        owner = await owned(tx, found.participant_id, update.effective_user.id) if found else None
        if owner is None or found is None:
            owner = await tx.active_participant(update.effective_user.id)
            event = engine.MessageEdited(SlotRef("", ""), -1, message.text)
        else:
            slot = SlotRef(found.theme_key, found.question_key)
            event = engine.MessageEdited(slot, found.part, message.text)
        if owner is None:
            outcome = None
        else:
            outcome = await intake.run(tx, owner, event, now, s.settings.zone)
    if outcome is None:
        await refuse_stranger(update, context)
        return
    await send(update.get_bot(), outcome.chat_id, outcome.messages)


async def on_other_message(update: Update, context: Context) -> None:
    """Answers stickers, photos, voice notes and the like with a hint to type text."""
    s = services(context)
    async with s.db.read() as tx:
        participant = await tx.active_participant(update.effective_user.id)
    if participant is None:
        await refuse_stranger(update, context)
        return
    await reply(update, catalogue(participant.language)("non_text"))


async def on_unknown_command(update: Update, context: Context) -> None:
    """Points to /help for a command we do not know."""
    await reply(update, texts_for(services(context))("unknown_command"))


# --- buttons ---------------------------------------------------------------------------

_EVENTS = {
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
}
_ARITY = {
    Action.SKIP: 1,
    Action.BACK: 1,
    Action.APPEND: 2,
    Action.CHOOSE: 2,
    Action.EDIT: 1,
    Action.TOGGLE_THEME: 1,
}


def intake_event(callback: Callback) -> engine.Event | None:
    """Returns the intake event a button stands for, or None if it is malformed."""
    build = _EVENTS.get(callback.action)
    if build is None or len(callback.args) != _ARITY.get(callback.action, 0):
        return None
    return build(callback.args)


async def on_button(update: Update, context: Context) -> None:
    """Runs the intake event of a pressed button; stale or forged buttons change nothing."""
    s = services(context)
    query = update.callback_query
    callback = callbacks.parse(query.data)
    event = intake_event(callback) if callback else None
    now = s.now()
    async with s.db.write() as tx:
        participant = await owned(tx, callback.owner, update.effective_user.id) if event else None
        if participant is None:
            # Not made by us, or made for someone else: change nothing, say where they are.
            participant = await tx.active_participant(update.effective_user.id)
            event = engine.Continue() if participant else None
            expired = True
        else:
            expired = False
        if participant is None or not await first_time(tx, update, now):
            outcome = None
        else:
            outcome = await intake.run(
                tx, participant, event, now, s.settings.zone, chat_id=update.effective_chat.id
            )
    t = catalogue(participant.language) if participant else texts_for(s)
    await acknowledge(query, t("button_expired") if expired else None)
    if outcome is None:
        return
    messages = outcome.messages
    if expired:
        messages = [Outgoing(t("button_expired")), *messages]
    elif callback.action is Action.TOGGLE_THEME and len(messages) == 1:
        await _edit_in_place(update, messages[0])
        return
    await drop_keyboard(update.callback_query)
    await send(update.get_bot(), outcome.chat_id, messages)


async def _edit_in_place(update: Update, message: Outgoing) -> None:
    try:
        await update.callback_query.edit_message_text(message.text, reply_markup=message.keyboard)
    except BadRequest as exc:  # "message is not modified" and old messages: harmless
        log.debug("could not edit message in place: %s", exc)


async def on_membership(update: Update, context: Context) -> None:
    """Records that a colleague blocked or unblocked the bot; progress shows who is unreachable."""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    blocked = change.new_chat_member.status == ChatMember.BANNED
    s = services(context)
    async with s.db.write() as tx:
        await tx.set_reachable(change.from_user.id, not blocked, s.now())
