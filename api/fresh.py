"""Aggregates the request checks read on every request (a token's principal, a
manager's record and agency), kept in memory and checked against the log each
time they are used.

Loading a principal replays every event it has (tokens, sign-ins, sessions),
on every request. Here the last aggregate loaded is kept with its version;
each use asks the store for one event after that version (an indexed look-up
of one row) and reloads only when there is one. So a token revoked, a
password changed, a session ended or a principal disabled — in this process
or in any other writing to the same store — is seen by the very next
request. The aggregates handed out are only read: no command runs on them.
"""

from __future__ import annotations

import threading
import weakref
from typing import TypeVar
from uuid import UUID

from domain.application import MinhBach
from domain.base import Audited

T = TypeVar("T", bound=Audited)

MAX_KEPT = 10_000  # principals, records and agencies; past that, start again

_kept: weakref.WeakKeyDictionary[MinhBach, dict[UUID, Audited]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def find_fresh(app: MinhBach, cls: type[T], aggregate_id: UUID) -> T | None:
    """``app.find(cls, aggregate_id)`` as it stands in the log now, without
    replaying it when nothing was recorded on it since the last time."""
    with _lock:
        kept = _kept.get(app)
        if kept is None:
            kept = _kept[app] = {}
    found = kept.get(aggregate_id)
    if isinstance(found, cls) and not app.recorder.select_events(
        aggregate_id, gt=found.version, limit=1
    ):
        return found
    fresh = app.find(cls, aggregate_id)
    if fresh is None:
        kept.pop(aggregate_id, None)
        return None
    if len(kept) >= MAX_KEPT:
        kept.clear()
    kept[aggregate_id] = fresh
    return fresh
