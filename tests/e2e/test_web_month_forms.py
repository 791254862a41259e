"""The month's forms, each the API's own command under the form's own key: the same
form sent twice records one event; a result attaches a document by its SHA-256
(shown on both months and the year), bounded in size; an objective cause needs
its document, refused beside that field; a delay is recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from domain.evaluation import PeriodEvaluation
from domain.task import Task, task_id
from tests.app.scenario import log_size
from tests.e2e.test_web_month import MINE, UNIT, Month, assign, criteria, month, submit

__all__ = ["month"]  # the fixture, shared with the month's other tests

CONTENT = "Biên bản nghiệm thu tháng 3".encode()
SHA = hashlib.sha256(CONTENT).hexdigest()
Setup = Callable[[Month], tuple[str, str, dict[str, str]]]


def _assigned(month: Month) -> None:
    month.sign_in("tp1")
    assert assign(month)[0] == 303


def _result(month: Month) -> tuple[str, str, dict[str, str]]:
    _assigned(month)
    month.sign_in("cv1")
    fields = {"task": "T1", "completed_quantity": "2", "completed_on": "2026-03-18"}
    return MINE, "result-T1", fields


def _self_score(month: Month) -> tuple[str, str, dict[str, str]]:
    month.sign_in("cv1")
    return MINE, "self-score", criteria()


def _assign(month: Month) -> tuple[str, str, dict[str, str]]:
    month.sign_in("tp1")
    fields = {
        "task": "T9",
        "servant": "CV1",
        "product": "BC",
        "quantity": "1",
        "assigned_on": "2026-03-02",
        "deadline": "2026-03-20",
    }
    return UNIT, "assign", fields


def _assess(month: Month) -> tuple[str, str, dict[str, str]]:
    _assigned(month)
    month.sign_in("cv1")
    assert submit(month)[0] == 303
    month.sign_in("tp1")
    return UNIT, "assess-T1", {"task": "T1", "outcome": "accepted"}


def _score(month: Month) -> tuple[str, str, dict[str, str]]:
    month.sign_in("tp1")
    return UNIT, "score-CV1", {"servant": "CV1"} | criteria()


def _leader(month: Month) -> tuple[str, str, dict[str, str]]:
    month.sign_in("tp1")
    return UNIT, "leader-PP1", {"servant": "PP1", "component": "dd", "value": "1", "reason": "đạt"}


def _exempt(month: Month) -> tuple[str, str, dict[str, str]]:
    _assigned(month)
    fields = {"task": "T1", "scope": "progress", "reason": "chờ số liệu", "document": "CV-45"}
    return UNIT, "exempt-T1", fields


def _delay(month: Month) -> tuple[str, str, dict[str, str]]:
    _assigned(month)
    return UNIT, "delay-T1", {"task": "T1", "reason": "nộp chậm"}


ACTIONS = {"result": "/result", "self-score": "/self-score"}
# form → how to reach it, and the event its command records
FORMS: dict[str, tuple[Setup, str]] = {
    "result": (_result, Task.ResultSubmitted.TOPIC),
    "self-score": (_self_score, PeriodEvaluation.CriteriaSelfScored.TOPIC),
    "assign": (_assign, Task.Assigned.TOPIC),
    "assess": (_assess, Task.Assessed.TOPIC),
    "score": (_score, PeriodEvaluation.CriteriaScored.TOPIC),
    "leader": (_leader, PeriodEvaluation.LeaderComponentScored.TOPIC),
    "exempt": (_exempt, Task.ObjectiveCauseConfirmed.TOPIC),
    "delay": (_delay, Task.DelayRecorded.TOPIC),
}


@pytest.mark.parametrize("name", FORMS)
def test_the_same_form_sent_twice_records_one_event(month: Month, name: str) -> None:
    setup, topic = FORMS[name]
    page, form, fields = setup(month)
    action = page + ACTIONS.get(name, "/" + name)
    sent = month.form(page, form) | fields
    before = log_size(month.app)
    assert month.post(action, sent)[0] == 303
    once = log_size(month.app)
    assert events_since(month, before).count(topic) == 1
    assert month.post(action, sent)[0] == 303  # a double click: the first answer stands
    assert log_size(month.app) == once


def events_since(month: Month, position: int) -> list[str]:
    """The topics of the events recorded after ``position``."""
    found = month.app.recorder.select_notifications(start=position + 1, limit=100)
    return [n.topic for n in found]


def upload(month: Month, content: bytes, name: str = "bien-ban.pdf") -> tuple[int, str]:
    fields = month.form(MINE, "result-T1") | {
        "task": "T1",
        "completed_quantity": "2",
        "completed_on": "2026-03-18",
    }
    answer = month.client.post(
        f"{MINE}/result",
        data=fields,
        files={"attachment": (name, content, "application/pdf")},
        follow_redirects=False,
    )
    return answer.status_code, answer.text


def test_a_result_s_document_is_recorded_by_its_hash(month: Month) -> None:
    _assigned(month)
    month.sign_in("cv1")
    assert upload(month, CONTENT, "C:\\Hồ sơ\\bien-ban.pdf")[0] == 303
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and task.submissions[0].attachment is not None
    found = task.submissions[0].attachment
    assert (found.name, found.sha256, found.size) == ("bien-ban.pdf", SHA, len(CONTENT))
    short = f'title="SHA-256 {SHA}">SHA-256 {SHA[:12]}…'
    assert short in month.client.get(MINE).text
    month.sign_in("tp1")
    assert short in month.client.get(UNIT).text
    month.post(
        f"{UNIT}/assess", month.form(UNIT, "assess-T1") | {"task": "T1", "outcome": "accepted"}
    )
    month.post(f"{UNIT}/score", month.form(UNIT, "score-CV1") | {"servant": "CV1"} | criteria())
    assert short in month.client.get("/servants/CV1/years/2026").text


def test_an_empty_or_too_large_document_is_refused_beside_its_field(
    month: Month, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assigned(month)
    month.sign_in("cv1")
    before = log_size(month.app)
    status, page = upload(month, b"")
    assert status == 400 and 'data-field="attachment"' in page and "Tài liệu trống" in page
    monkeypatch.setattr("web.month_forms.MAX_ATTACHMENT_BYTES", 10)
    status, page = upload(month, b"x" * 11)
    assert status == 400 and 'data-code="attachment_too_large"' in page
    assert "Tài liệu lớn hơn 20 MB" in page
    assert log_size(month.app) == before


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(month: Month) -> None:
    _assigned(month)
    month.sign_in("cv1")
    assert upload(month, b"x" * (22 * 2**20))[0] == 413
    # Only the result's form takes a file: another form keeps the general limit.
    month.sign_in("tp1")
    fields = month.form(UNIT, "delay-T1") | {"task": "T1", "reason": "x" * (2 * 2**20)}
    assert month.post(f"{UNIT}/delay", fields)[0] == 413
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and (task.submissions, task.recorded_delays) == ([], 0)


def test_an_objective_cause_needs_its_document(month: Month) -> None:
    page, form, fields = _exempt(month)
    before = log_size(month.app)
    status, answer = month.post(
        f"{UNIT}/exempt", month.form(page, form) | fields | {"document": ""}
    )
    assert status == 400 and 'data-field="document"' in answer
    assert 'id="servant-CV1" open>' in answer  # the refused form is in view, not folded
    assert 'data-code="missing_source_document"' in answer and 'value="chờ số liệu"' in answer
    status, answer = month.post(f"{UNIT}/exempt", month.form(page, form) | fields | {"scope": "x"})
    assert status == 400 and 'id="refusal-exempt-T1"' in answer
    assert log_size(month.app) == before
    assert month.post(f"{UNIT}/exempt", month.form(page, form) | fields)[0] == 303
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and (task.progress_exempt, task.quality_exempt) == (True, False)
    event = list(month.app.events.get(task_id("T1")))[-1]
    assert isinstance(event, Task.ObjectiveCauseConfirmed) and event.source_ref == "CV-45"
    assert "đã xác nhận nguyên nhân khách quan" in month.client.get(UNIT).text.lower()


def test_a_delay_needs_its_reason(month: Month) -> None:
    page, form, fields = _delay(month)
    status, answer = month.post(f"{UNIT}/delay", month.form(page, form) | fields | {"reason": " "})
    assert status == 400 and 'id="refusal-delay-T1"' in answer
    assert month.post(f"{UNIT}/delay", month.form(page, form) | fields)[0] == 303
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and task.recorded_delays == 1
