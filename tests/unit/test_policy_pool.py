"""A quota pool's year and the decision step, as pure functions (Art. 10(2), 11, 20, 21)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import errors
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.policy import (
    ND335_2025_V1,
    FailTrigger,
    PoolFacts,
    PoolMember,
    check_decided_level,
    check_proposed_level,
    classify_pool,
    member_standing,
)
from domain.quota_pool import AGENCY_HEADS, PoolKey, pool_key
from domain.servant import Placement
from domain.values import LeadershipRole, Level

P = ND335_2025_V1
TRIGGER = FailTrigger("discipline", ("KL-1",), "reprimand", "Art. 20(4)(c)")


def member(
    ref: str,
    score: str | None,
    *,
    classifiable: bool = True,
    triggers: tuple[FailTrigger, ...] = (),
    is_head: bool = False,
    organisation_level: Level | None = None,
    decided: Level | None = None,
) -> PoolMember:
    annual = Decimal(score) if score is not None else None
    return PoolMember(ref, annual, classifiable, triggers, is_head, organisation_level, decided)


def pool(*members: PoolMember) -> PoolFacts:
    return PoolFacts(P, "SNV", "chuyen-vien", 2026, members)


def goods(n: int) -> list[PoolMember]:
    return [member(f"G{i}", "80") for i in range(n)]


def levels(facts: PoolFacts) -> dict[str, Level | None]:
    return {ref: m.final for ref, m in classify_pool(facts).members.items()}


def test_art_20_5_a_a_head_capped_below_good_is_not_rated_good() -> None:
    """Art. 20(5)(a) counts those rated GOOD: a head capped to COMPLETE is not one."""
    capped = member("H", "80", is_head=True, organisation_level=Level.COMPLETE)
    assert levels(pool(member("A", "95"), *goods(4), capped))["A"] is Level.GOOD
    to_good = member("H", "80", is_head=True, organisation_level=Level.GOOD)
    assert levels(pool(member("A", "95"), *goods(4), to_good))["A"] is Level.EXCELLENT
    # A head EXCELLENT by score capped to GOOD is rated GOOD, and counts.
    top = member("H", "95", is_head=True, organisation_level=Level.GOOD)
    assert levels(pool(member("A", "95"), *goods(4), top)) == {
        "A": Level.EXCELLENT,
        **{f"G{i}": Level.GOOD for i in range(4)},
        "H": Level.GOOD,
    }


def test_art_20_5_a_decided_levels_are_final_levels() -> None:
    """A decided EXCELLENT takes its place before the open candidates; one decided
    below GOOD leaves the base."""
    decided = member("B", "80", decided=Level.EXCELLENT)
    standing = classify_pool(pool(member("A", "95"), decided, *goods(6)))
    assert standing.members["A"].final is Level.GOOD  # 1 + 1 > ⌊0.2 × 6⌋
    assert standing.quota is not None and standing.quota.value.fixed_excellent == 1
    assert standing.excess == 0
    lowered = [member("G0", "80", decided=Level.COMPLETE), *goods(5)[1:]]
    assert levels(pool(member("A", "95"), *lowered))["A"] is Level.GOOD  # 4 rated GOOD


def test_art_21_a_decided_members_proposal_is_computed_as_if_open() -> None:
    standing = classify_pool(pool(member("A", "95", decided=Level.GOOD), *goods(5)))
    assert standing.members["A"].proposal.value.level is Level.EXCELLENT
    assert standing.members["A"].final is Level.GOOD


def test_art_20_6_a_head_without_the_organisations_level_is_pending() -> None:
    head = member("H", "95", is_head=True)
    standing = classify_pool(pool(head, member("A", "95"), *goods(5)))
    proposal = standing.members["H"].proposal.value
    assert (proposal.status, proposal.reason, proposal.level) == (
        "pending_organisation",
        "organisation_level_pending",
        None,
    )
    assert standing.members["A"].final is Level.EXCELLENT  # the pending head takes no place


def test_art_20_4_no_level_above_fail_under_a_trigger() -> None:
    facts = pool(member("A", "95", triggers=(TRIGGER,)), *goods(5))
    with pytest.raises(errors.FailTriggerApplies):
        check_decided_level(facts, "A", Level.COMPLETE, "có lý do")
    assert check_decided_level(facts, "A", Level.FAIL, None).departs is False
    with pytest.raises(errors.FailTriggerApplies):  # nor proposed "not classified"
        check_proposed_level(facts, "A", None, "có lý do")


def test_art_11_1_no_level_with_under_six_months_worked() -> None:
    facts = pool(member("A", "95", classifiable=False), *goods(5))
    for level in Level:
        with pytest.raises(errors.NotClassifiable):
            check_decided_level(facts, "A", level, "có lý do")
    assert check_proposed_level(facts, "A", None, None).departs is False
    with pytest.raises(errors.NotClassifiable):
        check_proposed_level(facts, "A", Level.GOOD, "có lý do")


def test_art_20_6_no_head_above_the_organisation_nor_before_its_level() -> None:
    capped = pool(member("H", "95", is_head=True, organisation_level=Level.GOOD), *goods(5))
    with pytest.raises(errors.AboveOrganisationLevel):
        check_decided_level(capped, "H", Level.EXCELLENT, "có lý do")
    assert check_decided_level(capped, "H", Level.GOOD, None).departs is False
    pending = pool(member("H", "95", is_head=True), *goods(5))
    with pytest.raises(errors.OrganisationLevelPending):
        check_decided_level(pending, "H", Level.GOOD, "có lý do")
    with pytest.raises(errors.OrganisationLevelPending):
        check_proposed_level(pending, "H", None, "chờ")
    # FAIL is never above an organisation: a trigger settles it without the cap.
    failing = pool(member("H", "95", is_head=True, triggers=(TRIGGER,)), *goods(5))
    assert check_decided_level(failing, "H", Level.FAIL, None).departs is False


def test_art_20_5_no_decision_pushes_the_pool_over_its_quota() -> None:
    facts = pool(member("A", "95"), member("B", "94"), *goods(10))
    assert levels(facts)["B"] is Level.EXCELLENT  # ⌊0.2 × 10⌋ = 2 places for 2 candidates
    # A GOOD decided EXCELLENT (with a reason) takes a place: an open candidate moves down.
    check_decided_level(facts, "G0", Level.EXCELLENT, "sáng kiến")
    assert levels(facts.deciding("G0", Level.EXCELLENT))["B"] is Level.GOOD
    # Once both are decided EXCELLENT, a third would be over: 3 > ⌊0.2 × 9⌋.
    both = facts.deciding("A", Level.EXCELLENT).deciding("B", Level.EXCELLENT)
    with pytest.raises(errors.QuotaExceeded):
        check_decided_level(both, "G0", Level.EXCELLENT, "sáng kiến")
    # Lowering one of the GOOD is allowed while a candidate can move down instead.
    check_decided_level(facts, "G0", Level.COMPLETE, "vi phạm")
    lowered = facts.deciding("G0", Level.COMPLETE)
    assert sorted(ref for ref, level in levels(lowered).items() if level is Level.EXCELLENT) == [
        "A"
    ]
    # With both candidates decided EXCELLENT, lowering a GOOD would leave too few.
    with pytest.raises(errors.QuotaExceeded):
        check_decided_level(both, "G0", Level.COMPLETE, "vi phạm")


def test_art_20_5_a_pool_already_over_its_quota_may_only_come_down() -> None:
    """Facts that move after decisions can leave a pool over its quota (Art. 21(3) then
    asks for new decisions): no one more EXCELLENT, nothing that makes it worse."""
    over = pool(
        member("A", "95", decided=Level.EXCELLENT),
        member("B", "95", decided=Level.EXCELLENT),
        *goods(5),
    )
    assert classify_pool(over).excess == 1
    with pytest.raises(errors.QuotaExceeded):
        check_decided_level(over, "A", Level.EXCELLENT, None)  # a replacing decision
    # Lowering one of them brings the pool back; with B decided, A open would be GOOD.
    assert check_decided_level(over, "A", Level.GOOD, None).departs is False
    with pytest.raises(errors.QuotaExceeded):
        check_decided_level(over, "G0", Level.COMPLETE, "vi phạm")


def test_art_21_a_departure_from_the_computed_proposal_needs_a_reason() -> None:
    facts = pool(member("A", "95"), *goods(5))
    assert check_decided_level(facts, "A", Level.EXCELLENT, None).departs is False
    with pytest.raises(errors.DepartureWithoutReason):
        check_decided_level(facts, "A", Level.GOOD, None)
    with pytest.raises(errors.DepartureWithoutReason):
        check_decided_level(facts, "A", Level.GOOD, "   ")
    assert check_decided_level(facts, "A", Level.GOOD, "chậm tiến độ").departs is True
    with pytest.raises(errors.DepartureWithoutReason):
        check_proposed_level(facts, "A", Level.GOOD, None)


def _agency(managing: str | None) -> Agency:
    ctx, at = CommandContext(Actor("admin", Role.ADMIN)), datetime(2026, 1, 1, tzinfo=UTC)
    agency = Agency.start(
        Agency.Registered,
        agency_id("S1"),
        ctx,
        at,
        code="S1",
        name="Sở 1",
        period_kind="month",
        managing_agency=managing,
    )
    agency.record(Agency.UnitOpened, ctx, at, unit_code="BGD", name="BGD", is_leadership=True)
    return agency


def _placement(unit: str, role: LeadershipRole) -> Placement:
    return Placement(date(2026, 1, 1), "S1", unit, "giam-doc", "lanh-dao-so", role)


def test_art_10_2_a_the_head_of_an_employing_agency_is_pooled_by_the_managing_agency() -> None:
    head = _placement("BGD", LeadershipRole.HEAD)
    assert pool_key(P, head, _agency("UBND"), 2026) == PoolKey("UBND", AGENCY_HEADS, 2026)
    # A deputy, a unit head, or a head with no managing agency recorded: their agency's group.
    for placement, agency in (
        (_placement("BGD", LeadershipRole.DEPUTY), _agency("UBND")),
        (_placement("P1", LeadershipRole.HEAD), _agency("UBND")),
        (head, _agency(None)),
    ):
        assert pool_key(P, placement, agency, 2026) == PoolKey("S1", "lanh-dao-so", 2026)
    # The pooling rule is a parameter: ``own_agency`` keeps heads in their agency.
    own = P.with_changes(version=2, agency_head_pool="own_agency")
    assert pool_key(own, head, _agency("UBND"), 2026) == PoolKey("S1", "lanh-dao-so", 2026)
    with pytest.raises(ValueError, match="agency_head_pool"):
        P.with_changes(version=3, agency_head_pool="province")


_members = st.lists(
    st.builds(
        member,
        st.sampled_from([f"S{i}" for i in range(12)]),
        st.sampled_from([None, "40", "55", "70", "80", "90", "90", "95", "100"]),
        classifiable=st.booleans(),
        triggers=st.sampled_from([(), (TRIGGER,)]),
        is_head=st.booleans(),
        organisation_level=st.sampled_from([None, *Level]),
        decided=st.sampled_from([None, None, *Level]),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda m: m.ref,
)


@settings(max_examples=200, deadline=None)
@given(_members)
def test_one_member_s_standing_is_the_whole_pool_s(members: list[PoolMember]) -> None:
    """An explanation asks for one member's standing: the same as the pool's, and the
    same whatever another member's triggers say beyond that there is one."""
    facts = pool(*members)
    whole = classify_pool(facts)
    for found in members:
        assert member_standing(facts, found.ref) == whole.members[found.ref]
    recorded = [
        replace(m, triggers=tuple(replace(t, source="recorded", reason="") for t in m.triggers))
        for m in members
    ]
    for found in members:
        others = [found if m.ref == found.ref else m for m in recorded]
        assert member_standing(pool(*others), found.ref) == whole.members[found.ref]
