"""Appeals and HR decisions over HTTP, on SQLite and PostgreSQL.

The scenario: a civil servant rated FAIL because of a reprimand; HR proposes
dismissal; a second person approves; the servant appeals; the reviewer annuls
the discipline decision; the classification re-derives to its score-based
level; the dismissal is flagged; the trace shows all of it, with proofs that
verify offline. Then the negative cases: four eyes, windows, basis checks.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api import as_of
from api.bootstrap import issue
from api.http import create_app
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency
from domain.appeal import Appeal, appeal_id, legacy_appeal_id
from domain.application import MinhBach
from domain.policy import ND335_2025_V1
from domain.values import Level
from projections import trace as trace_module
from projections.signing import KEY_ENV, generate, private_pem
from projections.trace import verify_trace
from tests.app.projection_helpers import whole_log_refused
from tests.app.scenario import ADMIN, AUTHORITY, build_agency
from tests.app.test_projection_properties import History
from tests.conftest import FakeClock

API = "/api/v1"
YEAR = 2026
KEY = generate()

PRINCIPALS = {
    "cv1": ("civil_servant", None, "CV1"),
    "cv2": ("civil_servant", None, "CV2"),
    "hr": ("hr", "SNV", None),
    "hr2": ("hr", "SNV", None),
    "authority": ("authority", None, None),
    "reviewer": ("appeals_reviewer", "SNV", None),
    "other-reviewer": ("appeals_reviewer", "SNV", None),
    "inspector": ("inspector", None, None),
    "tp1": ("manager", None, "TP1"),
    "tp2": ("manager", None, "TP2"),
}


@dataclass
class World:
    app: MinhBach
    client: TestClient
    tokens: dict[str, str]
    clock: FakeClock

    def post(self, who: str, command: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"{API}/commands/{command.replace('_', '-')}",
            json=body,
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
        )

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(
            f"{API}{path}", params=params, headers={"Authorization": f"Bearer {self.tokens[who]}"}
        )

    def ok(self, response: Any) -> Any:
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, response: Any, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        assert body["code"] == code, body
        return body


@pytest.fixture
def world(app: MinhBach, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    seed = KEY.private.private_bytes_raw()
    monkeypatch.setenv(KEY_ENV, base64.b64encode(seed).decode())
    assert private_pem(KEY)  # the key the service signs with
    build_agency(app)
    history = History(app)
    for month in range(1, 13):  # a good year for CV1 and CV2
        for code in ("CV1", "CV2"):
            history.work(code, month, late=0, failures=0, ad_hoc=False, finish=True)
            history.criteria(code, month, "2.5")
    tokens = {}
    for name, (role, agency, servant) in PRINCIPALS.items():
        app.execute(
            c.RegisterPrincipal.model_validate(
                {
                    "principal": name,
                    "display_name": name,
                    "role": role,
                    "agency": agency,
                    "servant": servant,
                }
            ),
            ADMIN,
        )
        tokens[name] = issue(app, name, "test")
    with TestClient(create_app(app, follow=False)) as client:
        yield World(app, client, tokens, clock)


def classify(world: World, servant: str, level: str, decision: str) -> None:
    """HR proposes, the authority decides, HR notifies (Art. 21)."""
    world.ok(
        world.post(
            "hr",
            "propose_classification",
            {"servant": servant, "year": YEAR, "level": level, "basis": "views"},
        )
    )
    world.ok(
        world.post(
            "authority",
            "decide_classification",
            {
                "servant": servant,
                "year": YEAR,
                "decision_no": decision,
                "level": level,
                "minutes_ref": "BB 1",
                "source_ref": decision,
            },
        )
    )
    world.ok(
        world.post("hr", "notify_result", {"servant": servant, "year": YEAR, "source_ref": "TB 1"})
    )


def test_an_annulled_reprimand_flags_the_dismissal_resting_on_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reprimand related to public service: FAIL regardless of the score.
    reprimand = world.ok(
        world.post(
            "authority",
            "record_discipline",
            {
                "decision_no": "KL-9",
                "servant": "CV1",
                "form": "reprimand",
                "public_service_related": True,
                "decided_on": "2026-06-10",
                "source_ref": "QĐ 9/QĐ-UBND",
            },
        )
    )
    # Nothing to notify before a decision.
    world.error(
        world.post("hr", "notify_result", {"servant": "CV1", "year": YEAR}), 409, "invalid_state"
    )
    year = world.ok(
        world.get("hr", f"/servants/CV1/years/{YEAR}", min_position=reprimand["position"])
    )
    assert year["classification"]["proposed_level"] == "FAIL"
    assert year["classification"]["reason"] == "fail_trigger"
    classify(world, "CV1", "FAIL", "QĐ 100/QĐ-SNV")

    # HR proposes dismissal on that basis; a second person approves; HR executes.
    world.ok(
        world.post(
            "hr",
            "propose_decision",
            {
                "decision_no": "QĐ-TV-1",
                "kind": "dismissal",
                "servant": "CV1",
                "basis_years": [YEAR],
                "reason": "Không hoàn thành nhiệm vụ năm 2026",
            },
        )
    )
    world.error(
        world.post("hr", "approve_decision", {"decision_no": "QĐ-TV-1"}), 403, "same_person"
    )
    world.ok(
        world.post("hr2", "approve_decision", {"decision_no": "QĐ-TV-1", "source_ref": "TTr 5"})
    )
    world.ok(
        world.post(
            "hr",
            "execute_decision",
            {"decision_no": "QĐ-TV-1", "executed_on": "2026-12-18", "source_ref": "QĐ-TV-1"},
        )
    )
    assert world.ok(world.get("hr", "/decisions", flagged=True))["items"] == []

    # The servant appeals; HR assigns a reviewer, who annuls the reprimand.
    filed = world.ok(
        world.post(
            "cv1",
            "file_appeal",
            {
                "appeal_no": "KN-1",
                "servant": "CV1",
                "year": YEAR,
                "grounds": "Quyết định kỷ luật ban hành sai thẩm quyền",
            },
        )
    )
    assert filed["result"]["due_on"] == "2026-12-29"  # 7 working days after Sunday 20 Dec
    world.ok(
        world.post("hr", "assign_appeal_reviewer", {"appeal_no": "KN-1", "reviewer": "reviewer"})
    )
    world.error(
        world.post(
            "other-reviewer",
            "annul_discipline",
            {
                "decision_no": "KL-9",
                "reason": "sai thẩm quyền",
                "appeal_ref": "KN-1",
                "source_ref": "QĐ 12",
            },
        ),
        403,
        "not_authorised",
    )
    world.ok(
        world.post(
            "reviewer",
            "annul_discipline",
            {
                "decision_no": "KL-9",
                "reason": "sai thẩm quyền",
                "appeal_ref": "KN-1",
                "source_ref": "QĐ 12/QĐ-UBND",
            },
        )
    )
    done = world.ok(
        world.post(
            "reviewer",
            "resolve_appeal",
            {
                "appeal_no": "KN-1",
                "outcome": "amended",
                "reason": "Hủy quyết định kỷ luật",
            },
        )
    )

    # The classification re-derives to its score-based level; the decision is flagged.
    year = world.ok(
        world.get("reviewer", f"/servants/CV1/years/{YEAR}", min_position=done["position"])
    )["classification"]
    assert year["fail_triggers"] == []
    assert year["proposed_level"] == year["level_by_score"] != "FAIL"
    assert year["decided_level"] == "FAIL"  # the decision stands until replaced…
    assert year["appeals"] == [{"appeal_no": "KN-1", "status": "amended"}]
    flagged = world.ok(world.get("hr", "/decisions", flagged=True))["items"]
    assert [d["decision_no"] for d in flagged] == ["QĐ-TV-1"]
    assert any("the facts now give" in reason for reason in flagged[0]["flag_reasons"])
    appeal = world.ok(world.get("cv1", "/appeals/KN-1"))
    assert appeal["classification_when_filed"]["proposed_level"] == "FAIL"  # still readable
    assert appeal["classification_now"]["proposed_level"] != "FAIL"

    # The trace shows all of it, and its proofs verify offline.
    # It folds the agency's component of the log (the event routes), not the whole log,
    # and says what a whole-log replay says.
    with monkeypatch.context() as refusing:
        for module in (as_of, trace_module):
            refusing.setattr(module, "replay", whole_log_refused)
        trace = world.ok(world.get("inspector", "/decisions/QĐ-TV-1/trace", lang="en"))
    assert verify_trace(json.loads(json.dumps(trace)), KEY.public).valid
    services = world.client.app.state.services  # type: ignore[attr-defined]
    services.replays = as_of.Replays(world.app, routed=False)
    assert world.ok(world.get("inspector", "/decisions/QĐ-TV-1/trace", lang="en")) == trace
    topics = {e["topic"] for e in trace["decision_events"]}
    assert topics == {
        "minhbach.personnel:Proposed",
        "minhbach.personnel:Approved",
        "minhbach.personnel:Executed",
    }
    [basis] = trace["basis"]
    assert basis["relied_upon"]["level"] == "FAIL" and basis["now"]["computed_level"] != "FAIL"
    inputs = {i["type"] for i in basis["evidence"]["explanation"]["inputs"]}
    assert {"minhbach.discipline:Recorded", "minhbach.discipline:Annulled"} <= inputs
    assert trace["appeals"][0]["appeal_no"] == "KN-1"
    assert "FLAGGED FOR REVIEW" in trace["text"] and "KN-1" in trace["text"]
    forged = json.loads(json.dumps(trace))
    forged["decision_events"][0]["state"] = forged["decision_events"][1]["state"]
    assert not verify_trace(forged, KEY.public).valid

    # A recorded review clears the flag.
    now = basis["now"]
    world.ok(
        world.post(
            "hr",
            "review_decision",
            {
                "decision_no": "QĐ-TV-1",
                "outcome": "revoked",
                "reason": "Căn cứ đã bị hủy",
                "acknowledged": [now],
            },
        )
    )
    assert world.ok(world.get("hr", "/decisions", flagged=True))["items"] == []
    assert world.ok(world.get("hr", "/decisions"))["items"][0]["status"] == "revoked"


def test_four_eyes_and_the_basis_are_checked(world: World) -> None:
    classify(world, "CV2", "GOOD", "QĐ 200/QĐ-SNV")
    basis = world.error(
        world.post(
            "hr",
            "propose_decision",
            {
                "decision_no": "TV-2",
                "kind": "dismissal",
                "servant": "CV2",
                "basis_years": [YEAR],
                "reason": "x",
            },
        ),
        422,
        "basis_does_not_support",
    )
    assert "FAIL" in basis["message"]
    world.error(
        world.post(
            "hr",
            "propose_decision",
            {
                "decision_no": "TV-3",
                "kind": "lower_position",
                "servant": "CV2",
                "basis_years": [2025],
                "reason": "x",
            },
        ),
        422,
        "basis_does_not_support",
    )
    world.ok(
        world.post(
            "hr",
            "propose_decision",
            {
                "decision_no": "KT-1",
                "kind": "commendation",
                "servant": "CV2",
                "basis_years": [YEAR],
                "reason": "Hoàn thành tốt nhiệm vụ",
            },
        )
    )
    world.error(
        world.post("hr", "execute_decision", {"decision_no": "KT-1", "executed_on": "2026-12-20"}),
        409,
        "invalid_state",
    )  # not approved yet
    world.error(world.post("hr", "approve_decision", {"decision_no": "KT-1"}), 403, "same_person")
    world.error(
        world.post("cv2", "approve_decision", {"decision_no": "KT-1"}), 403, "not_authorised"
    )
    world.ok(world.post("authority", "approve_decision", {"decision_no": "KT-1", "agency": "SNV"}))
    world.error(
        world.post("authority", "approve_decision", {"decision_no": "KT-1", "agency": "SNV"}),
        409,
        "invalid_state",
    )


def test_appeal_windows_and_rules(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # No notification yet: nothing to petition against.
    world.error(
        world.post(
            "cv2",
            "file_appeal",
            {
                "appeal_no": "KN-0",
                "servant": "CV2",
                "year": YEAR,
                "grounds": "x",
            },
        ),
        409,
        "invalid_state",
    )
    classify(world, "CV2", "GOOD", "QĐ 300/QĐ-SNV")
    world.error(
        world.post(
            "cv1",
            "file_appeal",
            {
                "appeal_no": "KN-0",
                "servant": "CV2",
                "year": YEAR,
                "grounds": "x",
            },
        ),
        403,
        "not_authorised",
    )  # only the servant petitions

    # A policy with a 10-day window: day 11 is too late.
    windowed = ND335_2025_V1.with_changes(appeal_window_days=10, version=2)
    # The appeals handler reads the policy the servant's agency applies.
    monkeypatch.setattr(Agency, "policy_on", lambda _agency, _on: windowed)
    world.clock.advance(days=11)
    world.error(
        world.post(
            "cv2",
            "file_appeal",
            {
                "appeal_no": "KN-0",
                "servant": "CV2",
                "year": YEAR,
                "grounds": "muộn",
            },
        ),
        422,
        "appeal_window_closed",
    )
    world.clock.advance(days=-2)
    world.ok(
        world.post(
            "cv2",
            "file_appeal",
            {
                "appeal_no": "KN-0",
                "servant": "CV2",
                "year": YEAR,
                "grounds": "đúng hạn",
            },
        )
    )

    # Amended needs corrections; a reviewer corrects only under an assigned appeal.
    world.ok(
        world.post("hr", "assign_appeal_reviewer", {"appeal_no": "KN-0", "reviewer": "reviewer"})
    )
    world.error(
        world.post(
            "reviewer",
            "resolve_appeal",
            {
                "appeal_no": "KN-0",
                "outcome": "amended",
                "reason": "x",
            },
        ),
        409,
        "invalid_state",
    )
    world.error(
        world.post(
            "reviewer",
            "score_criteria",
            {
                "servant": "CV2",
                "period": "2026-03",
                "scores": {"I.1": "4"},
            },
        ),
        403,
        "not_authorised",
    )
    world.error(
        world.post(
            "reviewer",
            "score_criteria",
            {
                "servant": "CV1",
                "period": "2026-03",
                "scores": {"I.1": "4"},
                "appeal_ref": "KN-0",
            },
        ),
        422,
        "invalid_value",
    )  # the appeal is CV2's
    world.ok(
        world.post(
            "reviewer",
            "resolve_appeal",
            {
                "appeal_no": "KN-0",
                "outcome": "upheld",
                "reason": "Đúng quy định",
            },
        )
    )
    world.error(
        world.post(
            "reviewer",
            "resolve_appeal",
            {
                "appeal_no": "KN-0",
                "outcome": "upheld",
                "reason": "again",
            },
        ),
        409,
        "invalid_state",
    )
    # Not theirs: the reviewer it is not assigned to learns nothing of its state.
    world.error(
        world.post(
            "other-reviewer",
            "resolve_appeal",
            {"appeal_no": "KN-0", "outcome": "upheld", "reason": "again"},
        ),
        403,
        "not_authorised",
    )


def test_overdue_appeals_and_the_classification_deadline(world: World) -> None:
    classify(world, "CV2", "GOOD", "QĐ 400/QĐ-SNV")
    world.ok(
        world.post(
            "cv2",
            "file_appeal",
            {
                "appeal_no": "KN-5",
                "servant": "CV2",
                "year": YEAR,
                "grounds": "x",
            },
        )
    )
    assert world.ok(world.get("hr", "/appeals", overdue=True))["items"] == []
    world.clock.advance(days=20)
    late = world.ok(world.get("hr", "/appeals", overdue=True))["items"]
    assert [a["appeal_no"] for a in late] == ["KN-5"]
    deadlines = world.ok(world.get("hr", f"/agencies/SNV/years/{YEAR}/deadlines"))
    assert deadlines["past_deadline"] is True
    assert "CV1" in deadlines["undecided"] and "CV2" not in deadlines["undecided"]
    assert [a["appeal_no"] for a in deadlines["appeals_overdue"]] == ["KN-5"]
    world.error(world.get("cv2", f"/agencies/SNV/years/{YEAR}/deadlines"), 403, "not_authorised")
    # A unit's manager sees their unit only: P1 holds CV1 and CV2, P2 holds CV3.
    mine = world.ok(world.get("tp1", f"/agencies/SNV/years/{YEAR}/deadlines"))
    assert "CV1" in mine["undecided"] and "CV3" not in mine["undecided"]
    assert [a["appeal_no"] for a in mine["appeals_overdue"]] == ["KN-5"]
    other = world.ok(world.get("tp2", f"/agencies/SNV/years/{YEAR}/deadlines"))
    assert other["undecided"] == []  # P2's servants have no year to decide yet
    assert other["appeals_overdue"] == []


def test_published_list_for_the_agency(world: World) -> None:
    world.error(world.get("hr", f"/agencies/SNV/years/{YEAR}/published"), 404, "not_found")
    world.ok(
        world.client.post(
            f"{API}/agencies/SNV/years/{YEAR}/publications",
            json={"notice": "TB 9/TB-SNV"},
            headers={"Authorization": f"Bearer {world.tokens['hr']}"},
        )
    )
    listed = world.ok(world.get("cv1", f"/agencies/SNV/years/{YEAR}/published"))
    assert {r["servant_code"] for r in listed["items"]} >= {"CV1", "CV2"}
    csv_text = world.client.get(
        f"{API}/agencies/SNV/years/{YEAR}/published.csv",
        headers={"Authorization": f"Bearer {world.tokens['cv2']}"},
    )
    assert csv_text.status_code == 200 and csv_text.text.startswith("servant_code,")


def test_publishing_and_reproducing_results_do_not_replay_the_whole_log(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API drafts from the live derivation and recomputes a servants' table from
    the agency's year's own records; the answers are those of a whole-log replay."""
    from projections import publication

    classify(world, "CV2", "GOOD", "QĐ 510/QĐ-SNV")
    with monkeypatch.context() as patched:
        patched.setattr(publication, "replay", whole_log_refused)
        published = world.ok(
            world.client.post(
                f"{API}/agencies/SNV/years/{YEAR}/publications",
                json={"notice": "TB 11/TB-SNV"},
                headers={"Authorization": f"Bearer {world.tokens['hr']}"},
            )
        )
        number = published["number"]
        answer = world.ok(
            world.get("inspector", f"/agencies/SNV/years/{YEAR}/publications/{number}/reproduction")
        )
    assert answer["matches"] is True and answer["differences"] == []
    assert answer["recomputed_digest"] == published["digest"]
    whole = publication.reproduce(world.app, "SNV", YEAR, number)  # a whole-log replay
    assert whole.matches and whole.digest == answer["recomputed_digest"]


def test_a_replacing_decision_must_be_notified_before_a_petition(world: World) -> None:
    classify(world, "CV2", "GOOD", "QĐ 500/QĐ-SNV")
    world.ok(
        world.post(
            "authority",
            "decide_classification",
            {
                "servant": "CV2",
                "year": YEAR,
                "decision_no": "QĐ 501/QĐ-SNV",
                "level": "GOOD",
                "minutes_ref": "BB 2",
                "replaces": "QĐ 500/QĐ-SNV",
                "source_ref": "QĐ 501/QĐ-SNV",
            },
        )
    )
    petition = {"appeal_no": "KN-7", "servant": "CV2", "year": YEAR, "grounds": "x"}
    refused = world.error(world.post("cv2", "file_appeal", petition), 409, "invalid_state")
    assert "QĐ 501/QĐ-SNV" in refused["message"]
    world.ok(world.post("hr", "notify_result", {"servant": "CV2", "year": YEAR}))
    world.ok(world.post("cv2", "file_appeal", petition))
    appeal = world.ok(world.get("cv2", "/appeals/KN-7"))
    assert appeal["appeal"]["decision_no"] == "QĐ 501/QĐ-SNV"
    decisions = appeal["classification_now"]["decisions"]
    assert [d["decision_no"] for d in decisions] == ["QĐ 500/QĐ-SNV", "QĐ 501/QĐ-SNV"]


def test_ledger_proofs_over_http_verify(world: World) -> None:
    from projections.ledger import Checkpoint
    from projections.merkle import verify_consistency, verify_inclusion

    world.ok(world.get("inspector", "/standings", agency="SNV", year=YEAR))  # the views follow
    world.client.app.state.services.views.ledger.sign_if_due(force=True)  # type: ignore[attr-defined]
    [checkpoint] = world.ok(world.get("inspector", "/ledger/checkpoints"))
    assert Checkpoint.from_dict(checkpoint).verify(KEY.public)
    proof = world.ok(world.get("inspector", "/ledger/proofs/inclusion", position=5))
    assert proof["root_hash"] == checkpoint["root_hash"]
    verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(checkpoint["root_hash"]),
    )
    size = checkpoint["size"]
    consistency = world.ok(
        world.get("inspector", "/ledger/proofs/consistency", first=size // 3, second=size)
    )
    verify_consistency(
        size // 3,
        size,
        [bytes.fromhex(h) for h in consistency["proof"]],
        bytes.fromhex(consistency["first_root"]),
        bytes.fromhex(checkpoint["root_hash"]),
    )
    world.error(
        world.get("inspector", "/ledger/proofs/inclusion", position=10**9), 404, "not_found"
    )


def test_departures_need_a_reason_and_are_listed_for_inspectors(world: World) -> None:
    """Art. 21: HR proposes, the authority decides; a level other than the computed one
    needs a written reason, whoever sets it, and inspectors find every such year."""
    body = {"servant": "CV1", "year": YEAR, "level": "COMPLETE", "basis": "views"}
    world.error(world.post("hr", "propose_classification", body), 422, "departure_without_reason")
    world.ok(
        world.post("hr", "propose_classification", {**body, "departure_reason": "chậm tiến độ"})
    )
    decision = {
        "servant": "CV1",
        "year": YEAR,
        "decision_no": "QĐ 600/QĐ-SNV",
        "level": "COMPLETE",
        "minutes_ref": "BB 6",
        "source_ref": "QĐ 600/QĐ-SNV",
    }
    world.error(
        world.post("authority", "decide_classification", decision), 422, "departure_without_reason"
    )
    # Art. 20(5): with CV2 the only other one rated GOOD, 20% of 1 admits no EXCELLENT.
    excellent = {**decision, "level": "EXCELLENT", "departure_reason": "sáng kiến"}
    world.error(world.post("authority", "decide_classification", excellent), 422, "quota_exceeded")
    decided = world.ok(
        world.post(
            "authority", "decide_classification", {**decision, "departure_reason": "chậm tiến độ"}
        )
    )
    classify(world, "CV2", "GOOD", "QĐ 601/QĐ-SNV")  # the computed level: no departure
    listed = world.ok(
        world.get(
            "inspector", f"/agencies/SNV/years/{YEAR}/departures", min_position=decided["position"]
        )
    )
    [row] = listed["items"]
    assert (row["servant_code"], row["proposed_level"], row["decided_level"]) == (
        "CV1",
        "GOOD",
        "COMPLETE",
    )
    assert row["hr_departs"] and row["hr_departure_reason"] == row["departure_reason"]
    world.error(world.get("cv1", f"/agencies/SNV/years/{YEAR}/departures"), 403, "not_authorised")


def _second_agency_notified(app: MinhBach) -> CommandContext:
    """SXD with CVX, classified GOOD and notified; returns SXD's HR context."""
    app.execute(c.RegisterAgency(code="SXD", title="Sở Xây dựng"), ADMIN)
    app.execute(c.OpenUnit(agency="SXD", unit="PX", title="Phòng X"), ADMIN)
    app.execute(
        c.RegisterServant.model_validate(
            {
                "code": "CVX",
                "full_name": "Công chức X",
                "agency": "SXD",
                "unit": "PX",
                "position": "chuyen-vien",
                "employed_from": "2020-01-01",
            }
        ),
        ADMIN,
    )
    hr_sxd = CommandContext(Actor("hr-sxd", Role.HR, "SXD"))
    # CVX has no scorable period: GOOD departs from the computed "not classified" and
    # needs its written reason (Art. 21).
    reason = "đánh giá tại cuộc họp, không có kỳ chấm điểm"
    proposal = {
        "servant": "CVX",
        "year": YEAR,
        "level": "GOOD",
        "basis": "views",
        "departure_reason": reason,
    }
    app.execute(c.ProposeClassification.model_validate(proposal), hr_sxd)
    app.execute(
        c.DecideClassification(
            servant="CVX",
            year=YEAR,
            decision_no="QĐ 7/QĐ-SXD",
            level=Level.GOOD,
            minutes_ref="BB 7",
            departure_reason=reason,
        ),
        AUTHORITY,
    )
    app.execute(c.NotifyResult(servant="CVX", year=YEAR), CommandContext(hr_sxd.actor, "TB 7"))
    return hr_sxd


def test_appeal_and_decision_numbers_are_per_agency(world: World) -> None:
    """The same numbers in two agencies are two appeals and two decisions; a
    caller who reads both names the agency."""
    hr_sxd = _second_agency_notified(world.app)
    world.app.execute(
        c.RegisterPrincipal(
            principal="cvx", display_name="CVX", role="civil_servant", servant="CVX"
        ),
        ADMIN,
    )
    world.tokens["cvx"] = issue(world.app, "cvx", "test")
    classify(world, "CV2", "GOOD", "QĐ 400/QĐ-SNV")
    number = "KN 1/2026"
    for who, servant in (("cv2", "CV2"), ("cvx", "CVX")):
        grounds = {"appeal_no": number, "servant": servant, "year": YEAR, "grounds": "x"}
        world.ok(world.post(who, "file_appeal", grounds))
    again = {"appeal_no": number, "servant": "CV2", "year": YEAR, "grounds": "lần hai"}
    world.error(world.post("cv2", "file_appeal", again), 409, "already_exists")

    path = f"/appeals/{quote(number, safe='')}"
    assert world.ok(world.get("hr", path))["appeal"]["servant_code"] == "CV2"  # HR reads SNV
    assert world.ok(world.get("cvx", path))["appeal"]["servant_code"] == "CVX"
    ambiguous = world.error(world.get("inspector", path), 422, "invalid_value")
    assert ambiguous["details"]["agencies"] == ["SNV", "SXD"]
    assert world.ok(world.get("inspector", path, agency="SXD"))["appeal"]["agency_code"] == "SXD"

    # HR acts in its own agency without naming it; an authority of all agencies names it.
    world.ok(
        world.post("hr", "assign_appeal_reviewer", {"appeal_no": number, "reviewer": "reviewer"})
    )
    assert world.ok(world.get("hr", path))["appeal"]["reviewer"] == "reviewer"
    assert world.ok(world.get("inspector", path, agency="SXD"))["appeal"]["reviewer"] is None
    unnamed = {"appeal_no": number, "outcome": "upheld", "reason": "x"}
    world.error(world.post("authority", "resolve_appeal", unnamed), 422, "invalid_value")
    world.ok(world.post("authority", "resolve_appeal", {**unnamed, "agency": "SXD"}))
    statuses = {
        a["agency_code"]: a["status"] for a in world.ok(world.get("inspector", "/appeals"))["items"]
    }
    assert statuses == {"SNV": "open", "SXD": "upheld"}

    commendation = {"kind": "commendation", "basis_years": [YEAR], "reason": "Tốt"}
    world.ok(
        world.post(
            "hr", "propose_decision", {"decision_no": "KT-9", "servant": "CV2", **commendation}
        )
    )
    world.app.execute(
        c.ProposeDecision.model_validate({"decision_no": "KT-9", "servant": "CVX", **commendation}),
        hr_sxd,
    )
    listed = world.ok(world.get("inspector", "/decisions"))["items"]
    assert sorted(
        (d["agency_code"], d["servant_code"]) for d in listed if d["decision_no"] == "KT-9"
    ) == [
        ("SNV", "CV2"),
        ("SXD", "CVX"),
    ]
    world.error(world.get("inspector", "/decisions/KT-9/trace"), 422, "invalid_value")
    trace = world.ok(world.get("inspector", "/decisions/KT-9/trace", agency="SXD"))
    assert trace["decision"]["servant_code"] == "CVX"


def test_appeals_and_decisions_numbered_nationally_before_still_work(world: World) -> None:
    """Records saved under the old national ids load, are found by number in their
    agency, and keep their number taken there."""
    classify(world, "CV2", "GOOD", "QĐ 400/QĐ-SNV")
    filed_at = world.clock()
    world.app.save(
        Appeal.start(
            Appeal.Filed,
            legacy_appeal_id("KN-OLD"),
            CommandContext(Actor("CV2", Role.CIVIL_SERVANT)),
            filed_at,
            appeal_no="KN-OLD",
            servant_code="CV2",
            agency_code="SNV",
            year=YEAR,
            decision_no="QĐ 400/QĐ-SNV",
            grounds="x",
            received_on=filed_at.date(),
            due_on=filed_at.date(),
        )
    )
    path = "/appeals/KN-OLD"
    assert world.ok(world.get("hr", path))["appeal"]["status"] == "open"
    old = {"appeal_no": "KN-OLD", "servant": "CV2", "year": YEAR, "grounds": "x"}
    world.error(world.post("cv2", "file_appeal", old), 409, "already_exists")
    world.ok(
        world.post("hr", "assign_appeal_reviewer", {"appeal_no": "KN-OLD", "reviewer": "reviewer"})
    )
    world.ok(
        world.post(
            "reviewer",
            "resolve_appeal",
            {"appeal_no": "KN-OLD", "outcome": "upheld", "reason": "x"},
        )
    )
    assert world.ok(world.get("hr", path))["appeal"]["status"] == "upheld"
    assert world.app.find(Appeal, appeal_id("SNV", "KN-OLD")) is None  # nothing re-keyed
