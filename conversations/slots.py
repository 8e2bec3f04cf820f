"""A colleague's questions as an ordered list of slots: per theme, every question it asks."""

from __future__ import annotations

from typing import NamedTuple

from conversations.template import Question, Template


class SlotRef(NamedTuple):
    """One question for one theme.

    A named tuple rather than a struct: documents make and hash one per answer (20,000 in
    a large round), and a tuple does that in C.
    """

    theme_key: str
    question_key: str


def slots_for(template: Template, theme_keys: tuple[str, ...]) -> list[SlotRef]:
    """Returns the colleague's slots in asking order: theme by theme, question by question.

    Keys the template does not know are left out.
    """
    return [
        SlotRef(theme_key, q.key)
        for theme_key in theme_keys
        if template.theme(theme_key)
        for q in template.questions_for(theme_key)
    ]


def question_of(template: Template, slot: SlotRef) -> Question:
    """Returns the Question a slot asks."""
    return next(q for q in template.questions_for(slot.theme_key) if q.key == slot.question_key)
