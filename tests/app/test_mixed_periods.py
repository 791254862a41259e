"""Art. 19(1): a servant who moves between a monthly and a quarterly agency keeps the old
agency's results in the new agency's annual mean (Art. 17(3): the mean of the months).

Each task below is done on time (70 points); ``criteria=True`` adds the full 30.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from projections.queries import annual_classification, period_results_of
from projections.runner import Projector
from tests.app.quarterly_agency import FULL_CRITERIA, build_quarterly_agency, work
from tests.app.scenario import AUTHORITY, HR, build_agency, manager


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    build_quarterly_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def _year(projector: Projector, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    projector.catch_up()
    with projector.engine.connect() as conn:
        row = annual_classification(conn, code, 2026)
        periods = period_results_of(conn, code, 2026)
    assert row is not None
    return row, periods


def monthly_then_quarterly(app: MinhBach) -> None:
    """CV1: January–April at the monthly SNV (100 each), then SNQ from 1 May (70 a quarter)."""
    for month in range(1, 5):
        work(app, f"M{month}", "CV1", f"2026-{month:02d}", "TP1", criteria=True)
    app.execute(
        c.PlaceServant(servant="CV1", effective=date(2026, 5, 1), agency="SNQ", unit="PQ"), HR
    )
    work(app, "Q2", "CV1", "2026-Q2", "GQ", on=date(2026, 5, 4))
    for quarter in (3, 4):
        work(app, f"Q{quarter}", "CV1", f"2026-Q{quarter}", "GQ")


def test_art_19_1_months_of_a_monthly_agency_count_after_moving_to_a_quarterly_one(
    app: MinhBach, projector: Projector
) -> None:
    monthly_then_quarterly(app)
    row, periods = _year(projector, "CV1")
    assert [p["period"] for p in periods] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-Q2", "2026-Q3", "2026-Q4",
    ]  # fmt: skip
    # Each month stands for itself; Q2 for May and June only; Q3 and Q4 for 3 months each:
    # (4 × 100 + 2 × 70 + 3 × 70 + 3 × 70) ÷ 12 = 80.
    assert row["annual_score"] == "80.00"
    assert row["scorable_periods"] == 7
    assert row["agency_code"] == "SNQ"
    assert row["level_by_score"] == "GOOD"


def test_art_19_1_a_quarter_left_for_a_monthly_agency_stays_with_the_old_agency(
    app: MinhBach, projector: Projector
) -> None:
    """CV2 starts at the quarterly SNQ (Q1 at 70; April's Q2 at 100), moves to the monthly
    SNV on 1 May (May and June at 100). Without the quarters the year would be a wrong
    EXCELLENT (100)."""
    app.execute(
        c.PlaceServant(servant="CV2", effective=date(2026, 1, 1), agency="SNQ", unit="PQ"), HR
    )
    work(app, "Q1", "CV2", "2026-Q1", "GQ")
    work(app, "Q2", "CV2", "2026-Q2", "GQ")
    app.execute(
        c.PlaceServant(servant="CV2", effective=date(2026, 5, 1), agency="SNV", unit="P1"), HR
    )
    # The old agency's head still scores the quarter it evaluated, after the move.
    app.execute(
        c.ScoreCriteria(servant="CV2", period="2026-Q2", scores=FULL_CRITERIA), manager("GQ")
    )
    for month in (5, 6):
        work(app, f"M{month}", "CV2", f"2026-{month:02d}", "TP1", criteria=True)
    row, periods = _year(projector, "CV2")
    by_period = {p["period"]: p for p in periods}
    assert by_period["2026-Q2"]["agency_code"] == "SNQ"
    assert by_period["2026-Q2"]["score"] == "100.00"
    # Q1 for 3 months, Q2 for April, May and June for themselves: (3 × 70 + 3 × 100) ÷ 6.
    assert row["annual_score"] == "85.00"
    assert row["agency_code"] == "SNV"
    assert row["level_by_score"] == "GOOD"


def test_art_19_1_per_result_variant_counts_each_result_once(
    app: MinhBach, projector: Projector
) -> None:
    monthly_then_quarterly(app)
    app.execute(
        c.AdoptPolicyVariant(
            agency="SNQ", variant="periods-per-result", effective_from=date(2026, 1, 1)
        ),
        AUTHORITY,
    )
    row, _ = _year(projector, "CV1")
    # (4 × 100 + 3 × 70) ÷ 7 = 87.142857… → 87.14
    assert row["annual_score"] == "87.14"
    assert (row["policy_id"], row["policy_version"], row["policy_variant"]) == (
        "ND335-2025",
        1,
        "periods-per-result",
    )
