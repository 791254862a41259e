"""One servant's year as the log stood at a position, folded from only the records
it rests on instead of the whole log.

The records come from :func:`projections.closure.year_records`, which only sees
records already in the state it is given; so the fold starts from every servant
and agency (pools and leaders' subordinates are decided by them) plus the year's
records at ``head`` (a later state: records are never removed, and their ids do
not change), and grows until the closure of the folded state is inside what was
folded. A closed set derives the year exactly as the whole log does — the same
property an evidence bundle's verifier relies on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from uuid import UUID

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from domain.application import MinhBach
from domain.classification import classification_id
from projections.closure import year_records
from projections.derive import Deriver
from projections.lean import LeanReader, StoredRow
from projections.replay import Replayed, fold_into
from projections.runner import collector_paused
from projections.state import DomainState

ROUNDS = 8  # the closure settles in two or three; past this, replay the whole log
READ_PAGE = 2_000
CHUNK = 500  # record ids per statement


def focused_replay(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    servant: str,
    year: int,
    upto: int,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> Replayed | None:
    """The state at position ``upto`` of the records ``servant``'s ``year`` rests on,
    given the state at a later position ``head`` (and its derivation); None when the
    store cannot be read by record (then replay the whole log).

    ``live()`` guards ``head`` when a follower moves it: held only while ids are read
    from it, never while the events are read and folded, so writers waiting for
    their own writes are not held back by an inspector's question."""
    if not isinstance(app.recorder, PostgresApplicationRecorder | SQLiteApplicationRecorder):
        return None
    with live():
        wanted = {record.id for record in head.servants.values()}
        wanted |= {record.id for record in head.agencies.values()}
        wanted |= year_records(head, deriver, servant, year)
    reader = LeanReader(app, READ_PAGE)
    with collector_paused():
        for _ in range(ROUNDS):
            state = DomainState()
            folded = Deriver(state)
            rows = _events(app, wanted, upto)
            folded.derive(fold_into(state, rows, app.mapper, decode=reader.event))
            needed = year_records(state, folded, servant, year)
            met = {c for c in state.servants if state.servants[c].id in needed}
            with live():
                for code in met:
                    needed |= _own_records(head, code, year)
            if needed <= wanted:
                state.position = upto
                return Replayed(state, folded, upto)
            wanted |= needed
    return None


def _own_records(state: DomainState, code: str, year: int) -> set[UUID]:
    """A servant's records for ``year`` in a later state (for those the folded state
    has not met yet)."""
    records = {classification_id(code, year)}
    for period in state.periods_of.get(code, ()):
        if period.startswith(str(year)):
            if (evaluation := state.evaluations.get((code, period))) is not None:
                records.add(evaluation.id)
            records |= set(state.tasks_by_period.get((code, period), ()))
    records |= {d.id for d in state.disciplines.get(code, {}).values()}
    records |= {c.id for c in state.conclusions.get(code, {}).values()}
    records |= {state.appeals[no].id for no in state.appeals_on.get((code, year), ())}
    return {r for r in records if r in state.by_id}


def _events(app: MinhBach, records: set[UUID], upto: int) -> Iterator[StoredRow]:
    """The stored events of ``records`` up to position ``upto``, in log order, by the
    primary key's index (originator id, version): a chunk of ids a statement."""
    recorder = app.recorder
    ids = sorted(records)
    rows: list[StoredRow] = []
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), CHUNK):
                part = [record.hex for record in ids[start : start + CHUNK]]  # as stored
                c.execute(
                    "SELECT rowid, originator_id, originator_version, topic, state "
                    f"FROM {recorder.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(part))}) AND rowid <= ?",
                    (*part, upto),
                )
                rows.extend(StoredRow(*row) for row in c.fetchall())
        rows.sort(key=lambda row: row.id)
        return iter(rows)
    assert isinstance(recorder, PostgresApplicationRecorder)
    query = SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state "
        "FROM {schema}.{table} WHERE originator_id = ANY(%s) AND notification_id <= %s "
        "ORDER BY notification_id"
    ).format(
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name),
    )
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(query, (ids, upto))
        found = curs.fetchall()
    return iter(
        StoredRow(
            r["notification_id"],
            r["originator_id"],
            r["originator_version"],
            r["topic"],
            bytes(r["state"]),
        )
        for r in found
    )
