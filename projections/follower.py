"""Keeps a projector following the log through database faults and poison events,
and says whether it is healthy.

- **A database fault** (a held lock, a dropped connection, a failed commit) is
  retried with exponential backoff. Nothing half-done survives it: the
  projector resynchronises from the committed position (``Projector.catch_up``).
- **A poison event** — one the projections cannot take in (it does not decode,
  or folding or deriving it fails) — halts the views just before it, with an
  alarm: the fault is logged with its traceback and recorded in the database
  (``projections.faults``), where ``/health`` and ``minhbach project status``
  report it. The event is never skipped: views that silently left out a
  discipline decision or an amended score would misclassify someone. The
  ledger, which only hashes events, keeps following. A fixed version started
  afterwards passes the event and clears the alarm.
- **Health**: unhealthy while halted, while the last attempt failed, or when
  the views have not reached the log's head as it stood ``lag_seconds`` ago.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from projections import faults
from projections.faults import Fault
from projections.runner import ProjectionFault, Projector

log = logging.getLogger("minhbach.projections")

LAG_SECONDS = 60.0  # the views must reach the head of this long ago
MAX_BACKOFF = 30.0


def brief(error: BaseException) -> str:
    """An error in one line for /health: its kind and the database's first words,
    without the SQL statement or parameters a driver appends."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}"[:200]


class ViewsHalted(Exception):
    """The views stopped before an event they cannot take in."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        super().__init__(fault.describe())


@dataclass(frozen=True)
class Health:
    healthy: bool
    state: str  # following, failing, halted, lagging
    reason: str | None
    failures: int  # consecutive failed attempts


class Follower:
    """One projector (with its ledger), driven round by round."""

    def __init__(
        self,
        projector: Projector,
        interval: float = 1.0,
        max_backoff: float = MAX_BACKOFF,
        lag_seconds: float = LAG_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.projector = projector
        self.interval = interval
        self.max_backoff = max(max_backoff, interval)
        self.lag_seconds = lag_seconds
        self.failures = 0
        self.last_error: str | None = None
        self.halted: Fault | None = None
        self._monotonic = monotonic
        self._heads: deque[tuple[float, int]] = deque()

    @property
    def position(self) -> int:
        return self.projector.position

    # --- one round ------------------------------------------------------------

    def catch_up(self, stop: threading.Event | None = None) -> int:
        """One attempt to bring the views up to the head. A database fault is noted
        and raised; a poison event halts the views and raises :class:`ViewsHalted`."""
        if self.halted is not None:
            self._ledger_only()
            raise ViewsHalted(self.halted)
        try:
            position = self.projector.catch_up(stop=stop)
        except ProjectionFault as poison:
            self._halt(poison)
            assert self.halted is not None
            raise ViewsHalted(self.halted) from poison
        except Exception as error:
            self.failures += 1
            self.last_error = brief(error)
            log.exception("projection follower failed (%d in a row); retrying", self.failures)
            raise
        if self.failures:
            log.info("projection follower recovered at position %d", position)
        self.failures, self.last_error = 0, None
        return position

    def ensure(self, position: int) -> int:
        """Read-your-writes: the views reflect ``position`` when this returns."""
        if self.halted is not None and position >= self.halted.position:
            raise ViewsHalted(self.halted)
        if self.projector.position < position:
            self.catch_up()
        return self.projector.position

    def backoff(self) -> float:
        """How long to wait after ``failures`` failed attempts in a row."""
        if not self.failures:
            return self.interval
        return float(min(self.max_backoff, self.interval * 2 ** (self.failures - 1)))

    def run(self, stop: threading.Event, lock: threading.Lock | None = None) -> None:
        """Follow until ``stop`` is set: poll, and back off after a failure."""
        guard = lock or threading.Lock()
        while not stop.is_set():
            before = self.projector.position
            try:
                with guard:
                    self.catch_up(stop=stop)
            except ViewsHalted:
                wait = self.interval
            except Exception:
                wait = self.backoff()
            else:
                wait = 0.0 if self.projector.position != before else self.interval
                self._note_head(self.projector.head)
            stop.wait(wait)
        with guard:
            self.sign_on_stop()

    def sign_on_stop(self) -> None:
        """Sign what the ledger has hashed, so that a clean stop leaves no event
        outside a checkpoint until the next follower's first one."""
        ledger = self.projector.ledger
        if ledger is None or ledger.signer is None:
            return
        try:
            ledger.sign_if_due(force=True)
        except Exception:
            log.exception("could not sign the ledger's checkpoint on stopping")

    # --- health ---------------------------------------------------------------

    def health(self, head: int | None) -> Health:
        """How the follower stands, given the log's ``head`` now (None: unknown)."""
        now = self._note_head(head)
        if self.halted is not None:
            return Health(False, "halted", self.halted.describe(), self.failures)
        if self.failures:
            reason = f"follower failed {self.failures} time(s) in a row: {self.last_error}"
            return Health(False, "failing", reason, self.failures)
        then, old_head = self._heads[0] if self._heads else (now, 0)
        if then <= now - self.lag_seconds and self.projector.position < old_head:
            reason = (
                f"lagging: views at {self.projector.position} have not reached {old_head}, "
                f"the head of the log {now - then:.0f} s ago"
            )
            return Health(False, "lagging", reason, 0)
        return Health(True, "following", None, 0)

    def _note_head(self, head: int | None) -> float:
        """Remember the log's head now (the follower's rounds and /health both look)."""
        now = self._monotonic()
        if head is not None:
            self._heads.append((now, head))
        # Keep the newest sample older than the window, and everything after it.
        while len(self._heads) > 1 and self._heads[1][0] <= now - self.lag_seconds:
            self._heads.popleft()
        return now

    # --- poison ---------------------------------------------------------------

    def _halt(self, poison: ProjectionFault) -> None:
        log.error("projection halted: %s", poison, exc_info=poison.cause)
        projector = self.projector
        try:
            fault = faults.record(
                projector.engine, projector.name, poison.position, poison.topic, str(poison)
            )
        except Exception:
            log.exception("could not record the projection fault")
            fault = Fault(projector.name, poison.position, poison.topic, str(poison), "")
        self.halted = fault
        # Commit everything before the event, so the views go as far as they can.
        try:
            if projector.tracked_position() < poison.position - 1:
                projector.catch_up(upto=poison.position - 1)
        except Exception:
            log.exception("could not bring the views up to event %d", poison.position - 1)
        self._ledger_only()

    def _ledger_only(self) -> None:
        """While the views are halted, the ledger (which only hashes) keeps up."""
        ledger = self.projector.ledger
        if ledger is None:
            return
        try:
            ledger.catch_up()
        except Exception:
            log.exception("ledger catch-up failed while the views are halted")
