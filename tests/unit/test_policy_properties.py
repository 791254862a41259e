"""Properties of the scoring policy, checked on generated inputs (bounded for speed)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import (
    AboveOrganisationLevel,
    DepartureWithoutReason,
    DomainError,
    FailTriggerApplies,
    NotClassifiable,
    OrganisationLevelPending,
    QuotaExceeded,
)
from domain.policy import (
    ND335_2025_V1,
    FailTrigger,
    LeaderComponents,
    PoolFacts,
    PoolMember,
    QuotaGrant,
    QuotaVerdict,
    TaskOutcome,
    TieDecision,
    apply_quota,
    check_decided_level,
    classify_pool,
    level_for_score,
    period_result,
    period_score,
    task_components,
)
from domain.policy.parameters import Policy
from domain.policy.variants import all_variants
from domain.values import Level

P = ND335_2025_V1
OR_BETTER = P.with_changes(version=2, quota_base="good_or_better")
BOUNDED = settings(max_examples=200, deadline=None)
DEADLINE = date(2026, 5, 15)

units = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
half_or_full = st.sampled_from([Decimal(1), Decimal("0.5")])


@st.composite
def outcomes(draw: st.DrawFn) -> TaskOutcome:
    size = draw(units)
    done = draw(st.booleans())
    completed = draw(units) if done else Decimal(0)
    late = draw(st.integers(min_value=-5, max_value=8))
    return TaskOutcome(
        ref=f"T{draw(st.integers(0, 10**6))}",
        units=size,
        counts_in_assigned=draw(st.booleans()),
        completed_units=completed,
        failed_assessments=draw(st.integers(min_value=0, max_value=6)),
        deadline=DEADLINE,
        completed_on=DEADLINE + timedelta(days=late) if done else None,
        quality_exempt=draw(st.booleans()),
        progress_exempt=draw(st.booleans()),
    )


@st.composite
def criteria(draw: st.DrawFn) -> dict[str, Decimal]:
    return {
        c.code: draw(st.decimals(min_value=0, max_value=c.maximum, places=2, allow_nan=False))
        for c in P.criteria_maxima
    }


leaders = st.none() | st.builds(LeaderComponents, half_or_full, half_or_full, half_or_full)
task_lists = st.lists(outcomes(), min_size=1, max_size=6)


@BOUNDED
@given(task_lists, criteria(), leaders)
def test_scores_always_within_0_and_100(
    tasks: list[TaskOutcome], scores: dict[str, Decimal], leader: LeaderComponents | None
) -> None:
    result = period_result(P, tasks, scores, leader).value
    if result.scorable:
        assert result.score is not None
        assert Decimal(0) <= result.score <= Decimal(100)
        assert result.score == result.score.quantize(Decimal("0.01"))


@BOUNDED
@given(
    task_lists,
    st.none() | criteria(),
    leaders,
    st.sampled_from([P, OR_BETTER, *all_variants()]),
)
def test_a_result_without_its_explanation_is_the_same_result(
    tasks: list[TaskOutcome],
    scores: dict[str, Decimal] | None,
    leader: LeaderComponents | None,
    policy: Policy,
) -> None:
    """A rebuild derives without steps: every value equal, digit for digit."""
    explained = period_result(policy, tasks, scores, leader)
    bare = period_result(policy, tasks, scores, leader, explain=False)
    assert bare.steps == ()
    assert explained.steps
    assert repr(bare.value) == repr(explained.value)


@BOUNDED
@given(task_lists, st.data())
def test_more_completed_units_never_lower_a(tasks: list[TaskOutcome], data: st.DataObject) -> None:
    before = task_components(P, tasks).value
    index = data.draw(st.integers(min_value=0, max_value=len(tasks) - 1))
    extra = data.draw(units)
    more = list(tasks)
    more[index] = replace(
        tasks[index],
        completed_units=tasks[index].completed_units + extra,
        completed_on=tasks[index].completed_on or DEADLINE,
    )
    after = task_components(P, more).value
    if before is None:
        assert after is None
    else:
        assert after is not None
        assert after.a >= before.a


@BOUNDED
@given(task_lists, criteria(), leaders, st.data())
def test_an_exemption_never_lowers_a_score(
    tasks: list[TaskOutcome],
    scores: dict[str, Decimal],
    leader: LeaderComponents | None,
    data: st.DataObject,
) -> None:
    before = period_result(P, tasks, scores, leader).value
    index = data.draw(st.integers(min_value=0, max_value=len(tasks) - 1))
    quality = data.draw(st.booleans())
    exempted = list(tasks)
    exempted[index] = replace(
        tasks[index],
        quality_exempt=quality or tasks[index].quality_exempt,
        progress_exempt=not quality or tasks[index].progress_exempt,
    )
    after = period_result(P, exempted, scores, leader).value
    assert before.scorable == after.scorable
    if before.score is not None:
        assert after.score is not None
        assert after.score >= before.score


candidate_scores = st.sampled_from(["90.00", "91.25", "93.00", "95.50", "99.99", "100.00"])


@st.composite
def peer_groups(draw: st.DrawFn) -> list[tuple[str, Decimal]]:
    count = draw(st.integers(min_value=0, max_value=25))
    return [(f"S{i:02d}", Decimal(draw(candidate_scores))) for i in range(count)]


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


@BOUNDED
@given(
    peer_groups(),
    st.integers(min_value=0, max_value=120),
    st.sampled_from([None, Decimal("0.20"), Decimal("0.22"), Decimal("0.25")]),
)
def test_the_quota_is_never_exceeded(
    candidates: list[tuple[str, Decimal]], good: int, granted: Decimal | None
) -> None:
    grant = QuotaGrant(granted, "QD") if granted is not None else None
    for policy in (P, OR_BETTER):
        out = apply_quota(policy, candidates, good, grant=grant).value
        k, ratio, c = out.limit, out.ratio, len(candidates)
        excellent = sum(1 for e in out.entries if e.outcome is QuotaVerdict.EXCELLENT)
        assert excellent <= k <= c
        if policy.quota_base == "good_only":
            assert k <= _floor(ratio * (good + c - k))
            assert k == c or k + 1 > _floor(ratio * (good + c - k - 1))  # k is the largest
            # Whatever happens to the pending ones, every non-EXCELLENT counts as GOOD.
            assert excellent <= _floor(ratio * (good + c - excellent))
        else:
            assert k == min(c, _floor(ratio * (good + c)))


@BOUNDED
@given(peer_groups(), st.integers(min_value=0, max_value=60))
def test_the_tie_rule_never_picks_among_tied_candidates(
    candidates: list[tuple[str, Decimal]], good: int
) -> None:
    out = apply_quota(P, candidates, good).value
    by_score: dict[Decimal, set[QuotaVerdict]] = {}
    for entry in out.entries:
        by_score.setdefault(entry.score, set()).add(entry.outcome)
    assert all(len(verdicts) == 1 for verdicts in by_score.values())
    pending = {e.ref for e in out.entries if e.outcome is QuotaVerdict.PENDING}
    assert pending == set(out.tied_refs)


@BOUNDED
@given(peer_groups(), st.integers(min_value=0, max_value=60), st.data())
def test_a_valid_tie_decision_fills_at_most_the_free_places(
    candidates: list[tuple[str, Decimal]], good: int, data: st.DataObject
) -> None:
    first = apply_quota(P, candidates, good).value
    if not first.tied_refs:
        return
    above = sum(1 for e in first.entries if e.outcome is QuotaVerdict.EXCELLENT)
    free = first.limit - above
    chosen = data.draw(
        st.lists(st.sampled_from(first.tied_refs), unique=True, min_size=0, max_size=free)
    )
    decided = apply_quota(P, candidates, good, tie_decision=TieDecision(frozenset(chosen), "BB"))
    verdicts = {e.ref: e.outcome for e in decided.value.entries}
    assert QuotaVerdict.PENDING not in verdicts.values()
    assert {r for r in first.tied_refs if verdicts[r] is QuotaVerdict.EXCELLENT} == set(chosen)
    assert sum(v is QuotaVerdict.EXCELLENT for v in verdicts.values()) <= first.limit


scores = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@BOUNDED
@given(scores, scores)
def test_rounding_then_thresholding_is_monotone(x: Decimal, y: Decimal) -> None:
    low, high = sorted((x, y))
    assert level_for_score(P, high).rank <= level_for_score(P, low).rank


ratios = st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False)


@BOUNDED
@given(ratios, ratios, st.decimals(min_value=0, max_value=30, places=2, allow_nan=False))
def test_period_score_is_monotone_in_the_task_ratio(r1: Decimal, r2: Decimal, c: Decimal) -> None:
    low, high = sorted((r1, r2))
    assert period_score(P, c, low).value <= period_score(P, c, high).value


# --- the decision step (Art. 11, 20, 21) ---------------------------------------

TRIGGER = FailTrigger("discipline", ("KL-1",), "reprimand", "Art. 20(4)(c)")
# Few distinct scores, so that ties across the limit happen.
annual_scores = st.sampled_from(["45", "60", "75", "85", "89.99", "90", "92", "95", "95"])
NAMED_REFUSALS = (
    NotClassifiable,
    FailTriggerApplies,
    OrganisationLevelPending,
    AboveOrganisationLevel,
    QuotaExceeded,
    DepartureWithoutReason,
)


@st.composite
def pools(draw: st.DrawFn) -> PoolFacts:
    members = []
    for i in range(draw(st.integers(min_value=1, max_value=14))):
        head = draw(st.integers(0, 4)) == 0
        scored = draw(st.integers(0, 9)) != 0  # now and then no scorable period
        members.append(
            PoolMember(
                ref=f"S{i:02d}",
                annual_score=Decimal(draw(annual_scores)) if scored else None,
                classifiable=draw(st.integers(0, 7)) != 0,
                triggers=(TRIGGER,) if draw(st.integers(0, 7)) == 0 else (),
                is_head=head,
                organisation_level=draw(st.none() | st.sampled_from(Level)) if head else None,
            )
        )
    policy = draw(st.sampled_from([P, OR_BETTER]))
    return PoolFacts(policy, "SNV", "chuyen-vien", 2026, tuple(members))


decisions = st.lists(
    st.tuples(st.integers(0, 13), st.sampled_from(Level), st.booleans()), max_size=20
)


def _rated_within_the_quota(facts: PoolFacts) -> None:
    """Counting final levels (a pending tie counts as GOOD, what it is if nobody is
    chosen): EXCELLENT ≤ ratio × those rated GOOD (or GOOD and better)."""
    standing = classify_pool(facts)
    finals = [m.final for m in standing.members.values()]
    pending = sum(m.proposal.value.status == "pending_tie" for m in standing.members.values())
    excellent = finals.count(Level.EXCELLENT)
    good = finals.count(Level.GOOD) + pending
    ratio = facts.policy.quota_ratio
    base = good if facts.policy.quota_base == "good_only" else good + excellent
    assert standing.excess == 0
    assert excellent <= _floor(ratio * base)


@BOUNDED
@given(pools(), decisions)
def test_decisions_within_and_against_the_hard_rules(
    facts: PoolFacts, wanted: list[tuple[int, Level, bool]]
) -> None:
    """Whatever the authority tries: nothing above FAIL under a trigger, no level under
    6 months, no head above their organisation, the quota held on final levels, and a
    departure from the computed proposal only with a reason."""
    _rated_within_the_quota(facts)
    for index, level, reasoned in wanted:
        ref = facts.members[index % len(facts.members)].ref
        try:
            check = check_decided_level(facts, ref, level, "lý do" if reasoned else None)
        except DomainError as error:
            assert isinstance(error, NAMED_REFUSALS)
            continue
        assert reasoned or not check.departs
        facts = facts.deciding(ref, level)
        for member in facts.members:
            if member.decided is None:
                continue
            assert member.classifiable
            assert not member.triggers or member.decided is Level.FAIL
            if member.is_head and member.decided is not Level.FAIL:
                assert member.organisation_level is not None
                assert member.decided.rank >= member.organisation_level.rank
        _rated_within_the_quota(facts)


@BOUNDED
@given(pools(), st.lists(st.integers(0, 13), max_size=14))
def test_deciding_the_computed_proposal_is_never_refused(
    facts: PoolFacts, order: list[int]
) -> None:
    """The computed proposal, decided in any order, one after another, always passes."""
    for index in order:
        ref = facts.members[index % len(facts.members)].ref
        proposal = classify_pool(facts).members[ref].proposal.value
        if proposal.level is None:
            continue
        assert check_decided_level(facts, ref, proposal.level, None).departs is False
        facts = facts.deciding(ref, proposal.level)
        _rated_within_the_quota(facts)
