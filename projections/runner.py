"""The projection runner: follows the notification log and keeps the read
models in step, exactly once.

Each commit writes the changed rows **and** moves the tracking position in one
transaction, and the move is conditional (``WHERE position = <where we
started>``): a second runner that processed the same events finds the
position moved, rolls back, and resynchronises. Works on every backend by
paging ``select_notifications`` (SQLite has no subscriptions).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from sqlalchemy import Engine, delete, insert, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from domain.application import MinhBach
from domain.base import Audited
from domain.policy import PoolFacts
from projections import faults, history
from projections.derive import Deriver, Row
from projections.lean import LeanReader, StoredRow, notification
from projections.ledger import Ledger
from projections.partition import BASE_NAME, Partition, touched_agencies
from projections.routes import RoutedReader, RouteIndex
from projections.state import IGNORED_TOPIC_PREFIXES, Dirty, DomainState
from projections.tables import KEYS, VIEWS, metadata, tracking
from projections.tracking import (
    TrackingConflict,
    advance,
    engine_for,
    ensure_tracking_row,
    tracked_position,
)

NAME = BASE_NAME  # the whole read side; a partition tracks its own row
# The shape of the views; a runner that finds another drops and rebuilds them.
SCHEMA = "views-schema"
VIEWS_SCHEMA = 10  # 4: decisions keyed by (agency, number); 5: quota pools, departures;
# 6: proposal_recorded and the group's GOOD count for the web screens; 7: period status;
# 8: period steps (the reconciliation console); 9: versioned rows (projections.history);
# 10: the annual history indexed by quota pool (projections.pooled)
READ_PAGE = 2_000
# A rebuild commits every so many events: each commit is a position the history
# answers "as of" exactly (projections.history), and costs a derive. Large, so a
# rebuild stays near one window's speed; the follower's commits in service mark
# nearly every position anyway.
REBUILD_WINDOW = 100_000
DELETE_CHUNK = 2_000
# The years kept in memory: the latest one any task or evaluation falls in and the
# one before it (classified early the next year). Older ones are closed: their tasks
# and evaluations leave memory and are folded back from the log when something
# needs them (projections.records). None keeps everything.
OPEN_YEARS = 2


def parse_open_years(text: str) -> int | None:
    """How many years a runner keeps in memory, as written in a setting or an
    option: a whole number, 0 or more, or ``all`` (None: nothing is closed)."""
    if text.strip() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"a number of years or 'all', not {text!r}") from None
    if value < 0:
        raise ValueError(f"a number of years, 0 or more, not {value}")
    return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole log is folded.

    The fold keeps hundreds of thousands of objects alive and frees almost
    none, so collections only rescan them; reference counting still frees
    everything that becomes garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A fold of at least this many events (a start, a rebuild, a long catch-up window)
# freezes what it built; smaller ones are left to the collector.
FREEZE_AFTER = 5_000


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's reach (``gc.freeze``).

    After a whole log is folded, the state is hundreds of thousands of objects that
    live as long as the process; a full collection would rescan all of them (seconds,
    while requests wait). Frozen, they are never scanned again; reference counting
    still frees them when they go. The price: a reference cycle that was already
    garbage at this moment is never collected (a few objects, once per fold).
    """
    gc.freeze()


class ProjectionFault(Exception):
    """The projections cannot take in an event: it does not decode (written by
    another version), or folding or deriving it fails (a bug). Retrying cannot
    help; the follower halts before it (``projections.follower``)."""

    def __init__(self, position: int, topic: str | None, cause: BaseException) -> None:
        self.position = position  # the first event the views cannot reflect
        self.topic = topic
        self.cause = cause
        what = f"event {position} ({topic})" if topic else f"the events from {position}"
        super().__init__(f"{what} cannot be projected: {type(cause).__name__}: {cause}")


@dataclass(frozen=True)
class Status:
    name: str
    position: int  # last event reflected in the views
    head: int  # newest event in the log

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


class Projector:
    """Folds the log into memory and keeps the SQL views equal to the derivation."""

    def __init__(
        self,
        app: MinhBach,
        engine: Engine | None = None,
        batch_size: int = 500,
        ledger: Ledger | None = None,
        partition: Partition | None = None,
        open_years: int | None = OPEN_YEARS,
    ) -> None:
        if partition is not None and ledger is not None:
            raise ValueError("the ledger follows the whole log: run it beside the partitions")
        self.app = app
        # None: every agency's rows, as one worker. Otherwise only the partition's
        # (projections.partition), under its own tracking row.
        self.partition = partition
        self.name = NAME if partition is None else partition.name
        self.engine = engine or engine_for(app.storage)
        self.batch_size = batch_size
        # The ledger rides along: it hashes the pages this runner reads anyway and
        # commits its leaves in the same transaction as the views.
        self.ledger = ledger
        self.head = 0  # the newest event seen in the log, at the last look
        self.reader = LeanReader(app, READ_PAGE)
        if open_years is not None and open_years < 0:
            raise ValueError("open_years is a number of years, 0 or more")
        # Closing years needs records read back by id (SQLite and PostgreSQL).
        self.open_years = open_years if self.reader.can_select_at else None
        self._ensure_schema()
        ensure_tracking_row(self.engine, self.name)
        # A partition reads only its component's events, through the shared
        # routes (projections.routes); elsewhere (no row reads by position) the log.
        self.routes = (
            RouteIndex(self.engine, self.reader)
            if partition is not None and self.reader.can_select_at
            else None
        )
        self.routed: RoutedReader | None = None
        # Moves whenever the stored views may have changed (a commit, a reset): what
        # readers keep from the views is good for one version (``api.views_cache``).
        self.views_version = 0
        self.reset()

    # --- state ----------------------------------------------------------------

    def reset(self) -> None:
        """Rebuild the in-memory state from the log up to the tracked position,
        then schedule whatever differs between the views and the derivation."""
        # Until this completes, memory does not stand for any committed position.
        self._stale = True
        self.views_version += 1  # another process may have written the views
        self.state = DomainState()
        self.state.by_id.loader = self._load_records
        self.deriver = Deriver(self.state)
        if self.routes is not None and self.partition is not None:
            self.routed = RoutedReader(self.routes, self.partition)
        self.position = self.tracked_position()
        # A partition's derivations put off while no batch touched its agencies.
        self._deferred = Dirty()
        dirty = Dirty()
        with collector_paused():
            # Derived a window at a time, as a rebuild is, and before a year closes:
            # what it dirtied is derived while its records are still in memory (the
            # same rows as one derive of everything: the derivation follows whatever
            # batching).
            folded = 0
            for notifications in self._pages(0, self.position):
                dirty.update(self._fold(notifications))
                folded += len(notifications)
                if folded >= REBUILD_WINDOW or self._year_closes():
                    self._derive(dirty, self.position)
                    dirty, folded = Dirty(), 0
                    self._close_years()
            self._derive(dirty, self.position)
            self._close_years()
        derived = self.deriver.views()
        with self.engine.connect() as conn:
            if self.partition is None:
                # Compared row by row as they are read: a start never holds every
                # stored row of every year beside the derived ones.
                self._stored = {}  # only a partition's writes read them (whose rows they are)
                self._pending = {
                    view.name: _differing(conn, view, derived[view.name]) for view in VIEWS
                }
            else:
                self._stored = {view.name: self._mine(_load(conn, view.name)) for view in VIEWS}
                self._pending = {
                    name: _differences(self._mine(rows), self._stored[name])
                    for name, rows in derived.items()
                }
        self._stale = False
        self.views_version += 1
        if self.position >= FREEZE_AFTER:
            freeze_long_lived()

    def resync(self) -> None:
        """Discard memory and start again from what is committed (views and ledger)."""
        self.reset()
        if self.ledger is not None:
            self.ledger.reload()

    def derived(self) -> tuple[DomainState, Deriver, int] | None:
        """The fold, its derivation and the position both reflect, or None while
        memory runs ahead of what is committed (a failed commit not yet resynced).
        Only while no catch-up runs (the caller holds it off)."""
        return None if self._stale else (self.state, self.deriver, self.position)

    def tracked_position(self) -> int:
        with self.engine.connect() as conn:
            return tracked_position(conn, self.name)

    def status(self) -> Status:
        head = self.app.recorder.max_notification_id() or 0
        return Status(self.name, self.tracked_position(), head)

    # --- running --------------------------------------------------------------

    def catch_up(
        self,
        window: int | None = None,
        upto: int | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Process every event after the current position (up to ``upto``, if
        given); return the new position.

        ``window`` is how many events are folded before each derive-and-commit
        (default: the batch size); a rebuild uses one window for the whole log.
        ``stop``, once set, ends the work before the next window.

        Whatever fails — a commit, a read, a fold — leaves nothing half-done:
        the transaction rolls back, and events folded into memory but not
        committed make the state stale, so the next call resynchronises from
        the committed position instead of folding them a second time.
        """
        if self._stale:
            self.resync()
        window = self.batch_size if window is None else window
        ledger = self.ledger
        while stop is None or not stop.is_set():
            head = self.head = self.app.recorder.max_notification_id() or 0
            if upto is not None:
                head = min(head, upto)
            if ledger is not None and not ledger.ready_for(self.position):
                ledger.catch_up()  # behind the views: let it read on its own first
            if head <= self.position:
                if any(self._pending.values()):
                    self._commit_or_resync(self.position, {})
                    continue
                if ledger is not None:
                    ledger.sign_if_due()
                self._close_years()  # what readers brought back since
                break
            stop_at = head if window == 0 else min(head, self.position + window)
            self._stale = True  # memory runs ahead of the views until the commit
            dirty = Dirty()
            first = self.position
            changed: dict[str, set[Any]] = {}
            for rows in self._pages(self.position, stop_at):
                if ledger is not None:
                    convert = self.reader.convert_id
                    ledger.observe([notification(row, convert) for row in rows])
                dirty.update(self._fold(rows))
                if self._year_closes():
                    # Derived now, while the closing year's records are in memory; the
                    # rows are committed with the rest of the window.
                    _merge(changed, self._derive_window(dirty, first))
                    dirty = Dirty()
                    self._close_years(settled=False)
            if ledger is not None:
                ledger.advance_to(stop_at)
            _merge(changed, self._derive_window(dirty, first))
            self._commit_or_resync(stop_at, changed)
            self._close_years()
            if stop_at - first >= FREEZE_AFTER:
                freeze_long_lived()
        return self.position

    def _commit_or_resync(self, position: int, changed: Mapping[str, set[Any]]) -> None:
        try:
            self._commit(position, changed)
        except TrackingConflict:
            self.resync()

    def ensure(self, position: int) -> int:
        """Read-your-writes: make the views reflect at least ``position``."""
        if self.position < position:
            self.catch_up()
        return self.position

    def pool_facts(self, servant: str, year: int, position: int) -> PoolFacts | None:
        """A year's quota pool as derived up to at least ``position`` (for the handlers)."""
        self.ensure(position)
        return self.deriver.pool_facts(servant, year)

    def rebuild(self) -> int:
        """Drop every view and its history, then rebuild them from the whole log, a
        commit every ``REBUILD_WINDOW`` events (each one a version of the history)."""
        with self.engine.begin() as conn:
            if self.partition is None:
                for view in VIEWS:
                    conn.execute(delete(view))
                history.clear(conn)
            # A partition keeps the rows: the reset compares them with its derivation.
            conn.execute(update(tracking).where(tracking.c.name == self.name).values(position=0))
        with collector_paused():
            self.reset()
            return self.catch_up(window=REBUILD_WINDOW)

    # --- internals ------------------------------------------------------------

    def _pages(self, after: int, upto: int) -> Iterator[Sequence[StoredRow]]:
        """Stored rows with ids in (after, upto], page by page (ids may have gaps);
        a partition's only those of its component."""
        if self.routed is None:
            yield from self.reader.pages(after, upto)
            return
        yield from self.routed.pages(after, upto, self.state)
        self.state.position = max(self.state.position, upto)

    def _fold(self, rows: Iterable[StoredRow]) -> Dirty:
        dirty = Dirty()
        event_of = self.reader.event
        apply = self.state.apply
        for row in rows:
            if row.topic.startswith(IGNORED_TOPIC_PREFIXES):
                self.state.position = row.id
                continue
            try:
                event = event_of(row)
                if not isinstance(event, CanMutateAggregate):
                    raise TypeError(f"{type(event).__name__} is not an aggregate event")
                apply(event, row.id, dirty)
            except Exception as error:
                raise ProjectionFault(row.id, row.topic, error) from error
        return dirty

    def _load_records(self, records: set[UUID]) -> dict[UUID, Audited]:
        """Fold records back from their own events up to the state's position: what
        they were when they left memory, with whatever happened to them since."""
        rows = self.reader.rows_of(records, self.state.position)
        return self.state.refold((self.reader.event(row), row.id) for row in rows)

    def _derive_window(self, dirty: Dirty, first: int) -> dict[str, set[Any]]:
        """Derive what events after ``first`` dirtied; a partition puts it off while
        none of it is its agencies'."""
        if not self._touches_mine(dirty):  # move the position, derive later
            self._deferred.update(dirty)
            return {}
        dirty.update(self._deferred)
        self._deferred = Dirty()
        return self._derive(dirty, first + 1)

    def _year_closes(self) -> bool:
        """Whether the fold reached a year that closes another."""
        if self.open_years is None:
            return False
        return self.state.newest_year - self.open_years > self.state.closed_through

    def _close_years(self, settled: bool = True) -> None:
        """Evict the closed years' tasks and evaluations and pack their rows: all of
        them when another year closes, and once derived (``settled``) those something
        loaded back or wrote since the last time — not between a fold and its
        derive, which would read them again."""
        if self.open_years is None:
            return
        through = self.state.newest_year - self.open_years
        moved = self._year_closes()
        if moved or (settled and self.state.by_id.resident):
            self.state.close_years(through)
        if moved or (settled and self.deriver.written_closed()):
            self.deriver.close_years(through)

    def _derive(self, dirty: Dirty, first: int) -> dict[str, set[Any]]:
        """Derive the dirty rows; a failure is a fault of the events from ``first``."""
        try:
            return self.deriver.derive(dirty)
        except Exception as error:
            raise ProjectionFault(first, None, error) from error

    def _commit(self, position: int, changed: Mapping[str, set[Any]]) -> None:
        for name, keys in changed.items():
            self._pending.setdefault(name, set()).update(keys)
        views = {view.name: view for view in VIEWS}
        current = self.deriver.views()
        mine = self._row_owner()
        with self.engine.begin() as conn:
            advance(conn, self.name, self.position, position)
            faults.clear_through(conn, self.name, position)  # a follower got past a fault
            for name, keys in self._pending.items():
                if keys and mine is None:
                    _write(conn, views[name].name, keys, current[name], views)
                elif keys and mine is not None:
                    stored = self._stored.get(name, {})
                    _write_owned(conn, views[name], keys, current[name], stored, mine)
            if self.partition is None:
                # The same rows, versioned from this position (a commit that does not
                # move the position rewrites rows the derivation found different).
                # The history is exact for the whole log only: one worker keeps it.
                history.record(
                    conn, self.position, position, self.state.position, self._pending, current
                )
            if self.ledger is not None:
                self.ledger.stage(conn)
        if self.ledger is not None:
            self.ledger.committed()
        if mine is not None:
            for name, keys in self._pending.items():
                stored = self._stored.setdefault(name, {})
                for key in keys:
                    row = current[name].get(key)
                    if row is not None and mine(row):
                        stored[key] = row
                    else:
                        stored.pop(key, None)
        self._pending = {}
        # Bumped after the commit and before the position moves: whoever sees the new
        # position sees the new version, so nothing kept from before is answered.
        self.views_version += 1
        self.position = position
        self._stale = False

    # --- partitions -----------------------------------------------------------

    def _row_owner(self) -> Callable[[Row], bool] | None:
        """Whether a row is this partition's (None: every row is)."""
        partition = self.partition
        if partition is None:
            return None
        return lambda row: partition.owns(row["agency_code"])

    def _mine(self, rows: Mapping[Any, Row]) -> dict[Any, Row]:
        mine = self._row_owner()
        return dict(rows) if mine is None else {k: r for k, r in rows.items() if mine(r)}

    def _touches_mine(self, dirty: Dirty) -> bool:
        if self.partition is None:
            return True
        touched = touched_agencies(dirty, self.state)
        return self.partition.concerned(touched, self.state.agencies)

    def _ensure_schema(self) -> None:
        """Create the views; views of an older shape are dropped and rebuilt from
        the log (the ledger's tables are never touched: they are evidence)."""
        metadata.create_all(self.engine)
        try:
            with self.engine.begin() as conn:
                found = conn.execute(
                    select(tracking.c.position).where(tracking.c.name == SCHEMA)
                ).scalar()
                if found == VIEWS_SCHEMA:
                    return
                for table in (*VIEWS, *history.HISTORY_TABLES):
                    table.drop(conn, checkfirst=True)
                conn.execute(delete(tracking).where(tracking.c.name.in_([NAME, SCHEMA])))
                # The partitions' rows too: their views went with the rest.
                conn.execute(delete(tracking).where(tracking.c.name.like(f"{NAME}:%")))
                conn.execute(insert(tracking).values(name=SCHEMA, position=VIEWS_SCHEMA))
        except IntegrityError:
            pass  # another runner upgraded the views at the same moment
        metadata.create_all(self.engine)


def _merge(changed: dict[str, set[Any]], more: Mapping[str, set[Any]]) -> None:
    for name, keys in more.items():
        changed.setdefault(name, set()).update(keys)


def _key(row: Row, name: str) -> Any:
    return tuple(row[column] for column in KEYS[name])


def _load(conn: Connection, name: str) -> dict[Any, Row]:
    table = next(view for view in VIEWS if view.name == name)
    return {_key(dict(r._mapping), name): dict(r._mapping) for r in conn.execute(select(table))}


def _differing(conn: Connection, table: Any, derived: Mapping[Any, Row]) -> set[Any]:
    """The keys whose stored row differs from the derived one, or is only on one side,
    reading the stored rows a page at a time."""
    stored: set[Any] = set()
    differing: set[Any] = set()
    for found in conn.execute(select(table).execution_options(yield_per=READ_PAGE)):
        row = dict(found._mapping)
        key = _key(row, table.name)
        stored.add(key)
        if derived.get(key) != row:
            differing.add(key)
    return differing | (derived.keys() - stored)


def _differences(derived: Mapping[Any, Row], stored: Mapping[Any, Row]) -> set[Any]:
    keys = set(derived) | set(stored)
    return {key for key in keys if derived.get(key) != stored.get(key)}


def _write(
    conn: Connection,
    name: str,
    keys: set[Any],
    rows: Mapping[Any, Row],
    views: Mapping[str, Any],
) -> None:
    table = views[name]
    columns = [table.c[column] for column in KEYS[name]]
    ordered = sorted(keys)
    for start in range(0, len(ordered), DELETE_CHUNK):
        chunk = ordered[start : start + DELETE_CHUNK]
        conn.execute(delete(table).where(tuple_(*columns).in_(chunk)))
    present = [rows[key] for key in ordered if key in rows]
    if present:
        conn.execute(insert(table), present)


def _write_owned(
    conn: Connection,
    table: Any,
    keys: set[Any],
    rows: Mapping[Any, Row],
    stored: Mapping[Any, Row],
    mine: Callable[[Row], bool],
) -> None:
    """A partition's write. Its rows replace whatever holds their key (a servant's
    row written by the partition of the agency they left, say); a key whose row is
    now another partition's, or gone, is deleted only while it still holds this
    partition's row (its agency as stored), so two partitions never delete each
    other's rows, in whichever order they commit."""
    columns = [table.c[column] for column in KEYS[table.name]]
    ordered = sorted(keys)
    replaced = [key for key in ordered if key in rows and mine(rows[key])]
    kept = set(replaced)
    released = [key for key in ordered if key in stored and key not in kept]
    for start in range(0, len(replaced), DELETE_CHUNK):
        chunk = replaced[start : start + DELETE_CHUNK]
        conn.execute(delete(table).where(tuple_(*columns).in_(chunk)))
    for key in released:
        match = [column == value for column, value in zip(columns, key, strict=True)]
        conn.execute(delete(table).where(*match, table.c.agency_code == stored[key]["agency_code"]))
    if replaced:
        conn.execute(insert(table), [rows[key] for key in replaced])
