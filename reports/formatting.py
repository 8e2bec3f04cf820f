"""Dates as every overview format writes them. Pure."""

from __future__ import annotations

from datetime import date, datetime


def format_date(value: date | None, language: str) -> str:
    """Formats a date the way readers of that language expect (nl: 31-01-2025)."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y" if language == "nl" else "%Y-%m-%d")


def format_datetime(value: datetime, language: str) -> str:
    """Formats a moment to the minute (nl: 31-01-2025 14:05)."""
    return value.strftime("%d-%m-%Y %H:%M" if language == "nl" else "%Y-%m-%d %H:%M")
