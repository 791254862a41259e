"""Appeals, personnel decisions and their traces, deadlines, and each agency's
published list of results."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import reads, reads_cases
from api.auth import ReadScope
from api.deps import ScopeDep, Services, ServicesDep
from api.params import CodePath, OptionalCodeQuery
from api.query_routes import Listing
from domain.agency import Agency, agency_id
from domain.errors import NotAuthorised, NotFound
from domain.policy import policy_in_force
from domain.servant import CivilServant, servant_id
from projections.publication import COLUMNS
from projections.tables import annual_classifications, appeals, personnel_decisions
from projections.trace import make_trace

router = APIRouter(tags=["appeals and decisions"])

AgencyCode = CodePath
YearPath = Annotated[int, Path(ge=2000, le=2100)]
Code = CodePath
AgencyFilter = OptionalCodeQuery


def _rows(svc: Services, query: Any) -> list[dict[str, Any]]:
    svc.views.catch_up()
    with svc.views.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _listing(svc: Services, rows: list[dict[str, Any]]) -> Listing:
    status = svc.views.status()
    return Listing(
        items=rows,
        total=len(rows),
        page=1,
        page_size=max(1, len(rows)),
        position=status.position,
        lag=status.lag,
    )


@router.get("/appeals", response_model=Listing)
def list_appeals(
    svc: ServicesDep,
    scope: ScopeDep,
    agency: AgencyFilter = None,
    status: Annotated[Literal["open", "upheld", "amended"] | None, Query()] = None,
    overdue: Annotated[bool, Query(description="Open past their resolution date")] = False,
) -> Listing:
    """Appeals, with their 7-working-day due dates and the working days left
    (``working_days_left``, negative when overdue); ``overdue`` lists the late ones,
    each with the level it contested beside the level now. An appeals reviewer sees
    the appeals assigned to them."""
    return _listing(svc, reads_cases.appeals_list(svc, scope, agency, status, overdue))


class AppealDetail(BaseModel):
    appeal: dict[str, Any]
    classification_when_filed: dict[str, Any] | None = Field(
        description="The classification as it stood when the appeal was received"
    )
    classification_now: dict[str, Any] | None
    replacing_decisions: list[dict[str, Any]] = Field(
        description="The decisions recorded after the contested one, oldest first"
    )


@router.get("/appeals/{appeal_no:path}", response_model=AppealDetail)
def appeal_detail(
    appeal_no: Code, svc: ServicesDep, scope: ScopeDep, agency: AgencyFilter = None
) -> AppealDetail:
    """One appeal, with the result it contested beside the result now: the
    superseded result stays readable. Appeal numbers are per agency: ``agency``
    chooses when the caller reads several that share the number."""
    case = reads_cases.appeal_case(svc, scope, appeal_no, agency)
    return AppealDetail(
        appeal=case.appeal,
        classification_when_filed=case.when_filed,
        classification_now=case.now,
        replacing_decisions=case.replacing,
    )


@router.get("/decisions", response_model=Listing)
def list_decisions(
    svc: ServicesDep,
    scope: ScopeDep,
    agency: AgencyFilter = None,
    flagged: Annotated[bool | None, Query(description="Only those whose basis moved")] = None,
    status: Annotated[
        Literal["proposed", "approved", "executed", "revoked"] | None, Query()
    ] = None,
) -> Listing:
    """Personnel decisions; ``flagged=true`` lists those whose basis was revised
    since they were proposed or last reviewed."""
    return _listing(svc, reads_cases.decisions_list(svc, scope, agency, flagged, status))


class Trace(BaseModel):
    format: str
    decision: dict[str, Any]
    decision_events: list[dict[str, Any]]
    basis: list[dict[str, Any]]
    appeals: list[dict[str, Any]]
    checkpoint: dict[str, Any]
    anchor: dict[str, Any] = Field(description="The event of the checkpoint's last leaf")
    as_of: dict[str, int]
    text: str = Field(description="The same, readable; verify-trace checks it too")


@router.get("/decisions/{decision_no:path}/trace", response_model=Trace)
def decision_trace(
    decision_no: Code,
    svc: ServicesDep,
    scope: ScopeDep,
    lang: Annotated[Literal["vi", "en"], Query()] = "vi",
    agency: AgencyFilter = None,
) -> Trace:
    """Decision → basis classifications → explanations → events with ledger proofs,
    as one document (check it offline with ``minhbach verify-trace``). Decision
    numbers are per agency, like the appeals'."""
    row = reads_cases.numbered(
        svc, scope, personnel_decisions, "personnel decision", decision_no, agency
    )
    if svc.views.ledger.signer is None:
        raise NotAuthorised("the ledger has no signing key here: no checkpoint to prove against")
    agency_code = row["agency_code"]
    trace = make_trace(
        svc.app,
        svc.views.ledger,
        decision_no,
        agency_code,
        language=lang,
        replayer=lambda position: svc.replays.at(position, agency=agency_code),
        live=svc.views.locked,
    )
    return Trace(**trace)


class Deadlines(BaseModel):
    agency: str
    year: int
    classification_deadline: date
    past_deadline: bool
    undecided: list[str] = Field(description="Servants with no classification decision yet")
    appeals_overdue: list[dict[str, Any]]


@router.get("/agencies/{agency}/years/{year}/deadlines", response_model=Deadlines)
def deadlines(agency: AgencyCode, year: YearPath, svc: ServicesDep, scope: ScopeDep) -> Deadlines:
    """The 15 December classification deadline (Art. 19(2)) and overdue appeals."""
    unit = reads.unit_in_scope(scope, agency, None)
    month, day = policy_in_force(date(year, 1, 1)).classification_deadline
    deadline = date(year, month, day)
    table = annual_classifications
    query = select(table.c.servant_code, table.c.decided_level).where(
        table.c.agency_code == agency, table.c.year == year
    )
    if unit is not None:  # a unit's manager: that unit's servants
        query = query.where(table.c.unit_code == unit)
    rows = _rows(svc, query.order_by(table.c.servant_code))
    today = svc.app.clock().date()
    late_query = select(appeals).where(
        appeals.c.agency_code == agency,
        appeals.c.year == year,
        appeals.c.status == "open",
        appeals.c.due_on < today,
    )
    if unit is not None:
        late_query = late_query.where(appeals.c.servant_code.in_([r["servant_code"] for r in rows]))
    late = _rows(svc, late_query.order_by(appeals.c.due_on, appeals.c.appeal_no))
    return Deadlines(
        agency=agency,
        year=year,
        classification_deadline=deadline,
        past_deadline=today >= deadline,
        undecided=[r["servant_code"] for r in rows if r["decided_level"] is None],
        appeals_overdue=late,
    )


def _published(svc: Services, agency: str, year: int) -> tuple[int, list[dict[str, Any]]]:
    found = svc.app.find(Agency, agency_id(agency))
    publications = [p for p in (found.publications if found else []) if p.year == year]
    if not publications:
        raise NotFound(f"{agency} has published no results for {year}")
    latest = publications[-1]
    return latest.number, [dict(row) for row in latest.rows]


@router.get("/agencies/{agency}/years/{year}/published", response_model=Listing)
def published_list(
    agency: AgencyCode, year: YearPath, svc: ServicesDep, who_scope: ScopeDep
) -> Listing:
    """The agency's published list of results (its latest publication): every
    civil servant of the agency may read it (Art. 21(2))."""
    if not who_scope.everything and who_scope.agency != agency:
        _servant_agency_check(svc, who_scope, agency)
    _, rows = _published(svc, agency, year)
    return _listing(svc, rows)


def _servant_agency_check(svc: Services, scope: ReadScope, agency: str) -> None:
    code = scope.servant or scope.own_servant
    if code is None:
        raise NotAuthorised(f"you may not read the published list of {agency}")
    servant = svc.app.find(CivilServant, servant_id(code))
    if servant is None or servant.placement.agency_code != agency:
        raise NotAuthorised(f"you may not read the published list of {agency}")


@router.get(
    "/agencies/{agency}/years/{year}/published.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The published list as CSV"}},
)
def published_csv(
    agency: AgencyCode, year: YearPath, svc: ServicesDep, who_scope: ScopeDep
) -> Response:
    """The same list as CSV."""
    if not who_scope.everything and who_scope.agency != agency:
        _servant_agency_check(svc, who_scope, agency)
    number, rows = _published(svc, agency, year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"X-Publication": str(number)},
    )
