"""Handlers of personnel decisions (Art. 23(3)): a proposal on a checked basis, four eyes,
execution and review."""

from __future__ import annotations

from datetime import date, datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.classification import Classification, classification_id
from domain.errors import (
    AlreadyExists,
    BasisDoesNotSupport,
    InvalidState,
    InvalidValue,
    SamePerson,
)
from domain.handlers.common import (
    Outcome,
    Records,
    agency_of_numbered,
    created,
    find_numbered,
    load_servant,
    require_numbered,
)
from domain.personnel import (
    PersonnelDecision,
    legacy_personnel_decision_id,
    personnel_decision_id,
)
from domain.policy import policy_in_force
from domain.scope import (
    check_agency,
    require_role,
)


def _find(records: Records, decision_no: str, agencies: list[str]) -> PersonnelDecision | None:
    return find_numbered(
        records,
        PersonnelDecision,
        decision_no,
        agencies,
        personnel_decision_id,
        legacy_personnel_decision_id,
    )


def _decision(
    records: Records, ctx: CommandContext, decision_no: str, agency: str | None
) -> PersonnelDecision:
    """The decision of that number in the agency named (or the actor's own)."""
    agencies = agency_of_numbered(ctx, agency)
    found = _find(records, decision_no, agencies)
    return require_numbered(found, agencies, f"personnel decision {decision_no}")


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


def propose_decision(
    records: Records, cmd: c.ProposeDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "propose personnel decisions")
    servant = load_servant(records, ctx, cmd.servant)
    agency = servant.placement.agency_code
    if _find(records, cmd.decision_no, [agency]) is not None:
        raise AlreadyExists(f"personnel decision {cmd.decision_no} already exists in {agency}")
    basis = _basis(records, servant.code, cmd.basis_years, cmd.kind)
    policy = policy_in_force(date(max(cmd.basis_years), 1, 1))
    decision = PersonnelDecision.start(
        PersonnelDecision.Proposed,
        personnel_decision_id(agency, cmd.decision_no),
        ctx,
        at,
        decision_no=cmd.decision_no,
        kind=cmd.kind,
        servant_code=servant.code,
        agency_code=agency,
        basis=tuple(basis),
        reason=cmd.reason,
        policy_id=policy.policy_id,
        policy_version=policy.version,
    )
    return created(decision)


def approve_decision(
    records: Records, cmd: c.ApproveDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "approve personnel decisions")
    decision = _decision(records, ctx, cmd.decision_no, cmd.agency)
    check_agency(ctx, decision.agency_code)
    if decision.status != "proposed":
        raise InvalidState(f"decision {cmd.decision_no} is {decision.status}, not proposed")
    if ctx.actor.id == decision.proposed_by:
        raise SamePerson(f"{ctx.actor.id} proposed {cmd.decision_no}: another person approves")
    # The basis must still allow it now, not only when it was proposed.
    _basis(records, decision.servant_code, tuple(b.year for b in decision.basis), decision.kind)
    decision.record(PersonnelDecision.Approved, ctx, at, note=cmd.note)
    return Outcome([decision], {"id": str(decision.id)})


def execute_decision(
    records: Records, cmd: c.ExecuteDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "execute personnel decisions")
    decision = _decision(records, ctx, cmd.decision_no, cmd.agency)
    check_agency(ctx, decision.agency_code)
    if decision.status != "approved":
        raise InvalidState(f"decision {cmd.decision_no} is {decision.status}, not approved")
    decision.record(PersonnelDecision.Executed, ctx, at, executed_on=cmd.executed_on)
    return Outcome([decision], {"id": str(decision.id)})


def review_decision(
    records: Records, cmd: c.ReviewDecision, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "review personnel decisions")
    decision = _decision(records, ctx, cmd.decision_no, cmd.agency)
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
