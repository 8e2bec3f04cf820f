"""Shared fixtures: a whole bot (real Application, fake Bot API, fresh database) per test."""

from __future__ import annotations

import os

# PTB 22 warns when it builds RetryAfter unless told to use timedeltas; tests turn warnings
# into errors, and the bot itself never reads retry_after as a number.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import pytest

from tests.auxil.harness import Harness


@pytest.fixture
async def bot(tmp_path):
    """A running themabot on a fresh database, with a round on the built-in ivp template."""
    harness = Harness(tmp_path)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
