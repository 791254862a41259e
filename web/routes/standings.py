"""The agency's standings for a year, filterable by unit, peer group and level,
with the same table as CSV and XLSX."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import reads
from web.columns import ANNUAL_SCORE, DECISION, DEPARTS, LEVEL_BY_SCORE, PERSON, PROPOSAL, RANK
from web.exports import Format, Table, download
from web.i18n import N_
from web.screens import LEVEL_CODES, AgencyYear, AgencyYearDep, level_filter, optional
from web.templating import render

router = APIRouter()
PAGE_SIZE = 50
Filter = Annotated[str | None, Query(max_length=64)]

COLUMNS = (RANK, *PERSON, ANNUAL_SCORE, LEVEL_BY_SCORE, *PROPOSAL, *DECISION, DEPARTS)


def _filters(
    screen: AgencyYear, unit: str | None, peer_group: str | None, level: str | None
) -> dict[str, Any]:
    return {
        "unit": optional(unit) or screen.unit,
        "peer_group": optional(peer_group),
        "level": level_filter(level),
    }


@router.get("/agencies/{agency}/years/{year}/standings", response_class=HTMLResponse)
def standings_page(
    request: Request,
    screen: AgencyYearDep,
    unit: Filter = None,
    peer_group: Filter = None,
    level: Filter = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    who = screen.viewer
    chosen = _filters(screen, unit, peer_group, level)
    found = reads.standings(
        who.svc,
        who.scope,
        screen.agency,
        screen.year,
        **chosen,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        request,
        who,
        "standings.html",
        screen=screen,
        current="standings",
        rows=screen.with_names(found.items),
        total=found.total,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        chosen=chosen,
        query_string=urlencode({k: v for k, v in chosen.items() if v}),
        units=screen.units(),
        peer_groups=reads.peer_groups(who.svc, who.scope, screen.agency, screen.year, screen.unit),
        levels=LEVEL_CODES,
        position=found.position,
    )


@router.get("/agencies/{agency}/years/{year}/standings.{fmt}")
def standings_download(
    screen: AgencyYearDep,
    fmt: Format,
    unit: Filter = None,
    peer_group: Filter = None,
    level: Filter = None,
) -> Response:
    who = screen.viewer
    found = reads.standings(
        who.svc,
        who.scope,
        screen.agency,
        screen.year,
        **_filters(screen, unit, peer_group, level),
        limit=100_000,
    )
    rows = screen.with_names(found.items)
    table = Table(f"xep-hang-{screen.agency}-{screen.year}", N_("Standings"), COLUMNS, rows)
    return download(table, fmt, who.locale, found.position)
