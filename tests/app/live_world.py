"""An application with its live views and replays, as the API holds them: the world
the as-of tests play histories in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api.as_of import Replays
from api.deps import Services
from api.live import LiveViews
from domain.application import MinhBach
from domain.storage import Storage
from tests.app.test_projection_properties import History
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
