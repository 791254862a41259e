"""A civil servant's month (Art. 17(2), 18): their tasks with deadlines and sizes in
standard units, a result to submit for each, Form 01's sub-criteria to self-score,
and the month's score as it stands. The forms post the API's own commands
(``SubmitResult``, ``SelfScoreCriteria``); the domain decides what is allowed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.month_reads import ServantMonth, servant_month
from domain import commands as c
from domain.errors import NotAuthorised
from forms.wording import CRITERIA
from projections.directory import Directory
from web.deps import SignedInDep, Viewer
from web.month_forms import PERIOD_STATUSES, Refusal, attachment_of, attempt
from web.templating import render

router = APIRouter()
PeriodPath = Annotated[str, Path(pattern=r"^\d{4}-(\d{2}|Q[1-4])$")]
Short = Annotated[str, Form(max_length=200)]
FormKey = Annotated[str, Form(pattern=r"^[0-9a-f]{32}$")]
DONE = frozenset({"result", "self_score"})


def own_code(who: Viewer) -> str:
    code = who.caller.servant
    if code is None:
        raise NotAuthorised("your sign-in has no civil servant record")
    return code


def month_page(
    request: Request,
    who: Viewer,
    period: str,
    refusal: Refusal | None = None,
    entered: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    code = own_code(who)
    month = servant_month(who.svc, who.scope, code, period)
    return render(
        request,
        who,
        "my_month.html",
        status_code=400 if refusal else 200,
        month=month,
        name=Directory(who.svc.views.projector.state).servant(code),
        refusal=refusal,
        stray=refusal is not None and refusal.form not in forms_on(month),
        entered=entered or {},
        done=done if done in DONE else None,
        today=who.svc.app.clock().date(),
        criteria_words=CRITERIA,
        period_statuses=PERIOD_STATUSES,
    )


def forms_on(month: ServantMonth) -> set[str]:
    """The forms the page shows: a refusal of another is shown at the top."""
    open_tasks = {
        t["code"] for t in month.tasks if not (t["accepted"] or t["cancelled"] or t["awaiting"])
    }
    return {"self-score"} | {f"result-{code}" for code in open_tasks}


def back(period: str, done: str) -> Response:
    return RedirectResponse(f"/me/periods/{period}?done={done}", status_code=303)


@router.get("/me/periods/{period}", response_class=HTMLResponse)
def my_month(request: Request, who: SignedInDep, period: PeriodPath, done: str = "") -> Response:
    return month_page(request, who, period, done=done)


@router.get("/me/month")
def my_month_picked(who: SignedInDep, period: str = "") -> Response:
    """The month picker's answer (an ``<input type=month>`` sends yyyy-mm)."""
    chosen = period if period[:4].isdigit() else who.svc.app.clock().strftime("%Y-%m")
    return RedirectResponse(f"/me/periods/{chosen[:8]}", status_code=303)


@router.post("/me/periods/{period}/result", response_class=HTMLResponse)
def submit_result(
    request: Request,
    who: SignedInDep,
    period: PeriodPath,
    task: Annotated[str, Form(min_length=1, max_length=64)],
    completed_quantity: Short,
    completed_on: Short,
    form_key: FormKey,
    document: Short = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The attached file is read only to hash it (bounded by ``MAX_ATTACHMENT_BYTES``):
    the command, and so the log, carries its name, SHA-256 and size."""
    fields: dict[str, Any] = {
        "task": task,
        "completed_quantity": completed_quantity,
        "completed_on": completed_on,
        "note": note,
    }
    form = f"result-{task}"
    attached = attachment_of(form, attachment.filename, attachment.file) if attachment else None
    if isinstance(attached, Refusal):
        refusal: Refusal | None = attached
    else:
        fields["attachment"] = attached
        refusal = attempt(who, form, c.SubmitResult, fields, form_key, document.strip() or None)
    if refusal is not None:
        return month_page(request, who, period, refusal, fields | {"document": document})
    return back(period, "result")


@router.post("/me/periods/{period}/self-score", response_class=HTMLResponse)
async def self_score(
    request: Request, who: SignedInDep, period: PeriodPath, form_key: FormKey
) -> Response:
    scores = await criteria_scores(request)
    fields = {"servant": own_code(who), "period": period, "scores": scores}
    refusal = attempt(who, "self-score", c.SelfScoreCriteria, fields, form_key)
    if refusal is not None:
        return month_page(request, who, period, refusal, {"scores": scores})
    return back(period, "self_score")


async def criteria_scores(request: Request) -> dict[str, str]:
    """Form 01's fields (``score-I.1`` …) as the command's scores; a blank is left out."""
    form = await request.form()
    found: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith("score-") and isinstance(value, str) and value.strip():
            found[key.removeprefix("score-")[:64]] = value.strip()[:32]
    return found
