"""Over HTTP: the what-if and leniency queries, who may ask them, bad questions
refused with a 4xx, and nothing written by asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import issue
from api.http import create_app
from domain import commands as c
from domain.application import MinhBach
from tests.app.scenario import ADMIN, build_agency
from tests.app.test_policy_variants import _peer_group_of_five

API = "/api/v1"
WHATIF = f"{API}/agencies/SNV/years/2026/whatif"
LENIENCY = f"{API}/agencies/SNV/years/2026/leniency"


@pytest.fixture
def client(app: MinhBach) -> Iterator[tuple[TestClient, dict[str, str], MinhBach]]:
    build_agency(app)
    app.execute(c.RegisterAgency(code="OTHER", title="Sở Tư pháp"), ADMIN)
    _peer_group_of_five(app)
    tokens = {}
    for name, role, agency, servant in (
        ("inspector", "inspector", None, None),
        ("hr", "hr", "SNV", None),
        ("other-hr", "hr", "OTHER", None),
        ("head", "manager", None, "GD"),
        ("unit-head", "manager", None, "TP1"),
        ("cv1", "civil_servant", None, "CV1"),
    ):
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
    with TestClient(create_app(app, follow=False)) as test_client:
        yield test_client, tokens, app


def _get(http: TestClient, token: str, url: str, **params: Any) -> Any:
    return http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})


def test_what_if_for_those_who_read_the_whole_agency(
    client: tuple[TestClient, dict[str, str], MinhBach],
) -> None:
    http, tokens, app = client
    length = app.recorder.max_notification_id()
    for who in ("inspector", "hr", "head"):
        answer = _get(http, tokens[who], WHATIF, policy="quota-good-or-better")
        assert answer.status_code == 200, (who, answer.text)
        body = answer.json()
        assert body["changed"] == 1
        moved = next(s for s in body["servants"] if s["level_changed"])
        assert (moved["servant"], moved["level"], moved["what_if_level"]) == (
            "CV1",
            "GOOD",
            "EXCELLENT",
        )
        assert moved["reason"]["key"] == "quota_limit"
        assert body["totals"]["EXCELLENT"] == {"adopted": 0, "what_if": 1}
    past = _get(http, tokens["hr"], WHATIF, policy="published", as_of_position=5).json()
    assert past["position"] == 5 and past["servants"] == []
    unit = _get(http, tokens["hr"], WHATIF, policy="quota-good-or-better", unit="P2").json()
    assert {s["unit"] for s in unit["servants"]} == {"P2"}
    assert app.recorder.max_notification_id() == length  # asking wrote nothing


@pytest.mark.parametrize("who", ["unit-head", "cv1", "other-hr"])
def test_a_unit_manager_or_a_servant_may_not_ask(
    client: tuple[TestClient, dict[str, str], MinhBach], who: str
) -> None:
    http, tokens, _ = client
    for url, params in ((WHATIF, {"policy": "quota-good-or-better"}), (LENIENCY, {})):
        refused = _get(http, tokens[who], url, **params)
        assert (refused.status_code, refused.json()["code"]) == (403, "not_authorised")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"policy": "no-such-variant"}, 422, "unknown_policy_variant"),
        ({}, 422, None),
        ({"policy": "Quota Good"}, 422, None),
        ({"policy": "published", "unit": "P9"}, 404, "not_found"),
        ({"policy": "published", "as_of_position": -1}, 422, None),
    ],
)
def test_bad_questions_are_a_4xx(
    client: tuple[TestClient, dict[str, str], MinhBach],
    params: dict[str, Any],
    status: int,
    code: str | None,
) -> None:
    http, tokens, _ = client
    answer = _get(http, tokens["inspector"], WHATIF, **params)
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.json()["code"] == code
    unknown = _get(http, tokens["inspector"], f"{API}/agencies/NOPE/years/2026/leniency")
    assert unknown.status_code == 404


def test_leniency_over_http(client: tuple[TestClient, dict[str, str], MinhBach]) -> None:
    http, tokens, _ = client
    body = _get(http, tokens["hr"], LENIENCY).json()
    assert body["agency"] == "SNV" and body["thresholds"]["min_servants"] == 3
    keys = {i["key"] for i in body["indicators"]}
    assert {"criteria_full_marks", "self_score_unchanged", "late_excused"} <= keys
    tp1 = [f for f in body["findings"] if f["group"] == "TP1"]
    assert tp1 and all(isinstance(p, int) for f in tp1 for p in f["positions"])
    assert not any(f["flagged"] for f in body["findings"])  # five servants: too few to compare


def test_answers_are_kept_per_position_and_renewed_when_the_log_moves(
    client: tuple[TestClient, dict[str, str], MinhBach],
) -> None:
    http, tokens, app = client
    asked: tuple[tuple[str, dict[str, str]], ...] = (
        (WHATIF, {"policy": "quota-good-or-better"}),
        (LENIENCY, {}),
    )
    first = [_get(http, tokens["hr"], url, **params).json() for url, params in asked]
    again = [_get(http, tokens["hr"], url, **params).json() for url, params in asked]
    assert again == first  # the same position: the kept answer
    app.execute(c.RegisterAgency(code="THIRD", title="Sở Y tế"), ADMIN)
    moved = [_get(http, tokens["hr"], url, **params).json() for url, params in asked]
    head = app.recorder.max_notification_id() or 0
    assert [body["position"] for body in moved] == [head, head]
    assert [body["position"] for body in first] == [head - 1, head - 1]
