"""The event routes: which agencies' groups each event of the log concerns, so that a
partitioned projection worker reads only its own groups' events, not the whole log.

The index is one more follower of the log (tracking row ``routes``), shared by
every worker: whichever worker needs it further advances it, under the same
conditional move of its tracking position as every follower (of two that race,
one commits and the other reads what it wrote). It decodes each event's state
once and records:

- **subjects** of every aggregate (``pj_route_aggregates``): ``S:<servant>`` for
  every servant its events name (``servant_code``, ``to_servant``, a servant's own
  code), ``A:<agency>`` for every agency (``agency_code``, ``authority``, an
  agency's own code); an aggregate that names neither (a principal) is global,
  the subject ``""``;
- **members** of every group (``pj_route_members``): an agency belongs to its
  group (the top managing agency, as in :mod:`projections.partition`); a servant
  to the group of every agency named beside them on any of their records, so a
  servant who moved belongs to the old group and the new;
- each event's position and aggregate (``pj_route_events``).

A worker folds the aggregates of every subject of its *component*: the groups of
its agencies, and every group linked to them by a servant who belongs to both
(transitively), since a servant's year counts periods served in another group,
whose results rest on that group's own records. When a subject or a group joins
the component, or an aggregate gains a subject of the component (a task
reassigned to its servant), the aggregate's earlier events are read as well, in
log order, so every aggregate is folded from its first event; an event already
folded (its aggregate's version) is skipped. Reading more than needed is safe —
the derivation of a worker's rows depends only on what they rest on — and reading
less cannot happen: the partition tests compare the workers with one worker over
generated histories with moves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import BigInteger, Column, Engine, Index, String, Table, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from domain.agency import Agency
from domain.servant import CivilServant
from projections.lean import LeanReader, StoredRow
from projections.partition import Partition
from projections.state import IGNORED_TOPIC_PREFIXES, DomainState
from projections.tables import metadata
from projections.tracking import (
    TrackingConflict,
    advance,
    ensure_tracking_row,
    tracked_position,
)

NAME = "routes"
GLOBAL = ""  # the subject of aggregates that name no servant and no agency
EVERYWHERE = "*"  # the group every component contains: the global subject's
LOOKUP_CHUNK = 500  # ids per IN (…) list

route_events = Table(
    "pj_route_events",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("originator_id", String(36), nullable=False),
    Index("pj_route_events_originator", "originator_id", "position"),
)

route_aggregates = Table(
    "pj_route_aggregates",
    metadata,
    Column("originator_id", String(36), primary_key=True),
    Column("subject", String(80), primary_key=True),
    Column("since", BigInteger, nullable=False),  # the event that named it
    Index("pj_route_aggregates_subject", "subject"),
)

route_members = Table(
    "pj_route_members",
    metadata,
    Column("subject", String(80), primary_key=True),
    Column("grp", String(80), primary_key=True),
    Column("since", BigInteger, nullable=False),
    Index("pj_route_members_since", "since"),
)

route_agencies = Table(
    "pj_route_agencies",
    metadata,
    Column("agency", String(80), primary_key=True),
    Column("grp", String(80), nullable=False),
)

ROUTE_TABLES = (route_events, route_aggregates, route_members, route_agencies)

SERVANT_FIELDS = ("servant_code", "to_servant")
AGENCY_FIELDS = ("agency_code", "authority")


def subjects_named(topic: str, state: Mapping[str, Any]) -> set[str]:
    """The servants and agencies one event's state names (its top-level fields)."""
    found: set[str] = set()
    code = state.get("code")
    if topic == Agency.Registered.TOPIC and isinstance(code, str):
        found.add(f"A:{code}")
    elif topic == CivilServant.Registered.TOPIC and isinstance(code, str):
        found.add(f"S:{code}")
    for name in SERVANT_FIELDS:
        value = state.get(name)
        if isinstance(value, str):
            found.add(f"S:{value}")
    for name in AGENCY_FIELDS:
        value = state.get(name)
        if isinstance(value, str):
            found.add(f"A:{value}")
    return found


def _insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, leaving those whose key is already there."""
    if not rows:
        return
    dialect = conn.dialect.name
    make = postgres_insert if dialect == "postgresql" else sqlite_insert
    conn.execute(make(table).on_conflict_do_nothing(), rows)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


class RouteIndex:
    """Advances the routes over the log (shared by every partition worker)."""

    def __init__(self, engine: Engine, reader: LeanReader) -> None:
        self.engine = engine
        self.reader = reader
        ensure_tracking_row(engine, NAME)

    def position(self) -> int:
        with self.engine.connect() as conn:
            return tracked_position(conn, NAME)

    def advance(self, upto: int) -> int:
        """Route every event up to ``upto`` (the index may already be further)."""
        while True:
            seen = self.position()
            if seen >= upto:
                return seen
            rows = next(iter(self.reader.pages(seen, upto)), [])
            to = rows[-1].id if rows else upto
            try:
                with self.engine.begin() as conn:
                    # The move first: of two workers routing the same page, the
                    # second waits here and then finds the position moved.
                    advance(conn, NAME, seen, to)
                    self._route(conn, rows)
            except TrackingConflict:
                continue  # another worker routed this page: read where it got to

    def _route(self, conn: Connection, rows: Sequence[StoredRow]) -> None:
        known = self._subjects_of(conn, [str(r.originator_id) for r in rows])
        groups = dict(conn.execute(select(route_agencies.c.agency, route_agencies.c.grp)).all())
        events: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        members: dict[tuple[str, str], int] = {}
        new_agencies: list[dict[str, Any]] = []
        for row in rows:
            if row.topic.startswith(IGNORED_TOPIC_PREFIXES):
                continue
            originator = str(row.originator_id)
            events.append({"position": row.id, "originator_id": originator})
            state = orjson.loads(row.state)
            named = subjects_named(row.topic, state) if isinstance(state, dict) else set()
            if row.topic == Agency.Registered.TOPIC:
                code, parent = state.get("code"), state.get("managing_agency")
                if isinstance(code, str) and code not in groups:
                    top = groups.get(parent, parent) if isinstance(parent, str) else code
                    groups[code] = top
                    new_agencies.append({"agency": code, "grp": top})
            subjects = known.setdefault(originator, set())
            if not named and not subjects:
                named = {GLOBAL}
            added = named - subjects
            subjects |= added
            links.extend(
                {"originator_id": originator, "subject": s, "since": row.id} for s in added
            )
            if added:
                for subject, group in _memberships(subjects, groups):
                    members.setdefault((subject, group), row.id)
        _insert_new(conn, route_agencies, new_agencies)
        if events:
            conn.execute(route_events.insert(), events)
        _insert_new(conn, route_aggregates, links)
        _insert_new(
            conn,
            route_members,
            [{"subject": s, "grp": g, "since": since} for (s, g), since in members.items()],
        )

    def _subjects_of(self, conn: Connection, originators: Sequence[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        distinct = sorted(set(originators))
        for chunk in _chunks(distinct):
            query = select(route_aggregates.c.originator_id, route_aggregates.c.subject).where(
                route_aggregates.c.originator_id.in_(chunk)
            )
            for originator, subject in conn.execute(query):
                found[originator].add(subject)
        return found


def _memberships(subjects: Iterable[str], groups: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """The groups an aggregate's subjects belong to by naming one another."""
    subjects = set(subjects)
    if GLOBAL in subjects:
        yield GLOBAL, EVERYWHERE
    agency_groups = {
        groups.get(subject[2:], subject[2:]) for subject in subjects if subject.startswith("A:")
    }
    for subject in subjects:
        if subject.startswith("A:"):
            yield subject, groups.get(subject[2:], subject[2:])
        elif subject.startswith("S:"):
            for group in agency_groups:
                yield subject, group


class RoutedReader:
    """One partition worker's reading of the log: its component's events only
    (the component of its agencies' groups, and of ``groups`` named outright)."""

    def __init__(
        self, index: RouteIndex, partition: Partition, groups: frozenset[str] = frozenset()
    ) -> None:
        self.index = index
        self.partition = partition
        self.groups = groups
        self.engine = index.engine
        self.reader = index.reader
        self.groups_of: dict[str, set[str]] = defaultdict(set)  # subject → groups
        self.subjects_in: dict[str, set[str]] = defaultdict(set)  # group → subjects
        self.agency_groups: dict[str, str] = {}
        self.members_seen = 0  # members loaded up to this ``since``
        self.component: set[str] = set()
        self.subjects: set[str] = set()
        self.read = 0  # events read (for the benchmark and the tests)

    def pages(self, after: int, upto: int, state: DomainState) -> Iterator[list[StoredRow]]:
        """The events of the component in (after, upto], and every earlier event of
        an aggregate that joined it, in log order; those already folded left out."""
        if upto <= after:
            return
        self.index.advance(upto)
        with self.engine.connect() as conn:
            joined = self._refresh(conn, upto)
            positions = self._positions(conn, after, upto)
            earlier = self._earlier(conn, joined, after)
        wanted = sorted(set(positions) | earlier)
        for start in range(0, len(wanted), self.reader.page):
            rows = self.reader.rows_at(wanted[start : start + self.reader.page])
            self.read += len(rows)
            fresh = [row for row in rows if not _folded(row, state)]
            missing = self._gaps(fresh, state, after)
            if missing:
                fresh = sorted(
                    {r.id: r for r in (*fresh, *self.reader.rows_at(missing))}.values(),
                    key=lambda r: r.id,
                )
                fresh = [row for row in fresh if not _folded(row, state)]
            if fresh:
                yield fresh

    def _refresh(self, conn: Connection, upto: int) -> set[str]:
        """Load the members routed since the last look; return the subjects that
        joined the component."""
        agencies = select(route_agencies.c.agency, route_agencies.c.grp)
        for agency, group in conn.execute(agencies):
            self.agency_groups[agency] = group
        query = select(route_members.c.subject, route_members.c.grp).where(
            route_members.c.since > self.members_seen, route_members.c.since <= upto
        )
        loaded = False
        for subject, group in conn.execute(query):
            self.groups_of[subject].add(group)
            self.subjects_in[group].add(subject)
            loaded = True
        self.members_seen = max(self.members_seen, upto)
        if not loaded and self.component:
            return set()
        component = {EVERYWHERE, *self.groups} | {
            group for agency, group in self.agency_groups.items() if self.partition.owns(agency)
        }
        frontier = list(component)
        while frontier:
            for subject in self.subjects_in.get(frontier.pop(), ()):
                for group in self.groups_of[subject]:
                    if group not in component:
                        component.add(group)
                        frontier.append(group)
        subjects = set().union(*(self.subjects_in.get(g, set()) for g in component))
        joined = subjects - self.subjects
        self.component, self.subjects = component, subjects
        return joined

    def _positions(self, conn: Connection, after: int, upto: int) -> list[int]:
        """The positions in (after, upto] of aggregates with a subject of the component."""
        query = (
            select(route_events.c.position)
            .distinct()
            .join(
                route_aggregates,
                route_aggregates.c.originator_id == route_events.c.originator_id,
            )
            .join(route_members, route_members.c.subject == route_aggregates.c.subject)
            .where(
                route_events.c.position > after,
                route_events.c.position <= upto,
                route_members.c.grp.in_(sorted(self.component)),
            )
        )
        return [int(p) for p in conn.execute(query).scalars()]

    def _earlier(self, conn: Connection, joined: set[str], after: int) -> set[int]:
        """Positions up to ``after`` of every aggregate of the subjects that joined."""
        if not joined or after == 0:
            return set()
        originators: set[str] = set()
        for chunk in _chunks(sorted(joined)):
            query = select(route_aggregates.c.originator_id).where(
                route_aggregates.c.subject.in_(chunk)
            )
            originators.update(conn.execute(query).scalars())
        return self._positions_of(conn, sorted(originators), after)

    def _positions_of(self, conn: Connection, originators: Sequence[str], upto: int) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(originators):
            query = select(route_events.c.position).where(
                route_events.c.originator_id.in_(chunk), route_events.c.position <= upto
            )
            found.update(int(p) for p in conn.execute(query).scalars())
        return found

    def _gaps(self, rows: Sequence[StoredRow], state: DomainState, after: int) -> list[int]:
        """Earlier positions of aggregates that reach this worker mid-history (a
        task reassigned to one of its servants): not folded, first event missing."""
        started: dict[str, int] = {}
        for row in rows:
            started.setdefault(str(row.originator_id), row.originator_version)
        late = [
            originator
            for originator, version in started.items()
            if version > 1 and UUID(originator) not in state.by_id
        ]
        if not late:
            return []
        with self.engine.connect() as conn:
            return sorted(self._positions_of(conn, late, after))


def _folded(row: StoredRow, state: DomainState) -> bool:
    """Whether the fold already holds this event (its aggregate's version)."""
    if row.topic.startswith(IGNORED_TOPIC_PREFIXES):
        return True
    aggregate = state.by_id.get(UUID(str(row.originator_id)))
    return aggregate is not None and aggregate.version >= row.originator_version
