"""Handlers of an organisation's rating under Chapter II (Art. 5–9): its work plan,
its self-assessment, the recognising authority's assessment, force majeure and
the decided level — which also becomes the organisation's level that caps its
head (Art. 20(6))."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency
from domain.base import Audited
from domain.errors import (
    AlreadyExists,
    DepartureWithoutReason,
    FailTriggerApplies,
    InvalidState,
    InvalidValue,
    NotFound,
    QuotaExceeded,
    SubordinateRatedFail,
    SubordinatesNotRated,
    VerificationOpen,
)
from domain.handlers.common import Outcome, Records, load_agency, require_unit
from domain.handlers.yearly import grant_ratio
from domain.organisation_scope import (
    criteria_in_force,
    quota_standing,
    rated_facts,
    recognising_authority,
    under,
)
from domain.organisation_year import OrganisationYear, organisation_year_id
from domain.policy.organisation import (
    ND335_2025_ORGANISATIONS,
    OrganisationFacts,
    organisation_level,
)
from domain.policy.organisation_criteria import Criterion, check_criteria, totals
from domain.policy.organisation_deadline import rating_timing
from domain.policy.steps import Computed
from domain.scope import require_role, require_source
from domain.values import Level

# The organisation's own records are kept by its agency's HR office, bound to the
# agency (a manager's scope is their unit's people, not its plan).
_SELF = (Role.HR,)


def _year(
    records: Records, cmd: c.OrganisationCommand, ctx: CommandContext, at: datetime
) -> tuple[Agency, OrganisationYear, list[Audited]]:
    """The organisation's year (opened on first use) and, for an agency with a managing
    agency here, that agency too once it learns of the year (Art. 5(1–2))."""
    agency = load_agency(records, ctx, cmd.agency)
    if cmd.unit is not None:
        require_unit(agency, cmd.unit)
        if cmd.unit == agency.leadership_unit():
            raise InvalidValue(
                f"{cmd.unit} is the board of {agency.code}: the agency itself is rated "
                f"(no unit), its head capped by the agency's level (Art. 20(6))"
            )
    found = records.find(OrganisationYear, organisation_year_id(cmd.agency, cmd.unit, cmd.year))
    if found is not None:
        return agency, found, []
    org = OrganisationYear.start(
        OrganisationYear.Opened,
        organisation_year_id(cmd.agency, cmd.unit, cmd.year),
        ctx,
        at,
        agency_code=cmd.agency,
        unit_code=cmd.unit,
        year=cmd.year,
    )
    manager = recognising_authority(records, agency, cmd.unit) if cmd.unit is None else None
    if manager is None:
        return agency, org, []
    manager.record(Agency.RatedAgencyJoined, ctx, at, year=cmd.year, agency_code=cmd.agency)
    return agency, org, [manager]


def _not_decided(org: OrganisationYear, what: str) -> None:
    if org.decisions:
        raise InvalidState(
            f"the level of {org.ref} for {org.year} is decided ({org.decisions[-1]}): "
            f"{what} would change the facts it was decided on"
        )


def _check_points(general: Decimal, tasks: Decimal) -> None:
    rules = ND335_2025_ORGANISATIONS
    if general > rules.general_max or tasks > rules.task_max:
        raise InvalidValue(
            f"points are at most {rules.general_max} general (Art. 6) and {rules.task_max} "
            f"task criteria (Art. 7), got {general} and {tasks}"
        )


def record_plan_task(
    records: Records, cmd: c.RecordPlanTask, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (*_SELF, Role.AUTHORITY), "record an organisation's work plan")
    if not cmd.completed and (cmd.on_time or cmd.exceeded):
        raise InvalidValue("a task not completed is neither on time nor exceeded")
    _, org, joined = _year(records, cmd, ctx, at)
    _not_decided(org, "a plan task")
    org.record(
        OrganisationYear.PlanTaskRecorded,
        ctx,
        at,
        task_ref=cmd.task,
        completed=cmd.completed,
        on_time=cmd.on_time,
        exceeded=cmd.exceeded,
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def self_assess_organisation(
    records: Records, cmd: c.SelfAssessOrganisation, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, _SELF, "self-assess an organisation (Art. 9(2)(a))")
    _check_points(cmd.general_points, cmd.task_points)
    _, org, joined = _year(records, cmd, ctx, at)
    _not_decided(org, "a self-assessment")
    org.record(
        OrganisationYear.SelfAssessed,
        ctx,
        at,
        general_points=cmd.general_points,
        task_points=cmd.task_points,
        proposed_level=cmd.proposed_level.value if cmd.proposed_level else None,
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def assess_organisation(
    records: Records, cmd: c.AssessOrganisation, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "assess an organisation")
    _check_points(cmd.general_points, cmd.task_points)
    agency, org, joined = _year(records, cmd, ctx, at)
    _not_decided(org, "an assessment")
    criteria = criteria_in_force(records, agency, cmd.year)
    if cmd.scores is not None:
        if criteria is None:
            raise InvalidState(f"no criteria set is in force for {org.ref} in {cmd.year}")
        sums = totals(criteria, cmd.scores)
        if sums != (cmd.general_points, cmd.task_points):
            raise InvalidValue(
                f"the scores add up to {sums[0]} general and {sums[1]} task points, "
                f"not {cmd.general_points} and {cmd.task_points}"
            )
        org.record(
            OrganisationYear.CriteriaScored,
            ctx,
            at,
            criteria_agency=criteria.agency,
            criteria_version=criteria.version,
            scores=dict(cmd.scores),
        )
    org.record(
        OrganisationYear.Assessed,
        ctx,
        at,
        general_points=cmd.general_points,
        task_points=cmd.task_points,
        failed_subordinates=tuple(cmd.failed_subordinates),
        open_shortcomings=tuple(cmd.open_shortcomings),
        violations=tuple(cmd.violations),
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def decide_force_majeure(
    records: Records, cmd: c.DecideForceMajeure, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide force majeure (Art. 8(4)(b))")
    require_source(ctx, "a force-majeure decision")
    _, org, joined = _year(records, cmd, ctx, at)
    _not_decided(org, "a force-majeure decision")
    unknown = sorted(set(cmd.excused) - set(org.tasks))
    if unknown:
        raise InvalidValue(f"excused tasks not in the work plan: {', '.join(unknown)}")
    done = [ref for ref in cmd.excused if org.tasks[ref].completed]
    if done:
        raise InvalidValue(f"completed tasks need no excuse: {', '.join(done)}")
    org.record(
        OrganisationYear.ForceMajeureDecided,
        ctx,
        at,
        reasons=cmd.reasons,
        excused=tuple(cmd.excused),
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def _facts(records: Records, org: OrganisationYear) -> OrganisationFacts:
    if org.facts() is None:
        raise InvalidState(
            f"{org.ref} is not assessed for {org.year}: the authority assesses first"
        )
    if not org.tasks:
        raise InvalidState(f"{org.ref} has no work plan task recorded for {org.year}")
    facts = rated_facts(records, org)
    if facts is None:
        raise InvalidValue(f"the work plan of {org.ref} has no task to count")
    return facts


def _ready(records: Records, agency: Agency, org: OrganisationYear) -> None:
    """Art. 9(2)(a): no decision while a verification is open; Art. 9(1): an agency
    itself after every organisation under it with a year opened is decided."""
    pending = org.open_verifications()
    if pending:
        raise VerificationOpen(
            f"{org.ref}: the verification opened on {', '.join(v.opened_ref for v in pending)} "
            "is not closed; the level is decided after it (Art. 9(2)(a))",
            opened=[v.opened_ref for v in pending],
        )
    if org.unit_code is not None:
        return
    undecided = [ref for ref, sub in under(records, agency, org.year) if not sub.decisions]
    if undecided:
        raise SubordinatesNotRated(
            f"{org.ref} is rated after the organisations under it (Art. 9(1)); "
            f"not decided yet: {', '.join(undecided)}",
            undecided=undecided,
        )


def check_organisation_level(
    facts: OrganisationFacts, level: Level, reason: str | None, quota: str | None = None
) -> Computed[Level]:
    """The decided level against the computed one: FAIL triggers and the quota are
    mandatory, any other difference needs a written reason (as for servants, Art. 21).
    ``quota``: this organisation's place when counted EXCELLENT (None: no quota)."""
    computed = organisation_level(facts)
    triggers = [s for s in computed.steps if s.key.startswith("fail_")]
    if triggers and level is not Level.FAIL:
        raise FailTriggerApplies(
            f"{facts.ref} is FAIL: {'; '.join(f'{s.label} ({s.rule})' for s in triggers)}",
            triggers=[s.key for s in triggers],
        )
    if level is Level.EXCELLENT and facts.failed_subordinates:
        raise SubordinateRatedFail(
            f"EXCELLENT for {facts.ref} needs no directly subordinate organisation rated "
            f"FAIL (Art. 8(1)(b)): {', '.join(facts.failed_subordinates)}",
            failed=list(facts.failed_subordinates),
        )
    if level is Level.EXCELLENT and quota not in (None, "excellent"):
        raise QuotaExceeded(
            f"EXCELLENT for {facts.ref} is "
            + ("tied across the limit" if quota == "pending" else "beyond the limit")
            + " of the EXCELLENT quota of the organisations its authority rates (Art. 8(5)(a))",
            place=quota,
        )
    proposed: Level | None = computed.value
    if computed.value is Level.EXCELLENT and quota == "good":
        proposed = Level.GOOD  # moved down by the quota: no reason needed
    elif computed.value is Level.EXCELLENT and quota == "pending":
        proposed = None  # the authority chooses among the tied: a reason either way
    if level is not proposed and not (reason and reason.strip()):
        shown = proposed.value if proposed else "pending (a quota tie)"
        raise DepartureWithoutReason(
            f"{level.value} for {facts.ref} departs from the computed {shown} "
            f"(Art. 8): a written reason is required",
            computed=proposed.value if proposed else None,
        )
    return computed if proposed is computed.value else Computed(proposed or level, computed.steps)


def decide_organisation_rating(
    records: Records, cmd: c.DecideOrganisationRating, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide an organisation's level")
    require_source(ctx, "an organisation's level")
    agency, org, joined = _year(records, cmd, ctx, at)
    if cmd.decision_no in org.decisions:
        raise AlreadyExists(f"decision {cmd.decision_no} is already recorded")
    facts = _facts(records, org)
    _ready(records, agency, org)
    by_conditions = organisation_level(facts).value
    quota = None
    if Level.EXCELLENT in (cmd.level, by_conditions):
        standing = quota_standing(records, agency, org)
        quota = standing.place if standing else None
    computed = check_organisation_level(facts, cmd.level, cmd.departure_reason, quota)
    org.record(
        OrganisationYear.LevelDecided,
        ctx,
        at,
        decision_no=cmd.decision_no,
        level=cmd.level.value,
        computed_level=computed.value.value,
        departure_reason=cmd.departure_reason or None,
        special_case_ref=cmd.special_case_ref,
    )
    # The decided level is the organisation's level that caps its head (Art. 20(6)).
    agency.record(
        Agency.OrganisationLevelDecided,
        ctx,
        at,
        year=cmd.year,
        unit_code=cmd.unit,
        level=cmd.level.value,
    )
    timing = rating_timing(cmd.year, at.date(), cmd.special_case_ref)
    result = {"id": str(org.id), "computed_level": computed.value.value, "timing": timing}
    return Outcome([org, agency, *joined], result)


def grant_organisation_quota_ratio(
    records: Records, cmd: c.GrantOrganisationQuotaRatio, ctx: CommandContext, at: datetime
) -> Outcome:
    return grant_ratio(
        records,
        ctx,
        at,
        cmd.agency,
        cmd.year,
        cmd.ratio,
        Agency.OrganisationQuotaRatioGranted,
        "Art. 8(5)(b)",
    )


def open_organisation_verification(
    records: Records, cmd: c.OpenOrganisationVerification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "open a verification (Art. 9(2)(a))")
    ref = require_source(ctx, "a verification (the complaint or report it opens on)")
    _, org, joined = _year(records, cmd, ctx, at)
    if ref in org.verifications:
        raise AlreadyExists(f"a verification on {ref} is already recorded for {org.ref}")
    org.record(OrganisationYear.VerificationOpened, ctx, at, kind=cmd.kind, grounds=cmd.grounds)
    return Outcome([org, *joined], {"id": str(org.id)})


def close_organisation_verification(
    records: Records, cmd: c.CloseOrganisationVerification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "close a verification (Art. 9(2)(a))")
    require_source(ctx, "the verification's report")
    _, org, joined = _year(records, cmd, ctx, at)
    opened = org.verifications.get(cmd.opened_ref)
    if opened is None:
        raise NotFound(f"no verification on {cmd.opened_ref} for {org.ref}")
    if opened.closed_ref is not None:
        raise InvalidState(f"the verification on {cmd.opened_ref} is closed ({opened.closed_ref})")
    org.record(
        OrganisationYear.VerificationClosed,
        ctx,
        at,
        opened_ref=cmd.opened_ref,
        findings=cmd.findings,
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def notify_organisation_rating(
    records: Records, cmd: c.NotifyOrganisationRating, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY, Role.HR), "notify an organisation's result")
    _, org, joined = _year(records, cmd, ctx, at)
    if cmd.decision_no not in org.decisions:
        raise NotFound(f"decision {cmd.decision_no} is not recorded for {org.ref}")
    if cmd.decision_no in org.notified:
        raise AlreadyExists(f"decision {cmd.decision_no} is already notified")
    org.record(
        OrganisationYear.RatingNotified,
        ctx,
        at,
        decision_no=cmd.decision_no,
        recipients=tuple(cmd.recipients),
    )
    return Outcome([org, *joined], {"id": str(org.id)})


def adopt_organisation_criteria(
    records: Records, cmd: c.AdoptOrganisationCriteria, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "adopt the criteria of organisations (Art. 7(2))")
    require_source(ctx, "a criteria set (the document adopting it)")
    agency = load_agency(records, ctx, cmd.agency)
    criteria = [Criterion(e.code, e.clause, e.title, e.max_points) for e in cmd.criteria]
    check_criteria(criteria)
    latest = max((s.version for s in agency.organisation_criteria), default=0)
    if cmd.version <= latest:
        raise AlreadyExists(f"{agency.code} has adopted version {latest}: a new one is above it")
    agency.record(
        Agency.OrganisationCriteriaAdopted,
        ctx,
        at,
        version=cmd.version,
        effective_year=cmd.effective_year,
        criteria=tuple((k.code, k.clause, k.title, str(k.max_points)) for k in criteria),
    )
    return Outcome([agency], {"id": str(agency.id)})
