"""One servant's year as an inspector reads it: the facts that decided the level,
the twelve months and their arithmetic, every event behind the result with what
it changed, the result as it stood at a past moment, and the ledger's word with
the evidence bundle to check offline.

Everything comes from the API's own reads (``api/reads.py``): the explanation,
its findings, the score trail and the ledger's coverage. The scope is the
API's: a civil servant reading another's year gets the 403 page."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import reads_year
from api.params import CodePath
from domain.errors import InvalidValue, NotFound
from projections.directory import Directory
from projections.findings import changes
from web.charts import COLOURS, score_bars, thresholds
from web.deps import SignedInDep, Viewer
from web.exports import evidence_file
from web.routes.case_forms import Sent, keys
from web.templating import render
from web.year_words import person

router = APIRouter()
YearNumber = Annotated[int, Path(ge=2000, le=2100)]
AsOf = Annotated[str | None, Query(max_length=32)]
VIETNAM = timezone(timedelta(hours=7))  # a chosen day ends at midnight in Hà Nội
PERIOD_TITLE = re.compile(r"^period (\d{4}-\w+)$")


def _position(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise InvalidValue("the log position must be a whole number")
    return int(text)


def _end_of_day(value: str | None) -> datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValue("the date must be a day (yyyy-mm-dd)") from None
    return datetime.combine(day, time.max, tzinfo=VIETNAM)


def _months(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    """The explanation's period sections as table rows, each with its steps and tasks."""
    months = []
    for section in explanation["sections"]:
        found = PERIOD_TITLE.match(section["title"])
        if found is None or section.get("result") is None:
            continue
        result = section["result"]
        months.append(
            {
                "period": found.group(1),
                "row": result,
                "score": result.get("score"),
                "level": result.get("level"),
                "steps": section["steps"],
                "tasks": section.get("tasks", []),
            }
        )
    return months


def _year_steps(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"title": s["title"], "steps": s["steps"]}
        for s in explanation["sections"]
        if PERIOD_TITLE.match(s["title"]) is None
    ]


@router.get("/servants/{code}/years/{year}", response_class=HTMLResponse)
def servant_year_page(
    request: Request,
    who: SignedInDep,
    code: CodePath,
    year: YearNumber,
    as_of_position: AsOf = None,
    as_of_date: AsOf = None,
) -> HTMLResponse:
    return year_page(request, who, code, year, as_of_position, as_of_date)


def year_page(
    request: Request,
    who: Viewer,
    code: str,
    year: int,
    as_of_position: str | None = None,
    as_of_date: str | None = None,
    petition: Sent | None = None,
) -> HTMLResponse:
    """The page; ``petition`` the servant's petition form as just posted (refused: 400)."""
    svc, scope = who.svc, who.scope
    position, moment = _position(as_of_position), _end_of_day(as_of_date)
    if position is not None and moment is not None:
        raise InvalidValue("choose a date or a log position, not both")
    now = reads_year.year_explanation(svc, scope, code, year)
    then: dict[str, Any] | None = None
    missing_then = False
    if position is not None or moment is not None:
        try:
            then = reads_year.year_explanation(svc, scope, code, year, position, moment)
        except NotFound:
            missing_then = True
    shown = then or now
    trail = reads_year.year_score_trail(svc, shown)
    by_position = {ref["position"]: ref for ref in now["inputs"]}
    by_position |= {ref["position"]: ref for ref in shown["inputs"]}
    asked_position = then["as_of"]["position"] if then else None
    since = (
        [ref for ref in now["inputs"] if ref["position"] > then["as_of"]["position"]]
        if then
        else []
    )
    months = _months(shown)
    result = shown["result"] or {}
    names = Directory(svc.views.projector.state)
    return render(
        request,
        who,
        "servant_year.html",
        status_code=400 if petition is not None and not petition.outcome.ok else 200,
        petition=petition,
        petition_key=keys(who, ("petition",), petition)["petition"],
        code=code,
        year=year,
        name=names.servant(code),
        names=names,
        who=person(names),
        result=result,
        explanation=shown,
        findings=shown.get("findings", []),
        months=months,
        bars=score_bars(months),
        thresholds=thresholds(shown["policy"]["parameters"]),
        colours=COLOURS,
        year_steps=_year_steps(shown),
        inputs=sorted(shown["inputs"], key=lambda r: r["position"]),
        events=by_position,
        trail=trail,
        ledger=reads_year.ledger_word(svc, shown),
        then=then,
        missing_then=missing_then,
        asked={"position": as_of_position or "", "date": as_of_date or ""},
        asked_position=asked_position,
        changes=changes(then["result"], now["result"]) if then else [],
        since=since,
        now_position=now["as_of"]["position"],
        position=shown["as_of"]["position"],
    )


@router.get("/servants/{code}/years/{year}/evidence.json")
def servant_year_evidence(who: SignedInDep, code: CodePath, year: YearNumber) -> Response:
    """The evidence bundle, the file ``minhbach verify-bundle`` checks offline."""
    bundle = reads_year.evidence_bundle(who.svc, who.scope, code, year)
    return evidence_file(bundle, f"chung-cu-{code}-{year}.json")
