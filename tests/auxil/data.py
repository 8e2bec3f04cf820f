"""Test data files, by name, wherever the test that uses them lives."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent.parent / "data"

#: A small template: two themes, three questions each (one list, one choice).
SMALL = str(DATA / "small.toml")
