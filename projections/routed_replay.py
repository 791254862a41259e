"""Replays of part of the log for the one-shot commands (the command line's
explanations, evidence bundles, publications, documents and what-if), which have
no live fold to start from.

An agency's year rests only on the events of its *component*: its managing group
and every group linked to it by a servant who served in both — what a partition
worker folds (``projections.routes``), and the partition tests hold a worker's
rows equal to one worker's. So these fold that component up to a position through
the event routes, advancing the routes first when they are behind (they are a
shared index, kept for the next command and for the partition workers), instead
of the whole log. A store holding several provinces or ministries reads one of
them; within one managing group (a province's departments under its committee)
the component is the whole group, so the gain is the other groups' events.

An agency's publications live on its own record: ``agency_record`` folds that
record's events alone, to find a publication before reproducing it.

Each returns None where the store cannot read events by position (the in-memory
store): then replay the whole log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select

from domain.agency import agency_id
from domain.application import MinhBach
from projections.derive import Deriver
from projections.lean import LeanReader
from projections.partition import Partition
from projections.replay import READ_PAGE, Replayed, fold_into, stop_at
from projections.routes import ROUTE_TABLES, RoutedReader, RouteIndex, route_members
from projections.runner import collector_paused
from projections.state import DomainState
from projections.tables import metadata, tracking
from projections.tracking import engine_for

NO_AGENCY = Partition(agencies=frozenset({""}))  # owns no agency: only the groups named
# The groups to fold, read off the routes once they reach the position.
_Groups = Callable[[RouteIndex], frozenset[str]]


def agency_replay(
    app: MinhBach, agencies: Iterable[str], upto: int | None = None
) -> Replayed | None:
    """The fold, up to position ``upto`` (default: the head of the log), of what the
    rows of ``agencies`` rest on."""
    return _routed(app, Partition(agencies=frozenset(agencies)), lambda _: frozenset(), upto)


def servant_replay(app: MinhBach, servant: str, upto: int | None = None) -> Replayed | None:
    """As :func:`agency_replay`, for the groups of every agency named on ``servant``'s
    records by ``upto``; None also when the routes know no such servant then (the
    whole log's replay answers as it would: not found)."""
    return _routed(app, NO_AGENCY, lambda index: _groups_of(index, servant, upto), upto)


def subject_replay(
    app: MinhBach, subject: Mapping[str, Any], upto: int | None = None
) -> Replayed | None:
    """For a document's subject (a servant's, or an agency's): the replay above."""
    if subject.get("servant") is not None:
        return servant_replay(app, str(subject["servant"]), upto)
    if subject.get("agency") is not None:
        return agency_replay(app, [str(subject["agency"])], upto)
    return None


def agency_record(app: MinhBach, agency: str, upto: int | None = None) -> Replayed | None:
    """The fold of ``agency``'s own record alone (its publications, policy and units),
    up to ``upto``; nothing is derived from it."""
    reader = LeanReader(app, READ_PAGE)
    if not reader.can_select_at:
        return None
    stop = stop_at(app, upto)
    state = DomainState()
    fold_into(state, reader.rows_of({agency_id(agency)}, stop), app.mapper, decode=reader.event)
    state.position = stop
    return Replayed(state, Deriver(state), stop)


def _routed(
    app: MinhBach, partition: Partition, groups_of: _Groups, upto: int | None
) -> Replayed | None:
    reader = LeanReader(app, READ_PAGE)
    if not reader.can_select_at:
        return None
    stop = stop_at(app, upto)
    engine = engine_for(app.storage)
    try:
        metadata.create_all(engine, tables=[tracking, *ROUTE_TABLES])
        index = RouteIndex(engine, reader)
        index.advance(stop)
        groups = groups_of(index)
        if partition is NO_AGENCY and not groups:
            return None  # the routes know no such servant
        routed = RoutedReader(index, partition, groups)
        with collector_paused():
            state = DomainState()
            deriver = Deriver(state)
            rows = (row for page in routed.pages(0, stop, state) for row in page)
            deriver.derive(fold_into(state, rows, app.mapper, decode=reader.event))
            state.position = stop
            return Replayed(state, deriver, stop)
    finally:
        engine.dispose()


def _groups_of(index: RouteIndex, servant: str, upto: int | None) -> frozenset[str]:
    query = select(route_members.c.grp).where(route_members.c.subject == f"S:{servant}")
    if upto is not None:
        query = query.where(route_members.c.since <= upto)
    with index.engine.connect() as conn:
        return frozenset(conn.execute(query).scalars())
