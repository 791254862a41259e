"""A civil servant's petition against their notified result (Art. 22), filed from
their year page: the API's ``FileAppeal``. Whether it may be filed (notified,
within the window, their own) is the handler's rule; refused, the year page comes
back with the reason beside the form, and filed, the petition's case page opens."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import reads_cases
from api.params import CodePath
from domain import commands as c
from web.deps import SignedInDep
from web.routes import year_forms as f
from web.routes.case_forms import PETITION_WORDS, send
from web.routes.servant_year import YearNumber, year_page

router = APIRouter()


def case_path(agency: str, appeal_no: str) -> str:
    return f"/appeals/{quote(agency, safe='')}/{quote(appeal_no, safe='/')}"


@router.post("/servants/{code}/years/{year}/petitions", response_class=HTMLResponse)
async def file_petition(
    request: Request, who: SignedInDep, code: CodePath, year: YearNumber
) -> Response:
    form = await f.posted(request, who)
    number = f.text(form, "appeal_no", 64) or ""
    grounds = f.text(form, "grounds", 2000) or ""

    def make() -> c.Command:
        return c.FileAppeal(appeal_no=number, servant=code, year=year, grounds=grounds)

    sent = send(who, "petition", form, make, f.text(form, "document"), PETITION_WORDS)
    if not sent.outcome.ok:
        return year_page(request, who, code, year, petition=sent)
    rows = reads_cases.appeals_list(who.svc, who.scope, year=year)
    [row] = [r for r in rows if r["appeal_no"] == number and r["servant_code"] == code]
    return RedirectResponse(case_path(row["agency_code"], number), status_code=303)
