"""Invite tokens: unguessable, and stored only as their hash, whatever the backend."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """Returns an unguessable token that fits Telegram's deep-link alphabet ([A-Za-z0-9_-])."""
    return secrets.token_urlsafe(18)  # 144 bits, 24 characters


def hash_token(token: str) -> str:
    """Returns the stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()
