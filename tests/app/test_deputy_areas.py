"""Art. 15(4): a deputy's d is judged within the area assigned to them.

«… cấp phó của người đứng đầu được đánh giá theo các tiêu chí tại khoản 3 Điều này
trong phạm vi nhiệm vụ, lĩnh vực được giao phụ trách.» The area (units and/or
servants, from a date, with its decision) is recorded with ``assign_deputy_area``;
a deputy without one keeps the reading of Art. 10 (those they may evaluate).

SNV: board BGD (GD head, PGD deputy); P1 (TP1 head, PP1 deputy, CV1, CV2 staff);
P2 (TP2 head, CV3 staff).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from domain.errors import DomainError
from projections.explain import Explainer, StoreEvents
from projections.queries import period_results_of
from projections.replay import replay
from projections.runner import Projector
from tests.app.scenario import (
    AUTHORITY,
    FULL_CRITERIA,
    HR,
    assign,
    build_agency,
    manager,
    servant,
    with_source,
)


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def work(app: MinhBach, code: str, evaluator: str, period: str, *, fail: bool = False) -> None:
    """One task in ``period``: on time with full criteria, or failed and 10 days late
    with no criteria points."""
    task = f"{code}-{period}"
    assign(app, task, to=code, by=evaluator, period=period)
    day = 20 if fail else 10
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": f"{period}-{day}"}
        ),
        servant(code),
    )
    app.execute(
        c.AssessResult(task=task, outcome="failed" if fail else "accepted"), manager(evaluator)
    )
    # The evaluator confirms the criteria (full, or none earned): an unconfirmed month
    # would be pending confirmation, not failed (Art. 17(2)).
    app.execute(
        c.ScoreCriteria.model_validate(
            {"servant": code, "period": period, "scores": {} if fail else FULL_CRITERIA}
        ),
        manager(evaluator),
    )


def area(app: MinhBach, deputy: str, effective: str, **members: Any) -> None:
    app.execute(
        c.AssignDeputyArea.model_validate(
            {"deputy": deputy, "effective_from": effective, **members}
        ),
        with_source(HR, f"QĐ phân công {deputy} {effective}"),
    )


def row(projector: Projector, code: str, period: str) -> dict[str, Any]:
    projector.catch_up()
    with projector.engine.connect() as conn:
        rows = {r["period"]: r for r in period_results_of(conn, code)}
    return rows[period]


def test_art_15_4_a_board_deputy_is_judged_on_the_units_assigned(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "PGD", "GD", "2026-03")
    work(app, "CV3", "TP2", "2026-03", fail=True)
    work(app, "CV1", "TP1", "2026-03")
    # No area recorded: a board deputy evaluates nobody, so nobody failed (as before).
    assert row(projector, "PGD", "2026-03")["d"] == "1"
    area(app, "PGD", "2026-01-01", units=["P2"])
    assert row(projector, "CV3", "2026-03")["level"] == "FAIL"
    assert row(projector, "PGD", "2026-03")["d"] == "0.5"
    # A later area of P1 only, from March: CV3 no longer counts, CV1 completed.
    area(app, "PGD", "2026-03-01", units=["P1"])
    assert row(projector, "PGD", "2026-03")["d"] == "1"


def test_art_15_4_a_unit_deputy_counts_only_the_servants_in_their_area(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "PP1", "TP1", "2026-03")
    work(app, "CV1", "TP1", "2026-03", fail=True)
    work(app, "CV2", "TP1", "2026-03")
    # No area: the unit's staff, CV1 failed.
    assert row(projector, "PP1", "2026-03")["d"] == "0.5"
    area(app, "PP1", "2026-01-01", servants=["CV2"])
    assert row(projector, "PP1", "2026-03")["d"] == "1"
    # The head's d still counts everyone in the unit.
    work(app, "TP1", "GD", "2026-03")
    assert row(projector, "TP1", "2026-03")["d"] == "0.5"


def test_art_15_4_an_area_applies_from_its_date_and_months_before_keep_the_old_one(
    app: MinhBach, projector: Projector
) -> None:
    for period in ("2026-02", "2026-03"):
        work(app, "PP1", "TP1", period)
        work(app, "CV1", "TP1", period, fail=True)
        work(app, "CV2", "TP1", period)
    area(app, "PP1", "2026-01-01", servants=["CV1"])
    area(app, "PP1", "2026-03-01", servants=["CV2"])
    assert row(projector, "PP1", "2026-02")["d"] == "0.5"  # CV1's area
    assert row(projector, "PP1", "2026-03")["d"] == "1"  # CV2's area
    # A servant's late change re-derives the deputy in charge of them, and only them.
    app.execute(
        c.AmendAssessment(task="CV2-2026-03", assessment=1, outcome="failed", reason="sai số liệu"),
        manager("TP1"),
    )
    assert row(projector, "PP1", "2026-03")["d"] == "0.5"
    rebuilt = Projector(app)
    rebuilt.rebuild()
    with rebuilt.engine.connect() as conn:
        assert {r["period"]: r["d"] for r in period_results_of(conn, "PP1")} == {
            "2026-02": "0.5",
            "2026-03": "0.5",
        }
    rebuilt.engine.dispose()


def test_art_15_4_an_area_lapses_when_the_deputy_moves_to_another_unit(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "CV3", "TP2", "2026-03", fail=True)
    work(app, "CV1", "TP1", "2026-03")
    area(app, "PP1", "2026-01-01", servants=["CV1"])
    app.execute(
        c.PlaceServant.model_validate({"servant": "PP1", "effective": "2026-02-01", "unit": "P2"}),
        HR,
    )
    work(app, "PP1", "TP2", "2026-03")
    # Deputy of P2 from February: P1's area no longer applies; P2's staff count (CV3).
    assert row(projector, "PP1", "2026-03")["d"] == "0.5"


def test_art_15_4_the_explanation_names_the_area_and_its_decision(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "PGD", "GD", "2026-03")
    work(app, "TP2", "GD", "2026-03")
    area(app, "PGD", "2026-02-01", units=["P2"])
    projector.catch_up()
    explanation = Explainer(StoreEvents(app), replay(app)).period("PGD", "2026-03")
    [step] = [s for s in explanation["sections"][0]["steps"] if s["key"] == "subordinates"]
    assert step["refs"] == ["CV3", "TP2"]  # everyone in P2, its head included
    assert step["rule"] == "Art. 15(4)"
    assert "units P2" in step["formula"] and "QĐ phân công PGD 2026-02-01" in step["formula"]


def test_art_15_4_without_an_area_the_variant_reads_the_heads_whole_area(
    app: MinhBach, projector: Projector
) -> None:
    """``deputy_without_area = head_area`` (variant ``deputy-head-area``): a board deputy
    with no area recorded is judged on the whole agency below the board."""
    work(app, "PGD", "GD", "2026-03")
    work(app, "CV3", "TP2", "2026-03", fail=True)
    assert row(projector, "PGD", "2026-03")["d"] == "1"  # default: nobody
    app.execute(
        c.AdoptPolicyVariant(
            agency="SNV", variant="deputy-head-area", effective_from=date(2026, 1, 1)
        ),
        with_source(AUTHORITY, "QĐ 5/QĐ-UBND"),
    )
    judged = row(projector, "PGD", "2026-03")
    assert (judged["d"], judged["policy_variant"]) == ("0.5", "deputy-head-area")
    area(app, "PGD", "2026-01-01", units=["P1"])  # an area recorded prevails
    assert row(projector, "PGD", "2026-03")["d"] == "1"


@pytest.mark.parametrize(
    ("deputy", "members", "code"),
    [
        ("TP1", {"units": ["P1"]}, "invalid_value"),  # a head, not a deputy
        ("PP1", {}, "invalid_value"),  # an empty area
        ("PP1", {"units": ["P2"]}, "outside_unit"),  # another unit's
        ("PP1", {"servants": ["TP1"]}, "outside_unit"),  # their own head
        ("PGD", {"units": ["BGD"]}, "outside_unit"),  # the board itself
        ("PGD", {"servants": ["GD"]}, "outside_unit"),
        ("PGD", {"units": ["P9"]}, "not_found"),
    ],
)
def test_art_15_4_an_area_outside_the_deputys_remit_is_refused(
    app: MinhBach, projector: Projector, deputy: str, members: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        area(app, deputy, "2026-01-01", **members)
    assert refused.value.code == code
    with pytest.raises(DomainError) as unreferenced:
        app.execute(
            c.AssignDeputyArea(deputy="PP1", servants=("CV1",), effective_from=date(2026, 1, 1)),
            HR,
        )
    assert unreferenced.value.code == "missing_source_document"
