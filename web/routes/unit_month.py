"""A unit's month for its head or deputy (Art. 17(2), 18): assign a task from the
agency's catalogue (the factor it will copy shown beside each product), assess
the results submitted, score Form 01 as the evaluator, and score đ/e for the
leaders under them; confirm an objective cause (Art. 14(2)(b), (c)) with its
document, or record a delay, on a task late or not completed. Each form posts
the API's own command; the domain decides who may do what, and its refusal is
shown beside the form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.month_reads import UnitMonth, unit_month
from domain import commands as c
from forms.wording import CRITERIA
from projections.directory import Directory
from web.deps import SignedInDep, Viewer
from web.month_forms import PERIOD_STATUSES, Refusal, attempt
from web.routes.my_month import FormKey, PeriodPath, Short, criteria_scores
from web.templating import render

router = APIRouter()
Code = Annotated[str, Path(min_length=1, max_length=64)]
FormCode = Annotated[str, Form(min_length=1, max_length=64)]
Reason = Annotated[str, Form(max_length=2000)]
DONE = frozenset({"assigned", "reassigned", "assessed", "scored", "leader", "exempted", "delay"})
BASE = "/agencies/{agency}/units/{unit}/periods/{period}"


def _where(agency: Code, unit: Code, period: PeriodPath) -> tuple[str, str, str]:
    return agency, unit, period


# The month a form posts to: the agency, the unit and the period of its path.
Where = Annotated[tuple[str, str, str], Depends(_where)]


def unit_page(
    request: Request,
    who: Viewer,
    agency: str,
    unit: str,
    period: str,
    refusal: Refusal | None = None,
    entered: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    month = unit_month(who.svc, who.scope, agency, unit, period)
    return render(
        request,
        who,
        "unit_month.html",
        status_code=400 if refusal else 200,
        month=month,
        names=Directory(who.svc.views.projector.state),
        refusal=refusal,
        stray=refusal is not None and refusal.form not in forms_on(month),
        entered=entered or {},
        done=done if done in DONE else None,
        today=who.svc.app.clock().date(),
        criteria_words=CRITERIA,
        period_statuses=PERIOD_STATUSES,
        exemptible=exemptible,
        base=BASE.format(agency=agency, unit=unit, period=period),
    )


def forms_on(month: UnitMonth) -> set[str]:
    """The forms the page shows: a refusal of another is shown at the top."""
    shown = {"assign"}
    for s in month.servants:
        shown |= {f"score-{s.servant}"} | ({f"leader-{s.servant}"} if s.leader else set())
        shown |= {f"assess-{t['code']}" for t in s.tasks if t["awaiting"]}
        shown |= {f"reassign-{t['code']}" for t in s.tasks if not t["accepted"]}
        for kind in ("exempt", "delay"):
            shown |= {f"{kind}-{t['code']}" for t in s.tasks if exemptible(t)}
    return shown


def exemptible(task: dict[str, Any]) -> bool:
    """Where the page offers an objective cause or a delay: a task not cancelled that
    is late or not (yet) completed and accepted. The domain judges the command."""
    return not task["cancelled"] and (task["late"] or not task["accepted"])


def _answer(
    request: Request,
    who: Viewer,
    where: tuple[str, str, str],
    refusal: Refusal | None,
    entered: dict[str, Any],
    done: str,
) -> Response:
    agency, unit, period = where
    if refusal is not None:
        return unit_page(request, who, agency, unit, period, refusal, entered)
    target = BASE.format(agency=agency, unit=unit, period=period)
    return RedirectResponse(f"{target}?done={done}", status_code=303)


@router.get(BASE, response_class=HTMLResponse)
def unit_month_page(
    request: Request, who: SignedInDep, agency: Code, unit: Code, period: PeriodPath, done: str = ""
) -> Response:
    return unit_page(request, who, agency, unit, period, done=done)


@router.post(BASE + "/assign", response_class=HTMLResponse)
def assign_task(
    request: Request,
    who: SignedInDep,
    where: Where,
    task: FormCode,
    servant: FormCode,
    product: FormCode,
    quantity: Short,
    assigned_on: Short,
    deadline: Short,
    form_key: FormKey,
    title: Reason = "",
    ad_hoc: bool = Form(False),
) -> Response:
    fields = {
        "task": task,
        "servant": servant,
        "product": product,
        "quantity": quantity,
        "period": where[2],
        "assigned_on": assigned_on,
        "deadline": deadline,
        "title": title,
        "ad_hoc": ad_hoc,
    }
    refusal = attempt(who, "assign", c.AssignTask, fields, form_key)
    return _answer(request, who, where, refusal, fields, "assigned")


@router.post(BASE + "/reassign", response_class=HTMLResponse)
def reassign_task(
    request: Request,
    who: SignedInDep,
    where: Where,
    task: FormCode,
    to_servant: FormCode,
    on: Short,
    cause: Short,
    form_key: FormKey,
    reason: Reason = "",
    report_ref: Short = "",
    deadline: Short = "",
) -> Response:
    """Art. 18(1)(d): the cause decides whose assigned total the task stays in."""
    fields = {
        "task": task,
        "to_servant": to_servant,
        "on": on,
        "cause": cause,
        "reason": reason,
        "report_ref": report_ref.strip() or None,
        "deadline": deadline.strip() or None,
    }
    refusal = attempt(who, f"reassign-{task}", c.ReassignTask, fields, form_key)
    return _answer(request, who, where, refusal, fields, "reassigned")


@router.post(BASE + "/assess", response_class=HTMLResponse)
def assess_result(
    request: Request,
    who: SignedInDep,
    where: Where,
    task: FormCode,
    outcome: Short,
    form_key: FormKey,
    note: Reason = "",
) -> Response:
    fields = {"task": task, "outcome": outcome, "note": note}
    refusal = attempt(who, f"assess-{task}", c.AssessResult, fields, form_key)
    return _answer(request, who, where, refusal, fields, "assessed")


@router.post(BASE + "/score", response_class=HTMLResponse)
async def score_criteria(
    request: Request,
    who: SignedInDep,
    where: Where,
    servant: FormCode,
    form_key: FormKey,
) -> Response:
    scores = await criteria_scores(request)
    fields = {"servant": servant, "period": where[2], "scores": scores}
    refusal = attempt(who, f"score-{servant}", c.ScoreCriteria, fields, form_key)
    entered = {"servant": servant, "scores": scores}
    return _answer(request, who, where, refusal, entered, "scored")


@router.post(BASE + "/leader", response_class=HTMLResponse)
def score_leader(
    request: Request,
    who: SignedInDep,
    where: Where,
    servant: FormCode,
    component: Short,
    value: Short,
    form_key: FormKey,
    reason: Reason = "",
) -> Response:
    fields = {
        "servant": servant,
        "period": where[2],
        "component": component,
        "value": value,
        "reason": reason,
    }
    form = f"leader-{servant}"
    refusal = attempt(who, form, c.ScoreLeaderComponent, fields, form_key)
    return _answer(request, who, where, refusal, fields, "leader")


@router.post(BASE + "/exempt", response_class=HTMLResponse)
def confirm_objective_cause(
    request: Request,
    who: SignedInDep,
    where: Where,
    task: FormCode,
    scope: Short,
    form_key: FormKey,
    reason: Reason = "",
    document: Short = "",
) -> Response:
    """Art. 14(2)(b), (c): the document confirming the cause is the command's source."""
    fields = {"task": task, "scope": scope, "reason": reason}
    form = f"exempt-{task}"
    source = document.strip() or None
    refusal = attempt(who, form, c.ConfirmObjectiveCause, fields, form_key, source)
    entered = fields | {"document": document}
    return _answer(request, who, where, refusal, entered, "exempted")


@router.post(BASE + "/delay", response_class=HTMLResponse)
def record_delay(
    request: Request,
    who: SignedInDep,
    where: Where,
    task: FormCode,
    form_key: FormKey,
    reason: Reason = "",
) -> Response:
    """A delay the evaluator notes (counted under ``delay_counting=per_recorded_delay``)."""
    fields = {"task": task, "reason": reason}
    refusal = attempt(who, f"delay-{task}", c.RecordDelay, fields, form_key)
    return _answer(request, who, where, refusal, fields, "delay")
