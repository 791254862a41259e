"""The read side every edge shares: scope checks and the scoped queries.

The HTTP API (``/api/v1``) and the web pages call these same functions, so a
scope is decided in one place whatever the channel.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from typing_extensions import Unpack

from api.auth import ReadScope
from api.deps import Services
from domain.agency import Agency, Publication, agency_id
from domain.errors import InvalidState, InvalidValue, NotAuthorised, NotFound
from domain.policy import policy_in_force
from domain.policy.holidays import HolidayCalendar
from domain.servant import CivilServant, servant_id
from domain.values import Period
from projections import leniency as indicators
from projections import queries, reconciliation, whatif
from projections.bundle import make_bundle
from projections.derive import policy_at
from projections.explain import Explainer, StoreEvents
from projections.ledger import Checkpoint
from projections.leniency import LeniencyReport
from projections.queries import PageFilters
from projections.score_trail import ScoreChange, score_trail
from projections.tables import annual_classifications, appeals, personnel_decisions
from projections.whatif import WhatIf

Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Rows of a listing, how many there are in all, and the log position they reflect."""

    items: list[Row]
    total: int
    position: int
    lag: int


def fresh(svc: Services, min_position: int | None) -> tuple[int, int]:
    """The views' position and lag, after waiting for ``min_position`` if given."""
    if min_position is not None:
        svc.views.ensure(min_position)
    status = svc.views.status()
    return status.position, status.lag


def servant_in_scope(svc: Services, scope: ReadScope, code: str) -> CivilServant:
    servant = svc.app.find(CivilServant, servant_id(code))
    if servant is None:
        raise NotFound(f"civil servant {code} not found")
    placement = servant.placement_on(svc.app.clock().date())
    if not scope.allows(placement.agency_code, placement.unit_code, code):
        raise NotAuthorised(f"you may not read the records of {code}")
    return servant


def unit_in_scope(scope: ReadScope, agency: str, unit: str | None) -> str | None:
    """The unit filter a caller must use in ``agency`` (managers see their unit)."""
    if scope.everything:
        return unit
    if scope.servant is not None or scope.cases is not None or scope.agency != agency:
        raise NotAuthorised(f"you may not read the standings of {agency}")
    if scope.unit is not None:
        if unit not in (None, scope.unit):
            raise NotAuthorised(f"you may read unit {scope.unit} only")
        return scope.unit
    return unit


def public(row: Row) -> Row:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def standings(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    *,
    min_position: int | None = None,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
    **chosen: Unpack[PageFilters],
) -> Page:
    """Annual standings of an agency within the caller's scope — now, or as of a
    past position or moment."""
    chosen["unit"] = unit_in_scope(scope, agency, chosen.get("unit"))
    if as_of_position is not None or as_of_time is not None:
        replayed = svc.replays.at(as_of_position, as_of_time)
        rows, total = queries.standings_from_rows(
            replayed.deriver.annual_rows.values(), agency, year, **chosen
        )
        head = svc.app.recorder.max_notification_id() or 0
        return Page(rows, total, replayed.position, max(0, head - replayed.position))
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        rows, total = queries.standings(conn, agency, year, **chosen)
    return Page(rows, total, position, lag)


def _agency_view(
    svc: Services, scope: ReadScope, agency: str, unit: str | None
) -> tuple[str | None, int]:
    """The unit the caller must stay within, and the views' position."""
    unit = unit_in_scope(scope, agency, unit)
    position, _ = fresh(svc, None)
    return unit, position


def level_distribution(
    svc: Services, scope: ReadScope, agency: str, year: int, by: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.level_distribution(conn, agency, year, by, unit), position


def quota_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.quota_groups(conn, agency, year, unit), position


def worklist(
    svc: Services, scope: ReadScope, agency: str, year: int, which: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.worklist(conn, agency, year, which, unit), position


def peer_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> list[str]:
    unit = unit_in_scope(scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.peer_groups_of(conn, agency, year, unit)


def publications(svc: Services, scope: ReadScope, agency: str, year: int) -> list[Publication]:
    """Every publication of an agency's results for a year, oldest first."""
    unit_in_scope(scope, agency, None)
    found = svc.app.find(Agency, agency_id(agency))
    if found is None:
        raise NotFound(f"agency {agency} not found")
    return [p for p in found.publications if p.year == year]


# --- appeals, personnel decisions, departures -------------------------------------


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


def appeal_case(svc: Services, scope: ReadScope, appeal_no: str, agency: str | None) -> AppealCase:
    """One appeal with the classification it contested (replayed to the moment it
    was received: the superseded result stays readable) beside the one now."""
    row = _with_deadline_and_results(
        svc, [numbered(svc, scope, appeals, "appeal", appeal_no, agency)]
    )[0]
    key = (row["servant_code"], row["year"])
    before = svc.replays.at(row["filed_at_position"]).deriver.annual_rows.get(key)
    table = annual_classifications
    now = _select(svc, select(table).where(table.c.servant_code == key[0], table.c.year == key[1]))
    return AppealCase(row, public(before) if before else None, now[0] if now else None)


def decisions_list(
    svc: Services,
    scope: ReadScope,
    agency: str | None = None,
    flagged: bool | None = None,
    status: str | None = None,
) -> list[Row]:
    """Personnel decisions; ``flagged`` those whose basis moved since they were
    proposed or last reviewed."""
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


# --- one servant's year: the explanation, its evidence, the ledger's word ----------


# Explanations and score trails, kept for a few log positions: what the log held at
# a position never changes (the ledger's size is part of the key, since an event's
# leaf appears once the ledger catches up). Callers must not modify what they get.
_KEPT: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_KEPT_MOST = 32
_kept_lock = threading.Lock()


def _kept(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    with _kept_lock:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            found: T = _KEPT[key]
            return found
    value = compute()
    with _kept_lock:
        _KEPT[key] = value
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return value


def _explained(
    svc: Services,
    what: str,
    code: str,
    subject: int | str,
    position: int | None,
    moment: datetime | None,
) -> Row:
    replayed = svc.replays.at(position, moment)
    ledger = svc.views.ledger
    key = (id(svc), what, code, subject, replayed.position, len(ledger.tree))

    def compute() -> Row:
        explainer = Explainer(StoreEvents(svc.app, ledger), replayed)
        if what == "year":
            return explainer.year(code, int(subject))
        return explainer.period(code, str(subject))

    return _kept(key, compute)


def year_explanation(
    svc: Services,
    scope: ReadScope,
    code: str,
    year: int,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Row:
    """Every step behind a servant's annual classification, its events and the facts
    that decided it — now, or as of a past position or moment."""
    servant_in_scope(svc, scope, code)
    return _explained(svc, "year", code, year, as_of_position, as_of_time)


def period_explanation(
    svc: Services,
    scope: ReadScope,
    code: str,
    period: str,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Row:
    servant_in_scope(svc, scope, code)
    return _explained(svc, "period", code, period, as_of_position, as_of_time)


def evidence_bundle(svc: Services, scope: ReadScope, code: str, year: int) -> Row:
    """The evidence bundle of a servant's year, as of the latest signed checkpoint."""
    servant_in_scope(svc, scope, code)
    if svc.views.ledger.signer is None:
        raise InvalidState("the ledger has no signing key here: no checkpoint to prove against")
    svc.views.catch_up()
    with svc.views.locked():
        return make_bundle(svc.app, svc.views.ledger, code, year)


@dataclass(frozen=True)
class LedgerWord:
    """Whether the events behind a result are under the latest signed checkpoint."""

    checkpoint: Checkpoint | None
    total: int  # events behind the result
    covered: int  # of which within the checkpoint's tree
    uncovered: list[int]  # their log positions, for the others

    @property
    def all_covered(self) -> bool:
        return self.checkpoint is not None and self.covered == self.total


def ledger_word(svc: Services, explanation: Row) -> LedgerWord:
    with svc.views.locked():
        checkpoint = svc.views.ledger.latest()
    size = checkpoint.size if checkpoint is not None else 0
    inputs = explanation["inputs"]
    uncovered = [
        ref["position"] for ref in inputs if ref["leaf_index"] is None or ref["leaf_index"] >= size
    ]
    return LedgerWord(checkpoint, len(inputs), len(inputs) - len(uncovered), uncovered)


def year_score_trail(svc: Services, explanation: Row) -> dict[int, ScoreChange]:
    """What each event behind ``explanation`` changed in the servant's scores, by log
    position."""
    subject = explanation["subject"]
    servant, year = subject["servant"], subject["year"]
    positions = [ref["position"] for ref in explanation["inputs"]]

    def compute() -> dict[int, ScoreChange]:
        source = StoreEvents(svc.app)
        source.load(positions)
        return score_trail(source, svc.app.mapper, positions, servant, year)

    return _kept((id(svc), "trail", servant, year, explanation["as_of"]["position"]), compute)


def agency_wide(scope: ReadScope, agency: str) -> None:
    """Inspectors, and those who read the whole agency (HR, its head): comparisons
    across units and evaluators are theirs, not a unit manager's."""
    if scope.everything:
        return
    if (
        scope.agency != agency
        or scope.unit is not None
        or scope.servant is not None
        or scope.cases is not None
    ):
        raise NotAuthorised(f"only inspectors, HR and the head of {agency} may compare its units")


def what_if(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    policy: str,
    unit: str | None = None,
    as_of_position: int | None = None,
) -> WhatIf:
    """The agency's year as recorded beside the same year under ``policy`` (in memory)."""
    agency_wide(scope, agency)
    return whatif.what_if(svc.replays.at(as_of_position), agency, year, policy, unit=unit)


def leniency(
    svc: Services, scope: ReadScope, agency: str, year: int, as_of_position: int | None = None
) -> LeniencyReport:
    """The leniency indicators of the agency's year (in memory)."""
    agency_wide(scope, agency)
    return indicators.leniency(svc.app, svc.replays.at(as_of_position), agency, year)


# --- the reconciliation console ------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The missing steps of a period or a year, by section (``projections.reconciliation``)."""

    sections: dict[str, list[Row]]
    unit: str | None  # the unit the answer is confined to, if any
    as_of: date | None  # the day working days are counted to (periods only)
    calendar: str | None  # the holiday calendar they are counted with
    position: int
    lag: int


def period_reconciliation(
    svc: Services,
    scope: ReadScope,
    agency: str,
    period: str,
    unit: str | None = None,
    min_position: int | None = None,
) -> Reconciliation:
    """What is missing in ``period``: days waiting are working days by the holiday
    calendar of the agency's policy for the period, up to today by the application's
    clock (the time of the query)."""
    unit = unit_in_scope(scope, agency, unit)
    first_day = Period.parse(period).first_day
    calendar = policy_at(svc.app.find(Agency, agency_id(agency)), first_day).holidays()
    today = svc.app.clock().date()
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        sections = reconciliation.period_console(
            conn, agency, period, unit, today=today, calendar=calendar
        )
    return Reconciliation(sections, unit, today, calendar.name, position, lag)


def year_reconciliation(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    unit: str | None = None,
    min_position: int | None = None,
) -> Reconciliation:
    """Who in ``year`` is not yet proposed, decided or notified."""
    unit = unit_in_scope(scope, agency, unit)
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        sections = reconciliation.year_console(conn, agency, year, unit)
    return Reconciliation(sections, unit, None, None, position, lag)


def periods_of_year(svc: Services, agency: str, year: int) -> list[str]:
    """The periods an agency evaluates in ``year``: months, or quarters (Art. 17)."""
    found = svc.app.find(Agency, agency_id(agency))
    if found is not None and found.period_kind == "quarter":
        return [f"{year}-Q{n}" for n in range(1, 5)]
    return [f"{year}-{n:02d}" for n in range(1, 13)]
