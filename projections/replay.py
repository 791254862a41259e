"""Replay the log into memory, up to a position or a moment: the projections as
they stood then, with no SQL. The same fold and derivation as the runner, so
"as of position k" is exactly what a projection of the first k events gives.

``fold`` is the same replay over any sequence of stored events — an evidence
bundle's proven events, say — with no database at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import Mapper, Notification

from domain.application import MinhBach
from domain.policy import MemberStanding, PoolMember, member_standing
from domain.quota_pool import PoolKey
from projections.derive import Deriver
from projections.lean import LeanReader
from projections.pools import members_facts, pool_facts, pool_member
from projections.runner import collector_paused
from projections.state import IGNORED_TOPIC_PREFIXES, Dirty, DomainState

READ_PAGE = 2_000


class Stored(Protocol):
    """A stored event as read: the library's ``Notification`` or a lean ``StoredRow``."""

    @property
    def id(self) -> int: ...

    @property
    def topic(self) -> str: ...


@dataclass
class Replayed:
    state: DomainState
    deriver: Deriver
    position: int  # the last event folded in
    # Quota pools whose other members this fold does not hold, as read elsewhere (the
    # versioned rows at the position: ``projections.pooled``), by pool.
    peers: Mapping[PoolKey, tuple[PoolMember, ...]] = field(default_factory=dict)

    def standing(self, servant: str, year: int) -> MemberStanding:
        """Where ``servant``'s ``year`` stands in its quota pool (it must have a basis)."""
        basis = self.deriver.bases[(servant, year)]
        pool: PoolKey = basis["_pool"]
        agencies = self.state.agencies
        peers = self.peers.get(pool)
        if peers is None:
            members = sorted(self.deriver.group_members.get(pool, ()))
            bases = [self.deriver.bases[(code, year)] for code in members]
            return member_standing(pool_facts(pool, bases, agencies), servant)
        own = pool_member(basis, agencies.get(basis["agency_code"]))
        everyone = sorted((*peers, own), key=lambda member: member.ref)  # as the deriver
        return member_standing(members_facts(pool, everyone, agencies), servant)


def replay(app: MinhBach, upto: int | None = None, until: datetime | None = None) -> Replayed:
    """Fold the events up to position ``upto`` (inclusive), or — with ``until`` — the
    longest prefix of the log recorded at or before that moment."""
    with collector_paused():
        state = DomainState()
        deriver = Deriver(state)
        deriver.derive(fold_log(app, state, stop_at(app, upto), until))
        return Replayed(state, deriver, state.position)


def stop_at(app: MinhBach, upto: int | None) -> int:
    """The last position a fold "up to ``upto``" reads: the head when none is given
    or the log is shorter."""
    head = app.recorder.max_notification_id() or 0
    return head if upto is None else min(upto, head)


def fold(
    notifications: Iterable[Notification],
    mapper: Mapper[UUID],
    until: datetime | None = None,
) -> Replayed:
    """Fold stored events, in log order, into the projections' state and derive
    every row from it (stopping at the first event recorded after ``until``)."""
    state = DomainState()
    deriver = Deriver(state)
    deriver.derive(fold_into(state, notifications, mapper, until))
    return Replayed(state, deriver, state.position)


def fold_log(app: MinhBach, state: DomainState, stop: int, until: datetime | None = None) -> Dirty:
    """Fold the events after ``state.position`` up to ``stop`` into ``state`` — with
    ``until``, only those recorded at or before that moment; return what they dirty."""
    reader = LeanReader(app, READ_PAGE)
    rows = (row for page in reader.pages(state.position, stop) for row in page)
    return fold_into(state, rows, app.mapper, until, decode=reader.event)


def fold_into(
    state: DomainState,
    notifications: Iterable[Stored],
    mapper: Mapper[UUID],
    until: datetime | None = None,
    decode: Callable[[Any], Any] | None = None,
) -> Dirty:
    """Fold ``notifications`` into ``state``; return what they dirty. ``decode`` makes
    each one's event (default: the mapper's, for the library's notifications)."""
    dirty = Dirty()
    to_domain_event: Callable[[Any], Any] = decode or mapper.to_domain_event
    for notification in notifications:
        if notification.topic.startswith(IGNORED_TOPIC_PREFIXES):
            if until is not None and _recorded_at(to_domain_event, notification) > until:
                return dirty
            state.position = notification.id
            continue
        event: Any = to_domain_event(notification)
        assert isinstance(event, CanMutateAggregate)
        if until is not None and event.timestamp > until:
            return dirty
        state.apply(event, notification.id, dirty)
    return dirty


def notifications(app: MinhBach, after: int, stop: int) -> Iterator[Notification]:
    """The stored events after position ``after`` up to ``stop``, read in pages."""
    return _log(app, after, stop)


def _log(app: MinhBach, after: int, stop: int) -> Iterator[Notification]:
    while after < stop:
        page = app.recorder.select_notifications(
            start=after, limit=READ_PAGE, stop=stop, inclusive_of_start=False
        )
        if not page:
            return
        yield from page
        after = page[-1].id


def _recorded_at(decode: Callable[[Any], Any], notification: Stored) -> datetime:
    event = decode(notification)
    assert isinstance(event, CanMutateAggregate)
    return event.timestamp
