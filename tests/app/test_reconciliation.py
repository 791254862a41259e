"""The reconciliation console's queries, on SQLite and PostgreSQL: for a month, exactly
the steps still missing at each stage; for a year, who is not yet proposed, decided,
notified."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from domain.policy import ND335_2025_V1
from projections.reconciliation import period_console, year_console
from projections.runner import Projector
from tests.app.scenario import (
    AUTHORITY,
    FULL_CRITERIA,
    GOOD_CRITERIA,
    HR,
    YEAR,
    assign,
    build_agency,
    manager,
    servant,
    with_source,
    work,
)
from tests.conftest import FakeClock

CALENDAR = ND335_2025_V1.holidays()
MONTH = "2026-03"


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def console(
    projector: Projector, today: date, unit: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    projector.catch_up()
    with projector.engine.connect() as conn:
        return period_console(conn, "SNV", MONTH, unit, today=today, calendar=CALENDAR)


def lines(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in keys) for row in rows]


def submit(app: MinhBach, task: str, by: str) -> None:
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": "2026-03-09"}
        ),
        servant(by),
    )


def score(app: MinhBach, code: str, by: str) -> None:
    scores = {k: Decimal(v) for k, v in FULL_CRITERIA.items()}
    app.execute(c.ScoreCriteria(servant=code, period=MONTH, scores=scores), manager(by))


def test_a_month_lists_exactly_the_missing_steps_at_each_stage(
    app: MinhBach, projector: Projector, clock: FakeClock
) -> None:
    sunday = clock().date()  # 20 Dec 2026: the results below are recorded on a Sunday
    assert sunday == date(2026, 12, 20)
    assign(app, "T1", "CV1")
    assign(app, "T2", "CV2")
    found = console(projector, sunday)
    assert lines(found["to_submit"], "servant_code", "task", "stage") == [
        ("CV1", "T1", "no_result"),
        ("CV2", "T2", "no_result"),
    ]
    assert found["to_assess"] == []
    assert lines(found["to_confirm"], "servant_code", "form01") == [
        ("CV1", "not_started"),
        ("CV2", "not_started"),
    ]
    assert found["not_scorable"] == []

    submit(app, "T1", "CV1")
    submit(app, "T2", "CV2")
    app.execute(
        c.SelfScoreCriteria(
            servant="CV1", period=MONTH, scores={k: Decimal(v) for k, v in GOOD_CRITERIA.items()}
        ),
        servant("CV1"),
    )
    # Tuesday: Monday 21 and Tuesday 22 are working days; the Sunday is not.
    found = console(projector, date(2026, 12, 22))
    assert found["to_submit"] == []
    assert lines(found["to_assess"], "servant_code", "task", "submitted_on", "working_days") == [
        ("CV1", "T1", "2026-12-20", 2),
        ("CV2", "T2", "2026-12-20", 2),
    ]
    assert lines(found["to_confirm"], "servant_code", "form01") == [
        ("CV1", "self_scored"),
        ("CV2", "not_started"),
    ]

    app.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1"))
    app.execute(c.AssessResult(task="T2", outcome="failed"), manager("TP1"))
    score(app, "CV1", "TP1")
    found = console(projector, date(2026, 12, 22))
    assert lines(found["to_submit"], "servant_code", "task", "stage") == [("CV2", "T2", "returned")]
    assert found["to_assess"] == []
    assert lines(found["to_confirm"], "servant_code") == [("CV2",)]

    submit(app, "T2", "CV2")
    app.execute(c.AssessResult(task="T2", outcome="accepted"), manager("TP1"))
    score(app, "CV2", "TP1")
    found = console(projector, date(2026, 12, 22))
    assert found == {"to_submit": [], "to_assess": [], "to_confirm": [], "not_scorable": []}


def test_a_month_without_an_assigned_task_is_not_scorable_and_says_why(
    app: MinhBach, projector: Projector, clock: FakeClock
) -> None:
    assign(app, "T1", "CV1")
    app.execute(
        c.SelfScoreCriteria(
            servant="CV3", period=MONTH, scores={k: Decimal(v) for k, v in GOOD_CRITERIA.items()}
        ),
        servant("CV3"),
    )
    found = console(projector, clock().date())
    assert lines(found["not_scorable"], "servant_code", "reason_not_scorable") == [
        ("CV3", "not scorable: no assigned task in the period")
    ]
    # A unit's console holds that unit's lines only.
    in_p2 = console(projector, clock().date(), unit="P2")
    assert lines(in_p2["to_confirm"], "servant_code", "unit_code", "form01") == [
        ("CV3", "P2", "self_scored")
    ]
    assert in_p2["to_submit"] == [] and len(in_p2["not_scorable"]) == 1


def test_a_result_recorded_outside_the_calendar_years_has_no_days_counted(
    app: MinhBach, projector: Projector, clock: FakeClock
) -> None:
    assign(app, "T1", "CV1")
    submit(app, "T1", "CV1")
    found = console(projector, date(2100, 1, 5))
    assert [row["working_days"] for row in found["to_assess"]] == [None]


def year_lines(projector: Projector) -> dict[str, list[str]]:
    projector.catch_up()
    with projector.engine.connect() as conn:
        found = year_console(conn, "SNV", YEAR, None)
    return {name: [row["servant_code"] for row in rows] for name, rows in found.items()}


def test_a_year_lists_who_is_not_yet_proposed_decided_notified(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "CV1", GOOD_CRITERIA)
    work(app, "CV2", GOOD_CRITERIA)
    assert year_lines(projector) == {
        "to_propose": ["CV1", "CV2"],
        "to_decide": [],
        "to_notify": [],
    }
    with projector.engine.connect() as conn:
        level = year_console(conn, "SNV", YEAR, None)["to_propose"][0]["proposed_level"]
    assert level is not None
    app.execute(
        c.ProposeClassification.model_validate(
            {"servant": "CV1", "year": YEAR, "level": level, "basis": "views"}
        ),
        HR,
    )
    assert year_lines(projector) == {
        "to_propose": ["CV2"],
        "to_decide": ["CV1"],
        "to_notify": [],
    }
    app.execute(
        c.DecideClassification.model_validate(
            {
                "servant": "CV1",
                "year": YEAR,
                "decision_no": "QĐ 1",
                "level": level,
                "minutes_ref": "BB 1",
            }
        ),
        with_source(AUTHORITY, "QĐ 1"),
    )
    assert year_lines(projector)["to_notify"] == ["CV1"]
    app.execute(c.NotifyResult(servant="CV1", year=YEAR), HR)
    assert year_lines(projector) == {"to_propose": ["CV2"], "to_decide": [], "to_notify": []}
