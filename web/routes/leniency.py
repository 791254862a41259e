"""Leniency and inflation indicators of the agency's year, per evaluator and per unit:
the flags first, each with its sample, its comparison and the events behind it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import reads_analysis
from projections.leniency import ALPHA, MIN_SERVANTS, Z_LIMIT
from web.screens import AgencyYearDep, position_filter
from web.templating import render

router = APIRouter()
SHOWN_POSITIONS = 12  # a flag lists this many of its events; the API gives them all


@router.get("/agencies/{agency}/years/{year}/leniency", response_class=HTMLResponse)
def leniency_page(
    request: Request,
    screen: AgencyYearDep,
    as_of: Annotated[str | None, Query(max_length=24)] = None,
) -> HTMLResponse:
    who = screen.viewer
    position = position_filter(as_of)
    report = reads_analysis.leniency(who.svc, who.scope, screen.agency, screen.year, position)
    units = dict(screen.names.units_of(screen.agency))
    return render(
        request,
        who,
        "leniency.html",
        screen=screen,
        current="leniency",
        report=report,
        flagged=report.flagged,
        units=units,
        names=screen.names,
        shown=SHOWN_POSITIONS,
        thresholds={"alpha": ALPHA, "z": Z_LIMIT, "servants": MIN_SERVANTS},
        as_of=position,
        position=report.position,
    )
