"""Telegram's message lengths: counted in UTF-16 units, long HTML split where it may be."""

from __future__ import annotations

from telegram.constants import MessageLimit

LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096


def units(text: str) -> int:
    """Returns the length Telegram counts: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(line: str, limit: int) -> int:
    """Returns how many characters of ``line`` fit in ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(line):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(line)


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Splits text into chunks of at most ``limit`` units, at line breaks where possible.

    Callers pass HTML whose tags never span lines, so a split at a line break keeps tags whole.
    Lengths are Telegram's (UTF-16 units) and measured on the HTML, which is never shorter
    than the text Telegram shows.
    """
    if units(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while units(line) > limit:  # a single huge line: cut it hard
            if current:
                chunks.append(current)
                current = ""
            cut = _safe_cut(line, _prefix_within(line, limit))
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


ENTITY_MAX = 10  # the longest entity we write, e.g. "&#x1F600;", is shorter


def _safe_cut(line: str, limit: int) -> int:
    """Returns where to cut a line longer than ``limit``: at most ``limit``, and never inside
    an entity (``&lt;``) or a tag (``<a href="…">``), which Telegram would refuse."""
    cut = limit
    amp = line.rfind("&", max(0, cut - ENTITY_MAX), cut)
    if amp != -1 and ";" not in line[amp:cut]:
        cut = amp
    lt = line.rfind("<", 0, cut)
    if lt != -1 and ">" not in line[lt:cut]:
        cut = lt
    return cut or limit  # a tag longer than a whole message cannot be kept whole anyway
