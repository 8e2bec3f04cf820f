"""Text and dates as every overview format writes them. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime

# Characters XML 1.0 cannot hold (docx, xlsx) and that only confuse the other formats:
# C0 controls except tab/newline/carriage return, lone surrogates and the non-characters.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Returns the text without control characters and with "\\n" line ends only."""
    return _UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def format_date(value: date | None, language: str) -> str:
    """Formats a date the way readers of that language expect (nl: 31-01-2025)."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y" if language == "nl" else "%Y-%m-%d")


def format_datetime(value: datetime, language: str) -> str:
    """Formats a moment to the minute (nl: 31-01-2025 14:05)."""
    return value.strftime("%d-%m-%Y %H:%M" if language == "nl" else "%Y-%m-%d %H:%M")
