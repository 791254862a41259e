"""Reads of organisations rated under Chapter II (Art. 5–9), and the publication of
their results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api import reads_organisation
from api.audit_routes import (
    PublicationOut,
    PublishRequest,
    Reproduction,
    YearPath,
    publish_table,
)
from api.deps import CallerDep, ScopeDep, ServicesDep
from api.params import CodePath, OptionalCodeQuery
from api.publishing import reproduce_publication
from api.query_routes import AsOfPosition, AsOfTime
from projections.publication import ORGANISATIONS

router = APIRouter(tags=["queries"])


@router.get("/organisations/{agency}/years/{year}")
def organisation_year(
    agency: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
    unit: OptionalCodeQuery = None,
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> dict[str, Any]:
    """An organisation's year of rating — the agency itself, or one of its units
    (``unit``): its work plan, the self-assessment and the authority's scores, each
    level's conditions with its article (Art. 8), the quota of the recognising
    authority's scope (Art. 8(5)), verifications (Art. 9(2)(a)), the decisions and
    their notification (Art. 9(2)(b)), and the organisations under it (Art. 9(1)) —
    now, or as of a past position or moment."""
    return reads_organisation.organisation_year(
        svc, scope, agency, unit, year, as_of_position, as_of_time
    )


@router.get("/organisations/{agency}/years/{year}/evidence")
def organisation_evidence(
    agency: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
    unit: OptionalCodeQuery = None,
) -> dict[str, Any]:
    """One file: the organisation's year as read above, every event it reads, their
    inclusion proofs and the signed checkpoint. Check it offline with
    `minhbach verify-bundle FILE --public-key KEY`."""
    return reads_organisation.organisation_evidence(svc, scope, agency, unit, year)


@router.post(
    "/agencies/{agency}/years/{year}/organisation-publications",
    response_model=PublicationOut,
    tags=["audit"],
)
def publish_organisations(
    agency: CodePath,
    year: YearPath,
    body: PublishRequest,
    svc: ServicesDep,
    who: CallerDep,
) -> PublicationOut:
    """Publish the results of the organisations the agency's head recognises — its
    units and the agencies it manages (Art. 5, 9(2)(b)) — as they stand (HR or the
    authority); one row per organisation, with a digest anyone can recompute."""
    return publish_table(svc, who, agency, year, body, ORGANISATIONS)


@router.get(
    "/agencies/{agency}/years/{year}/organisation-publications",
    response_model=list[PublicationOut],
    tags=["audit"],
)
def organisation_publications(
    agency: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
) -> list[PublicationOut]:
    """Every publication of the organisations' results in the agency head's scope."""
    found = reads_organisation.organisation_publications(svc, scope, agency, year)
    return [PublicationOut.of(p.number, p.year, p) for p in found]


@router.get(
    "/agencies/{agency}/years/{year}/organisation-publications/{number}/reproduction",
    response_model=Reproduction,
    tags=["audit"],
)
def organisation_reproduction(
    agency: CodePath,
    year: YearPath,
    number: Annotated[int, Path(ge=1)],
    svc: ServicesDep,
    scope: ScopeDep,
) -> Reproduction:
    """Recompute a publication of organisations' results from the events up to its
    position; compare organisation by organisation."""
    reads_organisation.organisation_in_scope(svc, scope, agency, None)
    return Reproduction.of(reproduce_publication(svc, agency, year, number, ORGANISATIONS))
