"""Personnel decisions on classifications (Art. 23(3)): propose one on named years'
results (the page shows the results it would rest on), a second person approves,
the personnel office executes, and a decision whose basis moved is reviewed —
kept or revoked, acknowledging the basis as the page showed it. The flagged ones
are listed with why, from the same read as the inspection screen. Each form
posts the API's command; the four eyes and the basis are the handlers' rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api import reads, reads_cases
from domain import commands as c
from domain.errors import DomainError, InvalidValue
from web.routes import year_forms as f
from web.routes.case_forms import Sent, keys, send
from web.screens import AgencyYear, AgencyYearDep, optional
from web.templating import render

router = APIRouter()
FORMS = ("propose", "approve", "execute", "review")
COMMANDS: dict[str, type[c.Command]] = {
    "propose": c.ProposeDecision,
    "approve": c.ApproveDecision,
    "execute": c.ExecuteDecision,
    "review": c.ReviewDecision,
}
KINDS = ("commendation", "higher_position", "lower_position", "dismissal")


def _years(value: str | None, fallback: int) -> list[int]:
    """Basis years typed as "2025, 2026"; none typed: the screen's year."""
    parts = [p for p in (value or "").replace(",", " ").split() if p]
    if not parts:
        return [fallback]
    if not all(p.isdigit() and len(p) == 4 for p in parts) or len(parts) > 10:
        raise InvalidValue("basis years are years, e.g. 2025, 2026")
    return sorted({int(p) for p in parts})


def _page(
    request: Request, screen: AgencyYear, servant: str | None, sent: Sent | None = None
) -> HTMLResponse:
    who = screen.viewer
    listed = reads_cases.decisions_list(who.svc, who.scope, screen.agency, year=screen.year)
    values = sent.values if sent is not None and sent.form == "propose" else {}
    servant = servant or optional(values.get("servant"))
    years, basis = [screen.year], []
    try:  # what was typed, refused, is shown as typed; its refusal says why
        years = _years(values.get("basis_years"), screen.year)
        if servant is not None:
            basis = reads_cases.basis_of(who.svc, who.scope, servant, years)
    except DomainError:
        pass
    position, _ = reads.fresh(who.svc, None)
    return render(
        request,
        who,
        "personnel.html",
        status_code=400 if sent is not None and not sent.outcome.ok else 200,
        screen=screen,
        current="personnel",
        decisions=screen.with_names(listed),
        flagged=[row for row in listed if row["flagged"]],
        servant=servant,
        basis_years=years,
        basis=basis,
        sent=sent,
        keys=keys(who, FORMS, sent),
        kinds=KINDS,
        today=who.svc.app.clock().date().isoformat(),
        position=position,
    )


@router.get("/agencies/{agency}/years/{year}/personnel", response_class=HTMLResponse)
def personnel_page(
    request: Request, screen: AgencyYearDep, servant: str | None = None
) -> HTMLResponse:
    return _page(request, screen, optional(servant))


def _acknowledged(form: FormData) -> list[Any]:
    """The basis as the page showed it when the review was written."""
    try:
        found = json.loads(f.text(form, "acknowledged", 4000) or "[]")
    except json.JSONDecodeError:
        raise InvalidValue("the acknowledged basis is not readable") from None
    if not isinstance(found, list):
        raise InvalidValue("the acknowledged basis is a list")
    return found


def _day(form: FormData, name: str) -> date:
    try:
        return date.fromisoformat(f.text(form, name, 10) or "")
    except ValueError:
        raise InvalidValue(f"{name} is a date (YYYY-MM-DD)") from None


def _builder(form: FormData, name: str, screen: AgencyYear) -> Callable[[], c.Command]:
    number = f.text(form, "decision_no", 64) or ""
    text = f.text
    fields: dict[str, Callable[[], dict[str, Any]]] = {
        "propose": lambda: {
            "decision_no": number,
            "kind": text(form, "kind", 32) or "",
            "servant": text(form, "servant", 64) or "",
            "basis_years": _years(text(form, "basis_years", 64), screen.year),
            "reason": text(form, "reason", 2000) or "",
        },
        "approve": lambda: {
            "decision_no": number,
            "note": text(form, "note", 2000) or "",
            "agency": screen.agency,
        },
        "execute": lambda: {
            "decision_no": number,
            "executed_on": _day(form, "executed_on"),
            "agency": screen.agency,
        },
        "review": lambda: {
            "decision_no": number,
            "outcome": text(form, "outcome", 16) or "",
            "reason": text(form, "reason", 2000) or "",
            "acknowledged": _acknowledged(form),
            "agency": screen.agency,
        },
    }
    kind = COMMANDS[name]
    return lambda: kind.model_validate(fields[name]())


@router.post("/agencies/{agency}/years/{year}/personnel", response_class=HTMLResponse)
async def personnel_form(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    form = await f.posted(request, screen.viewer)
    name = f.text(form, "form", 16) or ""
    if name not in FORMS:
        raise InvalidValue(f"no personnel form {name!r}")
    make = _builder(form, name, screen)
    sent = send(screen.viewer, name, form, make, f.text(form, "document"))
    return _page(request, screen, None, sent)
