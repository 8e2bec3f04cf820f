"""What an answer's text means for its question kind. Pure functions."""

from __future__ import annotations

import re
import unicodedata

from conversations.template import Question, QuestionKind

# One item per line, or separated by commas/semicolons; bullets and numbering are decoration.
_SEPARATORS = re.compile(r"[\n;,]+")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")


# Control characters other than newline and tab break documents (XML) and mean nothing here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


def clean_text(text: str) -> str:
    """Returns the text as worth storing: NFC, no control characters, trimmed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


MAX_NAME_CHARS = 200  # a person's or a round's name; longer is a paste, not a name


def clean_name(text: str) -> str:
    """Returns a name as worth storing: clean text on one line, single spaces."""
    return " ".join(clean_text(text).split())


def split_items(text: str) -> list[str]:
    """Splits a list answer into its items, dropping bullets, blanks and exact repeats."""
    items: list[str] = []
    for raw in _SEPARATORS.split(text):
        item = _BULLET.sub("", raw).strip()
        if item and item not in items:
            items.append(item)
    return items


def match_option(question: Question, text: str) -> str | None:
    """Returns the option a typed text selects (case-insensitive, or its number), else None."""
    wanted = " ".join(text.split()).casefold()
    for number, option in enumerate(question.options, start=1):
        if wanted in (option.casefold(), str(number)):
            return option
    return None


def normalise_answer(question: Question, text: str) -> str | None:
    """Returns the text to store for this question, or None when it is not a valid answer."""
    if question.kind is QuestionKind.CHOICE:
        return match_option(question, clean_text(text))
    return clean_text(text) or None
