"""A month as the people in it work it (Art. 17(2), 18): a servant's tasks, the
Form 01 scores so far and the month's result; a unit's servants and the agency's
catalogue for a manager. The scope checks are ``api/reads.py``'s own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from api import reads
from api.auth import ReadScope
from api.deps import Services
from domain.catalogue import Catalogue, catalogue_id
from domain.errors import InvalidValue, NotAuthorised
from domain.policy import Criterion
from domain.task import Task
from domain.values import Period
from projections import queries
from projections.inputs import policy_at

Row = dict[str, Any]


def period_of(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError:
        raise InvalidValue(f"not a period code: {code}") from None


def task_row(task: Task) -> Row:
    """What a page shows of one task: its size in standard units and where it stands."""
    last = task.submissions[-1] if task.submissions else None
    assessed = {a.submission: a.outcome.value for a in task.assessments.values()}
    return {
        "code": task.code,
        "title": task.title,
        "product": task.product_code,
        "factor": task.factor,
        "quantity": task.quantity,
        "units": task.units,
        "assigned_on": task.assigned_on,
        "deadline": task.deadline,
        "holder": task.holder,
        "assignee": task.assignee,
        "ad_hoc": task.ad_hoc,
        "cancelled": task.cancelled,
        "submitted": last.completed_quantity if last else None,
        "completed_on": last.completed_on if last else None,
        "outcome": assessed.get(last.number) if last else None,
        "awaiting": task.unassessed_submission() is not None,
        "accepted": task.is_accepted(),
        "attachment": last.attachment if last else None,
        "late": last is not None and last.completed_on > task.deadline,
        "quality_exempt": task.quality_exempt,
        "progress_exempt": task.progress_exempt,
        "recorded_delays": task.recorded_delays,
    }


@dataclass(frozen=True)
class ServantMonth:
    servant: str
    period: Period
    agency: str
    unit: str
    leader: bool
    tasks: list[Row]
    criteria: tuple[Criterion, ...]
    self_scores: dict[str, Decimal]
    scores: dict[str, Decimal]
    confirmed: bool
    leader_components: dict[str, Decimal]
    result: Row | None


def servant_month(svc: Services, scope: ReadScope, servant: str, period: str) -> ServantMonth:
    """One servant's month: tasks, Form 01 as scored so far, the result as it stands."""
    found = reads.servant_in_scope(svc, scope, servant)
    when = period_of(period)
    svc.views.catch_up()
    placement = found.placement_on(min(when.last_day, svc.app.clock().date()))
    # Held still while read: a closed year's records are folded back into it.
    with svc.views.locked():
        state = svc.views.projector.state
        agency = state.agencies.get(placement.agency_code)
        evaluation = state.evaluations.get((servant, when.code))
        tasks = [task_row(t) for t in state.tasks((servant, when.code)) if t.holder == servant]
    policy = policy_at(agency, when.first_day)
    with svc.views.engine.connect() as conn:
        rows = queries.period_results_of(conn, servant, when.year)
    return ServantMonth(
        servant=servant,
        period=when,
        agency=placement.agency_code,
        unit=placement.unit_code,
        leader=placement.leadership.is_leader,
        tasks=tasks,
        criteria=policy.criteria_maxima,
        self_scores=dict(evaluation.self_scores) if evaluation else {},
        scores=dict(evaluation.scores) if evaluation else {},
        confirmed=evaluation.confirmed if evaluation else False,
        leader_components=dict(evaluation.leader_components) if evaluation else {},
        result=next((r for r in rows if r["period"] == when.code), None),
    )


@dataclass(frozen=True)
class UnitMonth:
    agency: str
    unit: str
    period: Period
    servants: list[ServantMonth]
    products: list[Row]


def products_on(svc: Services, agency: str, day: date) -> list[Row]:
    """The catalogue's products in force on ``day``, with the factor a task assigned
    then would copy (Art. 14)."""
    catalogue = svc.app.find(Catalogue, catalogue_id(agency))
    if catalogue is None:
        return []
    rows = []
    for code, product in sorted(catalogue.products.items()):
        factor = product.factor_on(day)
        if factor is not None:
            rows.append({"code": code, "name": product.name, "factor": factor})
    return rows


def unit_month(svc: Services, scope: ReadScope, agency: str, unit: str, period: str) -> UnitMonth:
    """A unit's month for those who lead it: each servant's month and the catalogue."""
    if scope.servant is not None or scope.cases is not None:
        raise NotAuthorised(f"you may not read the unit {unit} of {agency}")
    shown = reads.unit_in_scope(scope, agency, unit)
    when = period_of(period)
    svc.views.catch_up()
    state = svc.views.projector.state
    today = svc.app.clock().date()
    members = sorted(
        code
        for code in state.servants_of.get(agency, ())
        if (p := state.servants[code].placement_on(min(when.last_day, today))).agency_code == agency
        and p.unit_code == shown
    )
    return UnitMonth(
        agency=agency,
        unit=unit,
        period=when,
        servants=[servant_month(svc, scope, code, when.code) for code in members],
        products=products_on(svc, agency, today),
    )
