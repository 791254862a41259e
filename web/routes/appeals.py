"""Petitions (Art. 22): the list a signed-in person may read — an appeals
reviewer's own cases, overdue ones first — and one case with its deadline in
working days and the result it contested beside the result now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from api import reads, reads_cases
from projections.directory import Directory
from web.deps import SignedInDep, Viewer
from web.i18n import N_
from web.routes.case_forms import Sent, keys
from web.screens import LEVEL_CODES
from web.templating import render

router = APIRouter()
Code = Annotated[str, Path(min_length=1, max_length=64)]
# The case page's forms (web/routes/appeal_review.py posts them).
CASE_FORMS = ("reviewer", "rescore", "assessment", "annul", "replace", "resolve")
# A correction's command, named (the code stays beside it).
CORRECTIONS = {
    "score_criteria": N_("Re-scored criteria"),
    "amend_assessment": N_("Amended assessment"),
    "annul_discipline": N_("Annulled discipline decision"),
    "withdraw_conclusion": N_("Withdrawn conclusion"),
    "decide_classification": N_("Replacing decision"),
}


@router.get("/appeals", response_class=HTMLResponse)
def appeals_page(request: Request, who: SignedInDep) -> HTMLResponse:
    rows = reads_cases.appeals_list(who.svc, who.scope, overdue_first=True)
    position, _ = reads.fresh(who.svc, None)
    return render(
        request,
        who,
        "appeals.html",
        rows=rows,
        names=Directory(who.svc.views.projector.state),
        today=who.svc.app.clock().date(),
        position=position,
    )


@router.get("/appeals/{agency}/{appeal_no:path}", response_class=HTMLResponse)
def appeal_page(request: Request, who: SignedInDep, agency: Code, appeal_no: Code) -> HTMLResponse:
    return case_page(request, who, agency, appeal_no)


def case_page(
    request: Request, who: Viewer, agency: str, appeal_no: str, sent: Sent | None = None
) -> HTMLResponse:
    """The case with its forms; ``sent`` the form just posted (refused: 400)."""
    case = reads_cases.appeal_case(who.svc, who.scope, appeal_no, agency)
    row = case.appeal
    position, _ = reads.fresh(who.svc, None)
    return render(
        request,
        who,
        "appeal.html",
        status_code=400 if sent is not None and not sent.outcome.ok else 200,
        sent=sent,
        keys=keys(who, CASE_FORMS, sent),
        levels=LEVEL_CODES,
        corrections=CORRECTIONS,
        case=case,
        appeal=row,
        periods=reads_cases.periods_of(who.svc, who.scope, row["servant_code"], row["year"]),
        names=Directory(who.svc.views.projector.state),
        today=who.svc.app.clock().date(),
        position=position,
    )
