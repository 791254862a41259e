"""An organisation's year of rating under Chapter II — the agency itself, or one of
its units: what the recognising authority decides on, as the API reads it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import reads_organisation
from api.params import CodePath, OptionalCodeQuery
from web.deps import SignedInDep
from web.exports import evidence_file
from web.screens import YearNumber, position_filter
from web.templating import render

router = APIRouter()


@router.get("/organisations/{agency}/years/{year}", response_class=HTMLResponse)
def organisation_year_page(
    request: Request,
    who: SignedInDep,
    agency: CodePath,
    year: YearNumber,
    unit: OptionalCodeQuery = None,
    as_of: Annotated[str | None, Query(max_length=24)] = None,
) -> HTMLResponse:
    position = position_filter(as_of)
    org = reads_organisation.organisation_year(who.svc, who.scope, agency, unit, year, position)
    return render(
        request,
        who,
        "organisation_year.html",
        org=org,
        signed=who.svc.views.ledger.signer is not None,
        as_of=position,
        position=org["position"],
    )


@router.get("/organisations/{agency}/years/{year}/evidence.json")
def organisation_year_evidence(
    who: SignedInDep, agency: CodePath, year: YearNumber, unit: OptionalCodeQuery = None
) -> Response:
    """The organisation's year as an evidence bundle, checked offline by
    ``minhbach verify-bundle``: the same readers as the page."""
    bundle = reads_organisation.organisation_evidence(who.svc, who.scope, agency, unit, year)
    name = f"chung-cu-{agency}-{unit}-{year}.json" if unit else f"chung-cu-{agency}-{year}.json"
    return evidence_file(bundle, name)
