"""What a proposed or decided level may be (Art. 11(1), 11(3)(a), 20(4–6), 21).

The competent authority decides (Art. 21(1)(d)); the software computes the
proposal. A level other than the computed proposal is a departure and needs a
written reason. Where the decree is mandatory there is no departure at all:

- no level for a servant with under 6 months worked (Art. 11(1), "không xếp loại");
- nothing above FAIL when a FAIL trigger applies (Art. 11(3)(a), 20(4));
- no head above their organisation, nor before its level is recorded (Art. 20(6));
- for a decision: no pool over its EXCELLENT quota, counting final levels (Art. 20(5)).

Both checks run the same ``classify_pool`` the projections run, on the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import errors
from domain.policy.classification import Proposal
from domain.policy.pool import PoolFacts, PoolMember, classify_pool
from domain.policy.steps import Computed
from domain.values import Level


@dataclass(frozen=True)
class LevelCheck:
    computed: Computed[Proposal]  # what the facts give (the member left open)
    departs: bool  # the level checked differs from the computed proposal


def _name(level: Level | None) -> str:
    return level.value if level is not None else "not classified"


def _pending(member: PoolMember, year: int) -> None:
    raise errors.OrganisationLevelPending(
        f"the level of the organisation {member.ref} heads is not recorded for {year}: "
        f"a head's level may not be higher than their organisation's (Art. 20(6))",
        servant=member.ref,
    )


def _fail_trigger(member: PoolMember, year: int) -> None:
    raise errors.FailTriggerApplies(
        f"{member.ref} is FAIL for {year} whatever the score: "
        f"{'; '.join(t.reason for t in member.triggers)} (Art. 11(3)(a), 20(4))",
        servant=member.ref,
        triggers=[ref for t in member.triggers for ref in t.refs],
    )


def _mandatory(member: PoolMember, level: Level, year: int) -> None:
    if not member.classifiable:
        raise errors.NotClassifiable(
            f"{member.ref} worked under 6 months in {year}: not classified "
            f"(Art. 11(1): «không xếp loại chất lượng»)",
            servant=member.ref,
        )
    if member.triggers and level is not Level.FAIL:
        _fail_trigger(member, year)
    if member.organisation_pending and level is not Level.FAIL:
        _pending(member, year)
    org = member.organisation_level if member.is_head else None
    if org is not None and level.rank < org.rank:
        raise errors.AboveOrganisationLevel(
            f"{member.ref} heads an organisation rated {org.value} for {year}: "
            f"{level.value} is higher (Art. 20(6): «không cao hơn mức xếp loại chất lượng "
            f"của tổ chức đó»)",
            servant=member.ref,
            organisation_level=org.value,
        )


def _departure(
    member: PoolMember, computed: Computed[Proposal], level: Level | None, reason: str | None
) -> LevelCheck:
    proposed = computed.value
    departs = level is not proposed.level
    if departs and not (reason and reason.strip()):
        waiting = {
            "pending_tie": " (a quota tie awaits the head's decision)",
            "pending_organisation": " (the organisation's level awaits its decision)",
        }.get(proposed.status, "")
        raise errors.DepartureWithoutReason(
            f"{_name(level)} for {member.ref} departs from the computed proposal "
            f"{_name(proposed.level)}{waiting}: a written reason is required (Art. 21)",
            servant=member.ref,
            computed=proposed.level.value if proposed.level else None,
        )
    return LevelCheck(computed, departs)


def check_proposed_level(
    pool: PoolFacts, ref: str, level: Level | None, reason: str | None
) -> LevelCheck:
    """HR's proposal: the computed one, or a departure with a reason, never against
    the mandatory rules."""
    member = pool.member(ref)
    if level is not None:
        _mandatory(member, level, pool.year)
    elif member.classifiable and member.triggers:
        _fail_trigger(member, pool.year)  # "not classified" is no way around it either
    computed = classify_pool(pool).members[ref].proposal
    if computed.value.status == "pending_organisation":
        _pending(member, pool.year)  # whatever HR would propose: the cap is not known
    return _departure(member, computed, level, reason)


def check_decided_level(pool: PoolFacts, ref: str, level: Level, reason: str | None) -> LevelCheck:
    """The competent authority's decision, checked against the mandatory rules, the
    pool's quota counted on final levels, and the computed proposal."""
    member = pool.member(ref)
    _mandatory(member, level, pool.year)
    before = classify_pool(pool)
    after = classify_pool(pool.deciding(ref, level))
    # Over the quota only when facts moved after earlier decisions: then no one more
    # EXCELLENT, and nothing that makes it worse.
    if after.excess and (level is Level.EXCELLENT or after.excess > before.excess):
        quota = after.quota.value if after.quota else None
        raise errors.QuotaExceeded(
            f"{level.value} for {ref} would put the pool {pool.group} of {pool.authority} "
            f"over its EXCELLENT quota for {pool.year}: {after.count(Level.EXCELLENT)} "
            f"EXCELLENT against {after.count(Level.GOOD)} GOOD at ratio "
            f"{quota.ratio if quota else pool.policy.quota_ratio} (Art. 20(5))",
            servant=ref,
            excess=after.excess,
        )
    return _departure(member, before.members[ref].proposal, level, reason)
