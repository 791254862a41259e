"""Handlers of discipline decisions and competent conclusions (Art. 11(3), 20(4))."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency, agency_id
from domain.discipline import AuthorityConclusion, DisciplineDecision, conclusion_id, discipline_id
from domain.errors import (
    InvalidState,
    InvalidValue,
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
from domain.servant import CivilServant

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
    related = _related_decision(records, cmd, servant.code)
    violation_agency = _violation_agency(records, cmd, servant)
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
        counted_year=cmd.counted_year
        or counted_year(servant, agency.code, violation_agency, cmd.violation_on, cmd.decided_on),
        agency_code=agency.code,
        related_decision=related,
        violation_agency=violation_agency,
        violation_on=cmd.violation_on,
    )
    return created(decision)


def _related_decision(records: Records, cmd: c.RecordDiscipline, servant: str) -> str | None:
    """The other decision punishing the same act (Art. 11(3)(a)): the servant's own."""
    if cmd.related_decision is None:
        return None
    if cmd.related_decision == cmd.decision_no:
        raise InvalidValue("a discipline decision cannot relate to itself")
    other = records.load(
        DisciplineDecision,
        discipline_id(cmd.related_decision),
        f"decision {cmd.related_decision}",
    )
    if other.servant_code != servant:
        raise InvalidValue(
            f"decision {cmd.related_decision} disciplines {other.servant_code}, not {servant}",
            related_decision=cmd.related_decision,
        )
    return other.decision_no


def _violation_agency(
    records: Records, cmd: c.RecordDiscipline, servant: CivilServant
) -> str | None:
    """Where the violation happened: the agency named, else the one the servant was
    placed in on the violation's date; it must be one the servant worked in then."""
    if cmd.violation_on is not None:
        if cmd.violation_on > cmd.decided_on:
            raise InvalidValue("the violation is dated after the decision")
        require_employed_on(servant, cmd.violation_on)
        there = servant.placement_on(cmd.violation_on).agency_code
        if cmd.violation_agency is not None and cmd.violation_agency != there:
            raise InvalidValue(
                f"{servant.code} worked in {there}, not {cmd.violation_agency}, "
                f"on {cmd.violation_on.isoformat()}",
                violation_agency=cmd.violation_agency,
            )
        return there
    if cmd.violation_agency is None:
        return None
    records.load(Agency, agency_id(cmd.violation_agency), f"agency {cmd.violation_agency}")
    worked = any(
        p.agency_code == cmd.violation_agency and p.effective <= cmd.decided_on
        for p in servant.placements
    )
    if not worked:
        raise InvalidValue(
            f"{servant.code} has not worked in {cmd.violation_agency}",
            violation_agency=cmd.violation_agency,
        )
    return cmd.violation_agency


def counted_year(
    servant: CivilServant,
    deciding_agency: str,
    violation_agency: str | None,
    violation_on: date | None,
    decided_on: date,
) -> int:
    """Art. 11(3)(a, c–d): the year decided; for a violation at a former organisation,
    the year it happened there (its date, else the servant's last day there)."""
    if violation_agency is None or violation_agency == deciding_agency:
        return decided_on.year
    if violation_on is not None:
        return violation_on.year
    last = date.min
    for index, placement in enumerate(servant.placements):
        if placement.agency_code != violation_agency or placement.effective > decided_on:
            continue
        later = servant.placements[index + 1 :]
        ends = later[0].effective - timedelta(days=1) if later else decided_on
        last = max(last, min(ends, decided_on))
    return last.year


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
        violation_ref=cmd.violation_ref,
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
