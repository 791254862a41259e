"""The application service: audit fields, idempotency and optimistic concurrency."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import IntegrityError

from domain import commands as c
from domain import errors, handlers
from domain.application import MinhBach
from domain.task import Task, task_id
from tests.app.scenario import (
    ADMIN,
    HR,
    assign,
    build_agency,
    log_size,
    manager,
    servant,
    with_source,
)
from tests.conftest import FakeClock


def test_every_event_records_actor_role_time_and_source(app: MinhBach, clock: FakeClock) -> None:
    build_agency(app)
    clock.at = datetime(2026, 12, 21, 8, 30, tzinfo=UTC)
    app.execute(
        c.RecordLeave.model_validate(
            {"servant": "CV1", "kind": "sick", "start": "2026-05-01", "end": "2026-05-03"}
        ),
        with_source(HR, "GCN 7/BV"),
    )
    last = app.recorder.select_notifications(start=log_size(app), limit=1)[0]
    state = json.loads(last.state)
    assert (state["actor"], state["actor_role"], state["source_ref"]) == (
        "hr-snv",
        "hr",
        "GCN 7/BV",
    )
    event = app.mapper.to_domain_event(last)
    assert isinstance(event, CanMutateAggregate)
    assert event.timestamp == clock.at
    for notification in app.recorder.select_notifications(start=None, limit=1000):
        state = json.loads(notification.state)
        assert {"actor", "actor_role", "source_ref", "timestamp"} <= state.keys()


def test_a_retried_command_returns_the_first_answer_and_writes_nothing(app: MinhBach) -> None:
    build_agency(app)
    command = c.AssignTask.model_validate(
        {
            "task": "T1",
            "servant": "CV1",
            "product": "BC",
            "quantity": "2",
            "period": "2026-03",
            "assigned_on": "2026-03-01",
            "deadline": "2026-03-10",
        }
    )
    first = app.execute(command, manager("TP1"), idempotency_key="req-1")
    size = log_size(app)
    again = app.execute(command, manager("TP1"), idempotency_key="req-1")
    assert again.replayed and not first.replayed
    assert again.result == first.result
    assert log_size(app) == size
    with pytest.raises(errors.IdempotencyKeyReused):
        app.execute(command, manager("PP1"), idempotency_key="req-1")
    assert log_size(app) == size


def test_two_requests_with_the_same_key_at_once_both_get_the_first_answer(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request checked for a receipt before the first saved, then ran its
    handler after: the rules refuse the duplicate, but the key was applied — the
    answer is the first one, not 409 already_exists."""
    other = MinhBach(app.storage, clock=app.clock)
    command = c.RegisterAgency(code="SNV", title="Sở Nội vụ")
    original = handlers.HANDLERS[c.RegisterAgency]
    first: list[Any] = []
    calls: list[int] = []

    def raced(records: Any, cmd: Any, ctx: Any, at: datetime) -> handlers.Outcome:
        calls.append(1)
        if len(calls) == 1:  # the other request runs to the end in between
            first.append(other.execute(command, ADMIN, idempotency_key="same"))
        return original(records, cmd, ctx, at)

    monkeypatch.setitem(cast(dict[Any, Any], handlers.HANDLERS), c.RegisterAgency, raced)
    second = app.execute(command, ADMIN, idempotency_key="same")
    other.close()
    assert not first[0].replayed and second.replayed
    assert second.result == first[0].result
    assert log_size(app) == 2  # one agency, one receipt
    with pytest.raises(errors.AlreadyExists):  # without a key the rules still hold
        app.execute(command, ADMIN)


def test_a_concurrent_write_is_retried_from_a_fresh_load(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process saves the same task between our load and our save."""
    build_agency(app)
    assign(app, "T1")
    other = MinhBach(app.storage, clock=app.clock)
    original = handlers.HANDLERS[c.SubmitResult]
    calls: list[int] = []

    def interleaved(records: Any, cmd: Any, ctx: Any, at: datetime) -> handlers.Outcome:
        outcome = original(records, cmd, ctx, at)
        if not calls:
            other.execute(c.RecordDelay(task="T1", reason="nhắc tiến độ"), manager("TP1"))
        calls.append(1)
        return outcome

    monkeypatch.setitem(cast(dict[Any, Any], handlers.HANDLERS), c.SubmitResult, interleaved)
    app.execute(
        c.SubmitResult.model_validate(
            {"task": "T1", "completed_quantity": "2", "completed_on": "2026-03-09"}
        ),
        servant("CV1"),
    )
    other.close()
    assert len(calls) == 2
    task = app.load(Task, task_id("T1"), "task")
    assert task.recorded_delays == 1 and len(task.submissions) == 1
    assert task.version == 3


def test_a_persistent_conflict_is_a_named_error_and_writes_nothing(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_agency(app)
    assign(app, "T1")
    size = log_size(app)

    def always_conflicts(*_: Any, **__: Any) -> Any:
        raise IntegrityError("version already taken")

    monkeypatch.setattr(app, "save", always_conflicts)
    with pytest.raises(errors.ConcurrencyConflict):
        app.execute(c.RecordDelay(task="T1", reason="x"), manager("TP1"))
    assert log_size(app) == size
