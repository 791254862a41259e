"""An application with its live views and replays, as the API holds them: the world
the as-of tests play histories in."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.as_of import Replays
from api.deps import Services
from api.live import LiveViews
from domain.application import MinhBach
from domain.storage import Storage, storage_from_url
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import SCRATCH, History
from tests.conftest import FakeClock


class World:
    """An application with its live views and replays, as the API holds them."""

    def __init__(self, app: MinhBach) -> None:
        self.app = app
        self.svc = Services(app, LiveViews(app), Replays(app))

    def restart(self) -> None:  # a runner stopped anywhere and started again
        self.svc.views.engine.dispose()
        self.svc = Services(self.app, LiveViews(self.app), Replays(self.app))

    def apply(self, applying: History, op: tuple[Any, ...]) -> None:
        if op[0] == "project":
            self.svc.views.projector.catch_up(window=op[1])
        elif op[0] == "restart":
            self.restart()
        else:
            applying.apply(op)


@contextmanager
def live_world(storage: Storage, clock: FakeClock) -> Iterator[World]:
    """A world on ``storage``, its views and application closed afterwards."""
    app = MinhBach(storage, clock=clock)
    found = World(app)
    try:
        yield found
    finally:
        found.svc.views.engine.dispose()
        app.close()


def play(world: World, ops: Iterable[tuple[Any, ...]]) -> None:
    """The monthly and the quarterly agency built, then ``ops`` played in ``world``."""
    build_agency(world.app)
    build_quarterly_agency(world.app)
    applying = History(world.app)
    for op in ops:
        world.apply(applying, op)


@contextmanager
def generated_world(ops: Iterable[tuple[Any, ...]]) -> Iterator[World]:
    """A world on a fresh SQLite store (for a hypothesis example) with ``ops`` played."""
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        storage = storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}")
        app = MinhBach(storage, clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
        world = World(app)
        try:
            play(world, ops)
            yield world
        finally:
            world.svc.views.engine.dispose()
            app.close()
