"""Replays of the log for audit queries, cached by position (a replay of a whole
province's log takes seconds; inspectors ask about the same moment repeatedly)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime

from domain.application import MinhBach
from domain.errors import InvalidValue
from projections.replay import Replayed, replay

CACHED = 3


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

    def _keep(self, replayed: Replayed) -> None:
        with self._lock:
            self._cache[replayed.position] = replayed
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
