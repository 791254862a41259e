"""The service's read side over a generated province, as the API holds it: the live
views caught up and the replays, on a fresh database of either backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from api.as_of import Replays
from api.deps import Services
from api.live import LiveViews
from benchmarks.common.databases import fresh_database
from benchmarks.common.printing import log
from benchmarks.common.province import History, Size, generate
from domain.application import MinhBach


@contextmanager
def province_service(
    backend: str, postgres_url: str, size: Size
) -> Iterator[tuple[History, Services]]:
    """A province's year generated (untimed) and projected by the live views."""
    with fresh_database(backend, postgres_url) as stored:
        app = MinhBach(stored)
        try:
            generated = generate(app, size)
            log(f"  {backend:8} generated {size}: {generated.events} events")
            svc = Services(app, LiveViews(app), Replays(app))
            svc.views.catch_up()
            try:
                yield generated, svc
            finally:
                svc.views.engine.dispose()
        finally:
            app.close()
