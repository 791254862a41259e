"""The annual classification's quota pools, from the folded state (Art. 10(2), 20(5–6)).

Which years form one pool is ``domain.quota_pool.pool_key``; what a pool's
classification rests on is ``domain.policy.PoolFacts``. This module turns the
derived annual bases and the agencies into those facts, for the projections
and, through ``Deriver.pool_facts``, for the decision handlers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.policy import (
    FailTrigger,
    Policy,
    PoolFacts,
    PoolMember,
    PoolStanding,
    QuotaGrant,
    TieDecision,
    classify_pool,
    policy_in_force,
)
from domain.quota_pool import PoolKey
from domain.values import Level

Row = dict[str, Any]


def led_organisation(agency: Agency | None, basis: Row) -> str | None:
    """The unit a head leads (None: the agency itself, or not a head)."""
    if agency is None or not basis["is_head"]:
        return None
    return None if basis["unit_code"] == agency.leadership_unit() else basis["unit_code"]


def organisation_level(agency: Agency | None, basis: Row) -> Level | None:
    """Art. 20(6): the decided level of the organisation a head leads — the agency for
    its head, the unit for a unit's head; None when not recorded (or not a head)."""
    if agency is None or not basis["is_head"]:
        return None
    level = agency.organisation_levels.get((basis["year"], led_organisation(agency, basis)))
    return Level(level) if level else None


def pool_member(basis: Row, agency: Agency | None) -> PoolMember:
    """One servant's year as its pool sees it; ``agency`` is the servant's own."""
    score = basis["annual_score"]
    decided = basis["_decided"]
    return PoolMember(
        ref=basis["servant_code"],
        annual_score=Decimal(score) if score is not None else None,
        classifiable=basis["classifiable"],
        triggers=tuple(basis["_triggers"]),
        is_head=basis["is_head"],
        organisation_level=organisation_level(agency, basis),
        decided=Level(decided) if decided else None,
    )


def pool_policy(key: PoolKey, agencies: Mapping[str, Agency]) -> Policy:
    """The policy (and variant) the classifying authority's agency applies to the year."""
    authority = agencies.get(key.authority)
    day = date(key.year, 1, 1)
    return authority.policy_on(day) if authority is not None else policy_in_force(day)


def row_member(row: Row, agency: Agency | None) -> PoolMember:
    """A member as its annual row records it (a versioned row: ``projections.history``),
    to classify *another* member of the pool against. The row keeps each FAIL
    trigger's references, not its kind or reason: the quota reads only that there is
    one (such a member is rated FAIL, Art. 20(4)), never this member's own proposal."""
    basis = dict(row)
    basis["_decided"] = row["decided_level"]
    basis["_triggers"] = [
        FailTrigger("recorded", tuple(refs), "as the annual row records it", "")
        for refs in row["fail_triggers"]
    ]
    return pool_member(basis, agency)


def pool_facts(key: PoolKey, bases: Sequence[Row], agencies: Mapping[str, Agency]) -> PoolFacts:
    """The facts of one pool: its members, and the classifying authority's grant of a
    higher ratio (Art. 20(5)(b)) and tie decision for the pool."""
    members = [pool_member(b, agencies.get(b["agency_code"])) for b in bases]
    return members_facts(key, members, agencies)


def members_facts(
    key: PoolKey, members: Sequence[PoolMember], agencies: Mapping[str, Agency]
) -> PoolFacts:
    """As :func:`pool_facts`, for members already made (from bases, or from rows)."""
    authority = agencies.get(key.authority)
    granted = authority.quota_grants.get(key.year) if authority else None
    choice = authority.tie_decisions.get((key.year, key.group)) if authority else None
    return PoolFacts(
        policy=pool_policy(key, agencies),
        authority=key.authority,
        group=key.group,
        year=key.year,
        members=tuple(members),
        grant=QuotaGrant(granted[0], granted[1] or "") if granted else None,
        tie=TieDecision(frozenset(choice.excellent), choice.document_ref or "") if choice else None,
    )


def classify(key: PoolKey, bases: Sequence[Row], agencies: Mapping[str, Agency]) -> PoolStanding:
    return classify_pool(pool_facts(key, bases, agencies))
