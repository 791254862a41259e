"""The documents from the web pages: Form 01 (a servant's period), Form 02 (a
servant's year) and the agency's or unit's summary, streamed by the same
functions as the API's routes, within the viewer's scope."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api.form_routes import form_01_file, form_02_file, summary_file
from domain.commands import PERIOD_PATTERN
from web.deps import SignedInDep
from web.screens import AgencyYearDep, optional

router = APIRouter()
Code = Annotated[str, Path(min_length=1, max_length=64)]
YearNumber = Annotated[int, Path(ge=2000, le=2100)]


@router.get("/servants/{code}/periods/{period}/forms/01.pdf")
def form_01(
    who: SignedInDep, code: Code, period: Annotated[str, Path(pattern=PERIOD_PATTERN)]
) -> Response:
    return form_01_file(who.svc, who.scope, code, period)


@router.get("/servants/{code}/years/{year}/forms/02.pdf")
def form_02(who: SignedInDep, code: Code, year: YearNumber) -> Response:
    return form_02_file(who.svc, who.scope, code, year)


@router.get("/agencies/{agency}/years/{year}/summary.{fmt}")
def summary(
    screen: AgencyYearDep,
    fmt: Literal["pdf", "xlsx"],
    unit: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    who = screen.viewer
    return summary_file(
        who.svc, who.scope, screen.agency, screen.year, optional(unit) or screen.unit, fmt
    )
