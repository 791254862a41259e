"""One organisation's year of rating (Chapter II) as a reader sees it, now or as of a
past position or moment, within what the caller may read."""

from __future__ import annotations

from datetime import datetime

from api.auth import ReadScope
from api.deps import Services
from api.reads import Row
from domain.agency import Agency, Publication, agency_id
from domain.errors import InvalidState, NotAuthorised, NotFound
from projections.bundle import make_organisation_bundle
from projections.organisation_view import organisation_year_view


def organisation_in_scope(svc: Services, scope: ReadScope, agency: str, unit: str | None) -> None:
    """The agency's own readers (a manager: their unit only), and its managing
    agency's, who recognise its results (Art. 5(1–2))."""
    found = svc.app.find(Agency, agency_id(agency))
    if found is None:
        raise NotFound(f"agency {agency} not found")
    manager_reads = scope.agency is not None and scope.agency == found.managing_agency
    if scope.servant is not None or scope.cases is not None:
        allowed = False
    elif scope.everything or (manager_reads and scope.unit is None):
        allowed = True
    else:
        allowed = scope.agency == agency and (scope.unit is None or scope.unit == unit)
    if not allowed:
        where = f"{agency}/{unit}" if unit else agency
        raise NotAuthorised(f"you may not read the rating of {where}")


def organisation_year(
    svc: Services,
    scope: ReadScope,
    agency: str,
    unit: str | None,
    year: int,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Row:
    organisation_in_scope(svc, scope, agency, unit)
    replayed = svc.replays.at(as_of_position, as_of_time, agency=agency)
    row = organisation_year_view(replayed.state, agency, unit, year)
    if row is None:
        where = f"{agency}/{unit}" if unit else agency
        raise NotFound(f"nothing is recorded for the rating of {where} in {year}")
    head = svc.app.recorder.max_notification_id() or 0
    return {**row, "position": replayed.position, "lag": max(0, head - replayed.position)}


def organisation_evidence(
    svc: Services, scope: ReadScope, agency: str, unit: str | None, year: int
) -> Row:
    """The evidence bundle of an organisation's year, as of the latest signed
    checkpoint: the same readers as the year itself."""
    organisation_in_scope(svc, scope, agency, unit)
    if svc.views.ledger.signer is None:
        raise InvalidState("the ledger has no signing key here: no checkpoint to prove against")
    svc.views.catch_up()
    return make_organisation_bundle(
        svc.app,
        svc.views.ledger,
        agency,
        unit,
        year,
        replayer=lambda position: svc.replays.at(position, agency=agency),
        live=svc.views.locked,
    )


def organisation_publications(
    svc: Services, scope: ReadScope, agency: str, year: int
) -> list[Publication]:
    """Every publication of the organisations' results the agency's head recognises,
    oldest first: the same readers as the agency's own year of rating."""
    organisation_in_scope(svc, scope, agency, None)
    found = svc.app.find(Agency, agency_id(agency))
    return [p for p in (found.organisation_publications if found else []) if p.year == year]
