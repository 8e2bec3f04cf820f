"""Turns the engine's replies into Telegram messages: HTML text plus inline keyboards."""

from __future__ import annotations

import html

from msgspec import Struct
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.callbacks import Action
from bot.lengths import LIMIT, units
from conversations import engine
from conversations.decisions import (
    Ask,
    AskWhere,
    ChooseAddTarget,
    ConfirmSubmit,
    Note,
    PickThemes,
    ShowReview,
    Target,
)
from conversations.slots import question_of
from conversations.template import QuestionKind, Template
from conversations.texts import Catalogue

# Limits on escaped lengths: a question message must stay one message below Telegram's 4096.
CURRENT_ANSWER_CHARS = 1500
MESSAGE_BUDGET = 3900  # 4096 less the label around the current answer
REVIEW_ANSWER_CHARS = 300
NOTE_PARAM_CHARS = 600


class Outgoing(Struct, frozen=True):
    """One message to send."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def shorten(text: str, limit: int) -> str:
    """Cuts text to at most ``limit`` characters, marking the cut (for plain text: labels)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_for_html(text: str, limit: int) -> str:
    """Cuts raw text so that its HTML-escaped form is at most ``limit`` characters.

    Use this, not :func:`shorten`, for text that is escaped later: escaping grows it
    (``<`` becomes ``&lt;``), so a raw limit says nothing about the message it ends up in.
    Measured with quotes escaped too, the largest growth, so it holds for either escaping.
    The cut is marked with "…" and never splits an entity: it happens before escaping.
    """
    if len(html.escape(text)) <= limit:
        return text
    budget = limit - 1  # room for the "…"
    end = used = 0
    for char in text:
        used += len(html.escape(char))
        if used > budget:
            break
        end += 1
    return text[:end].rstrip() + "…"


def _button(label: str, action: Action, owner: int, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        shorten(label, 60), callback_data=callbacks.make(action, owner, *args)
    )


class Renderer:
    """Renders replies for one participant in one language."""

    def __init__(self, texts: Catalogue, template: Template, participant_id: int) -> None:
        self.t = texts
        self.template = template
        self.pid = participant_id

    def render(
        self, replies: tuple[engine.Reply, ...], *, kept: int | None = None
    ) -> list[Outgoing]:
        """Returns the messages for a decision's replies, in order; ``kept`` is the id of the
        text the decision kept aside (its buttons name it)."""
        out: list[Outgoing] = []
        for reply in replies:
            match reply:
                case Note(key=key, params=params):
                    clipped = {
                        k: clip_for_html(v, NOTE_PARAM_CHARS) if isinstance(v, str) else v
                        for k, v in params.items()
                    }
                    out.append(Outgoing(self.t(key, **clipped)))
                case Ask():
                    out.append(self.ask(reply))
                case ShowReview():
                    out.extend(self.review(reply))
                case PickThemes(selected=selected):
                    out.append(self.pick_themes(selected))
                case ConfirmSubmit(open_required=n):
                    out.append(self.confirm_submit(n))
                case AskWhere():
                    note = reply.note if reply.note is not None else kept
                    if note is not None:  # kept just now: its id comes from the store
                        out.append(self.ask_where(reply, note))
                case ChooseAddTarget():
                    out.append(self.choose_add_target(reply))
        return _merge_notes(out)

    def _target_label(self, target: Target) -> str:
        question = question_of(self.template, target.slot)
        label = f"{target.theme_no}.{target.question_no} {shorten(question.text, 40)}"
        return self.t.button("aside_last", label=label) if target.last_asked else label

    def ask_where(self, where: AskWhere, note: int) -> Outgoing:
        """Where does this kept text belong? The question last asked first, then open ones."""
        text = self.t("aside_where", text=clip_for_html(where.text, 300))
        rows = [
            [_button(self._target_label(t), Action.PLACE_ASIDE, self.pid, note, t.index)]
            for t in where.targets
        ]
        rows += [
            [_button("➕ " + self._target_label(t), Action.ADD_ASIDE, self.pid, note, t.index)]
            for t in where.adds
        ]
        if where.can_add and not where.adds:
            rows.append([_button(self.t.button("aside_add"), Action.ADD_TARGETS, self.pid, note)])
        if not rows:
            text += "\n" + self.t("aside_nowhere")
        return Outgoing(text, InlineKeyboardMarkup(rows) if rows else None)

    def choose_add_target(self, choose: ChooseAddTarget) -> Outgoing:
        """Which answer should the kept text be added to?"""
        rows = [
            [_button(self._target_label(t), Action.ADD_ASIDE, self.pid, choose.note, t.index)]
            for t in choose.targets
        ]
        return Outgoing(self.t("aside_add_which"), InlineKeyboardMarkup(rows) if rows else None)

    def ask(self, ask: Ask) -> Outgoing:
        theme = self.template.theme(ask.slot.theme_key)
        question = question_of(self.template, ask.slot)
        lines = [
            self.t(
                "question_header",
                theme_no=ask.theme_no,
                theme_count=ask.theme_count,
                theme=theme.title if theme else ask.slot.theme_key,
                question_no=ask.question_no,
                question_count=ask.question_count,
            )
        ]
        # Template texts are bounded in characters, not in escaped length: clip them too.
        if ask.question_no == 1 and theme and theme.description:
            lines.append(f"<i>{html.escape(clip_for_html(theme.description, 500))}</i>")
        optional = "" if question.required else " " + self.t("question_optional")
        lines.append(f"\n{html.escape(clip_for_html(question.text, 1500))}{optional}")
        if question.help:
            lines.append(f"<i>{html.escape(clip_for_html(question.help, 500))}</i>")
        elif question.kind is QuestionKind.LIST:
            lines.append(f"<i>{self.t('question_list_hint')}</i>")
        if ask.current:
            # Long template texts leave less room: the message must stay one message, as a
            # split could fall inside the answer's <blockquote>.
            room = MESSAGE_BUDGET - sum(len(line) + 1 for line in lines)
            current = clip_for_html(ask.current, max(100, min(CURRENT_ANSWER_CHARS, room)))
            lines.append("\n" + self.t("current_answer", answer=current))
        rows: list[list[InlineKeyboardButton]] = []
        if question.kind is QuestionKind.CHOICE:
            rows += [
                [_button(f"{i}. {option}", Action.CHOOSE, self.pid, ask.index, i - 1)]
                for i, option in enumerate(question.options, start=1)
            ]
        skip_label = self.t.button("keep" if ask.current else "skip")
        nav = [_button(skip_label, Action.SKIP, self.pid, ask.index)]
        if ask.index > 0 and not ask.editing:
            nav.append(_button(self.t.button("back"), Action.BACK, self.pid, ask.index))
        nav.append(_button(self.t.button("review"), Action.REVIEW, self.pid))
        rows.append(nav)
        if ask.append_target is not None:
            rows.append(
                [
                    _button(
                        self.t.button("append"),
                        Action.APPEND,
                        self.pid,
                        ask.index,
                        ask.append_target,
                    )
                ]
            )
        return Outgoing("\n".join(lines), InlineKeyboardMarkup(rows))

    def review(self, review: ShowReview) -> list[Outgoing]:
        """Returns one message per theme (none can outgrow Telegram's limit) and a footer."""
        messages: list[Outgoing] = []
        by_theme: dict[str, list[engine.ReviewItem]] = {}
        for item in review.items:
            by_theme.setdefault(item.slot.theme_key, []).append(item)
        for position, (theme_key, items) in enumerate(by_theme.items()):
            theme = self.template.theme(theme_key)
            lines = [self.t("review_title")] if position == 0 else []
            lines.append(self.t("review_theme", theme=theme.title if theme else theme_key))
            buttons = []
            for number, item in enumerate(items, start=1):
                question = question_of(self.template, item.slot)
                if item.answer:
                    answer = html.escape(clip_for_html(item.answer, REVIEW_ANSWER_CHARS))
                else:
                    answer = self.t("review_open" if item.required else "review_open_optional")
                asked = html.escape(clip_for_html(question.text, 120))
                lines.append(f"\n{number}. {asked}\n{answer}")
                if not review.locked:
                    label = self.t.button(
                        "edit", number=f"{position + 1}.{number}", label=shorten(question.text, 28)
                    )
                    buttons.append(_button(label, Action.EDIT, self.pid, item.index))
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            messages.append(
                Outgoing("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)
            )
        messages.append(self._review_footer(review))
        return _as_one(messages)

    def _review_footer(self, review: ShowReview) -> Outgoing:
        if review.locked:
            return Outgoing(self.t("review_locked"))
        rows = []
        if review.open_required:
            text = self.t("review_footer", open_required=review.open_required)
            rows.append([_button(self.t.button("continue_open"), Action.CONTINUE, self.pid)])
        else:
            text = self.t("review_footer_done")
        if review.submitted:
            text = self.t("review_submitted") + "\n" + text
        else:
            rows.append([_button(self.t.button("submit"), Action.SUBMIT, self.pid)])
        if review.aside:
            # Kept texts still without a place: one tap brings back the question where to.
            text += "\n" + self.t("review_aside", count=review.aside)
            label = self.t.button("aside_place_all", count=review.aside)
            rows.insert(0, [_button(label, Action.WHERE_ASIDE, self.pid)])
        return Outgoing(text, InlineKeyboardMarkup(rows) if rows else None)

    def pick_themes(self, selected: tuple[str, ...]) -> Outgoing:
        rows = [
            [
                _button(
                    ("✅ " if theme.key in selected else "▫️ ") + theme.title,
                    Action.TOGGLE_THEME,
                    self.pid,
                    i,
                )
            ]
            for i, theme in enumerate(self.template.themes)
        ]
        rows.append([_button(self.t.button("done_picking"), Action.CONFIRM_THEMES, self.pid)])
        return Outgoing(self.t("pick_themes"), InlineKeyboardMarkup(rows))

    def confirm_submit(self, open_required: int) -> Outgoing:
        rows = [
            [_button(self.t.button("submit_anyway"), Action.SUBMIT_ANYWAY, self.pid)],
            [_button(self.t.button("continue_open"), Action.CONTINUE, self.pid)],
        ]
        return Outgoing(
            self.t("confirm_submit", open_required=open_required), InlineKeyboardMarkup(rows)
        )


# A review with more buttons than this stays one message per theme: a long keyboard under one
# message is harder to use on a phone than a keyboard under each theme.
ONE_MESSAGE_BUTTONS = 24


def _as_one(messages: list[Outgoing]) -> list[Outgoing]:
    """Joins the review's messages into one (one ping, one keyboard) when that fits Telegram."""
    text = "\n\n".join(m.text for m in messages)
    rows = [row for m in messages if m.keyboard for row in m.keyboard.inline_keyboard]
    buttons = sum(len(row) for row in rows)
    if units(text) > LIMIT or buttons > ONE_MESSAGE_BUTTONS:
        return messages
    return [Outgoing(text, InlineKeyboardMarkup(rows) if rows else None)]


def with_note(text: str, messages: list[Outgoing]) -> list[Outgoing]:
    """Puts a text (a welcome, "this button has expired") on top of the first message, when
    both fit in one Telegram message: one ping instead of two."""
    if messages and units(f"{text}\n\n{messages[0].text}") <= LIMIT:
        first = messages[0]
        return [Outgoing(f"{text}\n\n{first.text}", first.keyboard), *messages[1:]]
    return [Outgoing(text), *messages]


def _merge_notes(messages: list[Outgoing]) -> list[Outgoing]:
    """Puts a short note without buttons on top of the message after it: fewer pings."""
    merged: list[Outgoing] = []
    pending: list[str] = []
    for message in messages:
        if message.keyboard is None and len(message.text) < 500:
            pending.append(message.text)
            continue
        if pending:
            message = Outgoing("\n\n".join([*pending, message.text]), message.keyboard)
            pending = []
        merged.append(message)
    if pending:
        merged.append(Outgoing("\n\n".join(pending)))
    return merged


__all__ = ["Outgoing", "Renderer", "clip_for_html", "shorten", "with_note"]
