"""The facts that decided a classification (the explanation's ``findings``), what
each event behind it changed in the scores (``score_trail``), and how a reader
compares two moments (``changes``)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest

from domain.application import MinhBach
from projections.explain import Explainer, StoreEvents
from projections.findings import changes
from projections.replay import replay
from projections.score_trail import score_trail
from projections.signing import generate
from tests.app.scenario import FULL_CRITERIA, build_agency, work
from tests.app.test_decision_rules import decide, org_level, propose
from tests.app.test_projection_properties import History
from tests.audit.evidence_world import World, record_year
from tests.e2e.test_http_roles import make_world, month_done, ok

YEAR = 2026


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    recorded = record_year(app, generate())
    yield recorded
    recorded.ledger.engine.dispose()


def _year(world: World, servant: str) -> dict[str, Any]:
    return Explainer(StoreEvents(world.app), replay(world.app)).year(servant, YEAR)


def test_a_reprimand_is_the_finding_that_fails_the_year(world: World) -> None:
    explained = _year(world, "CV1")
    assert explained["result"]["proposed_level"] == "FAIL"
    first = explained["findings"][0]
    assert first["kind"] == "discipline"
    assert first["decision_no"] == "KL-7"
    assert first["form"] == "reprimand"
    assert first["decided_on"] == "2026-04-02"
    assert first["public_service_related"] is True
    assert first["rule"].startswith("Art. 20(4)")
    # The finding points at the decision's own events, which carry its document.
    documents = {ref["position"]: ref["source_ref"] for ref in explained["inputs"]}
    assert first["events"] and {documents[p] for p in first["events"]} == {"QĐ 7/QĐ-UBND"}
    # The score is still stated, after the rule that overrode it.
    kinds = [f["kind"] for f in explained["findings"]]
    assert kinds.index("score") > kinds.index("discipline")


def test_a_spotless_year_is_settled_by_its_score_and_the_quota(world: World) -> None:
    history = History(world.app)
    for month in (1, 2):  # confirmed by the evaluator, so the months are scored (Art. 17(2))
        history.criteria("CV2", month, "2.5")
    explained = _year(world, "CV2")
    assert explained["result"]["annual_score"] is not None
    result = explained["result"]
    by_kind = {f["kind"]: f for f in explained["findings"]}
    assert "discipline" not in by_kind
    assert by_kind["score"]["annual_score"] == result["annual_score"]
    assert by_kind["score"]["level"] == result["level_by_score"]
    if result["quota_verdict"] is not None:
        quota = next(f for f in explained["findings"] if f["kind"].startswith("quota_"))
        assert (quota["limit"], quota["rank"]) == (result["quota_limit"], result["quota_rank"])
        assert quota["group"] == result["pool_group"] and quota["rule"] == "Art. 20(5)"


def test_the_trail_ends_at_the_result_and_each_step_follows_the_last(world: World) -> None:
    explained = _year(world, "CV1")
    positions = [ref["position"] for ref in explained["inputs"]]
    trail = score_trail(StoreEvents(world.app), world.app.mapper, positions, "CV1", YEAR)
    assert trail, "the events behind a scored year change its score"
    steps = [trail[p] for p in sorted(trail)]
    assert steps[0].annual_before is None
    assert steps[-1].annual_after == explained["result"]["annual_score"]
    for before, after in pairwise(steps):
        assert after.annual_before == before.annual_after
    # Each month's last change leaves it at the score of its period result.
    periods = {
        s["result"]["period"]: s["result"]["score"]
        for s in explained["sections"]
        if s.get("result") is not None
    }
    last: dict[str, str | None] = {}
    for step in steps:
        if step.period is not None:
            last[step.period] = step.period_after
    assert last == periods
    assert all(p in positions for p in trail)


def test_changes_name_the_fields_that_differ() -> None:
    then = {"annual_score": "94.92", "status": "proposed", "proposed_level": "GOOD"}
    now = {"annual_score": "95.08", "status": "pending_tie", "proposed_level": None}
    found = {c["field"]: (c["then"], c["now"]) for c in changes(then, now)}
    assert found == {
        "annual_score": ("94.92", "95.08"),
        "status": ("proposed", "pending_tie"),
        "proposed_level": ("GOOD", None),
    }
    assert changes(now, dict(now)) == []
    assert Decimal(found["annual_score"][1]) > Decimal(found["annual_score"][0])


def test_the_api_answers_the_same_findings_and_tasks(app: MinhBach) -> None:
    for world in make_world(app, follow=False):
        month_done(world.app, "CV1", "TP1")
        answer = ok(world.get("hr-snv", f"/servants/CV1/years/{YEAR}/explanation"))
        direct = Explainer(StoreEvents(world.app), replay(world.app)).year("CV1", YEAR)
        assert answer["findings"] == direct["findings"] != []
        march = next(s for s in answer["sections"] if s["title"] == f"period {YEAR}-03")
        assert [t["code"] for t in march["tasks"]] == ["CV1-M3"]
        assert march["tasks"][0]["events"]


def test_a_head_capped_by_the_organisation_and_then_decided(app: MinhBach) -> None:
    build_agency(app)
    work(app, "TP1", FULL_CRITERIA)  # 100 by score: EXCELLENT
    org_level(app, "GOOD", "P1")  # TP1 heads P1, rated GOOD
    by_kind = {f["kind"]: f for f in _explained(app, "TP1")["findings"]}
    assert by_kind["score"]["level"] == "EXCELLENT"
    assert by_kind["organisation_cap"] == {
        "kind": "organisation_cap",
        "organisation_level": "GOOD",
        "rule": "Art. 20(6)",
        "organisation_agency": "SNV",
        "organisation_unit": "P1",  # typed in: no rating of its own to cite
    }
    assert "decided" not in by_kind
    propose(app, "TP1", "GOOD")
    decide(app, "TP1", "GOOD", "QĐ 9", party_committee_ref="CV 5-ĐU")
    decided = _explained(app, "TP1")["findings"][-1]
    assert decided == {
        "kind": "decided",
        "level": "GOOD",
        "decision_no": "QĐ 9",
        "departs": False,
        "departure_reason": None,
        "rule": "Art. 21",
    }


def _explained(app: MinhBach, servant: str) -> dict[str, Any]:
    return Explainer(StoreEvents(app), replay(app)).year(servant, YEAR)
