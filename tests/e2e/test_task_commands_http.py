"""Art. 18(1)(d) over HTTP: reassignment with its cause, cancellation and correction
are commands like the others; a period not yet confirmed reads as pending (Art. 17(2))."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.application import MinhBach
from domain.task import Task, task_id
from tests.e2e.test_http_roles import YEAR, World, assignment, error, make_world, ok, submission


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=True)


def _march(world: World, code: str, position: int) -> dict[str, Any]:
    """The servant's March result, read after ``position`` (read-your-writes)."""
    body = ok(world.get("inspector", f"/servants/{code}/years/{YEAR}", min_position=position))
    found: dict[str, Any] = next(p for p in body["periods"] if p["period"] == f"{YEAR}-03")
    return found


def test_art_18_1_d_reassign_cancel_and_correct_tasks_over_http(world: World) -> None:
    ok(world.post("tp1", "assign_task", assignment("T1", "CV1")))
    ok(world.post("tp1", "assign_task", assignment("T2", "CV1")))
    ok(world.post("tp1", "assign_task", assignment("T3", "CV1")))
    moved = {"task": "T1", "to_servant": "CV2", "on": f"{YEAR}-03-05", "reason": "nghỉ ốm"}
    error(world.post("tp1", "reassign_task", moved), 422)  # no cause
    error(world.post("tp1", "reassign_task", {**moved, "cause": "cannot_complete"}), 422)
    answer = ok(
        world.post(
            "tp1",
            "reassign_task",
            {
                **moved,
                "cause": "cannot_complete",
                "report_ref": "DON-1",
                "deadline": f"{YEAR}-03-20",
            },
        )
    )
    assert answer["result"]["counted_for"] == "CV1"
    ok(world.post("tp1", "cancel_task", {"task": "T2", "reason": "giao nhầm"}))
    error(world.post("cv1", "submit_result", submission("T2")), 409, "invalid_state")
    corrected = ok(
        world.post("tp1", "correct_task", {"task": "T3", "reason": "sửa", "quantity": "4"})
    )
    assert corrected["result"]["units"] == "6.0"  # 4 × 1.5
    error(world.post("tp1", "correct_task", {"task": "T3", "reason": "trống"}), 422)
    ok(world.post("cv1", "submit_result", submission("T3", quantity="4")))
    error(
        world.post("tp1", "correct_task", {"task": "T3", "reason": "sau", "quantity": "1"}),
        409,
        "invalid_state",
    )
    assessed = ok(world.post("tp1", "assess_result", {"task": "T3", "outcome": "accepted"}))
    period = _march(world, "CV1", assessed["position"])
    # T1 (3 units, not completed) + T3 (6 units, done); T2 counts for nobody.
    assert (period["assigned_units"], period["completed_units"]) == ("9.0", "6.0")
    assert (period["status"], period["score"]) == ("pending_confirmation", None)


def test_a_result_s_document_is_sent_as_its_name_hash_and_size(world: World) -> None:
    ok(world.post("tp1", "assign_task", assignment("T1", "CV1")))
    attachment = {"name": "bao-cao.pdf", "sha256": "AB" * 32, "size": 1024}
    for bad in ({**attachment, "sha256": "ab" * 31}, {**attachment, "size": 21 * 2**20}):
        error(world.post("cv1", "submit_result", {**submission("T1"), "attachment": bad}), 422)
    ok(world.post("cv1", "submit_result", {**submission("T1"), "attachment": attachment}))
    task = world.app.find(Task, task_id("T1"))
    assert task is not None and task.submissions[0].attachment is not None
    assert task.submissions[0].attachment.sha256 == "ab" * 32
