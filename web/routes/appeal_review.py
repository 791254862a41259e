"""The forms of a petition's case (Art. 22): assign its reviewer, record the
corrections under it — each the ordinary command (re-scoring criteria, amending
a task's assessment, annulling a discipline decision, the decision that replaces
the contested one) naming the petition in ``appeal_ref`` — and resolve it. The
same commands as the API's; who may do which, and when, is the handlers' rule."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api import reads_cases
from domain import commands as c
from domain.errors import InvalidValue
from web.deps import SignedInDep
from web.routes import year_forms as f
from web.routes.appeals import CASE_FORMS, Code, case_page
from web.routes.case_forms import RESOLUTION_WORDS, send

router = APIRouter()
Make = Callable[[], c.Command]


def _amount(form: FormData, name: str) -> Decimal:
    try:
        return Decimal(f.text(form, name, 16) or "")
    except InvalidOperation:
        raise InvalidValue(f"{name} is a number") from None


def _whole(form: FormData, name: str) -> int:
    value = f.text(form, name, 9) or ""
    if not value.isdigit():
        raise InvalidValue(f"{name} is a whole number")
    return int(value)


def _builders(form: FormData, case: reads_cases.AppealCase, agency: str) -> dict[str, Make]:
    """Each case form's command, built when the form is the one posted."""
    appeal = case.appeal
    number, servant = str(appeal["appeal_no"]), str(appeal["servant_code"])
    text = f.text
    return {
        "reviewer": lambda: c.AssignAppealReviewer.model_validate(
            {
                "appeal_no": number,
                "reviewer": text(form, "reviewer", 64) or "",
                "agency": agency,
            }
        ),
        "rescore": lambda: c.ScoreCriteria.model_validate(
            {
                "servant": servant,
                "period": text(form, "period", 16) or "",
                "scores": {text(form, "criterion", 16) or "": _amount(form, "score")},
                "appeal_ref": number,
            }
        ),
        "assessment": lambda: c.AmendAssessment.model_validate(
            {
                "task": text(form, "task", 64) or "",
                "assessment": _whole(form, "assessment"),
                "outcome": text(form, "outcome", 16) or "",
                "reason": text(form, "reason", 2000) or "",
                "appeal_ref": number,
            }
        ),
        "annul": lambda: c.AnnulDiscipline.model_validate(
            {
                "decision_no": text(form, "discipline_no", 64) or "",
                "reason": text(form, "reason", 2000) or "",
                "appeal_ref": number,
            }
        ),
        "replace": lambda: c.DecideClassification.model_validate(
            {
                "servant": servant,
                "year": int(appeal["year"]),
                "decision_no": text(form, "decision_no", 64) or "",
                "level": f.level(form, "level") or "",
                "minutes_ref": text(form, "minutes_ref", 64) or "",
                "party_committee_ref": text(form, "party_committee_ref", 64),
                "departure_reason": text(form, "departure_reason", 2000),
                "replaces": (case.now or {}).get("decision_no"),
                "appeal_ref": number,
            }
        ),
        "resolve": lambda: c.ResolveAppeal.model_validate(
            {
                "appeal_no": number,
                "outcome": text(form, "outcome", 16) or "",
                "reason": text(form, "reason", 2000) or "",
                "agency": agency,
            }
        ),
    }


@router.post("/appeals/{agency}/{appeal_no:path}", response_class=HTMLResponse)
async def case_form(
    request: Request, who: SignedInDep, agency: Code, appeal_no: Code
) -> HTMLResponse:
    form = await f.posted(request, who)
    name = f.text(form, "form", 16) or ""
    if name not in CASE_FORMS:
        raise InvalidValue(f"no case form {name!r}")
    case = reads_cases.appeal_case(who.svc, who.scope, appeal_no, agency)  # the caller reads it
    make = _builders(form, case, agency)[name]
    source_ref = f.text(form, "document")
    if name == "replace":
        source_ref = source_ref or f.text(form, "decision_no", 64)  # the decision is its document
    sent = send(who, name, form, make, source_ref, RESOLUTION_WORDS if name == "resolve" else None)
    return case_page(request, who, agency, appeal_no, sent)
