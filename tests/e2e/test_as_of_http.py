"""Every query documented with "as of" answers as the log stood then, by position
and by moment, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from tests.app.scenario import log_size, manager
from tests.conftest import FakeClock
from tests.e2e.test_http_roles import YEAR, World, make_world, month_done, ok


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=True)


def _listing(body: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = body["items"]
    return items


def test_every_as_of_query_answers_as_the_log_stood(world: World, clock: FakeClock) -> None:
    month_done(world.app, "CV1", "TP1")
    month_done(world.app, "CV2", "TP1")
    then = log_size(world.app)
    moment = clock.at.isoformat()
    standings = {"agency": "SNV", "year": YEAR}
    before = {
        "standings": ok(world.get("hr-snv", "/standings", **standings, min_position=then)),
        "csv": world.get("hr-snv", "/standings.csv", **standings).text,
        "year": ok(world.get("hr-snv", f"/servants/CV1/years/{YEAR}")),
        "explanation": ok(world.get("hr-snv", f"/servants/CV1/years/{YEAR}/explanation")),
        "period": ok(world.get("hr-snv", "/servants/CV1/periods/2026-03/explanation")),
    }
    assert [r["servant_code"] for r in _listing(before["standings"])] == ["CV1", "CV2"]

    clock.advance(hours=1)
    lower = {k: Decimal("1") for k in ("I.1", "I.2", "II.1", "II.2", "III.1")}
    world.app.execute(
        c.ScoreCriteria(servant="CV1", period="2026-03", scores=lower), manager("TP1")
    )
    now = log_size(world.app)
    moved = ok(world.get("hr-snv", "/standings", **standings, min_position=now))
    assert _listing(moved) != _listing(before["standings"])

    for as_of in ({"as_of_position": then}, {"as_of_time": moment}):
        listing = ok(world.get("hr-snv", "/standings", **standings, **as_of))
        assert listing["position"] == then
        assert _listing(listing) == _listing(before["standings"]), as_of
        assert world.get("hr-snv", "/standings.csv", **standings, **as_of).text == before["csv"]
        year = ok(world.get("hr-snv", f"/servants/CV1/years/{YEAR}", **as_of))
        assert year["position"] == then
        assert year["classification"] == before["year"]["classification"]
        assert year["periods"] == before["year"]["periods"]
        for key, path in (
            ("explanation", f"/servants/CV1/years/{YEAR}/explanation"),
            ("period", "/servants/CV1/periods/2026-03/explanation"),
        ):
            explained = ok(world.get("hr-snv", path, **as_of))
            assert explained["as_of"]["position"] == then
            assert explained["result"] == before[key]["result"], (key, as_of)
            assert explained["text"] == before[key]["text"]
    latest = ok(world.get("hr-snv", f"/servants/CV1/years/{YEAR}/explanation"))
    assert latest["result"] != before["explanation"]["result"]
