"""Command handlers: load the records a command touches, check every rule,
then trigger the events. A handler that raises has triggered nothing that
will be saved, so a rejected command writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from uuid import UUID

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency, agency_id
from domain.appeal import Appeal, appeal_id
from domain.base import Audited
from domain.calendar import add_working_days
from domain.catalogue import Catalogue, catalogue_id
from domain.classification import Classification, classification_id
from domain.discipline import AuthorityConclusion, DisciplineDecision, conclusion_id, discipline_id
from domain.errors import (
    AlreadyExists,
    AppealWindowClosed,
    BasisDoesNotSupport,
    InvalidConversionFactor,
    InvalidQuantity,
    InvalidState,
    InvalidValue,
    MissingSourceDocument,
    NoResultToAssess,
    NotAuthorised,
    NotFound,
    OutsideEmployment,
    ProductNotInCatalogue,
    SamePerson,
)
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.personnel import PersonnelDecision, personnel_decision_id
from domain.policy import criteria_total, get_policy, policy_in_force, validate_leader_component
from domain.principal import Principal, principal_id
from domain.publication import table_digest
from domain.scope import (
    check_agency,
    check_evaluator,
    check_self_or_evaluator,
    require_role,
    require_source,
)
from domain.servant import CivilServant, servant_id
from domain.task import Task, task_id
from domain.values import LeadershipRole, Period, PeriodKind

T = TypeVar("T", bound=Audited)
C = TypeVar("C", bound=c.Command)

SETUP_ROLES = (Role.ADMIN, Role.HR)
EVALUATOR_ROLES = (Role.MANAGER, Role.AUTHORITY)


class Records(Protocol):
    """What a handler may read: aggregates by id."""

    def load(self, cls: type[T], aggregate_id: UUID, what: str) -> T: ...

    def find(self, cls: type[T], aggregate_id: UUID) -> T | None: ...


@dataclass
class Outcome:
    """The aggregates with new events to save, and what to tell the caller."""

    aggregates: list[Audited]
    result: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Records, Any, CommandContext, datetime], Outcome]
HANDLERS: dict[type[c.Command], Handler] = {}


def handles(command_class: type[C]) -> Callable[[Callable[..., Outcome]], Callable[..., Outcome]]:
    def register(handler: Callable[..., Outcome]) -> Callable[..., Outcome]:
        HANDLERS[command_class] = handler
        return handler

    return register


def _created(aggregate: Audited, **extra: str) -> Outcome:
    return Outcome([aggregate], {"id": str(aggregate.id), **extra})


def _absent(records: Records, cls: type[T], aggregate_id: UUID, what: str) -> None:
    if records.find(cls, aggregate_id) is not None:
        raise AlreadyExists(f"{what} already exists")


def _manager(records: Records, ctx: CommandContext) -> CivilServant | None:
    if ctx.actor.role is not Role.MANAGER:
        return None
    return records.find(CivilServant, servant_id(ctx.actor.id))


def _agency(records: Records, ctx: CommandContext, code: str) -> Agency:
    check_agency(ctx, code)
    return records.load(Agency, agency_id(code), f"agency {code}")


def _servant(
    records: Records, ctx: CommandContext, code: str, on: date | None = None
) -> CivilServant:
    servant = records.load(CivilServant, servant_id(code), f"civil servant {code}")
    placement = servant.placement if on is None else servant.placement_on(on)
    check_agency(ctx, placement.agency_code)
    return servant


def _servant_and_agency(
    records: Records, ctx: CommandContext, code: str, on: date
) -> tuple[CivilServant, Agency]:
    servant = _servant(records, ctx, code, on)
    return servant, _agency(records, ctx, servant.placement_on(on).agency_code)


def _period(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as error:
        raise InvalidValue(str(error), period=code) from None


def _within_employment(servant: CivilServant, period: Period) -> None:
    if not servant.employed_during(period.first_day, period.last_day):
        raise OutsideEmployment(
            f"{servant.code} was not employed in {period.code}",
            servant=servant.code,
            period=period.code,
        )


def _positive(value: Decimal, error: type[InvalidValue], what: str) -> None:
    if not value.is_finite() or value <= 0:
        raise error(f"{what} must be greater than 0, got {value}", value=str(value))


# --- organisation -----------------------------------------------------------


@handles(c.RegisterAgency)
def register_agency(
    records: Records, cmd: c.RegisterAgency, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register agencies")
    check_agency(ctx, cmd.code)
    _absent(records, Agency, agency_id(cmd.code), f"agency {cmd.code}")
    agency = Agency.start(
        Agency.Registered,
        agency_id(cmd.code),
        ctx,
        at,
        code=cmd.code,
        name=cmd.title,
        period_kind=cmd.period_kind.value,
        managing_agency=cmd.managing_agency,
    )
    return _created(agency)


@handles(c.OpenUnit)
def open_unit(records: Records, cmd: c.OpenUnit, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, SETUP_ROLES, "open units")
    agency = _agency(records, ctx, cmd.agency)
    if agency.has_unit(cmd.unit):
        raise AlreadyExists(f"unit {cmd.unit} already exists in {cmd.agency}")
    if cmd.is_leadership and agency.leadership_unit() is not None:
        raise InvalidState(f"{cmd.agency} already has its board {agency.leadership_unit()}")
    agency.record(
        Agency.UnitOpened,
        ctx,
        at,
        unit_code=cmd.unit,
        name=cmd.title,
        is_leadership=cmd.is_leadership,
    )
    return Outcome([agency], {"id": str(agency.id)})


def _require_unit(agency: Agency, unit: str) -> None:
    if not agency.has_unit(unit):
        raise NotFound(f"unit {unit} not found in agency {agency.code}", unit=unit)


@handles(c.RegisterServant)
def register_servant(
    records: Records, cmd: c.RegisterServant, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register civil servants")
    agency = _agency(records, ctx, cmd.agency)
    _require_unit(agency, cmd.unit)
    _absent(records, CivilServant, servant_id(cmd.code), f"civil servant {cmd.code}")
    servant = CivilServant.start(
        CivilServant.Registered,
        servant_id(cmd.code),
        ctx,
        at,
        code=cmd.code,
        full_name=cmd.full_name,
        agency_code=cmd.agency,
        unit_code=cmd.unit,
        position=cmd.position,
        peer_group=cmd.peer_group or cmd.position,
        leadership=cmd.leadership.value,
        employed_from=cmd.employed_from,
    )
    return _created(servant)


def _employed_on(servant: CivilServant, day: date) -> None:
    if not servant.employed_during(day, day):
        raise OutsideEmployment(
            f"{servant.code} is not employed on {day.isoformat()}", servant=servant.code
        )


@handles(c.PlaceServant)
def place_servant(
    records: Records, cmd: c.PlaceServant, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "change placements")
    servant = _servant(records, ctx, cmd.servant)
    _employed_on(servant, cmd.effective)
    current = servant.placement_on(cmd.effective)
    if cmd.agency is not None and cmd.agency != current.agency_code and cmd.unit is None:
        raise InvalidValue("a move to another agency must name the unit there")
    agency_code = cmd.agency or current.agency_code
    agency = _agency(records, ctx, agency_code)
    unit = cmd.unit or current.unit_code
    _require_unit(agency, unit)
    position = cmd.position or current.position
    servant.record(
        CivilServant.Placed,
        ctx,
        at,
        effective=cmd.effective,
        agency_code=agency_code,
        unit_code=unit,
        position=position,
        peer_group=cmd.peer_group or (position if cmd.position else current.peer_group),
        leadership=(cmd.leadership or current.leadership).value,
    )
    return Outcome([servant], {"id": str(servant.id)})


@handles(c.RecordLeave)
def record_leave(
    records: Records, cmd: c.RecordLeave, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "record leave")
    servant = _servant(records, ctx, cmd.servant)
    if cmd.end < cmd.start:
        raise InvalidValue("leave ends before it starts")
    _employed_on(servant, cmd.start)
    servant.record(
        CivilServant.LeaveRecorded, ctx, at, kind=cmd.kind.value, start=cmd.start, end=cmd.end
    )
    return Outcome([servant], {"id": str(servant.id)})


@handles(c.RecordLeaving)
def record_leaving(
    records: Records, cmd: c.RecordLeaving, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "record leaving")
    servant = _servant(records, ctx, cmd.servant)
    if servant.left_on is not None:
        raise InvalidState(f"{cmd.servant} already left on {servant.left_on.isoformat()}")
    if cmd.on < servant.employed_from:
        raise InvalidValue("leaving date is before employment started")
    servant.record(CivilServant.Left, ctx, at, on=cmd.on, reason=cmd.reason)
    return Outcome([servant], {"id": str(servant.id)})


# --- catalogue --------------------------------------------------------------

CATALOGUE_ROLES = (Role.ADMIN, Role.HR, Role.AUTHORITY)


@handles(c.AddProduct)
def add_product(records: Records, cmd: c.AddProduct, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    _agency(records, ctx, cmd.agency)
    _positive(cmd.factor, InvalidConversionFactor, "a conversion factor")
    catalogue = records.find(Catalogue, catalogue_id(cmd.agency))
    if catalogue is None:
        catalogue = Catalogue.start(
            Catalogue.Opened, catalogue_id(cmd.agency), ctx, at, agency_code=cmd.agency
        )
    if cmd.product in catalogue.products:
        raise AlreadyExists(f"product {cmd.product} already in the catalogue of {cmd.agency}")
    catalogue.record(
        Catalogue.ProductAdded,
        ctx,
        at,
        product_code=cmd.product,
        name=cmd.title,
        position=cmd.position,
        complexity_group=cmd.complexity_group,
        factor=cmd.factor,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})


def _catalogue_product(records: Records, agency: str, product: str) -> Catalogue:
    catalogue = records.find(Catalogue, catalogue_id(agency))
    if catalogue is None or product not in catalogue.products:
        raise ProductNotInCatalogue(
            f"product {product} is not in the catalogue of {agency}", product=product
        )
    return catalogue


@handles(c.ChangeFactor)
def change_factor(
    records: Records, cmd: c.ChangeFactor, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    _positive(cmd.factor, InvalidConversionFactor, "a conversion factor")
    check_agency(ctx, cmd.agency)
    catalogue = _catalogue_product(records, cmd.agency, cmd.product)
    first_listed = catalogue.products[cmd.product].factors[0][0]
    if cmd.effective_from <= first_listed:
        raise InvalidValue(
            f"a new factor must take effect after {first_listed.isoformat()}, "
            "when the product was listed"
        )
    catalogue.record(
        Catalogue.FactorChanged,
        ctx,
        at,
        product_code=cmd.product,
        factor=cmd.factor,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})


@handles(c.WithdrawProduct)
def withdraw_product(
    records: Records, cmd: c.WithdrawProduct, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    check_agency(ctx, cmd.agency)
    catalogue = _catalogue_product(records, cmd.agency, cmd.product)
    if catalogue.products[cmd.product].withdrawn_from is not None:
        raise InvalidState(f"product {cmd.product} is already withdrawn")
    catalogue.record(
        Catalogue.ProductWithdrawn,
        ctx,
        at,
        product_code=cmd.product,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})


# --- tasks ------------------------------------------------------------------


@handles(c.AssignTask)
def assign_task(records: Records, cmd: c.AssignTask, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "assign tasks")
    _absent(records, Task, task_id(cmd.task), f"task {cmd.task}")
    servant, agency = _servant_and_agency(records, ctx, cmd.servant, cmd.assigned_on)
    check_evaluator(ctx, _manager(records, ctx), servant, agency, cmd.assigned_on)
    _positive(cmd.quantity, InvalidQuantity, "a task's quantity")
    period = _period(cmd.period)
    if period.kind is not PeriodKind(agency.period_kind):
        raise InvalidValue(
            f"{agency.code} evaluates by {agency.period_kind}; {period.code} is not one",
            period=period.code,
        )
    _within_employment(servant, period)
    if cmd.deadline < cmd.assigned_on:
        raise InvalidValue("the deadline is before the assignment date")
    catalogue = _catalogue_product(records, agency.code, cmd.product)
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
    return _created(task, factor=str(factor), units=str(task.units))


def _task(records: Records, code: str) -> Task:
    return records.load(Task, task_id(code), f"task {code}")


def _check_task_evaluator(
    records: Records, ctx: CommandContext, task: Task, on: date
) -> CivilServant:
    holder, agency = _servant_and_agency(records, ctx, task.holder, on)
    check_evaluator(ctx, _manager(records, ctx), holder, agency, on)
    return holder


@handles(c.ReassignTask)
def reassign_task(
    records: Records, cmd: c.ReassignTask, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "reassign tasks")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, cmd.on)
    if task.is_accepted():
        raise InvalidState(f"task {cmd.task} is already completed and accepted")
    if cmd.to_servant == task.holder:
        raise InvalidValue(f"task {cmd.task} is already held by {cmd.to_servant}")
    taker, agency = _servant_and_agency(records, ctx, cmd.to_servant, cmd.on)
    check_evaluator(ctx, _manager(records, ctx), taker, agency, cmd.on)
    _employed_on(taker, cmd.on)
    task.record(Task.Reassigned, ctx, at, to_servant=taker.code, on=cmd.on, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})


@handles(c.SubmitResult)
def submit_result(
    records: Records, cmd: c.SubmitResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT, *EVALUATOR_ROLES), "submit results")
    task = _task(records, cmd.task)
    holder, agency = _servant_and_agency(records, ctx, task.holder, cmd.completed_on)
    check_self_or_evaluator(ctx, _manager(records, ctx), holder, agency, cmd.completed_on)
    _positive(cmd.completed_quantity, InvalidQuantity, "a completed quantity")
    if cmd.completed_on < task.assigned_on:
        raise InvalidValue("completion date is before the task was assigned")
    if cmd.completed_on > at.date():
        raise InvalidValue("completion date is in the future")
    if task.is_accepted():
        raise InvalidState(f"task {cmd.task} is already completed and accepted")
    if task.unassessed_submission() is not None:
        raise InvalidState(f"the previous result of task {cmd.task} awaits assessment")
    number = len(task.submissions) + 1
    task.record(
        Task.ResultSubmitted,
        ctx,
        at,
        submission=number,
        servant_code=holder.code,
        completed_quantity=cmd.completed_quantity,
        completed_on=cmd.completed_on,
        note=cmd.note,
    )
    return Outcome([task], {"id": str(task.id), "submission": str(number)})


@handles(c.AssessResult)
def assess_result(
    records: Records, cmd: c.AssessResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "assess results")
    task = _task(records, cmd.task)
    submission = task.unassessed_submission()
    if submission is None:
        raise NoResultToAssess(f"task {cmd.task} has no result awaiting assessment")
    _check_task_evaluator(records, ctx, task, submission.completed_on)
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


@handles(c.AmendAssessment)
def amend_assessment(
    records: Records, cmd: c.AmendAssessment, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (*EVALUATOR_ROLES, Role.APPEALS_REVIEWER), "amend assessments")
    task = _task(records, cmd.task)
    check_agency(ctx, task.agency_code)
    appeal = _correcting(records, ctx, at, cmd.appeal_ref, task.assignee, cmd.name, task.code)
    if ctx.actor.role is not Role.APPEALS_REVIEWER:
        _check_task_evaluator(records, ctx, task, at.date())
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


@handles(c.ConfirmObjectiveCause)
def confirm_objective_cause(
    records: Records, cmd: c.ConfirmObjectiveCause, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "confirm objective causes")
    require_source(ctx, "an objective-cause exemption")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    task.record(Task.ObjectiveCauseConfirmed, ctx, at, scope=cmd.scope.value, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})


@handles(c.RecordDelay)
def record_delay(
    records: Records, cmd: c.RecordDelay, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "record delays")
    task = _task(records, cmd.task)
    _check_task_evaluator(records, ctx, task, at.date())
    task.record(Task.DelayRecorded, ctx, at, reason=cmd.reason)
    return Outcome([task], {"id": str(task.id)})


# --- period evaluation ------------------------------------------------------


def _evaluation(
    records: Records, servant: CivilServant, period: Period, ctx: CommandContext, at: datetime
) -> PeriodEvaluation:
    found = records.find(PeriodEvaluation, evaluation_id(servant.code, period.code))
    if found is not None:
        return found
    return PeriodEvaluation.start(
        PeriodEvaluation.Opened,
        evaluation_id(servant.code, period.code),
        ctx,
        at,
        servant_code=servant.code,
        period=period.code,
    )


def _scored_period(
    records: Records, ctx: CommandContext, servant_code: str, period_code: str
) -> tuple[CivilServant, Agency, Period]:
    period = _period(period_code)
    servant, agency = _servant_and_agency(records, ctx, servant_code, period.last_day)
    _within_employment(servant, period)
    return servant, agency, period


@handles(c.SelfScoreCriteria)
def self_score_criteria(
    records: Records, cmd: c.SelfScoreCriteria, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT,), "self-score the general criteria")
    servant, _, period = _scored_period(records, ctx, cmd.servant, cmd.period)
    if ctx.actor.id != servant.code:
        raise NotAuthorised(f"{ctx.actor.id} may not self-score for {servant.code}")
    criteria_total(policy_in_force(period.first_day), cmd.scores)
    evaluation = _evaluation(records, servant, period, ctx, at)
    evaluation.record(PeriodEvaluation.CriteriaSelfScored, ctx, at, scores=dict(cmd.scores))
    return Outcome([evaluation], {"id": str(evaluation.id)})


@handles(c.ScoreCriteria)
def score_criteria(
    records: Records, cmd: c.ScoreCriteria, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (*EVALUATOR_ROLES, Role.APPEALS_REVIEWER), "score the general criteria")
    servant, agency, period = _scored_period(records, ctx, cmd.servant, cmd.period)
    appeal = _correcting(records, ctx, at, cmd.appeal_ref, servant.code, cmd.name, period.code)
    if ctx.actor.role is not Role.APPEALS_REVIEWER:
        check_evaluator(ctx, _manager(records, ctx), servant, agency, period.last_day)
    total = criteria_total(policy_in_force(period.first_day), cmd.scores)
    evaluation = _evaluation(records, servant, period, ctx, at)
    evaluation.record(PeriodEvaluation.CriteriaScored, ctx, at, scores=dict(cmd.scores))
    return Outcome([evaluation, *appeal], {"id": str(evaluation.id), "total": str(total.value)})


@handles(c.ScoreLeaderComponent)
def score_leader_component(
    records: Records, cmd: c.ScoreLeaderComponent, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "score leader components")
    servant, agency, period = _scored_period(records, ctx, cmd.servant, cmd.period)
    check_evaluator(ctx, _manager(records, ctx), servant, agency, period.last_day)
    if servant.placement_on(period.last_day).leadership is LeadershipRole.STAFF:
        raise InvalidState(f"{servant.code} is not a head or deputy in {period.code}")
    value = validate_leader_component(policy_in_force(period.first_day), cmd.value)
    evaluation = _evaluation(records, servant, period, ctx, at)
    evaluation.record(
        PeriodEvaluation.LeaderComponentScored,
        ctx,
        at,
        component=cmd.component,
        value=value,
        reason=cmd.reason,
    )
    return Outcome([evaluation], {"id": str(evaluation.id)})


# --- discipline and conclusions ---------------------------------------------

DISCIPLINE_ROLES = (Role.AUTHORITY, Role.HR)
ANNULLING_ROLES = (Role.AUTHORITY, Role.APPEALS_REVIEWER)


@handles(c.RecordDiscipline)
def record_discipline(
    records: Records, cmd: c.RecordDiscipline, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, DISCIPLINE_ROLES, "record discipline decisions")
    require_source(ctx, "a discipline decision")
    _absent(
        records, DisciplineDecision, discipline_id(cmd.decision_no), f"decision {cmd.decision_no}"
    )
    servant, agency = _servant_and_agency(records, ctx, cmd.servant, cmd.decided_on)
    _employed_on(servant, cmd.decided_on)
    decision = DisciplineDecision.start(
        DisciplineDecision.Recorded,
        discipline_id(cmd.decision_no),
        ctx,
        at,
        decision_no=cmd.decision_no,
        servant_code=servant.code,
        form=cmd.form.value,
        public_service_related=cmd.public_service_related,
        violation_ref=cmd.violation_ref,
        decided_on=cmd.decided_on,
        counted_year=cmd.counted_year or cmd.decided_on.year,
        agency_code=agency.code,
    )
    return _created(decision)


@handles(c.AnnulDiscipline)
def annul_discipline(
    records: Records, cmd: c.AnnulDiscipline, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, ANNULLING_ROLES, "annul discipline decisions")
    require_source(ctx, "an annulment")
    decision = records.load(
        DisciplineDecision, discipline_id(cmd.decision_no), f"decision {cmd.decision_no}"
    )
    check_agency(ctx, decision.agency_code)
    if decision.annulled:
        raise InvalidState(f"decision {cmd.decision_no} is already annulled")
    appeal = _correcting(
        records, ctx, at, cmd.appeal_ref, decision.servant_code, cmd.name, cmd.decision_no
    )
    decision.record(
        DisciplineDecision.Annulled, ctx, at, reason=cmd.reason, appeal_ref=cmd.appeal_ref
    )
    return Outcome([decision, *appeal], {"id": str(decision.id)})


@handles(c.RecordConclusion)
def record_conclusion(
    records: Records, cmd: c.RecordConclusion, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, DISCIPLINE_ROLES, "record conclusions")
    require_source(ctx, "a competent conclusion")
    _absent(
        records,
        AuthorityConclusion,
        conclusion_id(cmd.conclusion_no),
        f"conclusion {cmd.conclusion_no}",
    )
    servant = _servant(records, ctx, cmd.servant)
    conclusion = AuthorityConclusion.start(
        AuthorityConclusion.Recorded,
        conclusion_id(cmd.conclusion_no),
        ctx,
        at,
        conclusion_no=cmd.conclusion_no,
        servant_code=servant.code,
        kind=cmd.kind.value,
        year=cmd.year,
        concluded_on=cmd.concluded_on,
    )
    return _created(conclusion)


@handles(c.WithdrawConclusion)
def withdraw_conclusion(
    records: Records, cmd: c.WithdrawConclusion, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, ANNULLING_ROLES, "withdraw conclusions")
    require_source(ctx, "a withdrawal")
    conclusion = records.load(
        AuthorityConclusion, conclusion_id(cmd.conclusion_no), f"conclusion {cmd.conclusion_no}"
    )
    _servant(records, ctx, conclusion.servant_code)
    if conclusion.withdrawn:
        raise InvalidState(f"conclusion {cmd.conclusion_no} is already withdrawn")
    appeal = _correcting(
        records, ctx, at, cmd.appeal_ref, conclusion.servant_code, cmd.name, cmd.conclusion_no
    )
    conclusion.record(
        AuthorityConclusion.Withdrawn, ctx, at, reason=cmd.reason, appeal_ref=cmd.appeal_ref
    )
    return Outcome([conclusion, *appeal], {"id": str(conclusion.id)})


# --- yearly decisions -------------------------------------------------------


@handles(c.DecideOrganisationLevel)
def decide_organisation_level(
    records: Records, cmd: c.DecideOrganisationLevel, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide organisation levels")
    require_source(ctx, "an organisation's level")
    agency = _agency(records, ctx, cmd.agency)
    if cmd.unit is not None:
        _require_unit(agency, cmd.unit)
    agency.record(
        Agency.OrganisationLevelDecided,
        ctx,
        at,
        year=cmd.year,
        unit_code=cmd.unit,
        level=cmd.level.value,
    )
    return Outcome([agency], {"id": str(agency.id)})


@handles(c.GrantQuotaRatio)
def grant_quota_ratio(
    records: Records, cmd: c.GrantQuotaRatio, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "grant a higher quota ratio")
    require_source(ctx, "a quota-ratio grant")
    agency = _agency(records, ctx, cmd.agency)
    policy = policy_in_force(date(cmd.year, 1, 1))
    if not policy.quota_ratio < cmd.ratio <= policy.quota_ratio_max:
        raise InvalidValue(
            f"a granted ratio must be above {policy.quota_ratio} and at most "
            f"{policy.quota_ratio_max} (Art. 20(5)(b)), got {cmd.ratio}",
            ratio=str(cmd.ratio),
        )
    agency.record(Agency.QuotaRatioGranted, ctx, at, year=cmd.year, ratio=cmd.ratio)
    return Outcome([agency], {"id": str(agency.id)})


@handles(c.DecideQuotaTie)
def decide_quota_tie(
    records: Records, cmd: c.DecideQuotaTie, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY, Role.MANAGER), "decide quota ties")
    require_source(ctx, "a quota tie decision")
    agency = _agency(records, ctx, cmd.agency)
    if ctx.actor.role is Role.MANAGER:
        head = _manager(records, ctx)
        placement = head.placement_on(at.date()) if head else None
        if (
            placement is None
            or placement.agency_code != agency.code
            or placement.unit_code != agency.leadership_unit()
            or placement.leadership is not LeadershipRole.HEAD
        ):
            raise NotAuthorised(f"only the head of {agency.code} decides its quota ties")
    tied, chosen = set(cmd.tied), set(cmd.excellent)
    if len(tied) < 2 or len(tied) != len(cmd.tied):
        raise InvalidValue("a tie names at least two distinct servants")
    if not chosen <= tied or len(chosen) != len(cmd.excellent):
        raise InvalidValue("the servants chosen must be distinct and among the tied ones")
    agency.record(
        Agency.QuotaTieDecided,
        ctx,
        at,
        year=cmd.year,
        peer_group=cmd.peer_group,
        tied=tuple(cmd.tied),
        excellent=tuple(cmd.excellent),
    )
    return Outcome([agency], {"id": str(agency.id)})


def _classification(
    records: Records, servant: CivilServant, year: int, ctx: CommandContext, at: datetime
) -> Classification:
    found = records.find(Classification, classification_id(servant.code, year))
    if found is not None:
        return found
    return Classification.start(
        Classification.Opened,
        classification_id(servant.code, year),
        ctx,
        at,
        servant_code=servant.code,
        year=year,
    )


@handles(c.ProposeClassification)
def propose_classification(
    records: Records, cmd: c.ProposeClassification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "propose classifications")
    servant = _servant(records, ctx, cmd.servant)
    if not servant.employed_during(date(cmd.year, 1, 1), date(cmd.year, 12, 31)):
        raise OutsideEmployment(f"{servant.code} was not employed in {cmd.year}")
    classification = _classification(records, servant, cmd.year, ctx, at)
    classification.record(
        Classification.Proposed,
        ctx,
        at,
        level=cmd.level.value if cmd.level else None,
        annual_score=str(cmd.annual_score) if cmd.annual_score is not None else None,
        basis=cmd.basis,
    )
    return Outcome([classification], {"id": str(classification.id)})


@handles(c.DecideClassification)
def decide_classification(
    records: Records, cmd: c.DecideClassification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide classifications")
    servant = _servant(records, ctx, cmd.servant)
    classification = records.find(Classification, classification_id(servant.code, cmd.year))
    if classification is None:
        raise InvalidState(f"no proposal for {cmd.servant} in {cmd.year}: HR proposes first")
    if cmd.decision_no in classification.decisions:
        raise AlreadyExists(f"decision {cmd.decision_no} is already recorded")
    latest = classification.decisions[-1] if classification.decisions else None
    if latest is not None and cmd.replaces != latest:
        raise InvalidValue(
            f"{cmd.servant} was already classified for {cmd.year} by {latest}: "
            f"a new decision must name it in 'replaces' (Art. 21(3))"
        )
    if latest is None and cmd.replaces is not None:
        raise InvalidValue(f"there is no earlier decision {cmd.replaces} to replace")
    proposed = classification.proposed_level
    if proposed != cmd.level.value and not cmd.departure_reason:
        raise InvalidValue(
            f"the decided level {cmd.level.value} departs from the proposal "
            f"{proposed or 'not classified'}: a written reason is required",
            proposed=proposed,
        )
    leader = any(p.leadership.is_leader for p in servant.placements)
    if leader and not cmd.party_committee_ref:
        raise MissingSourceDocument(
            "a head's or deputy's classification needs the Party committee's view (Art. 21)"
        )
    appeal = _correcting(records, ctx, at, cmd.appeal_ref, servant.code, cmd.name, cmd.decision_no)
    classification.record(
        Classification.Decided,
        ctx,
        at,
        decision_no=cmd.decision_no,
        level=cmd.level.value,
        proposed_level=proposed,
        minutes_ref=cmd.minutes_ref,
        party_committee_ref=cmd.party_committee_ref,
        departure_reason=cmd.departure_reason or None,
        replaces=cmd.replaces,
    )
    return Outcome([classification, *appeal], {"id": str(classification.id)})


# --- principals -------------------------------------------------------------

SERVANT_ROLES = (Role.CIVIL_SERVANT.value, Role.MANAGER.value)


def _check_grant(
    records: Records, ctx: CommandContext, role: str, agency: str | None, servant: str | None
) -> None:
    """A grant names exactly the scope its role needs, and HR grants only its own staff."""
    if role in SERVANT_ROLES:
        if servant is None or agency is not None:
            raise InvalidValue(f"a {role} is bound to their personnel record ('servant') only")
        _servant(records, ctx, servant)
    elif role in (Role.HR.value,):
        if agency is None or servant is not None:
            raise InvalidValue("an HR office is bound to one 'agency'")
        _agency(records, ctx, agency)
    elif servant is not None:
        raise InvalidValue(f"a {role} is not bound to a personnel record")
    elif agency is not None:
        _agency(records, ctx, agency)
    if ctx.actor.role is Role.HR and role not in SERVANT_ROLES:
        raise NotAuthorised("an HR office grants only the civil servant and manager roles")


def _principal(records: Records, name: str) -> Principal:
    return records.load(Principal, principal_id(name), f"principal {name}")


@handles(c.RegisterPrincipal)
def register_principal(
    records: Records, cmd: c.RegisterPrincipal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register principals")
    _check_grant(records, ctx, cmd.role, cmd.agency, cmd.servant)
    _absent(records, Principal, principal_id(cmd.principal), f"principal {cmd.principal}")
    principal = Principal.start(
        Principal.Registered,
        principal_id(cmd.principal),
        ctx,
        at,
        name=cmd.principal,
        display_name=cmd.display_name,
        role=cmd.role,
        agency=cmd.agency,
        servant=cmd.servant,
    )
    return _created(principal)


@handles(c.GrantRole)
def grant_role(records: Records, cmd: c.GrantRole, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, SETUP_ROLES, "grant roles")
    principal = _principal(records, cmd.principal)
    if ctx.actor.role is Role.HR:
        if principal.grant.role not in SERVANT_ROLES:
            raise NotAuthorised("an HR office changes only civil servants' and managers' roles")
        if principal.grant.servant is not None:  # the principal must be its own staff now
            _servant(records, ctx, principal.grant.servant)
    _check_grant(records, ctx, cmd.role, cmd.agency, cmd.servant)
    principal.record(
        Principal.RoleGranted, ctx, at, role=cmd.role, agency=cmd.agency, servant=cmd.servant
    )
    return Outcome([principal], {"id": str(principal.id)})


@handles(c.IssueToken)
def issue_token(records: Records, cmd: c.IssueToken, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "issue tokens")
    principal = _principal(records, cmd.principal)
    if principal.disabled:
        raise InvalidState(f"principal {cmd.principal} is disabled")
    if cmd.token_id in principal.tokens:
        raise AlreadyExists(f"token {cmd.token_id} already exists")
    principal.record(
        Principal.TokenIssued,
        ctx,
        at,
        token_id=cmd.token_id,
        secret_sha256=cmd.secret_sha256,
        label=cmd.label,
    )
    return Outcome([principal], {"id": str(principal.id), "token_id": cmd.token_id})


@handles(c.RevokeToken)
def revoke_token(
    records: Records, cmd: c.RevokeToken, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "revoke tokens")
    principal = _principal(records, cmd.principal)
    if cmd.token_id not in principal.tokens:
        raise NotFound(f"principal {cmd.principal} has no token {cmd.token_id}")
    principal.record(Principal.TokenRevoked, ctx, at, token_id=cmd.token_id)
    return Outcome([principal], {"id": str(principal.id)})


@handles(c.DisablePrincipal)
def disable_principal(
    records: Records, cmd: c.DisablePrincipal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "disable principals")
    principal = _principal(records, cmd.principal)
    if principal.disabled:
        raise InvalidState(f"principal {cmd.principal} is already disabled")
    principal.record(Principal.Disabled, ctx, at, reason=cmd.reason)
    return Outcome([principal], {"id": str(principal.id)})


@handles(c.PublishResults)
def publish_results(
    records: Records, cmd: c.PublishResults, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "publish results")
    require_source(ctx, "a publication (the notice that publishes it)")
    agency = _agency(records, ctx, cmd.agency)
    rows = [dict(row) for row in cmd.rows]
    if table_digest(rows) != cmd.digest:
        raise InvalidValue("the digest does not match the published rows", digest=cmd.digest)
    if any(row.get("servant_code") is None for row in rows):
        raise InvalidValue("every published row names its servant_code")
    get_policy(cmd.policy_id, cmd.policy_version)
    agency.record(
        Agency.ResultsPublished,
        ctx,
        at,
        year=cmd.year,
        position=cmd.position,
        policy_id=cmd.policy_id,
        policy_version=cmd.policy_version,
        digest=cmd.digest,
        rows=tuple(rows),
    )
    return Outcome([agency], {"id": str(agency.id), "publication": str(len(agency.publications))})


# --- appeals (Art. 22) ----------------------------------------------------------


def _appeal(records: Records, appeal_no: str) -> Appeal:
    return records.load(Appeal, appeal_id(appeal_no), f"appeal {appeal_no}")


def _correcting(
    records: Records,
    ctx: CommandContext,
    at: datetime,
    appeal_ref: str | None,
    servant_code: str,
    command: str,
    target: str,
) -> list[Audited]:
    """The appeal a correction answers, with the correction recorded on it.

    An appeals reviewer corrects only under an open appeal assigned to them,
    about the same servant; anyone else may name an appeal too."""
    if appeal_ref is None:
        if ctx.actor.role is Role.APPEALS_REVIEWER:
            raise NotAuthorised("an appeals reviewer corrects records only under an appeal")
        return []
    appeal = _appeal(records, appeal_ref)
    check_agency(ctx, appeal.agency_code)
    if not appeal.open:
        raise InvalidState(f"appeal {appeal_ref} is already resolved")
    if appeal.servant_code != servant_code:
        raise InvalidValue(
            f"appeal {appeal_ref} concerns {appeal.servant_code}, not {servant_code}"
        )
    if ctx.actor.role is Role.APPEALS_REVIEWER and appeal.reviewer != ctx.actor.id:
        raise NotAuthorised(f"appeal {appeal_ref} is not assigned to {ctx.actor.id}")
    appeal.record(Appeal.CorrectionRecorded, ctx, at, command=command, target=target)
    return [appeal]


@handles(c.NotifyResult)
def notify_result(
    records: Records, cmd: c.NotifyResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "notify results")
    servant = _servant(records, ctx, cmd.servant)
    classification = records.find(Classification, classification_id(servant.code, cmd.year))
    if classification is None or not classification.decisions:
        raise InvalidState(f"{cmd.servant} has no decided classification for {cmd.year}")
    notified_on = cmd.notified_on or at.date()
    if notified_on > at.date():
        raise InvalidValue("a notification cannot be dated in the future")
    latest = classification.decisions[-1]
    classification.record(
        Classification.Notified, ctx, at, decision_no=latest, notified_on=notified_on
    )
    return Outcome([classification], {"id": str(classification.id), "decision_no": latest})


@handles(c.FileAppeal)
def file_appeal(records: Records, cmd: c.FileAppeal, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT,), "file appeals")
    servant = _servant(records, ctx, cmd.servant)
    if ctx.actor.id != servant.code:
        raise NotAuthorised(f"{ctx.actor.id} may not appeal for {servant.code}")
    _absent(records, Appeal, appeal_id(cmd.appeal_no), f"appeal {cmd.appeal_no}")
    classification = records.find(Classification, classification_id(servant.code, cmd.year))
    if classification is None or classification.notified is None:
        raise InvalidState(
            f"{cmd.servant} has not been notified of a classification for {cmd.year}: "
            "a petition follows the notification (Art. 22)"
        )
    decision_no, notified_on = classification.notified
    if decision_no != classification.decisions[-1]:
        raise InvalidState(
            f"decision {classification.decisions[-1]} replaced {decision_no} and has not been "
            "notified yet: a petition follows the notification (Art. 22)"
        )
    received_on = at.date()
    policy = policy_in_force(date(cmd.year, 1, 1))
    if policy.appeal_window_days is not None:
        closes = notified_on + timedelta(days=policy.appeal_window_days)
        if received_on > closes:
            raise AppealWindowClosed(
                f"the petition window closed on {closes.isoformat()} "
                f"({policy.appeal_window_days} days after notification on "
                f"{notified_on.isoformat()})",
                closed_on=closes.isoformat(),
            )
    due_on = add_working_days(
        received_on, policy.appeal_resolution_working_days, policy.public_holidays
    )
    appeal = Appeal.start(
        Appeal.Filed,
        appeal_id(cmd.appeal_no),
        ctx,
        at,
        appeal_no=cmd.appeal_no,
        servant_code=servant.code,
        agency_code=servant.placement.agency_code,
        year=cmd.year,
        decision_no=decision_no,
        grounds=cmd.grounds,
        received_on=received_on,
        due_on=due_on,
    )
    return _created(appeal, due_on=due_on.isoformat())


@handles(c.AssignAppealReviewer)
def assign_appeal_reviewer(
    records: Records, cmd: c.AssignAppealReviewer, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "assign appeal reviewers")
    appeal = _appeal(records, cmd.appeal_no)
    check_agency(ctx, appeal.agency_code)
    if not appeal.open:
        raise InvalidState(f"appeal {cmd.appeal_no} is already resolved")
    reviewer = _principal(records, cmd.reviewer)
    if reviewer.grant.role != Role.APPEALS_REVIEWER.value or reviewer.disabled:
        raise InvalidValue(f"{cmd.reviewer} is not an active appeals reviewer")
    appeal.record(Appeal.ReviewerAssigned, ctx, at, reviewer=cmd.reviewer)
    return Outcome([appeal], {"id": str(appeal.id)})


@handles(c.ResolveAppeal)
def resolve_appeal(
    records: Records, cmd: c.ResolveAppeal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.APPEALS_REVIEWER, Role.AUTHORITY), "resolve appeals")
    appeal = _appeal(records, cmd.appeal_no)
    check_agency(ctx, appeal.agency_code)
    if not appeal.open:
        raise InvalidState(f"appeal {cmd.appeal_no} is already resolved")
    if ctx.actor.role is Role.APPEALS_REVIEWER and appeal.reviewer != ctx.actor.id:
        raise NotAuthorised(f"appeal {cmd.appeal_no} is not assigned to {ctx.actor.id}")
    if cmd.outcome == "amended" and not appeal.corrections:
        raise InvalidState(
            "an amended outcome rests on corrections: record them first, naming the appeal"
        )
    if cmd.outcome == "upheld" and appeal.corrections:
        raise InvalidState(f"appeal {cmd.appeal_no} has corrections: its outcome is amended")
    appeal.record(
        Appeal.Resolved, ctx, at, outcome=cmd.outcome, reason=cmd.reason, resolved_on=at.date()
    )
    return Outcome([appeal], {"id": str(appeal.id)})


# --- personnel decisions (Art. 23(3)) --------------------------------------------


def _decision(records: Records, decision_no: str) -> PersonnelDecision:
    return records.load(
        PersonnelDecision, personnel_decision_id(decision_no), f"personnel decision {decision_no}"
    )


def _basis(
    records: Records, servant: str, years: tuple[int, ...], kind: str
) -> list[dict[str, str]]:
    """The decided classifications a decision rests on; raise unless they allow it."""
    basis = []
    for year in sorted(set(years)):
        classification = records.find(Classification, classification_id(servant, year))
        if classification is None or classification.decided_level is None:
            raise BasisDoesNotSupport(f"{servant} has no decided classification for {year}")
        allowed = policy_in_force(date(year, 1, 1)).basis_levels(kind)
        if classification.decided_level not in allowed:
            raise BasisDoesNotSupport(
                f"a {kind.replace('_', ' ')} needs a classification of {' or '.join(allowed)}; "
                f"{servant} is {classification.decided_level} for {year} "
                f"({classification.decisions[-1]})",
                year=year,
                level=classification.decided_level,
            )
        basis.append(
            {
                "year": str(year),
                "decision_no": classification.decisions[-1],
                "level": classification.decided_level,
            }
        )
    if kind == "dismissal":
        needed = policy_in_force(date(max(years), 1, 1)).dismissal_consecutive_fail_years
        last = max(years)
        if not all(
            str(year) in {b["year"] for b in basis} for year in range(last - needed + 1, last + 1)
        ):
            raise BasisDoesNotSupport(
                f"a dismissal needs {needed} consecutive years rated FAIL up to {last}"
            )
    return basis


@handles(c.ProposeDecision)
def propose_decision(
    records: Records, cmd: c.ProposeDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "propose personnel decisions")
    servant = _servant(records, ctx, cmd.servant)
    _absent(
        records,
        PersonnelDecision,
        personnel_decision_id(cmd.decision_no),
        f"personnel decision {cmd.decision_no}",
    )
    basis = _basis(records, servant.code, cmd.basis_years, cmd.kind)
    policy = policy_in_force(date(max(cmd.basis_years), 1, 1))
    decision = PersonnelDecision.start(
        PersonnelDecision.Proposed,
        personnel_decision_id(cmd.decision_no),
        ctx,
        at,
        decision_no=cmd.decision_no,
        kind=cmd.kind,
        servant_code=servant.code,
        agency_code=servant.placement.agency_code,
        basis=tuple(basis),
        reason=cmd.reason,
        policy_id=policy.policy_id,
        policy_version=policy.version,
    )
    return _created(decision)


@handles(c.ApproveDecision)
def approve_decision(
    records: Records, cmd: c.ApproveDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "approve personnel decisions")
    decision = _decision(records, cmd.decision_no)
    check_agency(ctx, decision.agency_code)
    if decision.status != "proposed":
        raise InvalidState(f"decision {cmd.decision_no} is {decision.status}, not proposed")
    if ctx.actor.id == decision.proposed_by:
        raise SamePerson(f"{ctx.actor.id} proposed {cmd.decision_no}: another person approves")
    # The basis must still allow it now, not only when it was proposed.
    _basis(records, decision.servant_code, tuple(b.year for b in decision.basis), decision.kind)
    decision.record(PersonnelDecision.Approved, ctx, at, note=cmd.note)
    return Outcome([decision], {"id": str(decision.id)})


@handles(c.ExecuteDecision)
def execute_decision(
    records: Records, cmd: c.ExecuteDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "execute personnel decisions")
    decision = _decision(records, cmd.decision_no)
    check_agency(ctx, decision.agency_code)
    if decision.status != "approved":
        raise InvalidState(f"decision {cmd.decision_no} is {decision.status}, not approved")
    decision.record(PersonnelDecision.Executed, ctx, at, executed_on=cmd.executed_on)
    return Outcome([decision], {"id": str(decision.id)})


@handles(c.ReviewDecision)
def review_decision(
    records: Records, cmd: c.ReviewDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "review personnel decisions")
    decision = _decision(records, cmd.decision_no)
    check_agency(ctx, decision.agency_code)
    if decision.status == "revoked":
        raise InvalidState(f"decision {cmd.decision_no} is revoked")
    years = {b.year for b in decision.basis}
    if {a.year for a in cmd.acknowledged} != years:
        raise InvalidValue(f"a review acknowledges every basis year: {sorted(years)}")
    for item in cmd.acknowledged:
        classification = records.find(
            Classification, classification_id(decision.servant_code, item.year)
        )
        current = (
            classification.decisions[-1] if classification and classification.decisions else None
        )
        decided = classification.decided_level if classification else None
        if item.decision_no != current or (item.decided_level or None) != decided:
            raise InvalidValue(
                f"the review must acknowledge the classification in force for {item.year}: "
                f"{current} ({decided})"
            )
    decision.record(
        PersonnelDecision.Reviewed,
        ctx,
        at,
        outcome=cmd.outcome,
        reason=cmd.reason,
        acknowledged=tuple(a.model_dump(mode="json") for a in cmd.acknowledged),
    )
    return Outcome([decision], {"id": str(decision.id)})
