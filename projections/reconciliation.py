"""The reconciliation console: what is still missing in a period or a year.

For a period, each servant's step row (``pj_period_steps``) says which tasks they
hold without an accepted result and how far Form 01 has come; the period results
say which periods are not scorable and why. For a year, the annual
classifications say who is not yet proposed, decided or notified.

Days waiting for assessment are working days (the policy's holiday calendar)
from the day the result was recorded to the day given by the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from domain.errors import InvalidValue
from domain.evaluation import PeriodEvaluation
from domain.policy import HolidayCalendar
from domain.servant import Placement
from domain.task import Task
from projections import queries
from projections.state import DomainState, PeriodKey
from projections.tables import annual_classifications, period_results, period_steps

Row = dict[str, Any]

PERIOD_SECTIONS = ("to_submit", "to_assess", "to_confirm", "not_scorable")
YEAR_SECTIONS = ("to_propose", "to_decide", "to_notify")

# --- the step rows (derivation) -------------------------------------------------


def task_step(task: Task, submitted_on: dict[Any, date]) -> Row | None:
    """What ``task`` still waits for (None once a result is accepted)."""
    if task.is_accepted():
        return None
    pending = task.unassessed_submission()
    stage = "no_result"
    if pending is not None:
        stage = "awaiting_assessment"
    elif task.submissions:
        stage = "returned"  # every result so far was assessed as failing
    recorded = submitted_on.get((task.id, pending.number)) if pending else None
    return {
        "task": task.code,
        "title": task.title,
        "deadline": task.deadline.isoformat(),
        "stage": stage,
        "submission": pending.number if pending else None,
        "submitted_on": recorded.isoformat() if recorded else None,
    }


def form01_stage(evaluation: PeriodEvaluation | None) -> str:
    """Form 01: the evaluator's scores count (confirmed); the servant's own wait for them."""
    if evaluation is not None and evaluation.scores:
        return "confirmed"
    if evaluation is not None and evaluation.self_scores:
        return "self_scored"
    return "not_started"


def period_steps_row(state: DomainState, key: PeriodKey, placement: Placement) -> Row:
    code, period = key
    held = [t for t in state.tasks(key) if t.holder == code]
    steps = [step for t in held if (step := task_step(t, state.submitted_on)) is not None]
    return {
        "servant_code": code,
        "period": period,
        "year": int(period[:4]),
        "agency_code": placement.agency_code,
        "unit_code": placement.unit_code,
        "open_tasks": steps,
        "form01": form01_stage(state.evaluations.get(key)),
    }


# --- the console (queries) ------------------------------------------------------


def _rows(conn: Connection, query: Select[Any]) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(query)]


def _where(table: Any, agency: str, unit: str | None) -> list[Any]:
    where = [table.c.agency_code == agency]
    if unit is not None:
        where.append(table.c.unit_code == unit)
    return where


def _waited(calendar: HolidayCalendar, recorded: str | None, today: date) -> int | None:
    """Working days since ``recorded``; None when unknown or outside the calendar's years."""
    if recorded is None:
        return None
    try:
        return calendar.working_days_between(date.fromisoformat(recorded), today)
    except InvalidValue:
        return None


def period_console(
    conn: Connection,
    agency: str,
    period: str,
    unit: str | None,
    *,
    today: date,
    calendar: HolidayCalendar,
) -> dict[str, list[Row]]:
    """Per section, one line per missing step in ``period`` (within ``unit`` if given):
    results not submitted (or returned), results waiting for assessment with the
    working days waited until ``today`` (longest first), Form 01 not confirmed by
    the evaluator, and results that are not scorable with the reason."""
    sections: dict[str, list[Row]] = {name: [] for name in PERIOD_SECTIONS}
    steps = _rows(
        conn,
        select(period_steps)
        .where(*_where(period_steps, agency, unit), period_steps.c.period == period)
        .order_by(period_steps.c.unit_code, period_steps.c.servant_code),
    )
    for row in steps:
        who = {k: row[k] for k in ("servant_code", "agency_code", "unit_code", "period")}
        for task in row["open_tasks"]:
            if task["stage"] == "awaiting_assessment":
                waited = _waited(calendar, task["submitted_on"], today)
                sections["to_assess"].append({**who, **task, "working_days": waited})
            else:
                sections["to_submit"].append({**who, **task})
        if row["form01"] != "confirmed":
            sections["to_confirm"].append({**who, "form01": row["form01"]})
    sections["to_assess"].sort(key=lambda r: -(r["working_days"] or 0))
    table = period_results
    sections["not_scorable"] = _rows(
        conn,
        select(
            table.c.servant_code,
            table.c.agency_code,
            table.c.unit_code,
            table.c.period,
            table.c.reason_not_scorable,
        )
        # A month waiting only for the evaluator's confirmation is in ``to_confirm``.
        .where(
            *_where(table, agency, unit),
            table.c.period == period,
            table.c.status == "not_scorable",
        )
        .order_by(table.c.unit_code, table.c.servant_code),
    )
    return sections


YEAR_COLUMNS = (
    "servant_code",
    "agency_code",
    "unit_code",
    "year",
    "peer_group",
    "status",
    "reason",
    "proposed_level",
    "decided_level",
    "decision_no",
    "notified_on",
)


def year_console(
    conn: Connection, agency: str, year: int, unit: str | None
) -> dict[str, list[Row]]:
    """Per section, the servants of ``year`` not yet proposed by HR, proposed but not
    decided, and decided but not notified (within ``unit`` if given)."""
    sections = {
        which: queries.worklist(conn, agency, year, which, unit)
        for which in ("to_propose", "to_decide")
    }
    table = annual_classifications
    sections["to_notify"] = _rows(
        conn,
        select(table)
        .where(
            *_where(table, agency, unit),
            table.c.year == year,
            table.c.decided_level.is_not(None),
            table.c.notified_on.is_(None),
        )
        .order_by(table.c.unit_code, table.c.servant_code),
    )
    return {
        name: [{k: r[k] for k in YEAR_COLUMNS} for r in rows] for name, rows in sections.items()
    }
