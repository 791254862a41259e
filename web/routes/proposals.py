"""HR proposes the year's classifications of a unit in one action (Art. 21(1)):
the computed proposal of each servant shown first, any level changed with its
written reason. Whether a level may be proposed is the domain's rule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import reads
from domain import commands as c
from web.routes import year_forms as f
from web.screens import LEVEL_CODES, AgencyYear, AgencyYearDep, optional
from web.templating import render

router = APIRouter()
BASIS = "Đề xuất theo kết quả đánh giá, xếp loại được tính từ sổ sự kiện"  # recorded words


def _rows(screen: AgencyYear, unit: str | None) -> tuple[list[dict[str, Any]], int]:
    who = screen.viewer
    rows, position = reads.worklist(
        who.svc, who.scope, screen.agency, screen.year, "to_propose", screen.unit or unit
    )
    return screen.with_names(rows), position


def _page(
    request: Request,
    screen: AgencyYear,
    unit: str | None,
    outcome: f.Outcome | None = None,
    posted: dict[str, str] | None = None,
    key: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows, position = _rows(screen, unit)
    return render(
        request,
        screen.viewer,
        "proposals.html",
        status_code=status_code,
        screen=screen,
        current="proposals",
        rows=rows,
        unit=unit,
        outcome=outcome,
        posted=posted or {},
        key=key or screen.viewer.form_key(),
        levels=LEVEL_CODES,
        position=position,
    )


@router.get("/agencies/{agency}/years/{year}/proposals", response_class=HTMLResponse)
def proposals_page(
    request: Request, screen: AgencyYearDep, unit: str | None = None
) -> HTMLResponse:
    return _page(request, screen, optional(unit))


@router.post("/agencies/{agency}/years/{year}/proposals", response_class=HTMLResponse)
async def propose(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    unit = f.text(form, "unit", 64)
    rows, _ = _rows(screen, unit)
    outcome = f.Outcome()
    for row in f.ticked(form, rows):

        def make(row: f.Ticked = row) -> c.Command:
            return c.ProposeClassification(
                servant=row.code,
                year=screen.year,
                level=row.level,
                annual_score=row.row["annual_score"],
                basis=BASIS,
                departure_reason=row.reason,
            )

        f.run(screen.viewer, make, key, row.code, outcome)
    posted = {k: v for k, v in form.items() if isinstance(v, str)}
    status = 200 if outcome.ok else 400
    return _page(request, screen, unit, outcome, posted, key, status)
