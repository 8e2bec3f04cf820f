"""Shared test helpers: the whole bot around a fresh database (the chat driver is devtools.chat)."""
