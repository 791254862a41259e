"""A result's attached document (Art. 17(2)): recorded by name, SHA-256 and size —
never its bytes — on both backends; results recorded before attachments existed
still load; a bad hash or size is refused and nothing is written."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.application import MinhBach
from domain.commands.tasks import MAX_ATTACHMENT_BYTES
from domain.task import Attachment, Task, task_id
from projections.explain import attachment_entry
from tests.app.old_events import fold_as_version_1
from tests.app.scenario import assign, build_agency, log_size, manager, servant, with_source

CONTENT = "Báo cáo tháng 3".encode()
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def agency(app: MinhBach) -> MinhBach:
    build_agency(app)
    assign(app, "T1")
    return app


def submission(**attachment: Any) -> c.SubmitResult:
    fields: dict[str, Any] = {"task": "T1", "completed_quantity": "2", "completed_on": "2026-03-18"}
    if attachment:
        fields["attachment"] = attachment
    return c.SubmitResult.model_validate(fields)


def test_a_result_records_its_document_by_hash_not_bytes(agency: MinhBach) -> None:
    command = submission(name="bao-cao.pdf", sha256=SHA.upper(), size=len(CONTENT))
    agency.execute(command, with_source(servant("CV1"), "BC-12"))
    task = agency.find(Task, task_id("T1"))
    assert task is not None
    assert task.submissions[0].attachment == Attachment("bao-cao.pdf", SHA, len(CONTENT))
    event = list(agency.events.get(task_id("T1")))[-1]
    assert isinstance(event, Task.ResultSubmitted)
    assert (event.attachment_name, event.attachment_sha256, event.attachment_size) == (
        "bao-cao.pdf",
        SHA,  # stored in lower case, whatever the client sent
        len(CONTENT),
    )
    stored = agency.recorder.select_notifications(start=None, limit=1000)[-1].state
    assert SHA.encode() in stored and CONTENT not in stored
    assert attachment_entry(task.submissions[0])["sha256"] == SHA


def test_a_result_without_a_document_records_none(agency: MinhBach) -> None:
    agency.execute(submission(), servant("CV1"))
    task = agency.find(Task, task_id("T1"))
    assert task is not None and task.submissions[0].attachment is None


@pytest.mark.parametrize(
    "attachment",
    [
        {"name": "a.pdf", "sha256": "abc", "size": 3},  # not 64 hex characters
        {"name": "a.pdf", "sha256": "g" * 64, "size": 3},
        {"name": "a.pdf", "sha256": SHA, "size": 0},
        {"name": "a.pdf", "sha256": SHA, "size": MAX_ATTACHMENT_BYTES + 1},
        {"name": "", "sha256": SHA, "size": 3},
        {"name": "a\x00.pdf", "sha256": SHA, "size": 3},
        {"name": "a.pdf", "sha256": SHA},  # the size is required
    ],
)
def test_a_bad_attachment_is_refused_before_anything_is_written(
    agency: MinhBach, attachment: dict[str, Any]
) -> None:
    before = log_size(agency)
    with pytest.raises(ValidationError):
        submission(**attachment)
    assert log_size(agency) == before


def test_results_recorded_before_attachments_still_load(agency: MinhBach) -> None:
    agency.execute(submission(), servant("CV1"))
    agency.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1"))
    old = fold_as_version_1(
        agency,
        Task.ResultSubmitted.TOPIC,
        ("attachment_name", "attachment_sha256", "attachment_size"),
    )
    task = old.state.by_id[task_id("T1")]
    assert isinstance(task, Task) and task.submissions[0].attachment is None
    assert old.period_rows[("CV1", "2026-03")]["completed_units"] == "3.0"
