from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    QuotaGrant,
    QuotaVerdict,
    TieDecision,
    apply_quota,
    quota_limit,
)

P = ND335_2025_V1
OR_BETTER = P.with_changes(version=2, quota_base="good_or_better")
D = Decimal
E, G, W = QuotaVerdict.EXCELLENT, QuotaVerdict.GOOD, QuotaVerdict.PENDING


def cands(**scores: str) -> list[tuple[str, Decimal]]:
    return [(ref, D(score)) for ref, score in scores.items()]


@pytest.mark.parametrize(
    ("candidates", "good", "ratio", "good_only", "good_or_better"),
    [
        # G=10, C=5: 2 ≤ ⌊0.2 × 13⌋ = 2 but 3 > ⌊0.2 × 12⌋ = 2; ⌊0.2 × 15⌋ = 3
        (5, 10, "0.20", 2, 3),
        (1, 0, "0.20", 0, 0),  # one candidate alone: nobody GOOD, no place
        (1, 4, "0.20", 0, 1),  # ⌊0.2 × 4⌋ = 0; ⌊0.2 × 5⌋ = 1
        (1, 5, "0.20", 1, 1),  # ⌊0.2 × 5⌋ = 1
        (3, 20, "0.20", 3, 3),
        (0, 7, "0.20", 0, 0),
        (10, 0, "0.20", 1, 2),  # k=1: ⌊0.2 × 9⌋ = 1; ⌊0.2 × 10⌋ = 2
        (5, 10, "0.25", 3, 3),  # k=3: ⌊0.25 × 12⌋ = 3; ⌊0.25 × 15⌋ = 3
        (6, 30, "0.25", 6, 6),
    ],
)
def test_quota_limit_hand_computed(
    candidates: int, good: int, ratio: str, good_only: int, good_or_better: int
) -> None:
    assert quota_limit(P, candidates, good, D(ratio)).value[0] == good_only
    assert quota_limit(OR_BETTER, candidates, good, D(ratio)).value[0] == good_or_better


def test_good_only_limit_step_shows_each_trial() -> None:
    step = quota_limit(P, 5, 10, D("0.20")).steps[0]
    assert step.key == "quota_limit"
    assert step.substitution == (
        "G=10, C=5: k=5: ⌊0.20 × 10⌋ = 2 ✗; k=4: ⌊0.20 × 11⌋ = 2 ✗; "
        "k=3: ⌊0.20 × 12⌋ = 2 ✗; k=2: ⌊0.20 × 13⌋ = 2 ✓"
    )
    assert step.result == "2"


def test_candidates_beyond_the_limit_are_good_with_rank_and_limit() -> None:
    result = apply_quota(P, cands(A="95", B="94", C="93", D="92", E="91"), good_count=10)
    out = result.value
    assert (out.limit, out.base, out.base_count, out.ratio) == (2, "good_only", 13, D("0.20"))
    assert [(e.ref, e.rank, e.outcome) for e in out.entries] == [
        ("A", 1, E), ("B", 2, E), ("C", 3, G), ("D", 4, G), ("E", 5, G),
    ]  # fmt: skip
    assert out.entry("C").reason == "rank 3 beyond the limit 2: rated GOOD"
    assert out.tied_refs == ()
    assert not out.pending


def test_good_or_better_base() -> None:
    out = apply_quota(OR_BETTER, cands(A="95", B="94", C="93", D="92", E="91"), 10).value
    assert [e.outcome for e in out.entries] == [E, E, E, G, G]
    assert out.base_count == 15


def test_ranking_is_by_score_not_by_input_order() -> None:
    out = apply_quota(P, cands(E="91", A="99", C="93"), good_count=5).value
    assert [e.ref for e in out.entries] == ["A", "C", "E"]
    assert out.limit == 1
    assert out.entry("A").outcome is E


def test_granted_ratio() -> None:
    grant = QuotaGrant(D("0.25"), "QD-7/2026")
    out = apply_quota(P, cands(A="95", B="94", C="93", D="92", E="91"), 10, grant=grant)
    assert out.value.limit == 3
    assert out.value.grant_ref == "QD-7/2026"
    assert out.steps[0].refs == ("QD-7/2026",)
    with pytest.raises(errors.QuotaRatioAboveMaximum) as raised:
        apply_quota(P, cands(A="95"), 10, grant=QuotaGrant(D("0.26"), "QD-8"))
    assert isinstance(raised.value, errors.InvalidValue)
    with pytest.raises(errors.InvalidValue):
        apply_quota(P, cands(A="95"), 10, grant=QuotaGrant(D("0.10"), "QD-9"))


def test_tie_across_the_limit_is_pending_and_named() -> None:
    # k = 2; B and C tie at 93 across the limit; A is above, D and E below.
    result = apply_quota(P, cands(A="95", B="93", C="93", D="91", E="90"), good_count=10)
    out = result.value
    assert [(e.ref, e.rank, e.outcome) for e in out.entries] == [
        ("A", 1, E), ("B", 2, W), ("C", 2, W), ("D", 4, G), ("E", 5, G),
    ]  # fmt: skip
    assert out.tied_refs == ("B", "C")
    assert out.pending
    assert "1 free place(s)" in out.entry("B").reason
    tie_step = next(s for s in result.steps if s.key == "quota_tie")
    assert tie_step.result == "pending: awaiting the head's decision"


def test_tie_of_everyone() -> None:
    out = apply_quota(P, cands(A="92", B="92", C="92"), good_count=10).value
    assert out.limit == 2
    assert [e.outcome for e in out.entries] == [W, W, W]


def test_tie_within_the_limit_or_beyond_it_is_no_problem() -> None:
    within = apply_quota(P, cands(A="95", B="95", C="91"), good_count=10).value
    assert [e.outcome for e in within.entries] == [E, E, G]
    beyond = apply_quota(P, cands(A="95", B="91", C="91"), good_count=5).value
    assert beyond.limit == 1
    assert [e.outcome for e in beyond.entries] == [E, G, G]
    assert beyond.tied_refs == ()


def test_tie_decision_resolves_the_tie() -> None:
    candidates = cands(A="95", B="93", C="93", D="91", E="90")
    decision = TieDecision(frozenset({"C"}), "BB-12/2026")
    result = apply_quota(P, candidates, good_count=10, tie_decision=decision)
    out = result.value
    assert [(e.ref, e.outcome) for e in out.entries] == [
        ("A", E), ("B", G), ("C", E), ("D", G), ("E", G),
    ]  # fmt: skip
    assert out.entry("C").reason == "tied at 93, chosen by decision BB-12/2026"
    assert out.entry("B").reason == "tied at 93, not chosen by decision BB-12/2026"
    assert out.tie_decision_ref == "BB-12/2026"
    assert not out.pending
    # Choosing fewer than the free places is allowed.
    none_chosen = apply_quota(P, candidates, 10, tie_decision=TieDecision(frozenset(), "BB-13"))
    assert [e.outcome for e in none_chosen.value.entries] == [E, G, G, G, G]


@pytest.mark.parametrize("chosen", [{"B", "C"}, {"D"}, {"A"}, {"Z"}])
def test_invalid_tie_decisions(chosen: set[str]) -> None:
    candidates = cands(A="95", B="93", C="93", D="91", E="90")
    with pytest.raises(errors.InvalidTieDecision) as raised:
        apply_quota(P, candidates, 10, tie_decision=TieDecision(frozenset(chosen), "BB-1"))
    assert raised.value.code == "invalid_tie_decision"


def test_tie_decision_without_a_tie_is_not_applied() -> None:
    result = apply_quota(
        P, cands(A="95", B="94"), good_count=10, tie_decision=TieDecision(frozenset({"B"}), "BB-2")
    )
    assert [e.outcome for e in result.value.entries] == [E, E]
    assert result.value.tie_decision_ref is None
    assert result.steps[-1].result == "no tie across the limit: decision not applied"


def test_candidates_are_checked() -> None:
    with pytest.raises(errors.InvalidValue):
        apply_quota(P, cands(A="89.99"), good_count=10)
    with pytest.raises(errors.InvalidValue):
        apply_quota(P, [("A", D(95)), ("A", D(96))], good_count=10)
    with pytest.raises(errors.InvalidValue):
        apply_quota(P, cands(A="95"), good_count=-1)
    with pytest.raises(errors.NotFound):
        apply_quota(P, cands(A="95"), good_count=10).value.entry("B")
