"""Handlers of discipline decisions and competent conclusions (Art. 11(3), 20(4))."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.discipline import AuthorityConclusion, DisciplineDecision, conclusion_id, discipline_id
from domain.errors import (
    InvalidState,
)
from domain.handlers.appeals import correction_under_appeal
from domain.handlers.common import (
    Outcome,
    Records,
    created,
    load_servant,
    load_servant_and_agency,
    require_absent,
    require_employed_on,
)
from domain.scope import (
    check_agency,
    require_role,
    require_source,
)

DISCIPLINE_ROLES = (Role.AUTHORITY, Role.HR)


ANNULLING_ROLES = (Role.AUTHORITY, Role.APPEALS_REVIEWER)


def record_discipline(
    records: Records, cmd: c.RecordDiscipline, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, DISCIPLINE_ROLES, "record discipline decisions")
    require_source(ctx, "a discipline decision")
    servant, agency = load_servant_and_agency(records, ctx, cmd.servant, cmd.decided_on)
    require_absent(
        records, DisciplineDecision, discipline_id(cmd.decision_no), f"decision {cmd.decision_no}"
    )
    require_employed_on(servant, cmd.decided_on)
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
    return created(decision)


def annul_discipline(
    records: Records, cmd: c.AnnulDiscipline, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, ANNULLING_ROLES, "annul discipline decisions")
    require_source(ctx, "an annulment")
    decision = records.load(
        DisciplineDecision, discipline_id(cmd.decision_no), f"decision {cmd.decision_no}"
    )
    check_agency(ctx, decision.agency_code)
    appeal = correction_under_appeal(
        records, ctx, at, cmd.appeal_ref, decision.servant_code, cmd.name, cmd.decision_no
    )
    if decision.annulled:
        raise InvalidState(f"decision {cmd.decision_no} is already annulled")
    decision.record(
        DisciplineDecision.Annulled, ctx, at, reason=cmd.reason, appeal_ref=cmd.appeal_ref
    )
    return Outcome([decision, *appeal], {"id": str(decision.id)})


def record_conclusion(
    records: Records, cmd: c.RecordConclusion, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, DISCIPLINE_ROLES, "record conclusions")
    require_source(ctx, "a competent conclusion")
    servant = load_servant(records, ctx, cmd.servant)
    require_absent(
        records,
        AuthorityConclusion,
        conclusion_id(cmd.conclusion_no),
        f"conclusion {cmd.conclusion_no}",
    )
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
    return created(conclusion)


def withdraw_conclusion(
    records: Records, cmd: c.WithdrawConclusion, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, ANNULLING_ROLES, "withdraw conclusions")
    require_source(ctx, "a withdrawal")
    conclusion = records.load(
        AuthorityConclusion, conclusion_id(cmd.conclusion_no), f"conclusion {cmd.conclusion_no}"
    )
    load_servant(records, ctx, conclusion.servant_code)
    appeal = correction_under_appeal(
        records, ctx, at, cmd.appeal_ref, conclusion.servant_code, cmd.name, cmd.conclusion_no
    )
    if conclusion.withdrawn:
        raise InvalidState(f"conclusion {cmd.conclusion_no} is already withdrawn")
    conclusion.record(
        AuthorityConclusion.Withdrawn, ctx, at, reason=cmd.reason, appeal_ref=cmd.appeal_ref
    )
    return Outcome([conclusion, *appeal], {"id": str(conclusion.id)})
