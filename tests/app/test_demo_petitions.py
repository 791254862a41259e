"""The demo's petition story (demo/petitions.py), recorded as ``serve --demo`` will
find it: the petition is overdue by the time the service starts, two decisions
depart from the computed proposal with their reasons, and the commendation
resting on a replaced decision is flagged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from api.bootstrap import record_demo_petitions
from demo import AGENCY
from demo.clock import DEMO_CLOCK_AT, DEMO_YEAR
from domain.application import MinhBach
from domain.storage import storage_from_url
from projections.replay import replay


def test_the_story_leaves_an_overdue_petition_two_departures_and_a_flag(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    story = record_demo_petitions(url, days_later=21)
    app = MinhBach(storage_from_url(url))
    newest = app.newest_recorded_time()
    assert newest is not None and newest >= DEMO_CLOCK_AT + timedelta(days=21)
    derived = replay(app).deriver
    appeal = derived.appeal_rows[(AGENCY, story.appeal_no)]
    assert appeal["servant_code"] == story.petitioner and appeal["status"] == "open"
    assert appeal["reviewer"] == "demo-appeals-reviewer"
    assert appeal["received_on"] == DEMO_CLOCK_AT.date()
    assert appeal["due_on"] < newest.date()  # overdue when the demo runs on from there
    for code in (story.petitioner, story.commended):
        row = derived.annual_rows[(code, DEMO_YEAR)]
        assert row["departs_from_proposal"] and row["departure_reason"], code
    decision = derived.decision_rows[(AGENCY, story.commendation)]
    assert decision["flagged"] and decision["servant_code"] == story.commended
