"""Links into a chat with the bot."""

from __future__ import annotations


def deep_link(username: str | None, token: str) -> str | None:
    """Returns the invite's t.me link, once the bot's username is known."""
    return f"https://t.me/{username}?start={token}" if username else None
