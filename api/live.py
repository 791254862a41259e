"""The service's own projection runner: follows the log in a background thread,
and catches up on demand for read-your-writes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from domain.application import MinhBach
from domain.policy import PoolFacts
from projections.ledger import CHECKPOINT_SECONDS, Ledger
from projections.runner import Projector, Status, engine_for
from projections.signing import signer_from_environment

log = logging.getLogger("minhbach.projections")


class LiveViews:
    def __init__(self, app: MinhBach, interval: float = 0.5, batch_size: int = 500) -> None:
        self.app = app
        self.interval = interval
        engine = engine_for(app.storage)
        self.ledger = Ledger(
            app, engine, signer_from_environment(), checkpoint_seconds=CHECKPOINT_SECONDS
        )
        self.projector = Projector(app, engine, batch_size=batch_size, ledger=self.ledger)
        self._lock = threading.Lock()
        # Decisions are checked against these same views' derivation (no second fold).
        app.use_year_facts(self)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def engine(self) -> Engine:
        return self.projector.engine

    @property
    def position(self) -> int:
        return self.projector.position

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the follower off while a request uses the ledger directly."""
        with self._lock:
            yield

    def catch_up(self) -> int:
        with self._lock:
            return self.projector.catch_up()

    def ensure(self, position: int) -> int:
        """Block until the views reflect ``position`` (read-your-writes)."""
        if self.projector.position >= position:
            return self.projector.position
        with self._lock:
            return self.projector.ensure(position)

    def pool_facts(self, servant: str, year: int, position: int) -> PoolFacts | None:
        """The derived quota pool of a servant's year, caught up to ``position``."""
        with self._lock:
            return self.projector.pool_facts(servant, year, position)

    def status(self) -> Status:
        head = self.app.recorder.max_notification_id() or 0
        return Status("classifications", self.projector.position, head)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, name="views", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _follow(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
            except Exception:  # keep following; the next round retries
                log.exception("projection catch-up failed")
            self._stop.wait(self.interval)
