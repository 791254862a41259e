"""Reads of organisations rated under Chapter II (Art. 5–9)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api import reads_organisation
from api.deps import ScopeDep, ServicesDep
from api.params import CodePath, OptionalCodeQuery
from api.query_routes import AsOfPosition, AsOfTime

router = APIRouter(tags=["queries"])


@router.get("/organisations/{agency}/years/{year}")
def organisation_year(
    agency: CodePath,
    year: Annotated[int, Path(ge=2000, le=2100)],
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
    year: Annotated[int, Path(ge=2000, le=2100)],
    svc: ServicesDep,
    scope: ScopeDep,
    unit: OptionalCodeQuery = None,
) -> dict[str, Any]:
    """One file: the organisation's year as read above, every event it reads, their
    inclusion proofs and the signed checkpoint. Check it offline with
    `minhbach verify-bundle FILE --public-key KEY`."""
    return reads_organisation.organisation_evidence(svc, scope, agency, unit, year)
