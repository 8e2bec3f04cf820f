"""What an answer's text means for its question kind. Pure functions."""

from __future__ import annotations

import re
import unicodedata

from conversations.template import Question, QuestionKind

# One item per line, or separated by commas/semicolons; bullets and numbering are decoration.
_SEPARATORS = frozenset(";,")
_SEPARATOR = re.compile("[;,]")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")
# The last item of a list may be joined by a conjunction: "Politie, OM en gemeente".
_CONJUNCTION = re.compile(r"\s+(?:en|and|&)\s+", re.IGNORECASE)
_OPENERS = {"(": ")", "[": "]", "{": "}"}


# Characters that mean nothing to a reader and that documents cannot hold (XML 1.0, so docx and
# xlsx, refuses them): C0 controls except tab and newline, DEL, lone surrogates, the
# non-characters U+FFFE/U+FFFF, and the invisible zero-width space and byte order mark.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Returns text fit to store and to write in every format: NFC, "\\n" line ends only, no
    control or invisible characters.

    Not trimmed: a document writes " — 12-01 — concept" as given. Who stores what a person
    typed strips it as well.
    """
    if text.isprintable():
        # Every character removed or unified below is unprintable: nothing to do but NFC. The
        # common case (a line of text), and a quicker test than the expression's scan.
        return unicodedata.normalize("NFC", text)
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", unified))


MAX_NAME_CHARS = 200  # a person's or a round's name; longer is a paste, not a name


def clean_name(text: str) -> str:
    """Returns a name as worth storing: clean text on one line, single spaces."""
    return " ".join(clean_text(text).split())


def same_name(a: str, b: str) -> bool:
    """Names match whatever their case and spacing: "anna  de Vries" is Anna de Vries."""
    return clean_name(a).casefold() == clean_name(b).casefold()


def _has_bracket(line: str) -> bool:
    return any(opener in line for opener in _OPENERS)


def _bracketed(line: str) -> list[bool]:
    """Per character: True when it lies inside a bracket pair that is closed on this line."""
    inside = [False] * len(line)
    stack: list[tuple[int, str]] = []
    for i, char in enumerate(line):
        if char in _OPENERS:
            stack.append((i, _OPENERS[char]))
        elif stack and char == stack[-1][1]:
            start, _ = stack.pop()
            inside[start + 1 : i] = [True] * (i - start - 1)
    return inside


def _split_line(line: str) -> list[str]:
    """Splits one line on commas and semicolons, except inside brackets."""
    if not _has_bracket(line):  # most lists: nothing is inside anything
        return _SEPARATOR.split(line)
    inside = _bracketed(line)
    parts: list[str] = []
    start = 0
    for i, char in enumerate(line):
        if char in _SEPARATORS and not inside[i]:
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return parts


def _split_conjunction(item: str) -> list[str]:
    """Splits an item on its last " en " / " and " / " & " outside brackets.

    Not after a word ending in "-": "Zorg- en Veiligheidshuis" is one name.
    """
    inside = _bracketed(item) if _has_bracket(item) else None
    for match in reversed(list(_CONJUNCTION.finditer(item))):
        if inside is not None and inside[match.start()]:
            continue
        before, after = item[: match.start()], item[match.end() :]
        if before.endswith("-") or not before.strip() or not after.strip():
            return [item]
        return [before, after]
    return [item]


def split_items(text: str) -> list[str]:
    """Splits a list answer into its items, dropping bullets, blanks and exact repeats.

    Items are separated by lines, commas and semicolons (not inside brackets: "Politie
    (wijkagent, jeugdagent)" is one item). When there are several items, the last may be
    joined by "en" / "and" / "&": "Politie, OM en gemeente" is three items. A single item is
    left whole ("Centrum voor Jeugd en Gezin").
    """
    raw = [part for line in text.split("\n") for part in _split_line(line)]
    raw = [part for part in raw if _BULLET.sub("", part).strip()]
    if len(raw) > 1:
        raw[-1:] = _split_conjunction(raw[-1])
    items: list[str] = []
    for part in raw:
        item = _BULLET.sub("", part).strip()
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
    return clean_text(text).strip() or None
