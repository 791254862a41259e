"""Queries over the read models: what HR and inspectors ask.

Every answer says which log position it reflects, so a caller can tell how
far behind the views are (read-your-writes).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypedDict

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select
from typing_extensions import Unpack

from projections.tables import (
    annual_classifications,
    discipline_register,
    interim_results,
    period_results,
)

Row = dict[str, Any]


def _rows(conn: Connection, query: Select[Any], values: Row | None = None) -> list[Row]:
    result = conn.execute(query, values)
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def _count(conn: Connection, query: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def effective_level(table: Any) -> Any:
    """The level that counts: the decided one, else the proposed one."""
    return func.coalesce(table.c.decided_level, table.c.proposed_level)


def period_results_of(conn: Connection, servant: str, year: int | None = None) -> list[Row]:
    query = select(period_results).where(period_results.c.servant_code == servant)
    if year is not None:
        query = query.where(period_results.c.year == year)
    return _rows(conn, query.order_by(period_results.c.period))


def interim_results_of(conn: Connection, servant: str, year: int) -> list[Row]:
    """A servant's quarters and half-years of ``year`` (Q1–Q4, then H1, H2)."""
    query = select(interim_results).where(
        interim_results.c.servant_code == servant, interim_results.c.year == year
    )
    rows = _rows(conn, query)
    return sorted(rows, key=lambda r: (r["kind"] != "quarter", r["span"]))


def annual_classification(conn: Connection, servant: str, year: int) -> Row | None:
    query = select(annual_classifications).where(
        annual_classifications.c.servant_code == servant,
        annual_classifications.c.year == year,
    )
    found = _rows(conn, query)
    return found[0] if found else None


def classifications_of(conn: Connection, servant: str) -> list[Row]:
    """One servant's annual classifications, newest year first."""
    query = select(annual_classifications).where(annual_classifications.c.servant_code == servant)
    return _rows(conn, query.order_by(annual_classifications.c.year.desc()))


def standings(
    conn: Connection,
    agency: str,
    year: int,
    **filters: Unpack[PageFilters],
) -> tuple[list[Row], int]:
    """Annual classifications of one agency, best score first, with a rank
    (equal scores share it) within the chosen scope."""
    unit, peer_group, level = _narrowing(filters)
    sort, descending = filters.get("sort", "score"), filters.get("descending")
    count, page = _standings_statements(
        unit is not None, peer_group is not None, level is not None, sort, descending
    )
    values = {
        "agency": agency,
        "year": year,
        "unit": unit,
        "peer_group": peer_group,
        "level": level,
        "limit": filters.get("limit", 100),
        "offset": filters.get("offset", 0),
    }
    total = int(conn.execute(count, values).scalar_one())
    return _rows(conn, page, values), total


@functools.lru_cache(maxsize=128)
def _standings_statements(
    by_unit: bool, by_peer_group: bool, by_level: bool, sort: str, descending: bool | None
) -> tuple[Select[Any], Select[Any]]:
    """The count and the page of a standings listing of one shape, built once with
    bound parameters: building the statement (its subquery's columns) cost several
    times the query itself on every request."""
    table = annual_classifications
    partition = []
    if by_peer_group:
        partition = [table.c.peer_group]
    elif by_unit:
        partition = [table.c.unit_code]
    rank = (
        func.rank()
        .over(partition_by=partition or None, order_by=table.c.score_cents.desc().nulls_last())
        .label("rank")
    )
    query = select(table, rank).where(
        table.c.agency_code == bindparam("agency"), table.c.year == bindparam("year")
    )
    if by_unit:
        query = query.where(table.c.unit_code == bindparam("unit"))
    if by_peer_group:
        query = query.where(table.c.peer_group == bindparam("peer_group"))
    inner = query.subquery()
    outer = select(inner)
    if by_level:
        outer = outer.where(effective_level(inner) == bindparam("level"))
    count = select(func.count()).select_from(outer.subquery())
    page = _sorted(outer, inner, sort, descending)
    return count, page.limit(bindparam("limit")).offset(bindparam("offset"))


SORTS = ("score", "servant", "unit", "peer_group")


def _sorted(query: Select[Any], table: Any, sort: str, descending: bool | None) -> Select[Any]:
    """Order by ``sort`` (best score first by default), then by servant for stability."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    column = {
        "score": table.c.score_cents,
        "servant": table.c.servant_code,
        "unit": table.c.unit_code,
        "peer_group": table.c.peer_group,
    }[sort]
    down = (sort == "score") if descending is None else descending
    key = column.desc().nulls_last() if down else column.asc().nulls_last()
    return query.order_by(key, table.c.servant_code)


class PageSlice(TypedDict, total=False):
    """How a listing is ordered and which page of it is read."""

    sort: str
    descending: bool | None
    limit: int
    offset: int


class PageFilters(PageSlice, total=False):
    """What a listing of results is narrowed by, and its slice."""

    unit: str | None
    peer_group: str | None
    level: str | None


def period_results_page(
    conn: Connection, agency: str, period: str, **filters: Unpack[PageFilters]
) -> tuple[list[Row], int]:
    """One period's results in an agency, filtered and sorted."""
    return _results_page(conn, period_results, period_results.c.period == period, agency, filters)


def interim_page(
    conn: Connection, agency: str, span: str, **filters: Unpack[PageFilters]
) -> tuple[list[Row], int]:
    """One quarter's or half-year's results in an agency (Art. 23(1–2)), filtered and sorted."""
    return _results_page(conn, interim_results, interim_results.c.span == span, agency, filters)


def _results_page(
    conn: Connection, table: Table, which: ColumnElement[bool], agency: str, filters: PageFilters
) -> tuple[list[Row], int]:
    query = select(table).where(table.c.agency_code == agency, which)
    for name in ("unit", "peer_group", "level"):
        if (value := filters.get(name)) is not None:
            column = table.c.unit_code if name == "unit" else table.c[name]
            query = query.where(column == value)
    total = _count(conn, query)
    return _rows(conn, _page(query, table, filters)), total


def _narrowing(filters: PageFilters) -> tuple[str | None, str | None, str | None]:
    return filters.get("unit"), filters.get("peer_group"), filters.get("level")


def _page(query: Select[Any], table: Any, filters: PageSlice) -> Select[Any]:
    """The query ordered as ``filters`` asks, cut to its page."""
    ordered = _sorted(query, table, filters.get("sort", "score"), filters.get("descending"))
    return ordered.limit(filters.get("limit", 100)).offset(filters.get("offset", 0))


def departures(conn: Connection, agency: str, year: int, *, unit: str | None = None) -> list[Row]:
    """The years of an agency where HR's proposal or the decision departs from the
    computed proposal, with the written reasons (Art. 21), for inspectors."""
    table = annual_classifications
    query = select(table).where(
        table.c.agency_code == agency,
        table.c.year == year,
        table.c.hr_departs | table.c.departs_from_proposal,
    )
    if unit is not None:
        query = query.where(table.c.unit_code == unit)
    return _rows(conn, query.order_by(table.c.servant_code))


def discipline_of(
    conn: Connection, servant: str | None = None, agency: str | None = None
) -> list[Row]:
    query = select(discipline_register)
    if servant is not None:
        query = query.where(discipline_register.c.servant_code == servant)
    if agency is not None:
        query = query.where(discipline_register.c.agency_code == agency)
    return _rows(conn, query.order_by(discipline_register.c.decided_on))


def standings_from_rows(
    rows: Iterable[Row],
    agency: str,
    year: int,
    **filters: Unpack[PageFilters],
) -> tuple[list[Row], int]:
    """The same answer as ``standings`` computed from rows in memory (as of a replay)."""
    unit, peer_group, level = _narrowing(filters)
    sort, descending = filters.get("sort", "score"), filters.get("descending")
    limit, offset = filters.get("limit", 100), filters.get("offset", 0)
    chosen = [
        {k: v for k, v in row.items() if not k.startswith("_")}
        for row in rows
        if row["agency_code"] == agency
        and row["year"] == year
        and (unit is None or row["unit_code"] == unit)
        and (peer_group is None or row["peer_group"] == peer_group)
    ]
    scores = sorted(
        (r["score_cents"] for r in chosen if r["score_cents"] is not None), reverse=True
    )
    for row in chosen:  # RANK(): one more than the number of better scores
        cents = row["score_cents"]
        row["rank"] = (
            1 + sum(1 for s in scores if s > cents) if cents is not None else len(scores) + 1
        )
    if level is not None:
        chosen = [r for r in chosen if (r["decided_level"] or r["proposed_level"]) == level]
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    column = {
        "score": "score_cents",
        "servant": "servant_code",
        "unit": "unit_code",
        "peer_group": "peer_group",
    }[sort]
    down = (sort == "score") if descending is None else descending
    present = [r for r in chosen if r[column] is not None]
    absent = [r for r in chosen if r[column] is None]
    present.sort(key=lambda r: r["servant_code"])
    present.sort(key=lambda r: r[column], reverse=down)
    ordered = present + sorted(absent, key=lambda r: r["servant_code"])
    return ordered[offset : offset + limit], len(ordered)


def years_of(conn: Connection, agency: str | None = None) -> list[tuple[str, int]]:
    """(agency, year) pairs with annual classifications, newest year first."""
    table = annual_classifications
    query = select(table.c.agency_code, table.c.year).distinct()
    if agency is not None:
        query = query.where(table.c.agency_code == agency)
    found = [(str(a), int(y)) for a, y in conn.execute(query)]
    return sorted(found, key=lambda pair: (pair[0], -pair[1]))


def peer_groups_of(conn: Connection, agency: str, year: int, unit: str | None = None) -> list[str]:
    table = annual_classifications
    query = (
        select(table.c.peer_group)
        .distinct()
        .where(table.c.agency_code == agency, table.c.year == year)
    )
    if unit is not None:
        query = query.where(table.c.unit_code == unit)
    return sorted(str(group) for group in conn.execute(query).scalars())


def _agency_year(table: Any, agency: str, year: int, unit: str | None) -> list[Any]:
    where = [table.c.agency_code == agency, table.c.year == year]
    if unit is not None:
        where.append(table.c.unit_code == unit)
    return where


DISTRIBUTION_GROUPS = ("unit_code", "peer_group")


def level_distribution(
    conn: Connection, agency: str, year: int, by: str, unit: str | None = None
) -> list[Row]:
    """How many servants have each level (decided, else proposed; None when neither),
    per unit or per peer group: rows of {group, level, count}."""
    if by not in DISTRIBUTION_GROUPS:
        raise ValueError(f"by must be one of {', '.join(DISTRIBUTION_GROUPS)}")
    table = annual_classifications
    group = table.c[by]
    level = effective_level(table)
    query = (
        select(group.label("group"), level.label("level"), func.count().label("count"))
        .where(*_agency_year(table, agency, year, unit))
        .group_by(group, level)
        .order_by(group, level)
    )
    return _rows(conn, query)


def quota_groups(conn: Connection, agency: str, year: int, unit: str | None = None) -> list[Row]:
    """The EXCELLENT quota of each peer group (Art. 20(5)): the limit and G (rated GOOD
    by score) as derived for the whole group, and the candidates, those pending on a
    tie and those moved down by the quota (within ``unit`` when given)."""
    table = annual_classifications
    query = (
        select(table)
        .where(*_agency_year(table, agency, year, unit))
        .order_by(table.c.peer_group, table.c.quota_rank, table.c.servant_code)
    )
    groups: dict[str, Row] = {}
    for row in _rows(conn, query):
        group = groups.setdefault(
            row["peer_group"],
            {
                "peer_group": row["peer_group"],
                "members": 0,
                "good_count": None,
                "limit": None,
                "candidates": [],
                "pending": [],
                "moved_down": [],
            },
        )
        group["members"] += 1
        if row["quota_rank"] is None:
            continue
        group["good_count"] = row["quota_good_count"]
        group["limit"] = row["quota_limit"]
        group["candidates"].append(row)
        if row["status"] == "pending_tie":
            group["pending"].append(row)
        if row["reason"] == "quota":
            group["moved_down"].append(row)
    return list(groups.values())


WORKLISTS = ("to_propose", "to_decide", "departing", "to_notify")


def worklist(
    conn: Connection, agency: str, year: int, which: str, unit: str | None = None
) -> list[Row]:
    """Classifications still to propose (no proposal recorded by HR), still to decide
    (proposed, no decision yet), decided at another level than proposed, or decided
    and not yet notified to the servant."""
    table = annual_classifications
    condition = {
        "to_propose": table.c.proposal_recorded.is_(False),
        "to_decide": table.c.proposal_recorded.is_(True) & table.c.decided_level.is_(None),
        "departing": table.c.departs_from_proposal.is_(True),
        "to_notify": table.c.decided_level.is_not(None) & table.c.notified_on.is_(None),
    }.get(which)
    if condition is None:
        raise ValueError(f"which must be one of {', '.join(WORKLISTS)}")
    query = (
        select(table)
        .where(*_agency_year(table, agency, year, unit), condition)
        .order_by(table.c.unit_code, table.c.servant_code)
    )
    return _rows(conn, query)
