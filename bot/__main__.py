"""`python -m bot` runs the themabot command line."""

from bot.cli import entry

entry()
