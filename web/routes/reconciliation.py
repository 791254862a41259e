"""The reconciliation console: for a month (or quarter) of the year, results not
submitted, results waiting for assessment and for how many working days, Form 01
not confirmed by the evaluator, periods not scorable and why; and for the year,
who is not yet proposed, decided, notified. The same answer as
``GET /api/v1/agencies/{agency}/reconciliation``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import reads_analysis
from domain.commands import PERIOD_PATTERN
from domain.errors import InvalidValue
from domain.policy.tasks import NOT_SCORABLE_NO_ASSIGNED_TASK
from web.i18n import N_
from web.screens import AgencyYear, AgencyYearDep, optional
from web.templating import render

router = APIRouter()

PERIOD_SECTIONS = {
    "to_submit": N_("Results not submitted"),
    "to_assess": N_("Results waiting for assessment"),
    "to_confirm": N_("Form 01 not confirmed by the evaluator"),
    "not_scorable": N_("Periods that are not scorable"),
}
YEAR_SECTIONS = {
    "to_propose": N_("Not yet proposed by the personnel office"),
    "to_decide": N_("Proposed, not yet decided"),
    "to_notify": N_("Decided, not yet notified to the civil servant"),
}
STAGES = {
    "no_result": N_("No result submitted"),
    "returned": N_("Result assessed as failing; no new result"),
    "awaiting_assessment": N_("Waiting for assessment"),
}
FORM01 = {
    "not_started": N_("Neither self-scored nor scored by the evaluator"),
    "self_scored": N_("Self-scored; the evaluator has not confirmed"),
}
NOT_SCORABLE = {NOT_SCORABLE_NO_ASSIGNED_TASK: N_("No task assigned in the period")}


def _default_period(screen: AgencyYear, periods: list[str]) -> str:
    """The newest period of the year that has begun by the application's clock."""
    today = screen.viewer.svc.app.clock().date()
    if today.year > screen.year:
        return periods[-1]
    if today.year < screen.year:
        return periods[0]
    index = (today.month - 1) * len(periods) // 12
    return periods[index]


@router.get("/agencies/{agency}/years/{year}/reconciliation", response_class=HTMLResponse)
def reconciliation_page(
    request: Request,
    screen: AgencyYearDep,
    period: Annotated[str | None, Query(max_length=8)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    who = screen.viewer
    periods = reads_analysis.periods_of_year(who.svc, screen.agency, screen.year)
    chosen = optional(period) or _default_period(screen, periods)
    if chosen not in periods:
        raise InvalidValue(f"period must be one of {', '.join(periods)}", pattern=PERIOD_PATTERN)
    unit = optional(unit) or screen.unit
    month = reads_analysis.period_reconciliation(who.svc, who.scope, screen.agency, chosen, unit)
    year = reads_analysis.year_reconciliation(who.svc, who.scope, screen.agency, screen.year, unit)
    period_lists = [
        (k, t, screen.with_names(month.sections[k])) for k, t in PERIOD_SECTIONS.items()
    ]
    year_lists = [(k, t, screen.with_names(year.sections[k])) for k, t in YEAR_SECTIONS.items()]
    return render(
        request,
        who,
        "reconciliation.html",
        screen=screen,
        current="reconciliation",
        periods=periods,
        period=chosen,
        unit=unit,
        units=screen.units(),
        month=month,
        period_lists=period_lists,
        year_lists=year_lists,
        stages=STAGES,
        form01=FORM01,
        not_scorable=NOT_SCORABLE,
        position=month.position,
    )
