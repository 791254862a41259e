"""Leniency indicators: the arithmetic of each comparison on constructed data, the
events they read from a small agency, and the demo's lenient unit found while no
ordinary unit is flagged."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from domain import commands as c
from domain.application import MinhBach
from domain.evaluation import PeriodEvaluation
from domain.policy import ND335_2025_V1
from projections.leniency import ALPHA, MIN_SERVANTS, Z_LIMIT, assess, leniency
from projections.leniency.observe import Observation
from projections.leniency.stats import binomial_upper_tail, robust_z, smoothed_rate
from projections.replay import replay
from tests.app.quarterly_agency import work
from tests.app.scenario import build_agency, manager, servant

FULL = {criterion.code: criterion.maximum for criterion in ND335_2025_V1.criteria_maxima}

# --- the two comparisons --------------------------------------------------------


def test_the_binomial_tail_is_exact() -> None:
    assert binomial_upper_tail(2, 3, Fraction(1, 2)) == Fraction(1, 2)  # 3 + 1 of 8
    assert binomial_upper_tail(0, 5, Fraction(1, 3)) == 1
    assert binomial_upper_tail(6, 5, Fraction(1, 3)) == 0
    assert binomial_upper_tail(1, 4, Fraction(0)) == 0
    assert binomial_upper_tail(4, 4, Fraction(9, 10)) == Fraction(9, 10) ** 4
    # P(X ≥ 7) for Binomial(10, 0.3) = 0.0105920784 (tables).
    assert float(binomial_upper_tail(7, 10, Fraction(3, 10))) == pytest.approx(0.0105920784)
    with pytest.raises(ValueError):
        binomial_upper_tail(1, 2, Fraction(3, 2))


def test_the_reference_rate_is_never_a_certainty() -> None:
    assert smoothed_rate(0, 99) == Fraction(1, 200)
    assert smoothed_rate(10, 10) == Fraction(21, 22)


def test_the_robust_z_is_median_and_mad() -> None:
    # median 3, absolute deviations 2, 1, 0, 1, 97: MAD 1; (10 − 3) / 1.4826.
    assert robust_z(10, [1, 2, 3, 4, 100]) == pytest.approx(7 / 1.4826)
    assert robust_z(10, [1, 2]) is None  # too few to compare with
    # The others agree: mean absolute deviation, then an infinite distance.
    assert robust_z(5, [1, 1, 1, 3]) == pytest.approx((5 - 1) / (1.2533 * 0.5))
    assert robust_z(2, [2, 2, 2]) == 0 and robust_z(3, [2, 2, 2]) == math.inf


# --- the indicators on constructed observations -------------------------------


def _observations(
    indicator: str,
    evaluator: str | None,
    unit: str,
    servants: int,
    n: int,
    successes: int,
    first: int,
) -> list[Observation]:
    return [
        Observation(
            indicator, evaluator, unit, f"{unit}-{i % servants}", i < successes, (first + i,)
        )
        for i in range(n)
    ]


def test_a_share_is_compared_with_the_others_rate() -> None:
    found = _observations("criteria_full_marks", "A", "UA", 4, 20, 20, 1000)
    for k, name in enumerate("BCD"):
        found += _observations("criteria_full_marks", name, f"U{name}", 4, 20, 2, 100 * k)
    findings = {(f.group_kind, f.group): f for f in assess(found)}
    a = findings[("evaluator", "A")]
    rate = Fraction(2 * 6 + 1, 2 * 60 + 2)  # 6 of the others' 60 at full marks
    assert (a.sample, a.servants, a.value) == (20, 4, 1.0)
    assert a.reference == pytest.approx(float(rate))
    assert a.statistic == pytest.approx(float(rate**20))
    assert a.flagged and (a.statistic or 1) < ALPHA
    assert a.positions == tuple(range(1000, 1020))  # every full mark, by its log position
    b = findings[("evaluator", "B")]
    # B gave 2 of 20 against the others' (20 + 4) of 60.
    expected = binomial_upper_tail(2, 20, Fraction(2 * 24 + 1, 122))
    assert b.statistic == pytest.approx(float(expected)) and not b.flagged
    assert findings[("unit", "UA")].flagged and not findings[("unit", "UB")].flagged


def test_a_unit_of_two_servants_is_never_flagged() -> None:
    found = _observations("self_score_unchanged", "A", "UA", 2, 200, 200, 1)
    for name in "BCD":
        found += _observations("self_score_unchanged", name, f"U{name}", 5, 50, 0, 500)
    findings = {(f.group_kind, f.group): f for f in assess(found)}
    for key in (("evaluator", "A"), ("unit", "UA")):
        assert findings[key].servants == 2 < MIN_SERVANTS
        assert not findings[key].compared and not findings[key].flagged
        assert findings[key].statistic is None


def test_a_small_sample_is_not_compared() -> None:
    found = _observations("first_assessment_accepted", "A", "UA", 3, 9, 9, 1)  # 9 < 10
    found += _observations("first_assessment_accepted", "B", "UB", 5, 50, 25, 100)
    a = next(f for f in assess(found) if f.group == "A")
    assert a.sample == 9 and not a.compared and not a.flagged


def test_a_mean_is_compared_by_its_robust_distance() -> None:
    found: list[Observation] = []
    for k, (name, value) in enumerate(
        [("A", "30"), ("B", "18"), ("C", "18.5"), ("D", "19"), ("E", "17.5")]
    ):
        found += [
            Observation("criteria_mean", name, f"U{name}", f"{name}{i % 3}", False,
                        (100 * k + i,), Decimal(value))
            for i in range(12)
        ]  # fmt: skip
    findings = {f.group: f for f in assess(found) if f.group_kind == "evaluator"}
    # Others of A: 18, 18.5, 19, 17.5 → median 18.25, MAD 0.5.
    assert findings["A"].reference == pytest.approx(18.25)
    assert findings["A"].statistic == pytest.approx((30 - 18.25) / (1.4826 * 0.5))
    assert findings["A"].flagged and (findings["A"].statistic or 0) >= Z_LIMIT
    assert findings["A"].positions == tuple(range(12))  # every score above the median
    # Others of D: 30, 18, 18.5, 17.5 → median 18.25, MAD 0.5: z ≈ 1.01.
    assert findings["D"].statistic == pytest.approx(0.75 / (1.4826 * 0.5))
    assert not findings["D"].flagged


def test_candidates_just_above_the_threshold() -> None:
    found = _observations("near_threshold", None, "UA", 3, 3, 3, 1)
    for name in "BC":
        found += _observations("near_threshold", None, f"U{name}", 4, 4, 0, 50)
    findings = {f.group: f for f in assess(found)}
    assert set(findings) == {"UA", "UB", "UC"}  # a unit indicator only
    rate = Fraction(1, 18)  # none of the other 8 candidates within 90.00–90.50
    assert findings["UA"].statistic == pytest.approx(float(rate**3))
    assert findings["UA"].flagged and not findings["UB"].flagged


# --- what the indicators read from the log --------------------------------------


def test_the_indicators_read_who_scored_what(app: MinhBach) -> None:
    build_agency(app)
    for month in (1, 2, 3, 4):
        period = f"2026-{month:02d}"
        for code in ("CV1", "CV2", "PP1"):
            work(app, f"T-{code}-{month}", code, period, "TP1")
            app.execute(
                c.SelfScoreCriteria(servant=code, period=period, scores=FULL), servant(code)
            )
            app.execute(c.ScoreCriteria(servant=code, period=period, scores=FULL), manager("TP1"))
    report = leniency(app, replay(app), "SNV", 2026)
    tp1 = {f.indicator: f for f in report.findings if f.group == "TP1"}
    full = tp1["criteria_full_marks"]
    assert (full.sample, full.servants, full.value) == (12, 3, 1.0)
    assert tp1["self_score_unchanged"].value == 1.0 and tp1["self_score_unchanged"].mean_value == 0
    assert tp1["first_assessment_accepted"].sample == 12
    assert tp1["criteria_mean"].value == 30.0
    # The events behind the full marks are the evaluator's CriteriaScored, by position.
    topics = {n.id: n.topic for n in app.recorder.select_notifications(start=1, limit=10_000)}
    assert {topics[p] for p in full.positions} == {PeriodEvaluation.CriteriaScored.TOPIC}
    assert len(full.positions) == 12
    # Nobody else scored: nothing to compare with, nothing flagged.
    assert not full.compared and report.flagged == []


# --- the demo -----------------------------------------------------------------------


def test_the_demo_lenient_unit_is_found_and_no_ordinary_unit(demo_app: MinhBach) -> None:
    from demo.agency import LENIENT_UNIT

    report = leniency(demo_app, replay(demo_app), "SNV-HN", 2026)
    assert report.flagged_groups("unit") == {LENIENT_UNIT}
    lenient_head = next(
        f.group for f in report.findings
        if f.group_kind == "evaluator" and f.indicator == "self_score_unchanged" and f.value == 1
    )  # fmt: skip
    assert report.flagged_groups("evaluator") == {lenient_head}
    flagged = {f.indicator for f in report.flagged if f.group == LENIENT_UNIT}
    assert {"criteria_full_marks", "self_score_unchanged", "late_excused"} <= flagged
    for finding in report.flagged:
        assert finding.positions and finding.compared
    # Every ordinary unit was compared on every indicator it has enough data for.
    for unit in ("TCBC", "CCHC", "VP", "TTR"):
        compared = {f.indicator for f in report.findings if f.group == unit and f.compared}
        assert {"criteria_full_marks", "self_score_unchanged", "late_excused"} <= compared


def test_the_command_lists_the_flags(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    assert main(["--database-url", demo_url, "leniency", "SNV-HN", "2026"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["indicator", "group_kind", "group"]
    groups = {line.split()[2] for line in out[1:-1]}
    assert "CCVTLT" in groups and not groups & {"BGD", "TCBC", "CCHC", "VP", "TTR"}
    assert "a flag is a question for an inspector, not a finding" in out[-1]
    assert main(["--database-url", demo_url, "leniency", "SNV-HN", "2026", "--all",
                 "--format", "csv"]) == 0  # fmt: skip
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("indicator,group_kind,group,sample") and len(rows) > 50
    assert main(["--database-url", demo_url, "leniency", "NOPE", "2026"]) == 1
    assert "not_found" in capsys.readouterr().err


def test_the_year_s_own_records_give_the_whole_log_s_report(
    demo_app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who scored what is read from the year's own evaluations and tasks, by record,
    and the facts from the agency's component of the log: the report is the one the
    whole log gives, read event by event."""
    from projections import leniency as leniency_module
    from projections.lean import LeanReader
    from projections.routed_replay import agency_replay
    from tests.app.projection_helpers import whole_log_refused

    with monkeypatch.context() as whole:  # the store read as one that cannot read by record
        whole.setattr(LeanReader, "can_select_at", False)
        expected = leniency(demo_app, replay(demo_app), "SNV-HN", 2026).as_dict()
    assert expected["findings"]
    routed = agency_replay(demo_app, ["SNV-HN"])
    assert routed is not None
    monkeypatch.setattr(leniency_module, "notifications", whole_log_refused)
    assert leniency(demo_app, routed, "SNV-HN", 2026).as_dict() == expected
