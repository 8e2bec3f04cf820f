"""Fixtures for the developer tools' own tests."""

from __future__ import annotations

import pytest

from devtools.transports import FakeTelegram


@pytest.fixture
def tg() -> FakeTelegram:
    """Telegram in memory, with no Application running yet."""
    return FakeTelegram()


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter is built without this opt-in; warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
