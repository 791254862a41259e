"""Replays of the log for audit queries, and what is computed from them, cached by
position (a replay of a whole province's log takes seconds; inspectors ask about
the same moment repeatedly)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from domain.application import MinhBach
from domain.errors import InvalidValue
from projections.replay import Replayed, replay

CACHED = 3

# What is computed from a replay (explanations, score trails, what-if, leniency),
# kept for a few log positions: what the log held at a position never changes (a
# key that depends on the ledger holds its size too, since an event's leaf appears
# once the ledger catches up). Callers must not modify what they get.
_KEPT: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
T = TypeVar("T")
_KEPT_MOST = 32
_kept_lock = threading.Lock()


def kept(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    with _kept_lock:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            found: T = _KEPT[key]
            return found
    value = compute()
    with _kept_lock:
        _KEPT[key] = value
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return value


class Replays:
    def __init__(self, app: MinhBach) -> None:
        self.app = app
        self._cache: OrderedDict[int, Replayed] = OrderedDict()
        self._lock = threading.Lock()

    def at(self, position: int | None = None, moment: datetime | None = None) -> Replayed:
        """The log as it stood at ``position`` (default: now) or ``moment``."""
        if position is not None and moment is not None:
            raise InvalidValue("give as_of_position or as_of_time, not both")
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            replayed = replay(self.app, until=moment)
            self._keep(replayed)
            return replayed
        head = self.app.recorder.max_notification_id() or 0
        target = head if position is None else min(position, head)
        with self._lock:
            if target in self._cache:
                self._cache.move_to_end(target)
                return self._cache[target]
        replayed = replay(self.app, upto=target)
        self._keep(replayed)
        return replayed

    def cached(self, position: int) -> Replayed | None:
        """The replay kept at ``position``, if any (nothing is read)."""
        with self._lock:
            return self._cache.get(position)

    def _keep(self, replayed: Replayed) -> None:
        with self._lock:
            self._cache[replayed.position] = replayed
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
