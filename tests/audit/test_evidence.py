"""Evidence bundles and decision traces prove everything they show: the verifier
recomputes every figure, step and reference from the proven events, with the
projections' own code and the policy's pure functions, and rejects any claim
the events do not give."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from domain import commands as c
from domain.application import MinhBach
from projections import trace as trace_module
from projections.bundle import make_bundle, verify_bundle
from projections.routed_replay import agency_replay
from projections.signing import generate
from projections.trace import make_trace, verify_trace
from tests.app.scenario import assign, manager, servant
from tests.audit.evidence_world import World, dismiss, record_year

KEY = generate()


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    recorded = record_year(app, KEY)
    recorded.ledger.catch_up()
    yield recorded
    recorded.ledger.engine.dispose()


def as_read(document: dict[str, Any]) -> dict[str, Any]:
    read: dict[str, Any] = json.loads(json.dumps(document))  # as read from a file
    return read


@pytest.fixture
def bundle(world: World) -> dict[str, Any]:
    return as_read(make_bundle(world.app, world.ledger, "CV2", 2026))


def changed(document: dict[str, Any], edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    edit(copied)
    return copied


def test_a_bundle_verifies_offline_with_every_event_its_classification_uses(
    bundle: dict[str, Any],
) -> None:
    report = verify_bundle(bundle, KEY.public)
    assert report.valid, report.problems
    inputs = {ref["position"] for ref in bundle["explanation"]["inputs"]}
    assert report.events == len(inputs | set(bundle["context"])) > len(inputs) > 10
    # The quota ranks CV2 among the peer group: the others' tasks are evidence too.
    topics = {e["position"]: e["topic"] for e in bundle["events"]}
    assert "minhbach.task:Assigned" in {topics[p] for p in bundle["context"]}
    assert not set(bundle["context"]) & inputs
    assert bundle["anchor"]["position"] == bundle["explanation"]["as_of"]["position"]


def _year_step(bundle: dict[str, Any], key: str) -> dict[str, Any]:
    steps = [s for section in bundle["explanation"]["sections"] for s in section["steps"]]
    return next(s for s in steps if s["key"] == key)


def test_a_bundle_claiming_another_result_is_rejected(bundle: dict[str, Any]) -> None:
    result = bundle["explanation"]["result"]
    assert result["proposed_level"] != "FAIL"

    def fail(b: dict[str, Any]) -> None:
        b["explanation"]["result"].update(annual_score="42.00", proposed_level="FAIL")
        _year_step(b, "proposal")["result"] = "FAIL"

    report = verify_bundle(changed(bundle, fail), KEY.public)
    assert not report.valid
    assert any(p.startswith("explanation.result.annual_score:") for p in report.problems)
    assert any(p.startswith("explanation.result.proposed_level:") for p in report.problems)


@pytest.mark.parametrize(
    ("label", "edit"),
    [
        ("a step's substitution", lambda b: _year_step(b, "mean_score").update(substitution="1")),
        ("the policy's version", lambda b: b["explanation"]["policy"].update(version=2)),
        (
            "a policy parameter",
            lambda b: b["explanation"]["policy"]["parameters"].update(
                {next(iter(b["explanation"]["policy"]["parameters"])): "0"}
            ),
        ),
        ("the subject", lambda b: b["explanation"]["subject"].update(year=2025)),
        ("the as-of position", lambda b: b["explanation"]["as_of"].update(position=3)),
        ("an input's aggregate", lambda b: b["explanation"]["inputs"][0].update(aggregate_id="x")),
        ("an input's version", lambda b: b["explanation"]["inputs"][1].update(version=9)),
        ("an input's time", lambda b: b["explanation"]["inputs"][2].update(recorded_at="2020")),
        ("an input's leaf", lambda b: b["explanation"]["inputs"][3].update(leaf_index=0)),
        ("an input's actor", lambda b: b["explanation"]["inputs"][0].update(actor="someone")),
        ("an input left out", lambda b: b["explanation"]["inputs"].pop()),
        ("a context event left out", lambda b: b["context"].pop()),
        ("an event left out", lambda b: b["events"].pop(4)),
        ("an edited event", lambda b: b["events"][2].update(state=b["events"][3]["state"])),
        (
            "a proof hash changed",
            lambda b: b["events"][1]["inclusion_proof"].__setitem__(0, "1" * 64),
        ),
        (
            "another checkpoint size",
            lambda b: b["checkpoint"].update(size=b["checkpoint"]["size"] - 1),
        ),
        ("another anchor", lambda b: b.update(anchor=b["events"][0])),
        (
            "another key's signature",
            lambda b: b["checkpoint"].update(signature=generate().sign(b"x")),
        ),
        ("an extra field", lambda b: b.update(note="verified by hand")),
    ],
)
def test_every_claim_of_a_bundle_is_checked(
    bundle: dict[str, Any], label: str, edit: Callable[[dict[str, Any]], object]
) -> None:
    assert not verify_bundle(changed(bundle, edit), KEY.public).valid, label


def test_a_bundle_for_another_key_names_that_key(bundle: dict[str, Any]) -> None:
    other = generate()
    problems = verify_bundle(bundle, other.public).problems
    assert problems == [
        f"checkpoint {bundle['checkpoint']['seq']} is signed by another key (key id "
        f"{KEY.key_id}), not by this key (key id {other.key_id})"
    ]


@pytest.fixture
def trace(world: World) -> dict[str, Any]:
    dismiss(world)
    return as_read(make_trace(world.app, world.ledger, "QĐ-TV-1", language="en"))


def test_a_trace_verifies_offline(trace: dict[str, Any]) -> None:
    report = verify_trace(trace, KEY.public)
    assert report.valid, report.problems
    assert [a["appeal_no"] for a in trace["appeals"]] == ["KN-1"]
    assert trace["decision"]["status"] == "approved"


@pytest.mark.parametrize(
    ("label", "edit"),
    [
        ("the decision's status", lambda t: t["decision"].update(status="executed")),
        ("the flag", lambda t: t["decision"].update(flagged=True)),
        ("the approver", lambda t: t["decision"].update(approved_by="someone")),
        ("the basis now", lambda t: t["basis"][0]["now"].update(computed_level="GOOD")),
        ("the basis relied upon", lambda t: t["basis"][0]["relied_upon"].update(level="GOOD")),
        ("an appeal", lambda t: t["appeals"][0].update(status="amended")),
        ("a decision event's actor", lambda t: t["decision_events"][0].update(actor="someone")),
        ("a decision event left out", lambda t: t["decision_events"].pop()),
        ("the as-of position", lambda t: t["as_of"].update(position=1)),
        (
            "the readable text",
            lambda t: t.update(text=t["text"].replace("dismissal", "commendation")),
        ),
        (
            "the evidence's result",
            lambda t: t["basis"][0]["evidence"]["explanation"]["result"].update(
                proposed_level="GOOD"
            ),
        ),
    ],
)
def test_every_claim_of_a_trace_is_checked(
    trace: dict[str, Any], label: str, edit: Callable[[dict[str, Any]], object]
) -> None:
    assert not verify_trace(changed(trace, edit), KEY.public).valid, label


def test_a_result_s_document_hash_is_in_the_bundle_and_proven(app: MinhBach) -> None:
    recorded = record_year(app, KEY)
    sha = "5e" * 32
    assign(app, "T-DOC", to="CV2", period="2026-03")
    attachment = {"name": "bien-ban.pdf", "sha256": sha, "size": 2048}
    fields = {"task": "T-DOC", "completed_quantity": "2", "completed_on": "2026-03-09"}
    submitted = c.SubmitResult.model_validate(fields | {"attachment": attachment})
    app.execute(submitted, servant("CV2"))
    app.execute(c.AssessResult(task="T-DOC", outcome="accepted"), manager("TP1"))
    recorded.ledger.catch_up()
    try:
        bundle = as_read(make_bundle(app, recorded.ledger, "CV2", 2026))
    finally:
        recorded.ledger.engine.dispose()
    report = verify_bundle(bundle, KEY.public)
    assert report.valid, report.problems
    tasks = [t for s in bundle["explanation"]["sections"] for t in s.get("tasks", [])]
    shown = next(t for t in tasks if t["code"] == "T-DOC")
    assert shown["attachments"] == [attachment | {"submission": 1}]
    assert all("attachments" not in t for t in tasks if t["code"] != "T-DOC")
    # The hash rests on a proven event: the result's own bytes in the bundle.
    proven = [base64.b64decode(e["state"]) for e in bundle["events"]]
    assert any(sha.encode() in state for state in proven)


def test_a_trace_from_the_agency_s_component_is_the_whole_log_s(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`minhbach trace … --agency` folds the agency's component only (the event
    routes), and gives the trace a replay of the whole log gives."""
    dismiss(world)
    whole = make_trace(world.app, world.ledger, "QĐ-TV-1", language="en")
    monkeypatch.setattr(trace_module, "replay", None)  # no whole-log replay from here
    routed = make_trace(
        world.app,
        world.ledger,
        "QĐ-TV-1",
        "SNV",
        "en",
        lambda upto: agency_replay(world.app, ["SNV"], upto),
    )
    assert as_read(routed) == as_read(whole)
    assert verify_trace(as_read(routed), KEY.public).valid
