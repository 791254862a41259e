"""One quota pool's year: every member's proposal and the quota among them (Art. 20(5–6), 21).

A pool is the servants whose EXCELLENT share is counted together for one
classifying authority (see ``domain.quota_pool``). The quota counts those
*rated* GOOD (Art. 20(5)(a)): a member's final level is their decided level
once the competent authority has decided, else what the facts propose. So:

- a member decided GOOD counts in the base, one decided EXCELLENT takes a place
  before any open candidate, one decided lower counts for neither;
- a head capped by their organisation counts as GOOD only when capped *to* GOOD;
- a head whose organisation's level is not recorded yet is pending and counts
  for neither until it is.

The proposal of a member already decided is what the facts give with that
member left open, so it can be compared with their decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from domain import errors
from domain.policy.annual import cap_by_organisation
from domain.policy.classification import Proposal, propose_annual_level
from domain.policy.fail_triggers import FailTrigger
from domain.policy.parameters import Policy
from domain.policy.period import level_for_score
from domain.policy.quota import QuotaEntry, QuotaGrant, QuotaOutcome, TieDecision, apply_quota
from domain.policy.steps import Computed
from domain.values import Level


@dataclass(frozen=True)
class PoolMember:
    """One servant's year as the pool sees it."""

    ref: str
    annual_score: Decimal | None
    classifiable: bool
    triggers: tuple[FailTrigger, ...] = ()
    is_head: bool = False  # a head of an organisation (Art. 20(6))
    organisation_level: Level | None = None  # for a head: None while not recorded
    decided: Level | None = None  # the competent authority's latest decision

    @property
    def organisation_pending(self) -> bool:
        return self.is_head and self.organisation_level is None


@dataclass(frozen=True)
class PoolFacts:
    """Everything a pool's classification rests on: the policy in force, its members,
    and the classifying authority's grant of a higher ratio and tie decision."""

    policy: Policy
    authority: str  # the agency whose head (or competent authority) classifies the pool
    group: str
    year: int
    members: tuple[PoolMember, ...]
    grant: QuotaGrant | None = None
    tie: TieDecision | None = None

    def member(self, ref: str) -> PoolMember:
        for member in self.members:
            if member.ref == ref:
                return member
        raise errors.NotFound(f"{ref} is not in the pool {self.group} of {self.authority}")

    def deciding(self, ref: str, level: Level | None) -> PoolFacts:
        """The same pool with ``ref`` decided at ``level`` (None: left open)."""
        self.member(ref)
        members = tuple(replace(m, decided=level) if m.ref == ref else m for m in self.members)
        return replace(self, members=members)


class Stage(Enum):
    """Where a member stands before the quota."""

    OUT = "out"  # not classified, or pending the organisation: no part in the quota
    CANDIDATE = "candidate"  # EXCELLENT by score, not capped below it
    RATED = "rated"  # a level without the quota (FAIL by a trigger, or by score and cap)


def stage(policy: Policy, member: PoolMember) -> tuple[Stage, Level | None]:
    """The member's stage and, when rated, the level the quota does not change."""
    if not member.classifiable:
        return Stage.OUT, None
    if member.triggers:
        return Stage.RATED, Level.FAIL
    if member.annual_score is None or member.organisation_pending:
        return Stage.OUT, None
    by_score = level_for_score(policy, member.annual_score)
    org = member.organisation_level if member.is_head else None
    if by_score is Level.EXCELLENT and org in (None, Level.EXCELLENT):
        return Stage.CANDIDATE, Level.EXCELLENT
    return Stage.RATED, cap_by_organisation(by_score, org).value


@dataclass(frozen=True)
class MemberStanding:
    ref: str
    proposal: Computed[Proposal]
    quota: Computed[QuotaOutcome] | None  # the quota behind this member's proposal
    final: Level | None  # decided, else proposed; None while not classified or pending

    @property
    def entry(self) -> QuotaEntry | None:
        """This member's place in the quota, when they are a candidate in it."""
        if self.quota is None:
            return None
        return next((e for e in self.quota.value.entries if e.ref == self.ref), None)


@dataclass(frozen=True)
class PoolStanding:
    members: Mapping[str, MemberStanding]
    quota: Computed[QuotaOutcome] | None  # every decided member fixed, the others open

    @property
    def excess(self) -> int:
        """Decided EXCELLENT above what the pool allows (0 when within its quota)."""
        return self.quota.value.excess if self.quota is not None else 0

    def count(self, level: Level) -> int:
        return sum(1 for m in self.members.values() if m.final is level)


def _quota(pool: PoolFacts, open_refs: set[str]) -> Computed[QuotaOutcome] | None:
    """The quota among the open candidates, those decided taking their places first."""
    policy = pool.policy
    candidates: list[tuple[str, Decimal]] = []
    good = fixed_excellent = 0
    for member in pool.members:
        if member.ref not in open_refs:
            good += member.decided is Level.GOOD
            fixed_excellent += member.decided is Level.EXCELLENT
            continue
        where, level = stage(policy, member)
        if where is Stage.CANDIDATE:
            assert member.annual_score is not None
            candidates.append((member.ref, member.annual_score))
        good += where is Stage.RATED and level is Level.GOOD
    if not candidates and not fixed_excellent:
        return None
    try:
        return apply_quota(policy, candidates, good, pool.grant, pool.tie, fixed_excellent)
    except errors.InvalidTieDecision:
        # The recorded tie decision no longer fits the tie (scores or decisions moved
        # since): the tie stays pending until a new decision.
        return apply_quota(policy, candidates, good, pool.grant, None, fixed_excellent)


def _propose(
    policy: Policy, member: PoolMember, quota: Computed[QuotaOutcome] | None
) -> Computed[Proposal]:
    entry = None
    if quota is not None:
        entry = next((e for e in quota.value.entries if e.ref == member.ref), None)
    return propose_annual_level(
        policy,
        member.annual_score,
        member.classifiable,
        member.triggers,
        entry,
        member.organisation_level if member.is_head else None,
        organisation_pending=member.organisation_pending,
    )


def classify_pool(pool: PoolFacts) -> PoolStanding:
    """Every member's proposal and final level, and the pool's quota."""
    undecided = {m.ref for m in pool.members if m.decided is None}
    shared = _quota(pool, undecided)
    members = {m.ref: _standing(pool, m, undecided, shared) for m in pool.members}
    return PoolStanding(members, shared)


def member_standing(pool: PoolFacts, ref: str) -> MemberStanding:
    """One member's standing, as :func:`classify_pool` gives it, without proposing a
    level for every other member (an explanation asks about one)."""
    member = next(m for m in pool.members if m.ref == ref)
    undecided = {m.ref for m in pool.members if m.decided is None}
    return _standing(pool, member, undecided, _quota(pool, undecided))


def _standing(
    pool: PoolFacts,
    member: PoolMember,
    undecided: set[str],
    shared: Computed[QuotaOutcome] | None,
) -> MemberStanding:
    quota = shared
    if member.decided is not None:
        # What the facts give this member if they were still open.
        needs_quota = stage(pool.policy, member)[0] is Stage.CANDIDATE
        quota = _quota(pool, undecided | {member.ref}) if needs_quota else None
    proposal = _propose(pool.policy, member, quota)
    final = member.decided or proposal.value.level
    return MemberStanding(member.ref, proposal, quota, final)
