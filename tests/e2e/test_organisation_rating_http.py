"""Chapter II over HTTP: an organisation's year is rated through the same commands,
and every refusal is a 4xx with its named error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.application import MinhBach
from tests.e2e.test_http_roles import API, YEAR, World, error, make_world, ok


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


def test_reading_an_organisations_year(world: World) -> None:
    unit = {"agency": "SNV", "unit": "P1", "year": YEAR}
    path = f"/organisations/SNV/years/{YEAR}"
    error(world.get("authority", path, unit="P1"), 404, "not_found")
    for i in range(10):
        task = {**unit, "task": f"KH{i}", "completed": True, "on_time": True, "exceeded": i < 3}
        ok(world.post("hr-snv", "record_plan_task", task))
    scores = {**unit, "general_points": "30", "task_points": "62"}
    ok(world.post("authority", "assess_organisation", scores))
    before = ok(world.get("authority", path, unit="P1"))
    opened = {**unit, "kind": "complaint", "grounds": "đơn phản ánh", "source_ref": "Đơn 1"}
    ok(world.post("authority", "open_organisation_verification", opened))
    now = ok(world.get("authority", path, unit="P1"))
    assert (before["status"], now["status"]) == ("ready", "verification_open")
    assert now["computed_level"] == "EXCELLENT"
    rules = {step["key"]: step["rule"] for step in now["steps"]}
    assert rules["conditions_excellent"] == "Art. 8(1)"
    # nobody GOOD in SNV's scope: 20% of none is 0, EXCELLENT is beyond the limit
    assert now["quota"]["place"] == "good" and now["quota"]["limit"] == 0
    assert now["quota"]["steps"][-1]["rule"] == "Art. 8(5) (a)"
    assert [task["ref"] for task in now["plan"]][:2] == ["KH0", "KH1"]
    # as it stood before the verification
    past = ok(world.get("authority", path, unit="P1", as_of_position=before["position"]))
    assert past["status"] == "ready"
    # SNV's own readers, not another agency's; a manager only their unit
    ok(world.get("hr-snv", path, unit="P1"))
    ok(world.get("tp1", path, unit="P1"))
    error(world.get("tp2", path, unit="P1"), 403, "not_authorised")
    error(world.get("cv1", path, unit="P1"), 403, "not_authorised")
    error(world.get("authority", path, unit="P1", as_of_position="-1"), 422)
    error(world.get("authority", "/organisations/NOPE/years/2026"), 404, "not_found")


@pytest.fixture
def signed(app: MinhBach, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    import base64

    monkeypatch.setenv("MINHBACH_LEDGER_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setattr("api.live.CHECKPOINT_SECONDS", 0.0)  # a checkpoint on every catch-up
    yield from make_world(app, follow=True)


def test_an_organisations_evidence_over_http(
    signed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import as_of
    from projections import bundle as bundle_module
    from projections.bundle import verify_bundle
    from projections.signing import load_private
    from tests.app.projection_helpers import whole_log_refused

    world = signed
    unit = {"agency": "SNV", "unit": "P1", "year": YEAR}
    path = f"/organisations/SNV/years/{YEAR}/evidence"
    for i in range(5):
        task = {**unit, "task": f"KH{i}", "completed": True, "on_time": True}
        ok(world.post("hr-snv", "record_plan_task", task))
    scores = {**unit, "general_points": "25", "task_points": "40"}
    ok(world.post("authority", "assess_organisation", scores))
    error(world.get("tp2", path, unit="P1"), 403, "not_authorised")
    error(world.get("cv1", path, unit="P1"), 403, "not_authorised")
    error(world.get("authority", path, unit="P9"), 404, "not_found")
    # The agency's component of the log is folded (the event routes), not the whole log.
    with monkeypatch.context() as refusing:
        for module in (as_of, bundle_module):
            refusing.setattr(module, "replay", whole_log_refused)
        bundle = ok(world.get("authority", path, unit="P1"))
    assert bundle["subject"] == unit
    assert bundle["explanation"]["assessment"]["total"] == "65"
    assert verify_bundle(bundle, load_private(bytes(range(32))).public).valid
    world.client.app.state.services.replays = as_of.Replays(world.app, routed=False)  # type: ignore[attr-defined]
    assert ok(world.get("authority", path, unit="P1")) == bundle  # what the whole log says


def test_publishing_the_organisations_results_over_http(world: World) -> None:
    """Art. 9(2)(b): the table published with its digest, listed, and reproduced from
    the events; the agency's own readers only; nothing to publish is a 404."""
    path = f"/agencies/SNV/years/{YEAR}/organisation-publications"
    notice = {"notice": "TB 7/TB-SNV"}
    post = world.client.post
    error(post(API + path, json=notice, headers=world.headers("hr-snv")), 404, "not_found")
    unit = {"agency": "SNV", "unit": "P1", "year": YEAR}
    for i in range(5):
        task = {**unit, "task": f"KH{i}", "completed": True, "on_time": i > 0}
        ok(world.post("hr-snv", "record_plan_task", task))
    ok(
        world.post(
            "authority",
            "assess_organisation",
            {**unit, "general_points": "25", "task_points": "40"},
        )
    )
    decision = {**unit, "decision_no": "QĐ-TC 1", "source_ref": "QĐ-TC 1", "level": "COMPLETE"}
    answer = ok(world.post("authority", "decide_organisation_rating", decision))
    assert answer["result"]["timing"] == "late"  # the tests' clock reads 20 December
    error(post(API + path, json=notice, headers=world.headers("tp1")), 403, "not_authorised")
    error(post(API + path, json={}, headers=world.headers("hr-snv")), 422)
    published = ok(post(API + path, json=notice, headers=world.headers("hr-snv")))
    assert published["number"] == 1 and published["rows"] == 1
    assert [p["digest"] for p in ok(world.get("hr-snv", path))] == [published["digest"]]
    error(world.get("tp1", path), 403, "not_authorised")
    error(world.get("cvx", path), 403, "not_authorised")
    checked = ok(world.get("inspector", f"{path}/1/reproduction"))
    assert checked["matches"] and checked["recomputed_digest"] == published["digest"]
    error(world.get("inspector", f"{path}/2/reproduction"), 404, "not_found")
    # the servants' publications are a list of their own
    assert ok(world.get("hr-snv", f"/agencies/SNV/years/{YEAR}/publications")) == []
