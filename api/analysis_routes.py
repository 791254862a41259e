"""Questions for inspectors about an agency's year: what if it were read under
another policy variant, and where evaluation looks lenient. Both are computed
in memory from a replay of the log (now or as of a past position); nothing is
written."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api import reads_analysis
from api.deps import ScopeDep, ServicesDep
from api.params import CodePath, OptionalCodeQuery

MAX_POSITION = 2**63 - 1

Year = Annotated[int, Path(ge=2000, le=2100)]
AsOf = Annotated[
    int | None,
    Query(ge=0, le=MAX_POSITION, description="Answer as the log stood at this position"),
]
PolicyName = Annotated[
    str,
    Query(
        min_length=1,
        max_length=80,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="A registered variant's name, `published` (no variant) or `adopted` "
        "(what the agency recorded: the views as they are)",
        examples=["quota-good-or-better"],
    ),
]

router = APIRouter(tags=["analysis"])


@router.get("/agencies/{agency}/years/{year}/whatif")
def what_if(
    agency: CodePath,
    year: Year,
    policy: PolicyName,
    svc: ServicesDep,
    scope: ScopeDep,
    unit: OptionalCodeQuery = None,
    as_of_position: AsOf = None,
) -> dict[str, Any]:
    """Every servant's annual score and proposed level as recorded and under
    ``policy``, who changes level and the explanation step that differs, and the
    totals per level. Inspectors, HR and the agency's head."""
    return reads_analysis.what_if(svc, scope, agency, year, policy, unit, as_of_position).as_dict()


@router.get("/agencies/{agency}/years/{year}/leniency")
def leniency(
    agency: CodePath,
    year: Year,
    svc: ServicesDep,
    scope: ScopeDep,
    as_of_position: AsOf = None,
) -> dict[str, Any]:
    """Leniency and inflation indicators per evaluator and per unit, each with its
    sample size, comparison and the log positions behind it. A flag is a question
    for an inspector, not a finding (docs/leniency.md)."""
    return reads_analysis.leniency(svc, scope, agency, year, as_of_position).as_dict()
