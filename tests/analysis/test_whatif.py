"""What-if replay: an agency's year recomputed under another policy variant, in memory.

Under the agency's own readings it is exactly the views; under a variant, every
servant who moves is explained by the steps that differ; and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.cli import main
from domain import commands as c
from domain.application import MinhBach
from domain.errors import NotFound, UnknownPolicyVariant
from domain.storage import storage_from_url
from projections.replay import replay
from projections.runner import Projector
from projections.whatif import ADOPTED, PUBLISHED, derive_under, what_if
from tests.analysis.test_whatif_properties import KEYS, assert_is_the_views
from tests.app.projection_helpers import view_rows
from tests.app.quarterly_agency import work
from tests.app.scenario import build_agency, manager, servant
from tests.app.test_policy_variants import _peer_group_of_five, adopt


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def test_the_quota_reading_moves_the_candidate_and_says_why(
    app: MinhBach, projector: Projector
) -> None:
    _peer_group_of_five(app)
    result = what_if(replay(app), "SNV", 2026, "quota-good-or-better")
    moved = [s for s in result.servants if s.level_changed]
    assert [(s.servant, s.level) for s in moved] == [("CV1", ("GOOD", "EXCELLENT"))]
    reason = moved[0].reason
    assert reason is not None
    # ⌊0.2 × (4 GOOD + 1 − k)⌋ admits nobody; ⌊0.2 × 5⌋ admits one (Art. 20(5)).
    assert (reason.key, reason.result) == ("quota_limit", ("0", "1"))
    assert "quota_base" in reason.rule
    assert moved[0].score == ("100.00", "100.00") and moved[0].periods == ()
    assert result.totals["EXCELLENT"] == (0, 1) and result.totals["GOOD"] == (5, 4)
    assert sum(before for before, _ in result.totals.values()) == len(result.servants)
    unmoved = [s for s in result.servants if not s.changed]
    assert unmoved and all(s.steps == () for s in unmoved)
    assert result.label == "ND335-2025 v1 / quota-good-or-better"


def test_a_period_variant_is_explained_by_the_period_step(
    app: MinhBach, projector: Projector
) -> None:
    # Due on a Friday, done on Monday: 3 calendar days late, 1 working day.
    work(app, "T1", "CV1", "2026-03", "TP1", on=date(2026, 3, 2))
    app.execute(c.AssignTask.model_validate({
        "task": "T2", "servant": "CV2", "product": "BC", "quantity": "2", "period": "2026-03",
        "assigned_on": "2026-03-02", "deadline": "2026-03-06",
    }), manager("TP1"))  # fmt: skip
    app.execute(
        c.SubmitResult.model_validate(
            {"task": "T2", "completed_quantity": "2", "completed_on": "2026-03-09"}
        ),
        servant("CV2"),
    )
    app.execute(c.AssessResult(task="T2", outcome="accepted"), manager("TP1"))
    # The evaluator confirms the month's criteria, so it is scored (Art. 17(2)).
    app.execute(c.ScoreCriteria(servant="CV2", period="2026-03", scores={}), manager("TP1"))
    recorded = replay(app)
    result = what_if(recorded, "SNV", 2026, "late-working-days")
    changed = {s.servant: s for s in result.servants if s.changed}
    assert set(changed) == {"CV2"}
    cv2 = changed["CV2"]
    assert [p.period for p in cv2.periods] == ["2026-03"]
    period_steps = [s for s in cv2.steps if s.section == "period 2026-03"]
    assert period_steps, cv2.steps
    # The first step that differs is in the period, and its numbers are the period's.
    assert cv2.reason is not None and cv2.reason.section == "period 2026-03"
    before, after = cv2.periods[0].score
    assert before != after
    score_step = next(s for s in period_steps if s.key == "period_score")
    assert score_step.result == (before, after) == ("52.50", "64.17")
    # progress = 1 − 0.25 × days late: 3 calendar days, 1 working day (param late_day_basis).
    assert (cv2.reason.key, cv2.reason.result) == ("item_progress", ("0.25", "0.75"))


def test_the_agencys_own_readings_are_the_views(app: MinhBach, projector: Projector) -> None:
    _peer_group_of_five(app)
    adopt(app, "late-working-days", date(2026, 7, 1))
    projector.catch_up()
    recorded = replay(app)
    assert what_if(recorded, "SNV", 2026, ADOPTED).changed == []
    derived = derive_under(recorded, "SNV", 2026, None).deriver.views()
    views = {name: rows for name, rows in view_rows(projector).items() if name in KEYS}
    assert_is_the_views(derived, views, "SNV")
    assert len(derived["pj_annual_classifications"]) == 5  # the five servants with a year


def test_published_differs_from_an_adopted_variant_only_where_it_applies(
    app: MinhBach, projector: Projector
) -> None:
    _peer_group_of_five(app)
    adopt(app, "quota-good-or-better", date(2026, 1, 1))
    result = what_if(replay(app), "SNV", 2026, PUBLISHED)
    assert [(s.servant, s.level) for s in result.servants if s.level_changed] == [
        ("CV1", ("EXCELLENT", "GOOD"))
    ]
    assert result.label == "ND335-2025 v1"


def test_as_of_a_past_position(app: MinhBach, projector: Projector) -> None:
    work(app, "T-CV1", "CV1", "2026-03", "TP1", criteria=True)
    before = app.recorder.max_notification_id() or 0
    _peer_group_of_five_more(app)
    past = what_if(replay(app, upto=before), "SNV", 2026, "quota-good-or-better")
    assert past.position == before
    assert [s.servant for s in past.servants] == ["CV1"]
    now = what_if(replay(app), "SNV", 2026, "quota-good-or-better")
    assert len(now.servants) > 1 and now.position > before


def _peer_group_of_five_more(app: MinhBach) -> None:
    work(app, "T-CV2", "CV2", "2026-03", "TP1")


def test_bad_questions_are_refused(app: MinhBach, projector: Projector) -> None:
    recorded = replay(app)
    with pytest.raises(UnknownPolicyVariant):
        what_if(recorded, "SNV", 2026, "lenient")
    with pytest.raises(NotFound):
        what_if(recorded, "NOPE", 2026, "quota-good-or-better")
    with pytest.raises(NotFound):
        what_if(recorded, "SNV", 2026, "quota-good-or-better", unit="P9")


def test_the_command_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    app = MinhBach(storage_from_url(url), clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
    build_agency(app)
    _peer_group_of_five(app)
    views = Projector(app)
    views.catch_up()
    length, rows = app.recorder.max_notification_id(), view_rows(views)
    assert main(["--database-url", url, "whatif", "SNV", "2026", "--policy",
                 "quota-good-or-better", "--format", "json"]) == 0  # fmt: skip
    answer = json.loads(capsys.readouterr().out)
    assert answer["changed"] == 1 and answer["servants"][0]["what_if_level"] == "EXCELLENT"
    assert main(["--database-url", url, "whatif", "SNV", "2026", "--policy",
                 "quota-good-or-better", "--unit", "P2", "--format", "csv"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("servant,unit,score") and [ln[:4] for ln in lines[1:]] == ["CV3,"]
    assert main(["--database-url", url, "whatif", "SNV", "2026", "--policy", "nope"]) == 1
    assert "unknown_policy_variant" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["--database-url", url, "whatif", "SNV", "2026", "--policy", "published",
              "--as-of", "-5"])  # fmt: skip
    assert refused.value.code == 2 and "not a log position" in capsys.readouterr().err
    assert app.recorder.max_notification_id() == length
    assert view_rows(views) == rows
    views.engine.dispose()
    app.close()
