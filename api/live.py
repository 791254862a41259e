"""The service's own projection follower: follows the log in a background thread,
catches up on demand for read-your-writes, and tells ``/health`` how it stands."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from api.views_cache import ViewsCache
from domain.application import MinhBach
from domain.policy import PoolFacts
from projections import faults
from projections.follower import LAG_SECONDS, Follower, Health, ViewsHalted
from projections.ledger import CHECKPOINT_SECONDS, Ledger
from projections.replay import Replayed
from projections.runner import OPEN_YEARS, Projector, Status, parse_open_years
from projections.signing import signer_from_environment
from projections.tracking import engine_for

LAG_SETTING = "MINHBACH_HEALTH_LAG_SECONDS"
OPEN_YEARS_SETTING = "MINHBACH_OPEN_YEARS"


class SettingError(ValueError):
    """A setting of the service's environment that cannot be read."""


class LiveViews:
    def __init__(self, app: MinhBach, interval: float = 0.5, batch_size: int = 500) -> None:
        self.app = app
        self.interval = interval
        engine = engine_for(app.storage)
        self.ledger = Ledger(
            app, engine, signer_from_environment(), checkpoint_seconds=CHECKPOINT_SECONDS
        )
        setting = os.environ.get(OPEN_YEARS_SETTING)
        try:
            kept = OPEN_YEARS if setting is None else parse_open_years(setting)
        except ValueError as error:
            raise SettingError(f"{OPEN_YEARS_SETTING}: {error}") from None
        self.projector = Projector(
            app, engine, batch_size=batch_size, ledger=self.ledger, open_years=kept
        )
        lag = float(os.environ.get(LAG_SETTING) or LAG_SECONDS)
        self.follower = Follower(self.projector, interval=interval, lag_seconds=lag)
        self._lock = threading.Lock()
        # Decisions are checked against these same views' derivation (no second fold).
        app.use_year_facts(self)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Listings asked again before the views change (api.views_cache).
        self.answers = ViewsCache()

    @property
    def engine(self) -> Engine:
        return self.projector.engine

    @property
    def version(self) -> int:
        """Moves whenever the stored views may have changed (read after ``ensure``)."""
        return self.projector.views_version

    @property
    def position(self) -> int:
        return self.projector.position

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the follower off while a request uses the ledger directly."""
        with self._lock:
            yield

    @contextmanager
    def derived(self) -> Iterator[Replayed | None]:
        """The live fold and its derivation at the views' position, held still for
        the block (None while they are being resynchronised): what a replay of the
        log up to that position gives, without replaying it."""
        with self._lock:
            found = self.projector.derived()
            yield None if found is None else Replayed(*found)

    def catch_up(self) -> int:
        """Bring the views up to the head; halted views answer as far as they go."""
        with self._lock:
            try:
                return self.follower.catch_up()
            except ViewsHalted:
                return self.projector.position

    def ensure(self, position: int) -> int:
        """Block until the views reflect ``position`` (read-your-writes); raise
        ``ViewsHalted`` if they cannot, or the database error that stopped them."""
        if self.projector.position >= position:
            return self.projector.position
        with self._lock:
            return self.follower.ensure(position)

    def pool_facts(self, servant: str, year: int, position: int) -> PoolFacts | None:
        """The derived quota pool of a servant's year, caught up to ``position``."""
        with self._lock:
            return self.projector.pool_facts(servant, year, position)

    def status(self) -> Status:
        head = self.app.recorder.max_notification_id() or 0
        return Status("classifications", self.projector.position, head)

    def health(self, head: int) -> tuple[Health, list[faults.Fault]]:
        """This process's follower, and the faults any follower has recorded."""
        with self.engine.connect() as conn:
            recorded = faults.recorded(conn)
        return self.follower.health(head), recorded

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.follower.run, args=(self._stop, self._lock), name="views", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
