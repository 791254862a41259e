"""The reconciliation console over HTTP: the same answer as the web page
(``api.reads.period_reconciliation`` / ``year_reconciliation``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api import reads_analysis
from api.deps import ScopeDep, ServicesDep
from api.params import CodePath, OptionalCodeQuery
from domain.commands import PERIOD_PATTERN
from domain.errors import InvalidValue

router = APIRouter(tags=["queries"])


class Reconciliation(BaseModel):
    agency: str
    period: str | None = Field(None, examples=["2026-03"])
    year: int | None = Field(None, examples=[2026])
    unit: str | None = Field(None, description="The unit the answer is confined to")
    sections: dict[str, list[dict[str, Any]]] = Field(
        description="Periods: to_submit, to_assess, to_confirm, not_scorable; "
        "years: to_propose, to_decide, to_notify"
    )
    as_of: date | None = Field(None, description="Working days waited are counted to this day")
    calendar: str | None = Field(None, description="The holiday calendar they are counted with")
    position: int
    lag: int


@router.get("/agencies/{agency}/reconciliation", response_model=Reconciliation)
def reconciliation(
    agency: CodePath,
    svc: ServicesDep,
    scope: ScopeDep,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit: OptionalCodeQuery = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Reconciliation:
    """What is still missing in a period (results not submitted, waiting for assessment
    with the working days waited, Form 01 not confirmed, not scorable and why) or in a
    year (not yet proposed, decided, notified). A manager gets their unit only."""
    if period is not None and year is None:
        found = reads_analysis.period_reconciliation(svc, scope, agency, period, unit, min_position)
    elif year is not None and period is None:
        found = reads_analysis.year_reconciliation(svc, scope, agency, year, unit, min_position)
    else:
        raise InvalidValue("give either period=YYYY-MM or year=YYYY")
    return Reconciliation(
        agency=agency,
        period=period,
        year=year,
        unit=found.unit,
        sections=found.sections,
        as_of=found.as_of,
        calendar=found.calendar,
        position=found.position,
        lag=found.lag,
    )
