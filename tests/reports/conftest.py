"""Fixtures for the overview tests."""

from __future__ import annotations

import pytest
from report_fixtures import NOW, make_hostile_snapshot, make_snapshot

from reports.overview import Overview, build_overview
from storage.records import RoundSnapshot


@pytest.fixture
def snapshot() -> RoundSnapshot:
    return make_snapshot()


@pytest.fixture
def overview() -> Overview:
    return build_overview(make_snapshot(), NOW)


@pytest.fixture
def hostile_overview() -> Overview:
    return build_overview(make_hostile_snapshot(), NOW)
