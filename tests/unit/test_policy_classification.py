from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    FailTrigger,
    QuotaEntry,
    QuotaVerdict,
    departs_from_proposal,
    propose_annual_level,
)
from domain.values import Level

P = ND335_2025_V1
D = Decimal
TRIGGER = FailTrigger("discipline", ("K1",), "disciplined (reprimand) for V1", "Art. 20(4)(c)")


def entry(verdict: QuotaVerdict, score: str = "95.00") -> QuotaEntry:
    return QuotaEntry("S1", D(score), 1, verdict, "test")


def test_not_classifiable_comes_first() -> None:
    result = propose_annual_level(P, D("95.00"), False, [TRIGGER], None, None)
    assert result.value.level is None
    assert (result.value.status, result.value.reason) == (
        "not_classified",
        "not_classified_time_worked",
    )


def test_fail_trigger_beats_any_score() -> None:
    result = propose_annual_level(P, D("95.00"), True, [TRIGGER], None, None)
    p = result.value
    assert (p.level, p.reason, p.level_by_score) == (Level.FAIL, "fail_trigger", Level.EXCELLENT)
    assert result.steps[0].refs == ("K1",)
    # Without any score too.
    assert propose_annual_level(P, None, True, [TRIGGER], None, None).value.level is Level.FAIL


def test_no_score_is_not_classified() -> None:
    p = propose_annual_level(P, None, True, [], None, None).value
    assert (p.level, p.status, p.reason) == (None, "not_classified", "not_classified_no_score")


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("89.99", Level.GOOD),
        ("70.00", Level.GOOD),
        ("69.99", Level.COMPLETE),
        ("49.99", Level.FAIL),
    ],
)
def test_thresholds(score: str, level: Level) -> None:
    p = propose_annual_level(P, D(score), True, [], None, None).value
    assert (p.level, p.status, p.reason) == (level, "proposed", "score")


def test_quota_outcomes() -> None:
    kept = propose_annual_level(P, D("95.00"), True, [], entry(QuotaVerdict.EXCELLENT), None)
    assert (kept.value.level, kept.value.reason) == (Level.EXCELLENT, "score")
    moved = propose_annual_level(P, D("95.00"), True, [], entry(QuotaVerdict.GOOD), None)
    assert (moved.value.level, moved.value.reason) == (Level.GOOD, "quota")
    pending = propose_annual_level(P, D("95.00"), True, [], entry(QuotaVerdict.PENDING), None)
    assert (pending.value.level, pending.value.status) == (None, "pending_tie")
    assert pending.value.reason == "quota_tie_pending"


def test_excellent_needs_a_matching_quota_entry() -> None:
    with pytest.raises(errors.InvalidValue):
        propose_annual_level(P, D("95.00"), True, [], None, None)
    with pytest.raises(errors.InvalidValue):
        propose_annual_level(P, D("95.00"), True, [], entry(QuotaVerdict.EXCELLENT, "96.00"), None)


def test_head_cap_after_quota() -> None:
    p = propose_annual_level(
        P, D("95.00"), True, [], entry(QuotaVerdict.EXCELLENT), Level.GOOD
    ).value
    assert (p.level, p.reason) == (Level.GOOD, "organisation_cap")
    same = propose_annual_level(
        P, D("95.00"), True, [], entry(QuotaVerdict.EXCELLENT), Level.EXCELLENT
    ).value
    assert (same.level, same.reason) == (Level.EXCELLENT, "score")
    lower = propose_annual_level(P, D("75.00"), True, [], None, Level.EXCELLENT).value
    assert (lower.level, lower.reason) == (Level.GOOD, "score")


def test_head_capped_below_excellent_needs_no_quota_and_is_never_pending() -> None:
    p = propose_annual_level(P, D("95.00"), True, [], None, Level.COMPLETE).value
    assert (p.level, p.reason) == (Level.COMPLETE, "organisation_cap")
    tied = propose_annual_level(
        P, D("95.00"), True, [], entry(QuotaVerdict.PENDING), Level.GOOD
    ).value
    assert (tied.level, tied.status) == (Level.GOOD, "proposed")


def test_departs_from_proposal() -> None:
    assert not departs_from_proposal(Level.GOOD, Level.GOOD)
    assert departs_from_proposal(Level.GOOD, Level.EXCELLENT)
    assert departs_from_proposal(None, Level.GOOD)
    assert not departs_from_proposal(None, None)
