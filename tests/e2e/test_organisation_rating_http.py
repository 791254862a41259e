"""Chapter II over HTTP: an organisation's year is rated through the same commands,
and every refusal is a 4xx with its named error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.application import MinhBach
from tests.e2e.test_http_roles import YEAR, World, error, make_world, ok


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=True)


def test_rating_a_unit_over_http(world: World) -> None:
    unit = {"agency": "SNV", "unit": "P1", "year": YEAR}
    for i in range(5):
        task = {**unit, "task": f"KH{i}", "completed": True, "on_time": i > 0}
        ok(world.post("hr-snv", "record_plan_task", task))
    error(
        world.post(
            "hr-snv", "assess_organisation", {**unit, "general_points": "25", "task_points": "40"}
        ),
        403,
    )
    scores = {**unit, "general_points": "25", "task_points": "40"}
    ok(world.post("authority", "assess_organisation", scores))
    error(world.post("authority", "assess_organisation", {**scores, "task_points": "71"}), 422)
    decision = {**unit, "decision_no": "QĐ-TC 1", "source_ref": "QĐ-TC 1"}
    error(
        world.post("authority", "decide_organisation_rating", {**decision, "level": "GOOD"}),
        422,
        "departure_without_reason",
    )
    answer = ok(
        world.post("authority", "decide_organisation_rating", {**decision, "level": "COMPLETE"})
    )
    assert answer["result"]["computed_level"] == "COMPLETE"  # 65 points, 1 of 5 late (20%)
    error(
        world.post(
            "authority",
            "decide_organisation_level",
            {"agency": "SNV", "unit": "P1", "year": YEAR, "level": "GOOD", "source_ref": "QĐ 9"},
        ),
        409,
        "invalid_state",
    )
