"""Read models on SQLite and PostgreSQL: contents, late events, read-your-writes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from domain import commands as c
from domain.application import MinhBach
from projections.queries import (
    SORTS,
    PageFilters,
    annual_classification,
    period_results_of,
    standings,
    standings_from_rows,
)
from projections.runner import Projector
from tests.app.projection_helpers import view_rows
from tests.app.scenario import (
    AUTHORITY,
    HR,
    assign,
    build_agency,
    log_size,
    manager,
    servant,
    with_source,
)

FULL_CRITERIA = {
    code: Decimal(value)
    for code, value in (
        ("I.1", "5"),
        ("I.2", "5"),
        *((f"{group}.{n}", "2.5") for group in ("II", "III") for n in range(1, 5)),
    )
}


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def complete(
    app: MinhBach, task: str, by: str, evaluator: str, on: str, outcome: str = "accepted"
) -> None:
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": on}
        ),
        servant(by),
    )
    app.execute(c.AssessResult(task=task, outcome=outcome), manager(evaluator))


def month(
    app: MinhBach, code: str, evaluator: str, period: str = "2026-03", late_days: int = 0
) -> None:
    """One task done on time (or late) and full criteria for ``code`` in ``period``."""
    task = f"{code}-{period}"
    assign(app, task, to=code, by=evaluator, period=period)
    done = date(int(period[:4]), int(period[5:]), 10 + late_days).isoformat()
    complete(app, task, code, evaluator, done)
    app.execute(
        c.ScoreCriteria(servant=code, period=period, scores=FULL_CRITERIA), manager(evaluator)
    )


def test_period_and_annual_rows(app: MinhBach, projector: Projector) -> None:
    month(app, "CV1", "TP1", late_days=2)
    position = projector.catch_up()
    assert position == log_size(app)
    with projector.engine.connect() as conn:
        [row] = period_results_of(conn, "CV1", 2026)
        year = annual_classification(conn, "CV1", 2026)
    # On time in quantity and quality; two days late: progress 1 − 2 × 25% = 0.5.
    assert (row["a"], row["b"], row["c"]) == ("1", "1", "0.5")
    assert row["score"] == "88.33" and row["level"] == "GOOD"
    assert (row["policy_id"], row["policy_version"]) == ("ND335-2025", 1)
    assert year is not None
    assert year["annual_score"] == "88.33" and year["proposed_level"] == "GOOD"
    assert projector.status().lag == 0


def test_read_your_writes(app: MinhBach, projector: Projector) -> None:
    projector.catch_up()
    result = assign(app, "T1", to="CV1", by="TP1")
    assert result.position is not None
    assert projector.status().lag > 0
    assert projector.ensure(result.position) >= result.position
    with projector.engine.connect() as conn:
        assert [r["period"] for r in period_results_of(conn, "CV1")] == ["2026-03"]


def test_an_amended_assessment_re_derives_everything_it_touches(
    app: MinhBach, projector: Projector
) -> None:
    # Everyone in P1 has a good month; CV1's result is failed once, then accepted.
    month(app, "PP1", "TP1")
    month(app, "CV2", "TP1")
    assign(app, "CV1-T", to="CV1", by="TP1")
    complete(app, "CV1-T", "CV1", "TP1", "2026-03-09", outcome="failed")
    complete(app, "CV1-T", "CV1", "TP1", "2026-03-09")
    app.execute(c.ScoreCriteria(servant="CV1", period="2026-03", scores={}), manager("TP1"))
    month(app, "TP1", "GD")
    projector.catch_up()
    with projector.engine.connect() as conn:
        [cv1] = period_results_of(conn, "CV1")
        [tp1] = period_results_of(conn, "TP1")
    # No criteria, quality 75%: 70 × (1 + 0.75 + 1) / 3 = 64.17 → COMPLETE; the head's d stays 1.
    assert (cv1["b"], cv1["score"], cv1["level"]) == ("0.75", "64.17", "COMPLETE")
    assert tp1["d"] == "1"

    # The manager finds the first assessment wrong: it is amended to accepted.
    app.execute(
        c.AmendAssessment(task="CV1-T", assessment=1, outcome="accepted", reason="kiến nghị"),
        with_source(manager("TP1"), "QĐ 7/QĐ-SNV"),
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        [cv1] = period_results_of(conn, "CV1")
        cv1_year = annual_classification(conn, "CV1", 2026)
    # quality back to 1: 70 × 3 / 3 = 70.00 → GOOD, and so the year.
    assert (cv1["b"], cv1["score"], cv1["level"]) == ("1", "70.00", "GOOD")
    assert cv1_year is not None
    assert (cv1_year["annual_score"], cv1_year["proposed_level"]) == ("70.00", "GOOD")

    # Amending the second assessment to failed: submission 1 stays accepted, one failure.
    app.execute(
        c.AmendAssessment(task="CV1-T", assessment=2, outcome="failed", reason="sai số liệu"),
        manager("TP1"),
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        [cv1] = period_results_of(conn, "CV1")
        [tp1] = period_results_of(conn, "TP1")
    assert (cv1["a"], cv1["b"], cv1["score"], cv1["level"]) == ("1", "0.75", "64.17", "COMPLETE")
    assert tp1["d"] == "1"


def test_a_failing_subordinate_halves_the_leaders_d_and_amendment_restores_it(
    app: MinhBach, projector: Projector
) -> None:
    month(app, "TP1", "GD")
    assign(app, "CV1-T", to="CV1", by="TP1")
    complete(app, "CV1-T", "CV1", "TP1", "2026-03-20", outcome="failed")  # 10 days late, failed
    complete(app, "CV1-T", "CV1", "TP1", "2026-03-20")
    app.execute(c.ScoreCriteria(servant="CV1", period="2026-03", scores={}), manager("TP1"))
    projector.catch_up()
    with projector.engine.connect() as conn:
        [cv1] = period_results_of(conn, "CV1")
        [tp1] = period_results_of(conn, "TP1")
    assert cv1["level"] == "FAIL"
    assert tp1["d"] == "0.5"
    app.execute(
        c.ConfirmObjectiveCause(task="CV1-T", scope="both", reason="thiếu số liệu của Bộ"),
        with_source(manager("TP1"), "CV 12/BNV"),
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        [cv1] = period_results_of(conn, "CV1")
        [tp1] = period_results_of(conn, "TP1")
    # Both deductions waived: quality and progress 1, no criteria: 70.00 → GOOD.
    assert (cv1["b"], cv1["c"], cv1["score"], cv1["level"]) == ("1", "1", "70.00", "GOOD")
    assert tp1["d"] == "1"


def test_an_annulled_discipline_decision_lifts_its_fail(
    app: MinhBach, projector: Projector
) -> None:
    month(app, "CV1", "TP1")
    app.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": "KL-1",
                "servant": "CV1",
                "form": "reprimand",
                "public_service_related": True,
                "decided_on": "2026-06-01",
            }
        ),
        with_source(AUTHORITY, "QĐ 9/QĐ-UBND"),
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        year = annual_classification(conn, "CV1", 2026)
    assert year is not None
    assert (year["proposed_level"], year["reason"]) == ("FAIL", "fail_trigger")
    assert year["fail_triggers"] == [["KL-1"]]
    assert year["level_by_score"] == "EXCELLENT"  # what the score alone would give

    app.execute(c.AnnulDiscipline(decision_no="KL-1", reason="sai thẩm quyền"), AUTHORITY)
    projector.catch_up()
    with projector.engine.connect() as conn:
        year = annual_classification(conn, "CV1", 2026)
    assert year is not None
    # The FAIL is lifted; EXCELLENT by score, but alone in the peer group with no one
    # rated GOOD, the quota (20% of 0) moves the servant down to GOOD.
    assert (year["proposed_level"], year["reason"], year["fail_triggers"]) == ("GOOD", "quota", [])
    assert view_rows(projector)["pj_discipline_register"][0]["annulled"] is True


def test_the_quota_re_derives_for_the_whole_peer_group(app: MinhBach, projector: Projector) -> None:
    """CV1, CV2, CV3 (one peer group) are EXCELLENT by score; PP1 is GOOD.
    good_only: k ≤ ⌊0.2 × (1 + 3 − k)⌋ → k = 0: all three are moved down, until
    four more GOOD servants join the group."""
    for code, evaluator in (("CV1", "TP1"), ("CV2", "TP1"), ("CV3", "TP2")):
        month(app, code, evaluator)
    month(app, "PP1", "TP1", late_days=2)
    projector.catch_up()
    with projector.engine.connect() as conn:
        rows, _total = standings(conn, "SNV", 2026, peer_group="chuyen-vien")
    by_code = {r["servant_code"]: r for r in rows}
    assert all(by_code[c]["quota_verdict"] == "GOOD" for c in ("CV1", "CV2", "CV3"))
    assert by_code["CV1"]["quota_limit"] == 0 and by_code["CV1"]["reason"] == "quota"
    assert by_code["CV1"]["tied_with"] == []

    # Four more GOOD servants: ⌊0.2 × (5 + 3 − 1)⌋ = 1 — but CV1..CV3 tie at the top.
    for code in ("N1", "N2", "N3", "N4"):
        app.execute(
            c.RegisterServant.model_validate(
                {
                    "code": code,
                    "full_name": code,
                    "agency": "SNV",
                    "unit": "P2",
                    "position": "chuyen-vien",
                    "employed_from": "2020-01-01",
                }
            ),
            HR,
        )
        month(app, code, "TP2", late_days=2)
    projector.catch_up()
    with projector.engine.connect() as conn:
        rows, _ = standings(conn, "SNV", 2026, peer_group="chuyen-vien")
    by_code = {r["servant_code"]: r for r in rows}
    assert {c: by_code[c]["status"] for c in ("CV1", "CV2", "CV3")} == dict.fromkeys(
        ("CV1", "CV2", "CV3"), "pending_tie"
    )
    assert by_code["CV1"]["tied_with"] == ["CV1", "CV2", "CV3"]
    assert by_code["CV1"]["proposed_level"] is None

    app.execute(
        c.DecideQuotaTie(
            agency="SNV",
            year=2026,
            peer_group="chuyen-vien",
            tied=("CV1", "CV2", "CV3"),
            excellent=("CV2",),
        ),
        with_source(manager("GD"), "BB 4/BB-SNV"),
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        rows, _ = standings(conn, "SNV", 2026, peer_group="chuyen-vien")
    levels = {r["servant_code"]: r["proposed_level"] for r in rows}
    assert (levels["CV1"], levels["CV2"], levels["CV3"]) == ("GOOD", "EXCELLENT", "GOOD")


def test_rebuild_gives_the_same_rows(app: MinhBach, projector: Projector) -> None:
    month(app, "CV1", "TP1")
    month(app, "TP1", "GD", late_days=1)
    projector.catch_up()
    before = view_rows(projector)
    assert projector.rebuild() == log_size(app)
    assert view_rows(projector) == before


def test_standings_of_every_shape_equal_the_same_listing_computed_in_memory(
    app: MinhBach, projector: Projector
) -> None:
    """The standings' statements are built once per shape with bound parameters:
    each shape, with any values, answers what the in-memory listing does."""
    for code, evaluator in (("CV1", "TP1"), ("CV2", "TP1"), ("CV3", "TP2")):
        month(app, code, evaluator)
    month(app, "PP1", "TP1", late_days=2)
    projector.catch_up()
    annual = view_rows(projector)["pj_annual_classifications"]
    assert len(annual) >= 4
    with projector.engine.connect() as conn:
        for unit, peer_group, level in itertools.product(
            (None, "P1", "P2"), (None, "chuyen-vien"), (None, "GOOD", "EXCELLENT")
        ):
            for sort, descending in itertools.product(SORTS, (None, True, False)):
                for limit, offset in ((100, 0), (2, 1)):
                    asked: PageFilters = {
                        "unit": unit,
                        "peer_group": peer_group,
                        "level": level,
                        "sort": sort,
                        "descending": descending,
                        "limit": limit,
                        "offset": offset,
                    }
                    found = standings(conn, "SNV", 2026, **asked)
                    assert found == standings_from_rows(annual, "SNV", 2026, **asked), asked
        assert standings(conn, "SNV", 2025) == ([], 0)
