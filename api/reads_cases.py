"""The reads of petitions, personnel decisions and departures, scoped as every
other read (``api.reads``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from api.auth import ReadScope
from api.deps import Services
from api.reads import Row, fresh, public, servant_in_scope, unit_in_scope
from domain.agency import Agency, agency_id
from domain.errors import InvalidValue, NotAuthorised, NotFound
from domain.policy import policy_in_force
from domain.policy.holidays import HolidayCalendar
from projections import queries
from projections.tables import annual_classifications, appeals, personnel_decisions


def _select(svc: Services, query: Any) -> list[Row]:
    svc.views.catch_up()
    with svc.views.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def agency_allowed(scope: ReadScope, agency: str | None) -> str | None:
    """The agency filter a caller must use on the agency-wide lists (None: all, for
    those who read everything)."""
    if scope.everything:
        return agency
    if scope.agency is None or scope.unit is not None or scope.servant is not None:
        raise NotAuthorised("only HR, authorities, inspectors and admins list these")
    if agency not in (None, scope.agency):
        raise NotAuthorised(f"you may read {scope.agency} only")
    return scope.agency


def _calendar(svc: Services, agency: str, year: int) -> HolidayCalendar:
    """The working days of the policy the appeal's due date was counted by."""
    found = svc.app.find(Agency, agency_id(agency))
    policy = found.policy_on(date(year, 1, 1)) if found else policy_in_force(date(year, 1, 1))
    return policy.holidays()


def _with_deadline_and_results(svc: Services, rows: list[Row]) -> list[Row]:
    """Each appeal with its working days left (negative: overdue by so many) and the
    result it contested beside the result now (from the year's row, which keeps
    every decision, the superseded ones too)."""
    today = svc.app.clock().date()
    years = {(r["servant_code"], r["year"]) for r in rows}
    table = annual_classifications
    found: dict[tuple[str, int], Row] = {}
    if years:
        servants = sorted({servant for servant, _ in years})
        query = select(table).where(table.c.servant_code.in_(servants))
        found = {(r["servant_code"], r["year"]): r for r in _select(svc, query)}
    calendars: dict[tuple[str, int], HolidayCalendar] = {}
    for row in rows:
        key = (row["agency_code"], row["year"])
        if key not in calendars:
            calendars[key] = _calendar(svc, *key)
        now = found.get((row["servant_code"], row["year"]), {})
        levels = {d["decision_no"]: d["level"] for d in now.get("decisions") or []}
        row["level_as_filed"] = levels.get(row["decision_no"])
        row["level_now"] = now.get("decided_level")
        row["decision_now"] = now.get("decision_no")
        row["overdue"] = row["status"] == "open" and row["due_on"] < today
        row["working_days_left"] = (
            calendars[key].working_days_until(today, row["due_on"])
            if row["status"] == "open"
            else None
        )
    return rows


def appeals_list(
    svc: Services,
    scope: ReadScope,
    agency: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    overdue_first: bool = False,
    year: int | None = None,
) -> list[Row]:
    """Appeals with their due dates: an appeals reviewer's cases, a servant's own,
    or an agency's (all of them for those who read everything)."""
    query = select(appeals).order_by(appeals.c.due_on, appeals.c.appeal_no)
    if scope.cases is not None:
        query = query.where(appeals.c.servant_code.in_(sorted(scope.cases)))
    elif scope.servant is not None:
        query = query.where(appeals.c.servant_code == scope.servant)
    else:
        chosen = agency_allowed(scope, agency)
        if chosen is not None:
            query = query.where(appeals.c.agency_code == chosen)
    if status is not None:
        query = query.where(appeals.c.status == status)
    if year is not None:
        query = query.where(appeals.c.year == year)
    if overdue:
        query = query.where(appeals.c.status == "open", appeals.c.due_on < svc.app.clock().date())
    rows = _with_deadline_and_results(svc, _select(svc, query))
    if overdue_first:
        rows.sort(key=lambda r: (not r["overdue"], r["status"] != "open"))  # stable: by due date
    return rows


def numbered(
    svc: Services, scope: ReadScope, table: Any, what: str, number: str, agency: str | None
) -> Row:
    """The one appeal or personnel decision of that number the caller may read:
    numbers are per agency, so the agency is needed only when the caller may read
    several."""
    column = "appeal_no" if table is appeals else "decision_no"
    query = select(table).where(table.c[column] == number)
    if agency is not None:
        query = query.where(table.c.agency_code == agency)
    found = _select(svc, query)
    if not found:
        raise NotFound(f"{what} {number} not found" + (f" in {agency}" if agency else ""))
    readable = []
    for row in found:
        try:
            servant_in_scope(svc, scope, row["servant_code"])
        except (NotAuthorised, NotFound):
            continue
        readable.append(row)
    if not readable:
        raise NotAuthorised(f"you may not read {what} {number}")
    if len(readable) > 1:
        raise InvalidValue(
            f"{what} {number} is a number in several agencies: name the agency (?agency=…)",
            agencies=sorted(row["agency_code"] for row in readable),
        )
    return readable[0]


@dataclass(frozen=True)
class AppealCase:
    appeal: Row  # with its working days left, as in ``appeals_list``
    when_filed: Row | None  # the classification as it stood when the appeal was received
    now: Row | None

    @property
    def replacing(self) -> list[Row]:
        """The decisions recorded after the contested one (oldest first): the one
        that answers the petition replaces it."""
        decisions = list((self.now or {}).get("decisions") or [])
        numbers = [d["decision_no"] for d in decisions]
        contested = self.appeal["decision_no"]
        return decisions[numbers.index(contested) + 1 :] if contested in numbers else []


def appeal_case(svc: Services, scope: ReadScope, appeal_no: str, agency: str | None) -> AppealCase:
    """One appeal with the classification it contested (replayed to the moment it
    was received: the superseded result stays readable) beside the one now."""
    row = _with_deadline_and_results(
        svc, [numbered(svc, scope, appeals, "appeal", appeal_no, agency)]
    )[0]
    key = (row["servant_code"], row["year"])
    before = svc.replays.at(row["filed_at_position"], servant=key[0]).deriver.annual_rows.get(key)
    table = annual_classifications
    now = _select(svc, select(table).where(table.c.servant_code == key[0], table.c.year == key[1]))
    return AppealCase(row, public(before) if before else None, now[0] if now else None)


def decisions_list(
    svc: Services,
    scope: ReadScope,
    agency: str | None = None,
    flagged: bool | None = None,
    status: str | None = None,
    year: int | None = None,
) -> list[Row]:
    """Personnel decisions; ``flagged`` those whose basis moved since they were
    proposed or last reviewed; ``year`` those resting on that year's result."""
    table = personnel_decisions
    query = select(table).order_by(table.c.decision_no)
    if scope.servant is not None:
        query = query.where(table.c.servant_code == scope.servant)
    else:
        chosen = agency_allowed(scope, agency)
        if chosen is not None:
            query = query.where(table.c.agency_code == chosen)
    if flagged is not None:
        query = query.where(table.c.flagged == flagged)
    if status is not None:
        query = query.where(table.c.status == status)
    rows = _select(svc, query)
    if year is not None:  # the basis is a JSON list: filtered here, on both backends
        rows = [r for r in rows if any(b["year"] == year for b in r["basis"])]
    return rows


def basis_of(svc: Services, scope: ReadScope, servant: str, years: list[int]) -> list[Row]:
    """The classifications of ``servant`` in ``years`` a personnel decision would
    rest on (Art. 23(3)): the decision in force, its level and the computed one."""
    servant_in_scope(svc, scope, servant)
    table = annual_classifications
    query = (
        select(
            table.c.year,
            table.c.decision_no,
            table.c.decided_level,
            table.c.proposed_level,
            table.c.notified_on,
        )
        .where(table.c.servant_code == servant, table.c.year.in_(sorted(set(years))))
        .order_by(table.c.year)
    )
    return _select(svc, query)


def departures(
    svc: Services, scope: ReadScope, agency: str, year: int, min_position: int | None = None
) -> tuple[list[Row], int, int]:
    """The agency's years whose proposal or decision departs from the computed
    proposal (Art. 21), within the caller's unit; with the position and lag."""
    unit = unit_in_scope(scope, agency, None)
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        return queries.departures(conn, agency, year, unit=unit), position, lag


def periods_of(svc: Services, scope: ReadScope, servant: str, year: int) -> list[Row]:
    """A servant's period results of a year (each has its Form 01)."""
    servant_in_scope(svc, scope, servant)
    svc.views.catch_up()
    with svc.views.engine.connect() as conn:
        return queries.period_results_of(conn, servant, year)
