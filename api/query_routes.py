"""Read endpoints over the projections, scoped to what the caller may read.

Every answer carries the log ``position`` the views reflect and the ``lag``
behind the newest event; ``min_position`` waits for a given write first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from api import reads, reads_cases
from api.auth import ReadScope
from api.deps import CallerDep, ScopeDep, Services, ServicesDep
from api.params import CodePath, CodeQuery, OptionalCodeQuery
from domain.actors import Role
from domain.commands import PERIOD_PATTERN
from domain.errors import InvalidValue, NotAuthorised
from domain.values import Period
from projections import queries
from projections.interim import SPAN_PATTERN
from projections.queries import PageFilters, PageSlice
from projections.rows import COMPARED

MinPosition = Annotated[
    int | None, Query(ge=0, description="Wait until the views reflect this log position")
]
MAX_POSITION = 2**63 - 1  # log positions are 64-bit integers in both databases
Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=500)]
Sort = Annotated[Literal["score", "servant", "unit", "peer_group"], Query()]
Order = Annotated[Literal["asc", "desc"] | None, Query()]
LevelFilter = Annotated[Literal["EXCELLENT", "GOOD", "COMPLETE", "FAIL"] | None, Query()]
YearPath = Annotated[int, Query(ge=2000, le=2100)]


AsOfPosition = Annotated[
    int | None, Query(ge=0, description="Answer as the log stood at this position")
]
AsOfTime = Annotated[
    datetime | None, Query(description="Answer as the log stood at this moment (ISO 8601)")
]


class Listing(BaseModel):
    items: list[dict[str, Any]]
    total: int = Field(examples=[45])
    page: int = 1
    page_size: int = 100
    position: int = Field(description="Log position the views reflect", examples=[13967])
    lag: int = Field(description="Events not yet reflected", examples=[0])


class ServantYear(BaseModel):
    servant: str
    year: int
    classification: dict[str, Any] | None
    periods: list[dict[str, Any]]
    interim: list[dict[str, Any]] = Field(
        default_factory=list, description="Quarters and half-years (Art. 17(3), 23(1–2))"
    )
    position: int
    lag: int


router = APIRouter(tags=["queries"])


@router.get("/servants/{code}/years/{year}", response_model=ServantYear)
def servant_year(
    code: CodePath,
    year: Annotated[int, Path(ge=2000, le=2100)],
    svc: ServicesDep,
    scope: ScopeDep,
    min_position: MinPosition = None,
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> ServantYear:
    """One servant's year: every period result and the annual classification —
    now, or as of a past position or moment."""
    found = reads.servant_year(
        svc,
        scope,
        code,
        year,
        min_position=min_position,
        as_of_position=as_of_position,
        as_of_time=as_of_time,
    )
    return ServantYear(
        servant=code,
        year=year,
        classification=found.classification,
        periods=found.periods,
        interim=found.interim,
        position=found.position,
        lag=found.lag,
    )


def _slice(sort: str, order: str | None, page: int, page_size: int) -> PageSlice:
    """Sort, direction and page as the query functions take them."""
    return PageSlice(
        sort=sort,
        descending=None if order is None else order == "desc",
        limit=page_size,
        offset=(page - 1) * page_size,
    )


@dataclass(frozen=True)
class StandingsAsked:
    """What a standings request asks: whose, which rows, in what order, as of when."""

    agency: str
    year: int
    unit: str | None
    peer_group: str | None
    level: str | None
    sort: str
    order: str | None
    min_position: int | None
    as_of_position: int | None
    as_of_time: datetime | None


async def standings_asked(
    agency: CodeQuery,
    year: YearPath,
    unit: OptionalCodeQuery = None,
    peer_group: OptionalCodeQuery = None,
    level: LevelFilter = None,
    sort: Sort = "score",
    order: Order = None,
    min_position: MinPosition = None,
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> StandingsAsked:
    # Asynchronous because it only gathers parameters: no worker-thread hand-off.
    return StandingsAsked(
        agency, year, unit, peer_group, level, sort, order, min_position, as_of_position, as_of_time
    )


StandingsAskedDep = Annotated[StandingsAsked, Depends(standings_asked)]


def _standings(
    svc: Services, scope: ReadScope, asked: StandingsAsked, page: int, page_size: int
) -> Listing:
    found = reads.standings(
        svc,
        scope,
        asked.agency,
        asked.year,
        unit=asked.unit,
        peer_group=asked.peer_group,
        level=asked.level,
        **_slice(asked.sort, asked.order, page, page_size),
        min_position=asked.min_position,
        as_of_position=asked.as_of_position,
        as_of_time=asked.as_of_time,
    )
    return Listing(
        items=found.items,
        total=found.total,
        page=page,
        page_size=page_size,
        position=found.position,
        lag=found.lag,
    )


@router.get("/standings", response_model=Listing)
def standings(
    svc: ServicesDep,
    scope: ScopeDep,
    asked: StandingsAskedDep,
    page: Page = 1,
    page_size: PageSize = 100,
) -> Listing:
    """Annual standings of an agency, a unit or a peer group, with ranks — now, or
    as of a past position or moment."""
    return _standings(svc, scope, asked, page, page_size)


CSV_COLUMNS = (
    "rank",
    "servant_code",
    "agency_code",
    "unit_code",
    "peer_group",
    *COMPARED,
    "departs_from_proposal",
    "policy_id",
    "policy_version",
    "policy_variant",
)


def attachment(filename: str) -> str:
    """A Content-Disposition for any file name (RFC 6266): an ASCII fallback, and the
    exact name percent-encoded as UTF-8, since header values are Latin-1 only."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/standings.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The standings as CSV"}},
)
def standings_csv(svc: ServicesDep, scope: ScopeDep, asked: StandingsAskedDep) -> Response:
    """The same standings, every row, as CSV (UTF-8 with a header row)."""
    listing = _standings(svc, scope, asked, 1, 100_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in listing.items:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
    headers = {
        "Content-Disposition": attachment(f"standings-{asked.agency}-{asked.year}.csv"),
        "X-View-Position": str(listing.position),
    }
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/periods", response_model=Listing)
def period_results(
    svc: ServicesDep,
    scope: ScopeDep,
    agency: CodeQuery,
    period: Annotated[str, Query(pattern=PERIOD_PATTERN)],
    unit: OptionalCodeQuery = None,
    peer_group: OptionalCodeQuery = None,
    level: LevelFilter = None,
    sort: Sort = "score",
    order: Order = None,
    page: Page = 1,
    page_size: PageSize = 100,
    min_position: MinPosition = None,
) -> Listing:
    """One period's results across an agency (a unit, a peer group, a level)."""
    Period.parse(period)
    filters = PageFilters(
        unit=unit, peer_group=peer_group, level=level, **_slice(sort, order, page, page_size)
    )
    return _results_listing(
        svc, scope, queries.period_results_page, agency, period, filters, page, min_position
    )


@router.get("/interim", response_model=Listing)
def interim_results(
    svc: ServicesDep,
    scope: ScopeDep,
    agency: CodeQuery,
    span: Annotated[
        str, Query(pattern=SPAN_PATTERN, description="A quarter (2026-Q2) or half-year (2026-H1)")
    ],
    unit: OptionalCodeQuery = None,
    peer_group: OptionalCodeQuery = None,
    level: LevelFilter = None,
    sort: Sort = "score",
    order: Order = None,
    page: Page = 1,
    page_size: PageSize = 100,
    min_position: MinPosition = None,
) -> Listing:
    """Quarter or half-year results across an agency: the basis of bonuses (Art. 23(1)(d),
    23(2)(d)) and of reassignment (Art. 23(2)(c))."""
    filters = PageFilters(
        unit=unit, peer_group=peer_group, level=level, **_slice(sort, order, page, page_size)
    )
    return _results_listing(
        svc, scope, queries.interim_page, agency, span, filters, page, min_position
    )


def _results_listing(
    svc: Services,
    scope: ReadScope,
    page_of: Callable[..., tuple[list[dict[str, Any]], int]],
    agency: str,
    which: str,
    filters: PageFilters,
    page: int,
    min_position: int | None,
) -> Listing:
    """A page of one period's or one span's results, within the caller's scope."""
    filters["unit"] = reads.unit_in_scope(scope, agency, filters.get("unit"))
    position, lag = reads.fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        rows, total = page_of(conn, agency, which, **filters)
    return Listing(
        items=rows,
        total=total,
        page=page,
        page_size=filters["limit"],
        position=position,
        lag=lag,
    )


@router.get("/discipline", response_model=Listing)
def discipline(
    svc: ServicesDep,
    scope: ScopeDep,
    agency: OptionalCodeQuery = None,
    servant: OptionalCodeQuery = None,
    min_position: MinPosition = None,
) -> Listing:
    """The discipline register of an agency or of one servant."""
    if servant is not None:
        reads.servant_in_scope(svc, scope, servant)
    elif agency is None:
        if not scope.everything:
            raise InvalidValue("name an agency or a servant")
    elif reads.unit_in_scope(scope, agency, None) is not None:
        raise NotAuthorised("a unit's manager reads the register servant by servant")
    position, lag = reads.fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        rows = queries.discipline_of(conn, servant=servant, agency=agency)
    return Listing(
        items=rows, total=len(rows), page_size=max(1, len(rows)), position=position, lag=lag
    )


# A password hash is kept in the log but never handed out: even an inspector reading
# the whole log must not get something to guess passwords against offline.
REDACTED_FIELDS = frozenset({"password_hash"})


def _redacted(state: dict[str, Any]) -> dict[str, Any]:
    return {k: "(redacted)" if k in REDACTED_FIELDS else v for k, v in state.items()}


@router.get("/agencies/{agency}/years/{year}/departures", response_model=Listing)
def departures(
    agency: CodePath,
    year: Annotated[int, Path(ge=2000, le=2100)],
    svc: ServicesDep,
    scope: ScopeDep,
    min_position: MinPosition = None,
) -> Listing:
    """Where HR's proposal or the competent authority's decision departs from the
    computed proposal, with the written reason of each (Art. 21)."""
    rows, position, lag = reads_cases.departures(svc, scope, agency, year, min_position)
    return Listing(
        items=rows, total=len(rows), page_size=max(1, len(rows)), position=position, lag=lag
    )


class EventItem(BaseModel):
    position: int
    topic: str
    originator_id: str
    originator_version: int
    state: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventItem]
    next_after: int | None


@router.get("/events", response_model=EventPage)
def events(
    svc: ServicesDep,
    who: CallerDep,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """The event log itself, in order (inspectors, authorities and admins)."""
    if who.role not in (Role.INSPECTOR, Role.ADMIN, Role.AUTHORITY) or who.agency is not None:
        raise NotAuthorised("only inspectors, authorities and admins read the whole log")
    page = svc.app.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
    items = [
        EventItem(
            position=n.id,
            topic=n.topic,
            originator_id=str(n.originator_id),
            originator_version=n.originator_version,
            state=_redacted(json.loads(n.state)),
        )
        for n in page
    ]
    return EventPage(items=items, next_after=page[-1].id if len(page) == limit else None)
