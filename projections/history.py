"""Versioned read models: the annual classifications, period results and interim
results as they stood at earlier log positions, so that "as of position P" is an
indexed query instead of a replay of the log.

Every commit of the runner appends, in the same transaction as the views, one
version per changed row — ``from_position`` is the commit's position and
``deleted`` marks a row that went away — and records the position itself as a
*mark*. The runner derives once per commit, so the history is exact at the
marks only: at a position inside a committed window the rows are not known
without folding. :func:`exact_position` says whether a position can be answered
from the history (a mark, or a position with no event between it and the mark
before it); the callers replay the log for any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    tuple_,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement

from domain.quota_pool import PoolKey
from projections.tables import (
    KEYS,
    annual_classifications,
    interim_results,
    metadata,
    period_results,
)

Row = dict[str, Any]
CHUNK = 2_000


def _versioned(view: Table, name: str, *extra: Index) -> Table:
    """A history table with the columns of ``view``: its key plus ``from_position``
    as primary key, every other column nullable (a deleted version has none)."""
    keys = KEYS[view.name]
    columns = [
        Column(c.name, c.type, primary_key=c.name in keys, nullable=c.name in keys)
        for c in view.columns
        if c.name in keys
    ]
    columns.append(Column("from_position", BigInteger, primary_key=True, autoincrement=False))
    columns.append(Column("deleted", Boolean, nullable=False))
    columns += [Column(c.name, c.type, nullable=True) for c in view.columns if c.name not in keys]
    return Table(name, metadata, *columns, *extra)


annual_history = _versioned(
    annual_classifications,
    "pj_annual_history",
    # Standings read one year of every servant: the latest version per servant.
    Index("ix_pj_annual_history_year", "year", "servant_code", "from_position"),
    # An explanation reads one quota pool's members (projections.pooled).
    Index("ix_pj_annual_history_pool", "year", "pool_authority", "pool_group", "servant_code"),
)
period_history = _versioned(period_results, "pj_period_history")
interim_history = _versioned(interim_results, "pj_interim_history")

# The positions at which the history is exact: the runner's commits, with the last
# event folded by then (ids have gaps: a commit's position need not be an event's).
history_marks = Table(
    "pj_history_marks",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("last_event", BigInteger, nullable=False),
)

HISTORIES: dict[str, Table] = {
    annual_classifications.name: annual_history,
    period_results.name: period_history,
    interim_results.name: interim_history,
}
HISTORY_TABLES = (*HISTORIES.values(), history_marks)


def record(
    conn: Connection,
    start: int,
    position: int,
    last_event: int,
    changed: Mapping[str, Iterable[Any]],
    current: Mapping[str, Mapping[Any, Row]],
) -> None:
    """Append a version at ``position`` for every changed key of the versioned views
    (the commit moves the views from ``start``) and mark ``position`` as exact.

    A commit with ``position == start`` is a repair: it rewrites rows without
    moving the position (the derivation found the stored views different, e.g.
    after an upgrade). The versions already at ``position`` are replaced and the
    earlier marks dropped: the history before it came from another derivation."""
    latest = conn.execute(select(func.max(history_marks.c.position))).scalar()
    if latest is not None and latest > start:
        # The views were reset behind the history's back (tracking moved back): what
        # it holds past ``start`` is of another fold. Rare, so a scan is fine.
        for table in HISTORIES.values():
            conn.execute(delete(table).where(table.c.from_position > start))
        conn.execute(delete(history_marks).where(history_marks.c.position > start))
    repair = position == start
    touched = False
    for name, table in HISTORIES.items():
        keys = sorted(changed.get(name, ()))
        if not keys:
            continue
        touched = True
        key_columns = [table.c[column] for column in KEYS[name]]
        if repair:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                conn.execute(
                    delete(table).where(
                        table.c.from_position == position,
                        _key_in(key_columns, chunk),
                    )
                )
        rows = current[name]
        versions = []
        for key in keys:
            row = rows.get(key)
            if row is None:
                version = dict(zip(KEYS[name], key, strict=True))
                version.update(from_position=position, deleted=True)
            else:
                version = {k: v for k, v in row.items() if not k.startswith("_")}
                version.update(from_position=position, deleted=False)
            versions.append(version)
        conn.execute(insert(table), versions)
    if repair and touched:
        conn.execute(delete(history_marks).where(history_marks.c.position < position))
    if conn.execute(select(history_marks).where(history_marks.c.position == position)).first():
        return
    conn.execute(insert(history_marks).values(position=position, last_event=last_event))


def _key_in(columns: list[Any], keys: list[Any]) -> ColumnElement[bool]:
    return tuple_(*columns).in_(keys)


def clear(conn: Connection) -> None:
    """Forget the history (a rebuild writes it again from the start)."""
    for table in HISTORY_TABLES:
        conn.execute(delete(table))


def mark_at_or_before(conn: Connection, position: int) -> tuple[int, int] | None:
    """The latest position ≤ ``position`` at which the history is exact, and the
    last event folded by then."""
    found = conn.execute(
        select(history_marks.c.position, history_marks.c.last_event)
        .where(history_marks.c.position <= position)
        .order_by(history_marks.c.position.desc())
        .limit(1)
    ).first()
    return None if found is None else (int(found[0]), int(found[1]))


def rows_at(
    conn: Connection,
    name: str,
    position: int,
    keys: Iterable[ColumnElement[bool]] = (),
    rows: Iterable[ColumnElement[bool]] = (),
) -> list[Row]:
    """The rows of view ``name`` as they stood at ``position`` (a mark): per key,
    the latest version from at or before it, unless that version is a deletion.
    ``keys`` narrows the keys (on columns a key never changes, e.g. the year);
    ``rows`` filters the versions found (e.g. the agency, which can change)."""
    table = HISTORIES[name]
    key_columns = [table.c[column] for column in KEYS[name]]
    latest = (
        select(*key_columns, func.max(table.c.from_position).label("at"))
        .where(table.c.from_position <= position, *keys)
        .group_by(*key_columns)
        .subquery()
    )
    joined = table.join(
        latest,
        and_(
            *(table.c[column] == latest.c[column] for column in KEYS[name]),
            table.c.from_position == latest.c.at,
        ),
    )
    shown = [column for column in table.c if column.name not in ("from_position", "deleted")]
    query = select(*shown).select_from(joined).where(table.c.deleted.is_(False), *rows)
    names = [column.name for column in shown]
    return [dict(zip(names, row, strict=True)) for row in conn.execute(query)]


def annual_at(conn: Connection, position: int, agency: str, year: int) -> list[Row]:
    """An agency's annual classifications of ``year`` as they stood at ``position``."""
    table = annual_history
    return rows_at(
        conn,
        annual_classifications.name,
        position,
        [table.c.year == year],
        [table.c.agency_code == agency],
    )


def servant_year_at(
    conn: Connection, position: int, servant: str, year: int
) -> tuple[Row | None, list[Row], list[Row]]:
    """A servant's annual classification, period results and interim results of
    ``year`` as they stood at ``position``, ordered as the views' queries order them."""
    annual = annual_of_at(conn, position, servant, year)
    periods = periods_at(conn, position, [servant], year)
    interim = rows_at(
        conn,
        interim_results.name,
        position,
        [interim_history.c.servant_code == servant, interim_history.c.year == year],
    )
    return (
        annual,
        sorted(periods, key=lambda r: r["period"]),
        sorted(interim, key=lambda r: (r["kind"] != "quarter", r["span"])),
    )


def periods_at(conn: Connection, position: int, servants: Iterable[str], year: int) -> list[Row]:
    """The period results of ``year`` of the servants named, as they stood at
    ``position``."""
    table = period_history
    return rows_at(
        conn,
        period_results.name,
        position,
        [table.c.servant_code.in_(sorted(set(servants))), table.c.year == year],
    )


def pool_at(conn: Connection, position: int, authority: str, group: str, year: int) -> list[Row]:
    """The annual classifications of one quota pool (its classifying authority,
    group and year) as they stood at ``position``."""
    table = annual_history
    in_pool = (table.c.pool_authority == authority, table.c.pool_group == group)
    # Whoever is in the pool at ``position`` has a version there by then: only their
    # versions are looked through, not the whole year's.
    ever = select(table.c.servant_code).where(
        table.c.year == year, *in_pool, table.c.from_position <= position
    )
    return rows_at(
        conn,
        annual_classifications.name,
        position,
        [table.c.year == year, table.c.servant_code.in_(ever)],
        in_pool,
    )


def annual_of_at(conn: Connection, position: int, servant: str, year: int) -> Row | None:
    """One servant's annual classification of ``year`` as it stood at ``position``."""
    table = annual_history
    found = rows_at(
        conn,
        annual_classifications.name,
        position,
        [table.c.servant_code == servant, table.c.year == year],
    )
    return found[0] if found else None


class RowsAt:
    """The versioned annual and period rows at one mark, read as asked
    (``projections.pooled.VersionedRows``)."""

    def __init__(self, engine: Engine, position: int) -> None:
        self.engine = engine
        self.position = position

    def pool(self, key: PoolKey) -> list[Row]:
        with self.engine.connect() as conn:
            return pool_at(conn, self.position, key.authority, key.group, key.year)

    def annual(self, servant: str, year: int) -> Row | None:
        with self.engine.connect() as conn:
            return annual_of_at(conn, self.position, servant, year)

    def periods(self, servants: Iterable[str], year: int) -> list[Row]:
        with self.engine.connect() as conn:
            return periods_at(conn, self.position, servants, year)
