"""Handlers of a period's evaluation (Art. 12, 15, 17): general criteria and leader components."""

from __future__ import annotations

from datetime import date, datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency, agency_id
from domain.errors import (
    InvalidState,
    NotAuthorised,
)
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.handlers.appeals import correction_under_appeal
from domain.handlers.common import (
    EVALUATOR_ROLES,
    Outcome,
    Records,
    acting_manager,
    load_servant_and_agency,
    parse_period,
    require_employed_in,
)
from domain.policy import criteria_total, validate_leader_component
from domain.scope import (
    check_evaluator,
    require_role,
)
from domain.servant import CivilServant, servant_id
from domain.values import LeadershipRole, Period


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
) -> tuple[CivilServant, Agency, Period, date]:
    """The servant, the agency the period's result belongs to, the period, and the day
    it is judged on (a quarter left for a monthly agency stays with the old agency)."""
    period = parse_period(period_code)
    servant = records.load(CivilServant, servant_id(servant_code), f"civil servant {servant_code}")

    def evaluates_by(code: str) -> str | None:
        found = records.find(Agency, agency_id(code))
        return found.period_kind if found else None

    _, day = servant.period_placement(period, evaluates_by)
    servant, agency = load_servant_and_agency(records, ctx, servant_code, day)
    return servant, agency, period, day


def self_score_criteria(
    records: Records, cmd: c.SelfScoreCriteria, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT,), "self-score the general criteria")
    servant, agency, period, _ = _scored_period(records, ctx, cmd.servant, cmd.period)
    if ctx.actor.id != servant.code:
        raise NotAuthorised(f"{ctx.actor.id} may not self-score for {servant.code}")
    require_employed_in(servant, period)
    criteria_total(agency.policy_on(period.first_day), cmd.scores)
    evaluation = _evaluation(records, servant, period, ctx, at)
    evaluation.record(
        PeriodEvaluation.CriteriaSelfScored, ctx, at, scores=dict(cmd.scores), replaces_all=False
    )
    return Outcome([evaluation], {"id": str(evaluation.id)})


def score_criteria(
    records: Records, cmd: c.ScoreCriteria, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (*EVALUATOR_ROLES, Role.APPEALS_REVIEWER), "score the general criteria")
    servant, agency, period, day = _scored_period(records, ctx, cmd.servant, cmd.period)
    if ctx.actor.role is not Role.APPEALS_REVIEWER:
        check_evaluator(ctx, acting_manager(records, ctx), servant, agency, day)
    appeal = correction_under_appeal(
        records, ctx, at, cmd.appeal_ref, servant.code, cmd.name, period.code
    )
    require_employed_in(servant, period)
    policy = agency.policy_on(period.first_day)
    criteria_total(policy, cmd.scores)
    evaluation = _evaluation(records, servant, period, ctx, at)
    evaluation.record(
        PeriodEvaluation.CriteriaScored, ctx, at, scores=dict(cmd.scores), replaces_all=False
    )
    # The total of every sub-criterion scored so far, this command's and earlier ones'.
    total = criteria_total(policy, evaluation.scores)
    return Outcome([evaluation, *appeal], {"id": str(evaluation.id), "total": str(total.value)})


def score_leader_component(
    records: Records, cmd: c.ScoreLeaderComponent, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, EVALUATOR_ROLES, "score leader components")
    servant, agency, period, day = _scored_period(records, ctx, cmd.servant, cmd.period)
    check_evaluator(ctx, acting_manager(records, ctx), servant, agency, day)
    require_employed_in(servant, period)
    if servant.placement_on(day).leadership is LeadershipRole.STAFF:
        raise InvalidState(f"{servant.code} is not a head or deputy in {period.code}")
    value = validate_leader_component(agency.policy_on(period.first_day), cmd.value)
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
