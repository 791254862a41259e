"""Explanations name every step and the events behind them; publications
reproduce from the events, and a publication whose claims the events do not
give is reported."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from domain import commands as c
from domain.application import MinhBach
from domain.errors import NotFound
from domain.publication import table_digest
from projections.explain import Explainer, StoreEvents, render
from projections.ledger import Ledger
from projections.publication import draft, reproduce
from projections.replay import replay
from projections.signing import generate
from tests.app.scenario import AUTHORITY, HR, build_agency, with_source
from tests.app.test_projection_properties import History
from tests.conftest import FakeClock

KEY = generate()


@pytest.fixture
def year(app: MinhBach, clock: FakeClock) -> Iterator[Recorded]:
    build_agency(app)
    history = History(app)
    for month in (1, 2, 3):
        history.work("CV1", month, late=month - 1, failures=month % 2, ad_hoc=False, finish=True)
        history.criteria("CV1", month, "2.5")
        history.work("TP1", month, late=0, failures=0, ad_hoc=False, finish=True)
    app.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": "KL-7",
                "servant": "CV1",
                "form": "warning",
                "public_service_related": True,
                "decided_on": "2026-04-02",
            }
        ),
        with_source(AUTHORITY, "QĐ 7/QĐ-UBND"),
    )
    yield Recorded(app, history)


class Recorded:
    def __init__(self, app: MinhBach, history: History) -> None:
        self.app = app
        self.history = history


def test_a_year_explanation_shows_the_arithmetic_and_its_events(year: Recorded) -> None:
    app = year.app
    ledger = Ledger(app, signer=KEY)
    ledger.catch_up()
    explanation = Explainer(StoreEvents(app, ledger), replay(app)).year("CV1", 2026)
    keys = {step["key"] for section in explanation["sections"] for step in section["steps"]}
    assert {
        "a",
        "b",
        "c",
        "criteria_total",
        "task_ratio",
        "period_score",
        "mean_score",
        "months_worked",
        "fail_triggers",
        "proposal",
    } <= keys
    assert explanation["result"]["proposed_level"] == "FAIL"
    assert explanation["result"]["fail_triggers"] == [["KL-7"]]
    inputs = {ref["position"]: ref for ref in explanation["inputs"]}
    discipline = [ref for ref in inputs.values() if ref["type"] == "minhbach.discipline:Recorded"]
    assert discipline and discipline[0]["source_ref"] == "QĐ 7/QĐ-UBND"
    assert discipline[0]["role"] == "authority"
    assert all(ref["leaf_hash"] and ref["recorded_at"] for ref in inputs.values())
    # every event a step names is among the inputs, with its type and actor
    a_step = next(s for sec in explanation["sections"] for s in sec["steps"] if s["key"] == "a")
    assert a_step["events"] and set(a_step["events"]) <= set(inputs)
    assert {inputs[p]["type"] for p in a_step["events"]} >= {
        "minhbach.task:Assigned",
        "minhbach.task:ResultSubmitted",
        "minhbach.task:Assessed",
    }
    assert explanation["policy"]["id"] == "ND335-2025"
    assert "delay_counting" in explanation["policy"]["parameters"]
    vietnamese, english = render(explanation, "vi"), render(explanation, "en")
    assert "Số lượng (a)" in vietnamese and "Căn cứ (sự kiện)" in vietnamese
    assert "quantity a" in english and "Inputs (events)" in english
    json.dumps(explanation)  # machine-readable as it stands


def test_an_explanation_as_of_an_earlier_position(year: Recorded) -> None:
    app = year.app
    before = app.recorder.max_notification_id() or 0
    app.execute(c.AnnulDiscipline(decision_no="KL-7", reason="sai"), AUTHORITY)
    now = Explainer(StoreEvents(app), replay(app)).year("CV1", 2026)
    then = Explainer(StoreEvents(app), replay(app, upto=before)).year("CV1", 2026)
    assert then["as_of"]["position"] == before
    assert then["result"]["proposed_level"] == "FAIL"
    assert now["result"]["proposed_level"] != "FAIL"
    with pytest.raises(NotFound):
        Explainer(StoreEvents(app), replay(app, upto=3)).year("CV1", 2026)


def test_a_period_explanation(year: Recorded) -> None:
    explanation = Explainer(StoreEvents(year.app), replay(year.app)).period("TP1", "2026-02")
    keys = [s["key"] for s in explanation["sections"][0]["steps"]]
    assert keys[0] == "subordinates" and "d" in keys  # a head: d from the unit's servants


def test_a_publication_reproduces_and_later_changes_do_not_disturb_it(year: Recorded) -> None:
    app = year.app
    table = draft(app, "SNV", 2026)
    app.execute(
        c.PublishResults(
            agency="SNV",
            year=2026,
            position=table.position,
            policy_id=table.policy_id,
            policy_version=table.policy_version,
            digest=table.digest,
            rows=tuple(table.rows),
        ),
        with_source(HR, "TB 1/TB-SNV"),
    )
    assert reproduce(app, "SNV", 2026).matches
    app.execute(c.AnnulDiscipline(decision_no="KL-7", reason="sai"), AUTHORITY)
    assert reproduce(app, "SNV", 2026, 1).matches  # computed as of its own position
    assert draft(app, "SNV", 2026).digest != table.digest


def test_a_publication_that_does_not_match_its_events_is_reported(year: Recorded) -> None:
    app = year.app
    table = draft(app, "SNV", 2026)
    rows = [dict(r) for r in table.rows]
    cv1 = next(r for r in rows if r["servant_code"] == "CV1")
    cv1["proposed_level"] = "EXCELLENT"  # what someone wished had been published
    app.execute(
        c.PublishResults(
            agency="SNV",
            year=2026,
            position=table.position,
            policy_id=table.policy_id,
            policy_version=table.policy_version,
            digest=table_digest(rows),
            rows=tuple(rows),
        ),
        with_source(HR, "TB 2/TB-SNV"),
    )
    outcome = reproduce(app, "SNV", 2026)
    assert not outcome.matches
    assert outcome.differences == [("CV1", "proposed_level", "EXCELLENT", "FAIL")]


def test_a_publication_digest_must_match_its_rows(year: Recorded) -> None:
    table = draft(year.app, "SNV", 2026)
    from domain.errors import InvalidValue

    with pytest.raises(InvalidValue):
        year.app.execute(
            c.PublishResults(
                agency="SNV",
                year=2026,
                position=table.position,
                policy_id=table.policy_id,
                policy_version=table.policy_version,
                digest="0" * 64,
                rows=tuple(table.rows),
            ),
            with_source(HR, "TB 3/TB-SNV"),
        )


def test_a_publication_not_current_when_published_is_reported(year: Recorded) -> None:
    """Drafted, then an annulment changes the table, then the old draft is published:
    the table matches its position but not the log it was published on."""
    app = year.app
    table = draft(app, "SNV", 2026)
    app.execute(c.AnnulDiscipline(decision_no="KL-7", reason="sai"), AUTHORITY)
    app.execute(
        c.PublishResults(
            agency="SNV",
            year=2026,
            position=table.position,
            policy_id=table.policy_id,
            policy_version=table.policy_version,
            digest=table.digest,
            rows=tuple(table.rows),
        ),
        with_source(HR, "TB 4/TB-SNV"),
    )
    outcome = reproduce(app, "SNV", 2026)
    assert outcome.digest == table.digest and not outcome.differences
    assert not outcome.matches
    assert any("it was not current when published" in p for p in outcome.problems)
