"""Reads for inspectors over a whole agency: what-if under another reading, the
leniency indicators, and the reconciliation console's missing steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api.as_of import kept
from api.auth import ReadScope
from api.deps import Services
from api.reads import Row, fresh, unit_in_scope
from domain.agency import Agency, agency_id
from domain.errors import NotAuthorised
from domain.values import Period
from projections import leniency as indicators
from projections import reconciliation, whatif
from projections.inputs import policy_at
from projections.leniency import LeniencyReport
from projections.whatif import WhatIf


def agency_wide(scope: ReadScope, agency: str) -> None:
    """Inspectors, and those who read the whole agency (HR, its head): comparisons
    across units and evaluators are theirs, not a unit manager's."""
    if scope.everything:
        return
    if (
        scope.agency != agency
        or scope.unit is not None
        or scope.servant is not None
        or scope.cases is not None
    ):
        raise NotAuthorised(f"only inspectors, HR and the head of {agency} may compare its units")


def what_if(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    policy: str,
    unit: str | None = None,
    as_of_position: int | None = None,
) -> WhatIf:
    """The agency's year as recorded beside the same year under ``policy`` (in memory)."""
    agency_wide(scope, agency)
    replayed = svc.replays.at(as_of_position, agency=agency)
    return kept(
        (id(svc), "what-if", agency, year, policy, unit, replayed.position),
        lambda: whatif.what_if(replayed, agency, year, policy, unit=unit),
    )


def leniency(
    svc: Services, scope: ReadScope, agency: str, year: int, as_of_position: int | None = None
) -> LeniencyReport:
    """The leniency indicators of the agency's year (in memory)."""
    agency_wide(scope, agency)
    replayed = svc.replays.at(as_of_position, agency=agency)
    return kept(
        (id(svc), "leniency", agency, year, replayed.position),
        lambda: indicators.leniency(svc.app, replayed, agency, year),
    )


# --- the reconciliation console ------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The missing steps of a period or a year, by section (``projections.reconciliation``)."""

    sections: dict[str, list[Row]]
    unit: str | None  # the unit the answer is confined to, if any
    as_of: date | None  # the day working days are counted to (periods only)
    calendar: str | None  # the holiday calendar they are counted with
    position: int
    lag: int


def period_reconciliation(
    svc: Services,
    scope: ReadScope,
    agency: str,
    period: str,
    unit: str | None = None,
    min_position: int | None = None,
) -> Reconciliation:
    """What is missing in ``period``: days waiting are working days by the holiday
    calendar of the agency's policy for the period, up to today by the application's
    clock (the time of the query)."""
    unit = unit_in_scope(scope, agency, unit)
    first_day = Period.parse(period).first_day
    calendar = policy_at(svc.app.find(Agency, agency_id(agency)), first_day).holidays()
    today = svc.app.clock().date()
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        sections = reconciliation.period_console(
            conn, agency, period, unit, today=today, calendar=calendar
        )
    return Reconciliation(sections, unit, today, calendar.name, position, lag)


def year_reconciliation(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    unit: str | None = None,
    min_position: int | None = None,
) -> Reconciliation:
    """Who in ``year`` is not yet proposed, decided or notified."""
    unit = unit_in_scope(scope, agency, unit)
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        sections = reconciliation.year_console(conn, agency, year, unit)
    return Reconciliation(sections, unit, None, None, position, lag)


def periods_of_year(svc: Services, agency: str, year: int) -> list[str]:
    """The periods an agency evaluates in ``year``: months, or quarters (Art. 17)."""
    found = svc.app.find(Agency, agency_id(agency))
    if found is not None and found.period_kind == "quarter":
        return [f"{year}-Q{n}" for n in range(1, 5)]
    return [f"{year}-{n:02d}" for n in range(1, 13)]
