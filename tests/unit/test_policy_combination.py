"""Art. 17(3), 19(1): means over months and quarters mixed in one span."""

from __future__ import annotations

from decimal import Decimal

from domain.policy import ND335_2025_V1, PeriodScore, combined_mean, mean_score, policy_variant
from domain.values import Period, PeriodKind

PER_RESULT = policy_variant("ND335-2025", "periods-per-result")


def _scores(by_code: dict[str, str | None]) -> list[PeriodScore]:
    return [
        PeriodScore(Period.parse(code), None if s is None else Decimal(s))
        for code, s in by_code.items()
    ]


def test_art_17_3_a_year_of_one_kind_is_the_plain_mean() -> None:
    months = _scores({f"2026-{m:02d}": str(60 + m) for m in range(1, 13)})
    quarters = _scores({"2026-Q1": "70", "2026-Q2": "80", "2026-Q3": None, "2026-Q4": "95.5"})
    for policy in (ND335_2025_V1, PER_RESULT):
        monthly = combined_mean(policy, 2026, range(1, 13), PeriodKind.MONTH, months)
        plain = mean_score(ND335_2025_V1, [(s.period.code, s.score) for s in months])
        assert (monthly.value.mean, monthly.steps) == (plain.value, plain.steps)
        quarterly = combined_mean(policy, 2026, range(1, 13), PeriodKind.QUARTER, quarters)
        assert quarterly.value.mean == Decimal("81.83")  # (70 + 80 + 95.5) ÷ 3
        assert quarterly.value.left_out == ("2026-Q3",)


def test_art_19_1_months_then_quarters_weigh_by_the_months_they_stand_for() -> None:
    results = _scores(
        {"2026-01": "100", "2026-02": "100", "2026-03": "100", "2026-04": "100",
        "2026-Q2": "70", "2026-Q3": "70", "2026-Q4": "70"},
    )  # fmt: skip
    year = combined_mean(ND335_2025_V1, 2026, range(1, 13), PeriodKind.QUARTER, results)
    assert year.value.mean == Decimal("80.00")  # (4 × 100 + 8 × 70) ÷ 12
    combined = next(s for s in year.steps if s.key == "periods_combined")
    assert "2026-Q2 × 2" in combined.substitution and "2026-Q3 × 3" in combined.substitution
    assert combined.rule.endswith("param period_combination")
    # The second quarter alone: April for itself, May and June by the quarter.
    q2 = combined_mean(ND335_2025_V1, 2026, range(4, 7), PeriodKind.QUARTER, results)
    assert q2.value.mean == Decimal("80.00")
    assert q2.value.used == ("2026-04", "2026-Q2")
    # Read per result, each counts once: (4 × 100 + 3 × 70) ÷ 7.
    flat = combined_mean(PER_RESULT, 2026, range(1, 13), PeriodKind.QUARTER, results)
    assert flat.value.mean == Decimal("87.14")


def test_art_19_1_quarters_then_months() -> None:
    results = _scores({"2026-Q1": "70", "2026-Q2": "100", "2026-05": "100", "2026-06": "100"})
    year = combined_mean(ND335_2025_V1, 2026, range(1, 13), PeriodKind.MONTH, results)
    assert year.value.mean == Decimal("85.00")  # (3 × 70 + 1 × 100 + 2 × 100) ÷ 6
    assert year.value.left_out == tuple(f"2026-{m:02d}" for m in range(7, 13))


def test_a_span_with_no_score() -> None:
    results = _scores({"2026-01": None, "2026-Q2": None})
    span = combined_mean(ND335_2025_V1, 2026, range(1, 7), PeriodKind.MONTH, results)
    assert span.value.mean is None
    assert span.value.used == ()
