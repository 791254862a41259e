"""Replay the log into memory, up to a position or a moment: the projections as
they stood then, with no SQL. The same fold and derivation as the runner, so
"as of position k" is exactly what a projection of the first k events gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import CanMutateAggregate

from domain.application import MinhBach
from projections.derive import Deriver
from projections.runner import collector_paused
from projections.state import IGNORED_TOPIC_PREFIXES, Dirty, DomainState

READ_PAGE = 2_000


@dataclass
class Replayed:
    state: DomainState
    deriver: Deriver
    position: int  # the last event folded in


def replay(app: MinhBach, upto: int | None = None, until: datetime | None = None) -> Replayed:
    """Fold the events up to position ``upto`` (inclusive), or — with ``until`` — the
    longest prefix of the log recorded at or before that moment."""
    with collector_paused():
        return _replay(app, upto, until)


def _replay(app: MinhBach, upto: int | None, until: datetime | None) -> Replayed:
    state = DomainState()
    deriver = Deriver(state)
    head = app.recorder.max_notification_id() or 0
    stop = head if upto is None else min(upto, head)
    dirty = fold_log(app, state, stop, until)
    deriver.derive(dirty)
    return Replayed(state, deriver, state.position)


def fold_log(app: MinhBach, state: DomainState, stop: int, until: datetime | None = None) -> Dirty:
    """Fold the events after ``state.position`` up to ``stop`` into ``state`` — with
    ``until``, only those recorded at or before that moment; return what they dirty."""
    dirty = Dirty()
    after = state.position
    to_domain_event = app.mapper.to_domain_event
    while after < stop:
        page = app.recorder.select_notifications(
            start=after, limit=READ_PAGE, stop=stop, inclusive_of_start=False
        )
        if not page:
            break
        for notification in page:
            if notification.topic.startswith(IGNORED_TOPIC_PREFIXES):
                if until is not None and _recorded_at(app, notification) > until:
                    return dirty
                state.position = notification.id
                continue
            event: Any = to_domain_event(notification)
            assert isinstance(event, CanMutateAggregate)
            if until is not None and event.timestamp > until:
                return dirty
            state.apply(event, notification.id, dirty)
        after = page[-1].id
    return dirty


def _recorded_at(app: MinhBach, notification: Any) -> datetime:
    event = app.mapper.to_domain_event(notification)
    assert isinstance(event, CanMutateAggregate)
    return event.timestamp
