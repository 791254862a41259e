"""Art. 11(3)(a–b) in the pure policy: one act under linked decisions, and a violation
used for a FAIL by a conclusion before any decision."""

from __future__ import annotations

from domain.policy import ND335_2025_V1 as P
from domain.policy import ConclusionFact, DisciplineFact, fail_triggers
from domain.values import ConclusionKind, DisciplineForm


def decision(
    ref: str, year: int, violation: str | None = None, related: str | None = None
) -> DisciplineFact:
    return DisciplineFact(
        ref, DisciplineForm.REPRIMAND, True, year, False, violation, related_ref=related
    )


def test_art_11_3_a_links_are_transitive_and_mix_with_violation_refs() -> None:
    facts = [
        decision("A", 2026, violation="VP-1"),
        decision("B", 2027, related="A"),  # linked to A
        decision("C", 2028, related="B"),  # linked to B, so to A
        decision("D", 2027, violation="VP-2"),  # another act
    ]
    assert fail_triggers(P, 2026, facts, [], is_leader=False).value[0].refs == ("A",)
    later = fail_triggers(P, 2027, facts, [], is_leader=False)
    assert [t.refs for t in later.value] == [("D",)]
    assert [t.refs for t in fail_triggers(P, 2028, facts, [], is_leader=False).value] == []
    [b] = [s for s in later.steps if s.refs == ("B",)]
    assert b.result == "does not count: same violation (A) already counted for 2026"
    assert "same act as A" in b.substitution


def test_art_11_3_b_only_a_conclusion_that_made_its_year_fail_uses_the_violation() -> None:
    corruption = ConclusionFact("KL", ConclusionKind.LEADER_CORRUPTION, 2026, False, "VP-1")
    later = [decision("QĐ", 2027, violation="VP-1")]
    # A leader in 2026: the conclusion made 2026 FAIL, the 2027 decision does not count.
    led = fail_triggers(P, 2027, later, [corruption], True, lambda year: year >= 2026)
    assert led.value == ()
    # A leader only from 2027: the conclusion made no FAIL in 2026, the decision counts.
    became = fail_triggers(P, 2027, later, [corruption], True, lambda year: year >= 2027)
    assert [t.refs for t in became.value] == [("QĐ",)]
    # The same year: both are triggers of that year (nothing was used before).
    same = fail_triggers(P, 2026, [decision("QĐ", 2026, violation="VP-1")], [corruption], True)
    assert sorted(t.refs for t in same.value) == [("KL",), ("QĐ",)]
