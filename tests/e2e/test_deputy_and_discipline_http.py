"""Over HTTP: a deputy's area (Art. 15(4)) and the discipline links of Art. 11(3), with
their refusals as clear 4xx answers."""

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

API = "/api/v1"


@pytest.fixture
def client(app: MinhBach) -> Iterator[tuple[TestClient, dict[str, str]]]:
    build_agency(app)
    app.execute(
        c.RegisterPrincipal.model_validate(
            {"principal": "hr", "display_name": "hr", "role": "hr", "agency": "SNV"}
        ),
        ADMIN,
    )
    with TestClient(create_app(app, follow=False)) as test_client:
        yield test_client, {"Authorization": f"Bearer {issue(app, 'hr', 'test')}"}


def _post(http: Any, headers: dict[str, str], name: str, body: dict[str, Any]) -> Any:
    return http.post(f"{API}/commands/{name}", json=body, headers=headers)


def test_art_15_4_a_deputys_area_over_http(client: tuple[TestClient, dict[str, str]]) -> None:
    http, headers = client
    body: dict[str, Any] = {"deputy": "PGD", "units": ["P2"], "effective_from": "2026-04-01"}
    unreferenced = _post(http, headers, "assign-deputy-area", body)
    assert (unreferenced.status_code, unreferenced.json()["code"]) == (
        422,
        "missing_source_document",
    )
    body["source_ref"] = "QĐ 12/QĐ-SNV"
    assert _post(http, headers, "assign-deputy-area", body).status_code == 200
    for wrong, status, code in (
        ({"deputy": "TP1"}, 422, "invalid_value"),
        ({"units": []}, 422, "invalid_value"),
        ({"units": ["BGD"]}, 403, "outside_unit"),
        ({"units": ["P9"]}, 404, "not_found"),
        ({"units": "P2"}, 422, "invalid_request"),
    ):
        answer = _post(http, headers, "assign-deputy-area", {**body, **wrong})
        assert (answer.status_code, answer.json()["code"]) == (status, code), wrong


def test_art_11_3_discipline_links_over_http(client: tuple[TestClient, dict[str, str]]) -> None:
    http, headers = client
    first = {
        "decision_no": "QĐ-HC",
        "servant": "CV1",
        "form": "reprimand",
        "public_service_related": True,
        "decided_on": "2026-11-05",
        "source_ref": "QĐ HC",
    }
    assert _post(http, headers, "record-discipline", first).status_code == 200
    linked = {**first, "decision_no": "QĐ-Đ", "decided_on": "2027-01-12"}
    for wrong, status, code in (
        ({"related_decision": "QĐ-9"}, 404, "not_found"),
        ({"violation_on": "2027-02-01"}, 422, "invalid_value"),  # after the decision
        ({"violation_agency": "SNQ"}, 404, "not_found"),
    ):
        answer = _post(http, headers, "record-discipline", {**linked, **wrong})
        assert (answer.status_code, answer.json()["code"]) == (status, code), wrong
    accepted = _post(http, headers, "record-discipline", {**linked, "related_decision": "QĐ-HC"})
    assert accepted.status_code == 200
    conclusion = {
        "conclusion_no": "KL-1",
        "servant": "CV1",
        "kind": "degradation",
        "year": 2026,
        "concluded_on": "2026-11-20",
        "violation_ref": "VP-1",
        "source_ref": "KL 1",
    }
    assert _post(http, headers, "record-conclusion", conclusion).status_code == 200
