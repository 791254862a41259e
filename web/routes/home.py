"""The home page: the screens each person may open, by their scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import reads
from domain.actors import Role
from projections import queries
from projections.directory import Directory
from web.deps import SignedInDep
from web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: SignedInDep) -> HTMLResponse:
    scope = who.scope
    names = Directory(who.svc.views.projector.state)
    own: list[dict[str, Any]] = []
    position, _ = reads.fresh(who.svc, None)
    with who.svc.views.engine.connect() as conn:
        if scope.everything:
            years = queries.years_of(conn)
        elif scope.agency is not None and scope.servant is None and scope.cases is None:
            years = queries.years_of(conn, scope.agency)
        else:
            years = []
        mine = scope.own_servant or scope.servant
        if mine:
            own = queries.classifications_of(conn, mine)
    agencies: dict[str, list[int]] = {}
    for agency, year in years:
        agencies.setdefault(agency, []).append(year)
    # Links to the month's pages: the page itself checks the scope.
    month = who.svc.app.clock().strftime("%Y-%m")
    units: list[tuple[str, str]] = []
    if who.caller.role is Role.MANAGER and scope.agency is not None:
        units = [u for u in names.units_of(scope.agency) if scope.unit in (None, u[0])]
    return render(
        request,
        who,
        "home.html",
        month=month,
        my_servant=who.caller.servant,
        lead_units=units,
        agencies=agencies,
        names=names,
        scope=scope,
        own=own,
        position=position,
    )
