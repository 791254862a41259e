"""Handlers of tasks (Art. 14–16, 18): assignment, reassignment, cancellation and
correction, results and their assessment."""

from __future__ import annotations

from datetime import date, datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.errors import (
    InvalidQuantity,
    InvalidState,
    InvalidValue,
    NoResultToAssess,
    NotFound,
    ProductNotInCatalogue,
)
from domain.handlers.appeals import correction_under_appeal
from domain.handlers.catalogue import catalogue_product
from domain.handlers.common import (
    EVALUATOR_ROLES,
    Outcome,
    Records,
    acting_manager,
    created,
    load_servant_and_agency,
    parse_period,
    require_absent,
    require_employed_in,
    require_employed_on,
    require_positive,
)
from domain.scope import (
    check_agency,
    check_evaluator,
    check_self_or_evaluator,
    require_role,
    require_source,
)
from domain.servant import CivilServant
from domain.task import Task, task_id
from domain.values import PeriodKind


def assign_task(records: Records, cmd: c.AssignTask, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "assign tasks")
    servant, agency = load_servant_and_agency(records, ctx, cmd.servant, cmd.assigned_on)
    check_evaluator(ctx, acting_manager(records, ctx), servant, agency, cmd.assigned_on)
    require_absent(records, Task, task_id(cmd.task), f"task {cmd.task}")
    require_positive(cmd.quantity, InvalidQuantity, "a task's quantity")
    period = parse_period(cmd.period)
    if period.kind is not PeriodKind(agency.period_kind):
        raise InvalidValue(
            f"{agency.code} evaluates by {agency.period_kind}; {period.code} is not one",
            period=period.code,
        )
    require_employed_in(servant, period)
    if cmd.deadline < cmd.assigned_on:
        raise InvalidValue("the deadline is before the assignment date")
    catalogue = catalogue_product(records, agency.code, cmd.product)
    factor = catalogue.products[cmd.product].factor_on(cmd.assigned_on)
    if factor is None:
        raise ProductNotInCatalogue(
            f"product {cmd.product} is not in force on {cmd.assigned_on.isoformat()}",
            product=cmd.product,
        )
    task = Task.start(
        Task.Assigned,
        task_id(cmd.task),
        ctx,
        at,
        code=cmd.task,
        agency_code=agency.code,
        servant_code=servant.code,
        product_code=cmd.product,
        factor=factor,
        quantity=cmd.quantity,
        period=period.code,
        assigned_on=cmd.assigned_on,
        deadline=cmd.deadline,
        ad_hoc=cmd.ad_hoc,
        title=cmd.title,
    )
    return created(task, factor=str(factor), units=str(task.units))


def _task(records: Records, code: str) -> Task:
    return records.load(Task, task_id(code), f"task {code}")


def _require_open(task: Task) -> None:
    """A cancelled task takes no more events: it counts for nobody."""
    if task.cancelled:
        raise InvalidState(f"task {task.code} was cancelled")


def _check_task_evaluator(
    records: Records, ctx: CommandContext, task: Task, on: date
) -> CivilServant:
    holder, agency = load_servant_and_agency(records, ctx, task.holder, on)
    check_evaluator(ctx, acting_manager(records, ctx), holder, agency, on)
    return holder


def reassign_task(
    records: Records, cmd: c.ReassignTask, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "reassign tasks")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, cmd.on)
    _require_open(task)
    if task.is_accepted():
        raise InvalidState(f"task {cmd.task} is already completed and accepted")
    if cmd.to_servant == task.holder:
        raise InvalidValue(f"task {cmd.task} is already held by {cmd.to_servant}")
    # Art. 18(1)(d): only a servant who reported they cannot complete keeps the task.
    if cmd.cause == "cannot_complete" and cmd.report_ref is None:
        raise InvalidValue(
            "a reassignment because the holder cannot complete needs their report (report_ref)"
        )
    if cmd.deadline is not None and cmd.deadline < cmd.on:
        raise InvalidValue("the taker's deadline is before the reassignment date")
    taker, agency = load_servant_and_agency(records, ctx, cmd.to_servant, cmd.on)
    check_evaluator(ctx, acting_manager(records, ctx), taker, agency, cmd.on)
    require_employed_on(taker, cmd.on)
    task.record(
        Task.Reassigned,
        ctx,
        at,
        to_servant=taker.code,
        on=cmd.on,
        reason=cmd.reason,
        cause=cmd.cause,
        report_ref=cmd.report_ref,
        deadline=cmd.deadline,
    )
    return Outcome([task], {"id": str(task.id), "counted_for": task.counted_for})


def cancel_task(records: Records, cmd: c.CancelTask, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "cancel tasks")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    _require_open(task)
    if task.is_accepted():
        raise InvalidState(f"task {cmd.task} is already completed and accepted")
    task.record(Task.Cancelled, ctx, at, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})


def correct_task(
    records: Records, cmd: c.CorrectTask, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "correct tasks")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    _require_open(task)
    if task.submissions:
        raise InvalidState(f"task {cmd.task} has a submitted result: it can no longer be corrected")
    if cmd.quantity is None and cmd.deadline is None:
        raise InvalidValue("a correction names a quantity, a deadline or both")
    if cmd.quantity is not None:
        require_positive(cmd.quantity, InvalidQuantity, "a task's quantity")
    if cmd.deadline is not None and cmd.deadline < task.assigned_on:
        raise InvalidValue("the deadline is before the assignment date")
    quantity = task.quantity if cmd.quantity is None else cmd.quantity
    deadline = task.deadline if cmd.deadline is None else cmd.deadline
    if (quantity, deadline) == (task.quantity, task.deadline):
        raise InvalidState(f"task {cmd.task} already has this quantity and deadline")
    task.record(
        Task.Corrected, ctx, at, quantity=cmd.quantity, deadline=cmd.deadline, reason=cmd.reason
    )
    return Outcome([task], {"id": str(task.id), "units": str(task.units)})


def submit_result(
    records: Records, cmd: c.SubmitResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT, *EVALUATOR_ROLES), "submit results")
    task = _task(records, cmd.task)
    holder, agency = load_servant_and_agency(records, ctx, task.holder, cmd.completed_on)
    check_self_or_evaluator(ctx, acting_manager(records, ctx), holder, agency, cmd.completed_on)
    require_positive(cmd.completed_quantity, InvalidQuantity, "a completed quantity")
    if cmd.completed_on < task.assigned_on:
        raise InvalidValue("completion date is before the task was assigned")
    if cmd.completed_on > at.date():
        raise InvalidValue("completion date is in the future")
    _require_open(task)
    if task.is_accepted():
        raise InvalidState(f"task {cmd.task} is already completed and accepted")
    if task.unassessed_submission() is not None:
        raise InvalidState(f"the previous result of task {cmd.task} awaits assessment")
    number = len(task.submissions) + 1
    attached = cmd.attachment
    task.record(
        Task.ResultSubmitted,
        ctx,
        at,
        submission=number,
        servant_code=holder.code,
        completed_quantity=cmd.completed_quantity,
        completed_on=cmd.completed_on,
        note=cmd.note,
        attachment_name=attached.name if attached else None,
        attachment_sha256=attached.sha256 if attached else None,
        attachment_size=attached.size if attached else None,
    )
    return Outcome([task], {"id": str(task.id), "submission": str(number)})


def assess_result(
    records: Records, cmd: c.AssessResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "assess results")
    task = _task(records, cmd.task)
    submission = task.unassessed_submission()
    # Scope first: the task's state is no one else's business.
    _check_task_evaluator(records, ctx, task, submission.completed_on if submission else at.date())
    _require_open(task)
    if submission is None:
        raise NoResultToAssess(f"task {cmd.task} has no result awaiting assessment")
    number = len(task.assessments) + 1
    task.record(
        Task.Assessed,
        ctx,
        at,
        assessment=number,
        submission=submission.number,
        outcome=cmd.outcome.value,
        note=cmd.note,
    )
    return Outcome([task], {"id": str(task.id), "assessment": str(number)})


def amend_assessment(
    records: Records, cmd: c.AmendAssessment, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (*EVALUATOR_ROLES, Role.APPEALS_REVIEWER), "amend assessments")
    task = _task(records, cmd.task)
    check_agency(ctx, task.agency_code)
    if ctx.actor.role is not Role.APPEALS_REVIEWER:
        _check_task_evaluator(records, ctx, task, at.date())
    appeal = correction_under_appeal(
        records, ctx, at, cmd.appeal_ref, task.assignee, cmd.name, task.code
    )
    old = task.assessments.get(cmd.assessment)
    if old is None:
        raise NotFound(f"task {cmd.task} has no assessment {cmd.assessment}")
    if old.outcome is cmd.outcome:
        raise InvalidState(f"assessment {cmd.assessment} already has outcome {cmd.outcome.value}")
    task.record(
        Task.AssessmentAmended,
        ctx,
        at,
        assessment=cmd.assessment,
        outcome=cmd.outcome.value,
        reason=cmd.reason,
        appeal_ref=cmd.appeal_ref,
    )
    return Outcome([task, *appeal], {"id": str(task.id)})


def confirm_objective_cause(
    records: Records, cmd: c.ConfirmObjectiveCause, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "confirm objective causes")
    require_source(ctx, "an objective-cause exemption")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    task.record(Task.ObjectiveCauseConfirmed, ctx, at, scope=cmd.scope.value, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})


def record_delay(
    records: Records, cmd: c.RecordDelay, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "record delays")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    task.record(Task.DelayRecorded, ctx, at, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})
