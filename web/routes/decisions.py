"""The competent authority's year-end work (Art. 20–21): decide the proposed
classifications (one, or a list under one decision), record the organisation's
level, notify the servants, and publish the agency's results — its servants', and
those of the organisations its head recognises (Art. 9(2)(b)). Each form posts
the API's own command; what may be decided is the domain's rule, and its refusal
is shown beside the field it names."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api import reads, reads_organisation
from api.publishing import draft_now
from domain import commands as c
from domain.agency import Publication
from domain.errors import DomainError, InvalidValue, NotAuthorised
from projections.publication import ORGANISATIONS, SERVANTS, Kind
from web.refusals import refusal
from web.routes import year_forms as f
from web.screens import LEVEL_CODES, AgencyYear, AgencyYearDep, optional
from web.templating import render

router = APIRouter()
FORMS = ("decide", "notify", "organisation", "publish", "publish_organisations")


def _rows(screen: AgencyYear, which: str, servant: str | None) -> list[dict[str, Any]]:
    who = screen.viewer
    rows, _ = reads.worklist(who.svc, who.scope, screen.agency, screen.year, which, screen.unit)
    return screen.with_names([r for r in rows if servant in (None, r["servant_code"])])


def _page(
    request: Request,
    screen: AgencyYear,
    servant: str | None,
    posted_form: str | None = None,
    outcome: f.Outcome | None = None,
    posted: FormData | None = None,
    key: str | None = None,
) -> HTMLResponse:
    who = screen.viewer
    _, position = reads.worklist(who.svc, who.scope, screen.agency, screen.year, "to_decide")
    keys = {name: who.form_key() for name in FORMS}
    if posted_form is not None and key is not None and outcome is not None and not outcome.ok:
        keys[posted_form] = key  # sent again once corrected: the rows recorded replay
    values = {k: v for k, v in (posted or {}).items() if isinstance(v, str)}
    return render(
        request,
        who,
        "decisions.html",
        status_code=200 if outcome is None or outcome.ok else 400,
        screen=screen,
        current="decisions",
        servant=servant,
        to_decide=_rows(screen, "to_decide", servant),
        to_notify=_rows(screen, "to_notify", servant),
        publications=reads.publications(who.svc, who.scope, screen.agency, screen.year),
        organisation_publications=_organisation_publications(screen),
        form=posted_form,
        outcome=outcome,
        posted=values,
        keys=keys,
        levels=LEVEL_CODES,
        position=position,
    )


def _organisation_publications(screen: AgencyYear) -> list[Publication]:
    """Those the viewer may read; a unit's manager reads none (they are the agency's)."""
    who = screen.viewer
    try:
        return reads_organisation.organisation_publications(
            who.svc, who.scope, screen.agency, screen.year
        )
    except NotAuthorised:
        return []


@router.get("/agencies/{agency}/years/{year}/decisions", response_class=HTMLResponse)
def decisions_page(
    request: Request, screen: AgencyYearDep, servant: str | None = None
) -> HTMLResponse:
    return _page(request, screen, optional(servant))


@router.post("/agencies/{agency}/years/{year}/decisions", response_class=HTMLResponse)
async def decide(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    """The rows ticked, decided under one decision and one meeting's minutes."""
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    servant = f.text(form, "only", 64)
    number = f.text(form, "decision_no")
    minutes = f.text(form, "minutes_ref")
    committee = f.text(form, "party_committee_ref")
    outcome = f.Outcome()
    for row in f.ticked(form, _rows(screen, "to_decide", servant)):

        def make(row: f.Ticked = row) -> c.Command:
            if row.level is None:
                raise InvalidValue("a decision gives a level")
            return c.DecideClassification(
                servant=row.code,
                year=screen.year,
                decision_no=number or "",
                level=row.level,
                minutes_ref=minutes or "",
                party_committee_ref=committee,
                departure_reason=row.reason,
            )

        f.run(screen.viewer, make, key, row.code, outcome, source_ref=number)
    return _page(request, screen, servant, "decide", outcome, form, key)


@router.post("/agencies/{agency}/years/{year}/notifications", response_class=HTMLResponse)
async def notify(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    """The servants ticked notified of their decided classification (Art. 21(2))."""
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    notice = f.text(form, "notice_ref")
    on = f.text(form, "notified_on", 10)
    try:
        notified_on = date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidValue("notified_on is a date (YYYY-MM-DD)") from None
    chosen = set(form.getlist("servant"))
    outcome = f.Outcome()
    for row in _rows(screen, "to_notify", None):
        code = str(row["servant_code"])
        if code in chosen:

            def make(code: str = code) -> c.Command:
                return c.NotifyResult(servant=code, year=screen.year, notified_on=notified_on)

            f.run(screen.viewer, make, key, code, outcome, source_ref=notice)
    return _page(request, screen, None, "notify", outcome, form, key)


@router.post("/agencies/{agency}/years/{year}/organisation-level", response_class=HTMLResponse)
async def organisation_level(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    """The agency's (or one unit's) level, on the document that decides it (Art. 20(6))."""
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    unit = f.text(form, "unit", 64)
    level = f.level(form, "level")
    document = f.text(form, "document")
    outcome = f.Outcome()

    def make() -> c.Command:
        if level is None:
            raise InvalidValue("an organisation's level is one of the four levels")
        return c.DecideOrganisationLevel(
            agency=screen.agency, year=screen.year, level=level, unit=unit
        )

    f.run(screen.viewer, make, key, "", outcome, source_ref=document)
    return _page(request, screen, None, "organisation", outcome, form, key)


@router.post("/agencies/{agency}/years/{year}/publications", response_class=HTMLResponse)
async def publish(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    """The agency's results as they stand, published under the notice that publishes them."""
    return await _publish(request, screen, SERVANTS, "publish")


@router.post(
    "/agencies/{agency}/years/{year}/organisation-publications", response_class=HTMLResponse
)
async def publish_organisations(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    """The results of the organisations the agency's head recognises, as they stand."""
    return await _publish(request, screen, ORGANISATIONS, "publish_organisations")


async def _publish(request: Request, screen: AgencyYear, kind: Kind, name: str) -> HTMLResponse:
    form = await f.posted(request, screen.viewer)
    key = f.form_key(form)
    notice = f.text(form, "notice")
    outcome = f.Outcome()
    who = screen.viewer
    try:
        table = await run_in_threadpool(draft_now, who.svc, screen.agency, screen.year, kind)
    except DomainError as error:
        outcome.refused[""] = refusal(error)
    else:
        f.run(who, table.command, key, "", outcome, source_ref=notice)
    return _page(request, screen, None, name, outcome, form, key)
