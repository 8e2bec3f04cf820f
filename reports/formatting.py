"""Dates as every overview format writes them. Pure."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache


def format_date(value: date | None, language: str) -> str:
    """Formats a date the way readers of that language expect (nl: 31-01-2025)."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y" if language == "nl" else "%Y-%m-%d")


def format_datetime(value: datetime, language: str) -> str:
    """Formats a moment to the minute (nl: 31-01-2025 14:05), in the zone it carries."""
    # Keyed by the moment and its zone: two aware datetimes that are one instant in different
    # zones are equal (and hash alike), yet read differently. With one zone, equal moments
    # are one wall-clock time.
    return _formatted(value, value.tzinfo, language)


@lru_cache(maxsize=1 << 16)
def _formatted(value: datetime, zone: tzinfo | None, language: str) -> str:
    # A large round shows tens of thousands of moments, each more than once (an answer's
    # block and the audit trail): strftime once per moment, a cache lookup after that.
    return value.strftime("%d-%m-%Y %H:%M" if language == "nl" else "%Y-%m-%d %H:%M")
