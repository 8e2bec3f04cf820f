"""Shared test helpers: the conversation driver over the Bot API stand-in."""
