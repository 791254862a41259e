"""What if the agency's year were read under another policy variant: every servant
under each reading, who changes level and the step of the explanation that differs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import reads_analysis
from domain.policy.variants import VARIANT_LIST
from projections.whatif import PUBLISHED
from web.screens import AgencyYearDep, optional, position_filter
from web.templating import render

router = APIRouter()


@router.get("/agencies/{agency}/years/{year}/whatif", response_class=HTMLResponse)
def whatif_page(
    request: Request,
    screen: AgencyYearDep,
    policy: Annotated[str | None, Query(max_length=80)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    as_of: Annotated[str | None, Query(max_length=24)] = None,
) -> HTMLResponse:
    who = screen.viewer
    chosen = optional(policy) or VARIANT_LIST[0].name
    position = position_filter(as_of)
    result = reads_analysis.what_if(
        who.svc, who.scope, screen.agency, screen.year, chosen, optional(unit), position
    )
    rows = screen.with_names(
        [
            {
                **entry,
                "agency_code": screen.agency,
                "unit_code": entry["unit"],
                "servant_code": entry["servant"],
            }
            for entry in result.as_dict()["servants"]
        ]
    )
    english = who.locale == "en"
    options = [(PUBLISHED, None)] + [
        (v.name, v.description_en if english else v.description_vi) for v in VARIANT_LIST
    ]
    return render(
        request,
        who,
        "whatif.html",
        screen=screen,
        current="whatif",
        result=result,
        rows=rows,
        moved=sum(1 for row in rows if row["level_changed"]),
        options=options,
        chosen={"policy": chosen, "unit": optional(unit), "as_of": position},
        units=screen.units(),
        position=result.position,
    )
