"""The demo year, loaded once per session into a file the analysis tests only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo import load_demo
from demo.clock import demo_clock
from domain.application import MinhBach
from domain.storage import storage_from_url


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'events.db'}"
    app = MinhBach(storage_from_url(url), clock=demo_clock())
    load_demo(app)
    app.close()
    return url


@pytest.fixture(scope="session")
def demo_app(demo_url: str) -> Iterator[MinhBach]:
    app = MinhBach(storage_from_url(demo_url), clock=demo_clock())
    yield app
    app.close()
