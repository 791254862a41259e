"""An inspector's year of one agency: the decisions that depart from the computed
proposal (Art. 21), the personnel decisions whose basis moved (Art. 23(3)), and
the petitions past their due date (Art. 22) — each row links to its case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import reads_cases
from web.screens import AgencyYearDep
from web.templating import render

router = APIRouter()


@router.get("/agencies/{agency}/years/{year}/inspection", response_class=HTMLResponse)
def inspection_page(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    who = screen.viewer
    departures, position, _ = reads_cases.departures(who.svc, who.scope, screen.agency, screen.year)
    flagged = reads_cases.decisions_list(who.svc, who.scope, screen.agency, flagged=True)
    overdue = reads_cases.appeals_list(
        who.svc, who.scope, screen.agency, overdue=True, year=screen.year
    )
    return render(
        request,
        who,
        "inspection.html",
        screen=screen,
        current="inspection",
        departures=screen.with_names(departures),
        flagged=flagged,
        overdue=overdue,
        position=position,
    )
