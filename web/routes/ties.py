"""A tie across the EXCELLENT limit decided on its document (Art. 20(5)): the
servants tied, those the head (or the competent authority) rates EXCELLENT. Who
may decide it and how many may be chosen is the domain's rule."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain import commands as c
from web.routes import year_forms as f
from web.routes.quota import TieAnswer, page
from web.screens import AgencyYearDep

router = APIRouter()


@router.post("/agencies/{agency}/years/{year}/quota/ties", response_class=HTMLResponse)
async def decide_tie(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    group = f.text(form, "peer_group", 64) or ""
    document = f.text(form, "document") or ""
    tied = tuple(str(v) for v in form.getlist("tied"))
    excellent = tuple(str(v) for v in form.getlist("excellent"))
    outcome = f.Outcome()

    def make() -> c.Command:
        return c.DecideQuotaTie(
            agency=screen.agency,
            year=screen.year,
            peer_group=group,
            tied=tied,
            excellent=excellent,
        )

    f.run(screen.viewer, make, key, "", outcome, source_ref=document or None)
    answer = TieAnswer(group, outcome.error(""), key, document)
    return page(request, screen, answer, 200 if outcome.ok else 400)
