"""Fixtures shared by the application tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.storage import Storage
from tests.app.live_world import World, live_world
from tests.conftest import FakeClock


@pytest.fixture
def world(storage: Storage, clock: FakeClock) -> Iterator[World]:
    with live_world(storage, clock) as found:
        yield found
