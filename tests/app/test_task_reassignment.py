"""Reassignment, cancellation and correction of tasks (Art. 18(1)(d)): only a task its
holder reported they cannot complete stays in their assigned total as not completed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain import errors
from domain.application import MinhBach
from domain.task import Task, task_id
from projections.replay import replay
from tests.app.old_events import fold_as_version_1
from tests.app.scenario import assign, build_agency, log_size, manager, servant

PERIOD = "2026-03"


@pytest.fixture
def agency(app: MinhBach) -> MinhBach:
    build_agency(app)
    return app


def rejected(app: MinhBach, error: type[errors.DomainError], command: c.Command) -> None:
    before = log_size(app)
    with pytest.raises(error):
        app.execute(command, manager("TP1"))
    assert log_size(app) == before


def reassign(app: MinhBach, cause: str, **extra: Any) -> None:
    fields = {"task": "T1", "to_servant": "CV2", "on": "2026-03-05", "reason": "nghỉ ốm"}
    app.execute(c.ReassignTask.model_validate({**fields, "cause": cause, **extra}), manager("TP1"))


def finish(app: MinhBach, by: str, on: str, task: str = "T1") -> None:
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": on}
        ),
        servant(by),
    )
    app.execute(c.AssessResult(task=task, outcome="accepted"), manager("TP1"))


def rows(app: MinhBach) -> dict[str, dict[str, Any]]:
    derived = replay(app).deriver.period_rows
    return {code: derived[(code, PERIOD)] for code in ("CV1", "CV2") if (code, PERIOD) in derived}


def test_art_18_1_d_cannot_complete_needs_the_holders_report(agency: MinhBach) -> None:
    assign(agency, "T1")
    command = c.ReassignTask.model_validate(
        {
            "task": "T1",
            "to_servant": "CV2",
            "on": "2026-03-05",
            "reason": "nghỉ ốm",
            "cause": "cannot_complete",
        }
    )
    rejected(agency, errors.InvalidValue, command)


def test_art_18_1_d_a_task_the_holder_cannot_complete_stays_in_their_total(
    agency: MinhBach,
) -> None:
    assign(agency, "T1")  # 2 × 1.5 = 3 units, due 10 March
    assign(agency, "T2", to="CV2", product="VB")
    reassign(agency, "cannot_complete", report_ref="DON-01", deadline="2026-03-20")
    finish(agency, "CV2", "2026-03-18")  # late for the old deadline, on time for the new one
    finish(agency, "CV2", "2026-03-09", task="T2")
    cv1, cv2 = rows(agency)["CV1"], rows(agency)["CV2"]
    # CV1: assigned 3, nothing completed. CV2: their own 2 units plus 3 taken over.
    assert (cv1["assigned_units"], cv1["completed_units"], cv1["a"]) == ("3.0", "0", "0")
    assert (cv2["assigned_units"], cv2["completed_units"]) == ("2", "5.0")
    assert cv2["c"] == "2.5"  # on time under the taker's deadline: (3 + 2) ÷ 2
    task = agency.load(Task, task_id("T1"), "task")
    assert (task.deadline, task.counted_for, task.holder) == (date(2026, 3, 20), "CV1", "CV2")


@pytest.mark.parametrize("cause", ["coordination", "mistake"])
def test_art_18_1_d_a_reassignment_for_another_cause_moves_the_task(
    agency: MinhBach, cause: str
) -> None:
    assign(agency, "T1")
    reassign(agency, cause)
    finish(agency, "CV2", "2026-03-09")
    found = rows(agency)
    # Not against CV1: no assigned task left, so no task score.
    assert found["CV1"]["status"] == "not_scorable"
    assert (found["CV2"]["assigned_units"], found["CV2"]["a"]) == ("3.0", "1")


def test_art_18_1_d_reassignments_recorded_before_the_cause_read_as_cannot_complete(
    agency: MinhBach,
) -> None:
    assign(agency, "T1")
    reassign(agency, "coordination")
    old = fold_as_version_1(
        agency, Task.Reassigned.TOPIC, ("cause", "report_ref", "deadline")
    ).period_rows
    # As before the cause was recorded: the first holder keeps the task in their total.
    assert old[("CV1", PERIOD)]["assigned_units"] == "3.0"
    assert rows(agency)["CV1"]["assigned_units"] is None


def test_art_18_1_d_a_cancelled_task_counts_for_nobody(agency: MinhBach) -> None:
    assign(agency, "T1")
    assign(agency, "T2", product="VB")
    agency.execute(c.CancelTask(task="T1", reason="giao nhầm"), manager("TP1"))
    finish(agency, "CV1", "2026-03-09", task="T2")
    cv1 = rows(agency)["CV1"]
    assert (cv1["assigned_units"], cv1["completed_units"], cv1["a"]) == ("2", "2", "1")
    with pytest.raises(errors.InvalidState):
        finish(agency, "CV1", "2026-03-09")
    rejected(agency, errors.InvalidState, c.CancelTask(task="T1", reason="lại"))
    rejected(
        agency,
        errors.InvalidState,
        c.ReassignTask.model_validate(
            {"task": "T1", "to_servant": "CV2", "on": "2026-03-05", "reason": "x",
             "cause": "mistake"}
        ),
    )  # fmt: skip


def test_art_18_1_d_a_correction_changes_quantity_or_deadline_until_a_result(
    agency: MinhBach,
) -> None:
    assign(agency, "T1")
    agency.execute(c.CorrectTask(task="T1", reason="ghi nhầm", quantity=Decimal(4)), manager("TP1"))
    agency.execute(
        c.CorrectTask(task="T1", reason="lùi hạn", deadline=date(2026, 3, 12)), manager("TP1")
    )
    rejected(agency, errors.InvalidValue, c.CorrectTask(task="T1", reason="trống"))
    rejected(
        agency,
        errors.InvalidState,
        c.CorrectTask(task="T1", reason="như cũ", deadline=date(2026, 3, 12)),
    )
    agency.execute(
        c.SubmitResult.model_validate(
            {"task": "T1", "completed_quantity": "4", "completed_on": "2026-03-12"}
        ),
        servant("CV1"),
    )
    agency.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1"))
    cv1 = rows(agency)["CV1"]
    assert (cv1["assigned_units"], cv1["c"]) == ("6.0", "1")  # 4 × 1.5, on the new deadline
    rejected(
        agency, errors.InvalidState, c.CorrectTask(task="T1", reason="sau", quantity=Decimal(1))
    )
    # History is kept: each correction is its own event with its reason.
    events = [
        n.topic for n in agency.recorder.select_notifications(start=None, limit=1000)
        if n.topic == Task.Corrected.TOPIC
    ]  # fmt: skip
    assert len(events) == 2
