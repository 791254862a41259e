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
    dirty = Dirty()
    head = app.recorder.max_notification_id() or 0
    stop = head if upto is None else min(upto, head)
    position, after = 0, 0
    to_domain_event = app.mapper.to_domain_event
    done = False
    while after < stop and not done:
        page = app.recorder.select_notifications(
            start=after, limit=READ_PAGE, stop=stop, inclusive_of_start=False
        )
        if not page:
            break
        for notification in page:
            if notification.topic.startswith(IGNORED_TOPIC_PREFIXES):
                if until is not None and _recorded_at(app, notification) > until:
                    done = True
                    break
                position = notification.id
                continue
            event: Any = to_domain_event(notification)
            assert isinstance(event, CanMutateAggregate)
            if until is not None and event.timestamp > until:
                done = True
                break
            state.apply(event, notification.id, dirty)
            position = notification.id
        after = page[-1].id
    deriver.derive(dirty)
    return Replayed(state, deriver, position)


def _recorded_at(app: MinhBach, notification: Any) -> datetime:
    event = app.mapper.to_domain_event(notification)
    assert isinstance(event, CanMutateAggregate)
    return event.timestamp
