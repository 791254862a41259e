"""Replays of the log for audit queries, and what is computed from them, cached by
position (a replay of a whole province's log takes seconds; inspectors ask about
the same moment repeatedly).

A question about one servant or one agency as of a position folds only what that
subject's rows rest on — its component of the event routes
(``projections.routed_replay``), as the command line does — and falls back to the
whole log where the routes cannot answer (the in-memory store, a servant the
routes do not know, a moment rather than a position). A whole-log replay already
kept at the position answers any subject."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from domain.application import MinhBach
from domain.errors import InvalidValue
from projections.replay import Replayed, replay
from projections.routed_replay import agency_replay, servant_replay

CACHED = 3  # replays kept, whole-log and routed together (each may be the whole log)

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


# A subject whose rows a routed replay folds: ("S", servant code) or ("A", agency code);
# None for the whole log.
Subject = tuple[str, str]


class Replays:
    def __init__(self, app: MinhBach, routed: bool = True) -> None:
        self.app = app
        self.routed = routed  # False: every answer from the whole log (to compare)
        self._cache: OrderedDict[tuple[int, Subject | None], Replayed] = OrderedDict()
        self._lock = threading.Lock()

    def at(
        self,
        position: int | None = None,
        moment: datetime | None = None,
        *,
        servant: str | None = None,
        agency: str | None = None,
    ) -> Replayed:
        """The log as it stood at ``position`` (default: now) or ``moment``; with a
        ``servant`` or an ``agency``, what that subject's rows rest on (the fold
        holds nothing else a caller may rely on)."""
        if position is not None and moment is not None:
            raise InvalidValue("give as_of_position or as_of_time, not both")
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            replayed = replay(self.app, until=moment)
            self._keep(None, replayed)
            return replayed
        head = self.app.recorder.max_notification_id() or 0
        target = head if position is None else min(position, head)
        subject = ("S", servant) if servant else ("A", agency) if agency else None
        for key in [(target, None)] + ([(target, subject)] if subject else []):
            if (found := self._kept(key)) is not None:
                return found
        if subject is not None and (routed := self._routed(target, subject)) is not None:
            self._keep(subject, routed)
            return routed
        replayed = replay(self.app, upto=target)
        self._keep(None, replayed)
        return replayed

    def cached(self, position: int) -> Replayed | None:
        """The whole-log replay kept at ``position``, if any (nothing is read)."""
        with self._lock:
            return self._cache.get((position, None))

    def _routed(self, target: int, subject: Subject) -> Replayed | None:
        kind, code = subject
        if not self.routed:
            return None
        if kind == "S":
            return servant_replay(self.app, code, target)
        return agency_replay(self.app, [code], target)

    def _kept(self, key: tuple[int, Subject | None]) -> Replayed | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _keep(self, subject: Subject | None, replayed: Replayed) -> None:
        with self._lock:
            self._cache[(replayed.position, subject)] = replayed
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
