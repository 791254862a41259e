"""General criteria (Art. 12, 17(2), Form 01's ten sub-criteria): the evaluator's
confirmation, scores kept per sub-criterion, and whose scores count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from domain.evaluation import PeriodEvaluation, evaluation_id
from projections.explain import Explainer, StoreEvents
from projections.replay import replay
from tests.app.old_events import fold_as_version_1
from tests.app.scenario import AUTHORITY, assign, build_agency, manager, servant

PERIOD = "2026-03"
FULL = {
    "I.1": Decimal(5),
    "I.2": Decimal(5),
    **{f"{g}.{n}": Decimal("2.5") for g in ("II", "III") for n in range(1, 5)},
}


@pytest.fixture
def agency(app: MinhBach) -> MinhBach:
    build_agency(app)
    return app


def done_on_time(app: MinhBach, task: str = "T1", code: str = "CV1") -> None:
    """One task done on time and accepted: task ratio 1, 70 points."""
    assign(app, task, to=code)
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": "2026-03-09"}
        ),
        servant(code),
    )
    app.execute(c.AssessResult(task=task, outcome="accepted"), manager("TP1"))


def row(app: MinhBach, code: str = "CV1") -> dict[str, Any]:
    return replay(app).deriver.period_rows[(code, PERIOD)]


def test_art_17_2_a_period_the_evaluator_has_not_confirmed_is_pending_not_zero(
    agency: MinhBach,
) -> None:
    done_on_time(agency)
    pending = row(agency)
    # Not 70 points (criteria counted 0): no score and no level until confirmed.
    assert (pending["status"], pending["score"], pending["level"]) == (
        "pending_confirmation",
        None,
        None,
    )
    assert "evaluator" in pending["reason_not_scorable"]
    assert pending["task_ratio"] == "1" and not pending["scorable"]
    # The servant's own scores do not confirm the period.
    agency.execute(c.SelfScoreCriteria(servant="CV1", period=PERIOD, scores=FULL), servant("CV1"))
    assert row(agency)["status"] == "pending_confirmation"
    agency.execute(c.ScoreCriteria(servant="CV1", period=PERIOD, scores=FULL), manager("TP1"))
    scored = row(agency)
    assert (scored["status"], scored["score"], scored["level"]) == ("scored", "100.00", "EXCELLENT")


def test_art_17_2_a_pending_period_is_left_out_of_the_year_and_explained(
    agency: MinhBach,
) -> None:
    done_on_time(agency)
    replayed = replay(agency)
    assert replayed.deriver.annual_rows[("CV1", 2026)]["scorable_periods"] == 0
    explanation = Explainer(StoreEvents(agency), replayed).period("CV1", PERIOD)
    steps = {s["key"]: s for s in explanation["sections"][0]["steps"]}
    assert steps["criteria_source"]["result"] == "pending_confirmation"
    assert "param criteria_source" in steps["criteria_source"]["rule"]
    assert steps["pending_confirmation"]["result"].startswith("pending confirmation")
    assert "period_score" not in steps


def test_art_17_scoring_one_sub_criterion_keeps_the_others(agency: MinhBach) -> None:
    done_on_time(agency)
    agency.execute(c.ScoreCriteria(servant="CV1", period=PERIOD, scores=FULL), manager("TP1"))
    answer = agency.execute(
        c.ScoreCriteria(servant="CV1", period=PERIOD, scores={"II.2": Decimal(1)}),
        manager("TP1"),
    )
    # 30 − 2.5 + 1: the amendment changed II.2 only.
    assert answer.result["total"] == "28.5"
    assert row(agency)["criteria_total"] == "28.5"
    evaluation = agency.load(PeriodEvaluation, evaluation_id("CV1", PERIOD), "evaluation")
    assert evaluation.scores == {**FULL, "II.2": Decimal(1)}
    # Self-scores too are kept per sub-criterion.
    agency.execute(
        c.SelfScoreCriteria(servant="CV1", period=PERIOD, scores={"I.1": Decimal(4)}),
        servant("CV1"),
    )
    agency.execute(
        c.SelfScoreCriteria(servant="CV1", period=PERIOD, scores={"I.2": Decimal(3)}),
        servant("CV1"),
    )
    evaluation = agency.load(PeriodEvaluation, evaluation_id("CV1", PERIOD), "evaluation")
    assert evaluation.self_scores == {"I.1": Decimal(4), "I.2": Decimal(3)}


def test_art_17_scores_recorded_before_version_2_still_replace_the_whole_set(
    agency: MinhBach,
) -> None:
    """Version 1 of the event carried the whole set (the command replaced it): an old
    log derives exactly what it derived when it was written."""
    done_on_time(agency)
    agency.execute(c.ScoreCriteria(servant="CV1", period=PERIOD, scores=FULL), manager("TP1"))
    agency.execute(
        c.ScoreCriteria(servant="CV1", period=PERIOD, scores={"II.2": Decimal(1)}),
        manager("TP1"),
    )
    old = fold_as_version_1(agency, PeriodEvaluation.CriteriaScored.TOPIC, ("replaces_all",))
    assert old.period_rows[("CV1", PERIOD)]["criteria_total"] == "1"
    assert row(agency)["criteria_total"] == "28.5"


def test_art_17_2_the_self_score_variant_counts_the_servants_own_scores(
    agency: MinhBach,
) -> None:
    done_on_time(agency)
    agency.execute(c.ScoreCriteria(servant="CV1", period=PERIOD, scores=FULL), manager("TP1"))
    agency.execute(
        c.AdoptPolicyVariant(
            agency="SNV", variant="criteria-self-score", effective_from=date(2026, 1, 1)
        ),
        AUTHORITY,
    )
    # Under this reading the evaluator's scores do not count: still pending.
    waiting = row(agency)
    assert (waiting["status"], waiting["policy_variant"]) == (
        "pending_confirmation",
        "criteria-self-score",
    )
    assert "self-scores" in waiting["reason_not_scorable"]
    agency.execute(
        c.SelfScoreCriteria(servant="CV1", period=PERIOD, scores={**FULL, "III.1": Decimal(0)}),
        servant("CV1"),
    )
    scored = row(agency)
    assert (scored["criteria_total"], scored["score"]) == ("27.5", "97.50")
    replayed = replay(agency)
    explanation = Explainer(StoreEvents(agency), replayed).period("CV1", PERIOD)
    steps = {s["key"]: s for s in explanation["sections"][0]["steps"]}
    assert steps["criteria_source"]["result"] == "self"
    assert "self-scores" in steps["criteria_source"]["formula"]
