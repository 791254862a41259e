"""What is left to do in a year: classifications still to propose (HR) or to
decide (the competent authority), and decisions that depart from the proposal."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import reads
from web.columns import ANNUAL_SCORE, DECISION, PERSON, PROPOSAL
from web.exports import Format, Table, download
from web.i18n import N_
from web.screens import AgencyYear, AgencyYearDep
from web.templating import render

router = APIRouter()
Which = Literal["to_propose", "to_decide", "departing"]
TITLES: dict[str, str] = {
    "to_propose": N_("Still to propose"),
    "to_decide": N_("Still to decide"),
    "departing": N_("Decisions that depart from the proposal"),
}

COLUMNS = (*PERSON, ANNUAL_SCORE, *PROPOSAL, *DECISION)


def _rows(screen: AgencyYear, which: str) -> tuple[list[dict[str, object]], int]:
    who = screen.viewer
    rows, position = reads.worklist(
        who.svc, who.scope, screen.agency, screen.year, which, screen.unit
    )
    return screen.with_names(rows), position


@router.get("/agencies/{agency}/years/{year}/worklist", response_class=HTMLResponse)
def worklist_page(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    lists = []
    position = 0
    for which, title in TITLES.items():
        rows, position = _rows(screen, which)
        lists.append((which, title, rows))
    return render(
        request,
        screen.viewer,
        "worklist.html",
        screen=screen,
        current="worklist",
        lists=lists,
        position=position,
    )


@router.get("/agencies/{agency}/years/{year}/worklist-{which}.{fmt}")
def worklist_download(screen: AgencyYearDep, which: Which, fmt: Format) -> Response:
    rows, position = _rows(screen, which)
    name = f"viec-can-lam-{which.replace('_', '-')}-{screen.agency}-{screen.year}"
    table = Table(name, TITLES[which], COLUMNS, rows)
    return download(table, fmt, screen.viewer.locale, position)
