"""Handlers of the year's decisions (Art. 19–21): organisation level, quota, ties,
proposals, decisions and the publication of results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency
from domain.classification import Classification, classification_id
from domain.errors import (
    AlreadyExists,
    InvalidState,
    InvalidValue,
    MissingSourceDocument,
    NotAuthorised,
    OutsideEmployment,
)
from domain.handlers.appeals import correction_under_appeal
from domain.handlers.common import (
    Outcome,
    Records,
    acting_manager,
    load_agency,
    load_servant,
    require_unit,
)
from domain.organisation_year import OrganisationYear, organisation_year_id
from domain.policy import (
    PoolFacts,
    check_decided_level,
    check_proposed_level,
    get_policy,
    policy_in_force,
)
from domain.publication import table_digest
from domain.quota_pool import PoolKey, QuotaPool, quota_pool_id
from domain.scope import (
    require_role,
    require_source,
)
from domain.servant import CivilServant
from domain.values import LeadershipRole, Level


def decide_organisation_level(
    records: Records, cmd: c.DecideOrganisationLevel, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide organisation levels")
    require_source(ctx, "an organisation's level")
    agency = load_agency(records, ctx, cmd.agency)
    if cmd.unit is not None:
        require_unit(agency, cmd.unit)
    # A level rated under Chapter II rests on its points and conditions (Art. 8): a
    # typed-in level may not overwrite it; a new rating decision replaces it.
    rated = records.find(OrganisationYear, organisation_year_id(cmd.agency, cmd.unit, cmd.year))
    if rated is not None and rated.decisions:
        raise InvalidState(
            f"the level of {rated.ref} for {cmd.year} was rated by decision "
            f"{rated.decisions[-1]} (Art. 8): it is changed by a new rating decision"
        )
    agency.record(
        Agency.OrganisationLevelDecided,
        ctx,
        at,
        year=cmd.year,
        unit_code=cmd.unit,
        level=cmd.level.value,
    )
    return Outcome([agency], {"id": str(agency.id)})


def grant_quota_ratio(
    records: Records, cmd: c.GrantQuotaRatio, ctx: CommandContext, at: datetime
) -> Outcome:
    return grant_ratio(
        records, ctx, at, cmd.agency, cmd.year, cmd.ratio, Agency.QuotaRatioGranted, "Art. 20(5)(b)"
    )


def grant_ratio(
    records: Records,
    ctx: CommandContext,
    at: datetime,
    agency_code: str,
    year: int,
    ratio: Decimal,
    granted: type[Agency.Event],
    article: str,
) -> Outcome:
    """A higher EXCELLENT ratio granted by the authority on its document, within the
    policy's ceiling: for servants (Art. 20(5)(b)) or for organisations (Art. 8(5)(b))."""
    require_role(ctx, (Role.AUTHORITY,), "grant a higher quota ratio")
    require_source(ctx, "a quota-ratio grant")
    agency = load_agency(records, ctx, agency_code)
    policy = policy_in_force(date(year, 1, 1))
    if not policy.quota_ratio < ratio <= policy.quota_ratio_max:
        raise InvalidValue(
            f"a granted ratio must be above {policy.quota_ratio} and at most "
            f"{policy.quota_ratio_max} ({article}), got {ratio}",
            ratio=str(ratio),
        )
    agency.record(granted, ctx, at, year=year, ratio=ratio)
    return Outcome([agency], {"id": str(agency.id)})


def decide_quota_tie(
    records: Records, cmd: c.DecideQuotaTie, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY, Role.MANAGER), "decide quota ties")
    require_source(ctx, "a quota tie decision")
    agency = load_agency(records, ctx, cmd.agency)
    if ctx.actor.role is Role.MANAGER:
        head = acting_manager(records, ctx)
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


def _pool_facts(records: Records, servant: str, year: int) -> PoolFacts:
    """The derived facts the level is checked against (Art. 11, 20, 21)."""
    facts = records.pool_facts(servant, year)
    if facts is None:
        raise InvalidState(f"nothing is derived for {servant} in {year} yet")
    return facts


def _level_text(level: Level | None) -> str | None:
    return level.value if level is not None else None


def propose_classification(
    records: Records, cmd: c.ProposeClassification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR,), "propose classifications")
    servant = load_servant(records, ctx, cmd.servant)
    if not servant.employed_during(date(cmd.year, 1, 1), date(cmd.year, 12, 31)):
        raise OutsideEmployment(f"{servant.code} was not employed in {cmd.year}")
    # HR proposes the computed level, or departs from it with a reason (Art. 21(1)(d)).
    check = check_proposed_level(
        _pool_facts(records, servant.code, cmd.year), servant.code, cmd.level, cmd.departure_reason
    )
    classification = _classification(records, servant, cmd.year, ctx, at)
    classification.record(
        Classification.Proposed,
        ctx,
        at,
        level=_level_text(cmd.level),
        annual_score=str(cmd.annual_score) if cmd.annual_score is not None else None,
        basis=cmd.basis,
        computed_level=_level_text(check.computed.value.level),
        departure_reason=cmd.departure_reason or None,
    )
    return Outcome([classification], {"id": str(classification.id)})


def decide_classification(
    records: Records, cmd: c.DecideClassification, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "decide classifications")
    servant = load_servant(records, ctx, cmd.servant)
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
    # Against the same facts the projections derive: the mandatory rules, the pool's
    # quota on final levels, and the computed proposal (not HR's) for the reason.
    facts = _pool_facts(records, servant.code, cmd.year)
    check = check_decided_level(facts, servant.code, cmd.level, cmd.departure_reason)
    leader = any(p.leadership.is_leader for p in servant.placements)
    if leader and not cmd.party_committee_ref:
        raise MissingSourceDocument(
            "a head's or deputy's classification needs the Party committee's view (Art. 21)"
        )
    appeal = correction_under_appeal(
        records, ctx, at, cmd.appeal_ref, servant.code, cmd.name, cmd.decision_no
    )
    # Decisions in one pool are saved one after another: a concurrent decision
    # checked against the same standing of the pool conflicts here and is re-checked.
    key = PoolKey(facts.authority, facts.group, facts.year)
    pool = records.find(QuotaPool, quota_pool_id(key)) or QuotaPool.open(key, ctx, at)
    pool.record(
        QuotaPool.DecisionCounted,
        ctx,
        at,
        servant_code=servant.code,
        decision_no=cmd.decision_no,
        level=cmd.level.value,
    )
    classification.record(
        Classification.Decided,
        ctx,
        at,
        decision_no=cmd.decision_no,
        level=cmd.level.value,
        proposed_level=classification.proposed_level,
        minutes_ref=cmd.minutes_ref,
        party_committee_ref=cmd.party_committee_ref,
        departure_reason=cmd.departure_reason or None,
        replaces=cmd.replaces,
        computed_level=_level_text(check.computed.value.level),
    )
    return Outcome([classification, pool, *appeal], {"id": str(classification.id)})


def publish_results(
    records: Records, cmd: c.PublishResults, ctx: CommandContext, at: datetime
) -> Outcome:
    return _publish(records, cmd, ctx, at, Agency.ResultsPublished, "servant_code")


def publish_organisation_results(
    records: Records, cmd: c.PublishOrganisationResults, ctx: CommandContext, at: datetime
) -> Outcome:
    return _publish(records, cmd, ctx, at, Agency.OrganisationResultsPublished, "organisation")


def _publish(
    records: Records,
    cmd: c.PublishResults,
    ctx: CommandContext,
    at: datetime,
    event: type[Agency.ResultsPublished],
    key: str,
) -> Outcome:
    """A table published as computed: the digest must be that of its rows, each row
    names what it is about, and the policy is one that exists."""
    require_role(ctx, (Role.HR, Role.AUTHORITY), "publish results")
    require_source(ctx, "a publication (the notice that publishes it)")
    agency = load_agency(records, ctx, cmd.agency)
    rows = [dict(row) for row in cmd.rows]
    if table_digest(rows, key) != cmd.digest:
        raise InvalidValue("the digest does not match the published rows", digest=cmd.digest)
    if any(row.get(key) is None for row in rows):
        raise InvalidValue(f"every published row names its {key}")
    get_policy(cmd.policy_id, cmd.policy_version)
    agency.record(
        event,
        ctx,
        at,
        year=cmd.year,
        position=cmd.position,
        policy_id=cmd.policy_id,
        policy_version=cmd.policy_version,
        digest=cmd.digest,
        rows=tuple(rows),
    )
    number = len(event.kept(agency))
    return Outcome([agency], {"id": str(agency.id), "publication": str(number)})
