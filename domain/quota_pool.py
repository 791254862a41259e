"""Quota pools: which servants share one EXCELLENT quota, for which classifying authority.

Art. 20(5)(a) counts the EXCELLENT share "within one agency and within each
group of civil servants with similar tasks". Art. 10(2) says who classifies:
the head of the employing agency classifies its servants, the head of the
managing agency classifies the heads of the employing agencies under it. A
pool is therefore (classifying authority, group, year):

- everyone but the head of an employing agency: (their agency, their peer group);
- the head of an employing agency, with ``agency_head_pool = managing_agency``
  (the default): (the managing agency, ``AGENCY_HEADS``) — the heads that one
  authority classifies, across its agencies, rather than a group of one where
  20% of nobody rated GOOD is always 0. With ``own_agency``, or when no managing
  agency is recorded, the head stays in their own agency's peer group.

The ``QuotaPool`` aggregate records every classification decision taken in a
pool, one after another: two decisions checked against the same standing of
the pool cannot both be saved (the second is retried on the new standing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.actors import CommandContext
from domain.agency import Agency
from domain.base import AggregateCreated, Audited, stable_id
from domain.policy import Policy
from domain.servant import Placement
from domain.values import LeadershipRole

AGENCY_HEADS = "nguoi-dung-dau"  # the heads of employing agencies one managing agency classifies


@dataclass(frozen=True, order=True)
class PoolKey:
    authority: str  # the agency whose head (or competent authority) classifies the pool
    group: str
    year: int


def heads_an_agency(placement: Placement, agency: Agency | None) -> bool:
    """The head of an employing agency: the head of its board (Art. 10(1)(a))."""
    return (
        agency is not None
        and placement.leadership is LeadershipRole.HEAD
        and placement.unit_code == agency.leadership_unit()
    )


def pool_key(policy: Policy, placement: Placement, agency: Agency | None, year: int) -> PoolKey:
    """The pool a servant's year is classified in (Art. 10(2), 20(5))."""
    if (
        agency is not None
        and agency.managing_agency
        and policy.agency_head_pool == "managing_agency"
        and heads_an_agency(placement, agency)
    ):
        return PoolKey(agency.managing_agency, AGENCY_HEADS, year)
    return PoolKey(placement.agency_code, placement.peer_group, year)


def quota_pool_id(key: PoolKey) -> UUID:
    return stable_id("quota-pool", key.authority, key.group, str(key.year))


class QuotaPool(Audited):
    TOPIC = "minhbach.quota_pool:QuotaPool"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.quota_pool:Opened"
        authority: str
        group: str
        year: int

        def apply(self, pool: QuotaPool) -> None:
            pool.key = PoolKey(self.authority, self.group, self.year)
            pool.decisions = []

    class DecisionCounted(Audited.Event):
        """A classification decision taken in the pool, after the quota was checked."""

        TOPIC = "minhbach.quota_pool:DecisionCounted"
        servant_code: str
        decision_no: str
        level: str

        def apply(self, pool: QuotaPool) -> None:
            pool.decisions.append((self.decision_no, self.servant_code, self.level))

    def __init__(self) -> None:
        self.key = PoolKey("", "", 0)
        self.decisions: list[tuple[str, str, str]] = []  # (decision, servant, level)

    @classmethod
    def open(cls, key: PoolKey, ctx: CommandContext, at: datetime) -> QuotaPool:
        return cls.start(
            cls.Opened,
            quota_pool_id(key),
            ctx,
            at,
            authority=key.authority,
            group=key.group,
            year=key.year,
        )
