"""The HTTP API in process, on SQLite and PostgreSQL: every role's allowed and
forbidden actions, the error contract, idempotency, read-your-writes, paging,
the CSV export, health and the access log."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.auth import TokenConfigError
from api.bootstrap import ensure_admin, issue
from api.query_routes import CSV_COLUMNS
from domain import commands as c
from domain.application import MinhBach
from domain.task import task_id
from tests.app.scenario import ADMIN, assign, build_agency, log_size, manager, servant
from tests.conftest import FakeClock

API = "/api/v1"
YEAR = 2026
HUGE = 10**20  # beyond any database integer
FULL_CRITERIA = {
    "I.1": "5",
    "I.2": "5",
    **{f"{group}.{n}": "2.5" for group in ("II", "III") for n in range(1, 5)},
}

# principal: (role, agency, servant)
PRINCIPALS: dict[str, tuple[str, str | None, str | None]] = {
    "cv1": ("civil_servant", None, "CV1"),
    "tp1": ("manager", None, "TP1"),
    "tp2": ("manager", None, "TP2"),
    "gd": ("manager", None, "GD"),
    "hr-snv": ("hr", "SNV", None),
    "inspector": ("inspector", None, None),
    "reviewer-snv": ("appeals_reviewer", "SNV", None),
    "authority": ("authority", None, None),
    "cvx": ("civil_servant", None, "CVX"),
}


def build_second_agency(app: MinhBach) -> None:
    """SXD: one unit PX with its staff member CVX, and product BC."""
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


@dataclass
class World:
    """The app, an HTTP client on it, and a bearer token per principal."""

    app: MinhBach
    client: TestClient
    tokens: dict[str, str]

    def headers(self, who: str | None, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def post(
        self, who: str | None, command: str, body: Any, key: str | None = None
    ) -> httpx.Response:
        path = f"{API}/commands/{command.replace('_', '-')}"
        response: httpx.Response = self.client.post(path, json=body, headers=self.headers(who, key))
        return response

    def get(self, who: str | None, path: str, **params: Any) -> httpx.Response:
        response: httpx.Response = self.client.get(
            API + path, params=params, headers=self.headers(who)
        )
        return response


def register_principals(app: MinhBach) -> dict[str, str]:
    admin = ensure_admin(app)
    assert admin is not None
    tokens = {"admin": admin}
    for name, (role, agency, code) in PRINCIPALS.items():
        app.execute(
            c.RegisterPrincipal.model_validate(
                {
                    "principal": name,
                    "display_name": f"Người dùng {name}",
                    "role": role,
                    "agency": agency,
                    "servant": code,
                }
            ),
            ADMIN,
        )
        tokens[name] = issue(app, name, "e2e")
    return tokens


def make_world(app: MinhBach, follow: bool) -> Iterator[World]:
    from api.http import create_app

    build_agency(app)
    build_second_agency(app)
    tokens = register_principals(app)
    with TestClient(create_app(app, follow=follow), raise_server_exceptions=False) as client:
        yield World(app, client, tokens)


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=True)


@pytest.fixture
def still_world(app: MinhBach) -> Iterator[World]:
    """The views move only when a request asks (no background follower)."""
    yield from make_world(app, follow=False)


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Every error is JSON {code, message, details} with the expected status."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


def assignment(task: str, to: str, period: str = "2026-03", **extra: Any) -> dict[str, Any]:
    month = int(period[5:7])
    return {
        "task": task,
        "servant": to,
        "product": "BC",
        "quantity": "2",
        "period": period,
        "assigned_on": f"{YEAR}-{month:02d}-01",
        "deadline": f"{YEAR}-{month:02d}-10",
        **extra,
    }


def submission(task: str, on: str = "2026-03-09", quantity: str = "2") -> dict[str, Any]:
    return {"task": task, "completed_quantity": quantity, "completed_on": on}


def servant_registration(code: str, agency: str, unit: str) -> dict[str, Any]:
    return {
        "code": code,
        "full_name": f"Công chức {code}",
        "agency": agency,
        "unit": unit,
        "position": "chuyen-vien",
        "employed_from": "2024-01-01",
    }


def month_done(app: MinhBach, code: str, by: str, *, criteria: bool = True) -> None:
    """A task for ``code`` in March, done and accepted; full criteria if asked, else the
    evaluator confirms the month with no criterion scored (0 points)."""
    task = f"{code}-M3"
    assign(app, task, to=code, by=by)
    app.execute(c.SubmitResult.model_validate(submission(task)), servant(code))
    app.execute(c.AssessResult(task=task, outcome="accepted"), manager(by))
    scores = {k: Decimal(v) for k, v in FULL_CRITERIA.items()} if criteria else {}
    app.execute(c.ScoreCriteria(servant=code, period="2026-03", scores=scores), manager(by))


# --- roles ------------------------------------------------------------------


def test_a_civil_servant_acts_and_reads_on_their_own_records_only(world: World) -> None:
    assign(world.app, "T1", to="CV1")
    assign(world.app, "T2", to="CV2")

    me = ok(world.get("cv1", "/me"))
    assert me.pop("token_expires_at")
    assert me == {
        "principal": "cv1",
        "role": "civil_servant",
        "agency": None,
        "servant": "CV1",
    }
    done = ok(world.post("cv1", "submit_result", submission("T1")))
    assert done["command"] == "submit_result" and done["result"]["submission"] == "1"
    assert done["replayed"] is False and done["position"] == log_size(world.app)
    error(world.post("cv1", "submit_result", submission("T2")), 403, "not_authorised")
    error(world.post("cv1", "assign_task", assignment("T3", "CV1")), 403, "not_authorised")

    mine = ok(world.get("cv1", f"/servants/CV1/years/{YEAR}", min_position=done["position"]))
    assert mine["servant"] == "CV1" and [p["period"] for p in mine["periods"]] == ["2026-03"]
    error(world.get("cv1", f"/servants/CV2/years/{YEAR}"), 403, "not_authorised")
    error(world.get("cv1", "/standings", agency="SNV", year=YEAR), 403, "not_authorised")
    error(world.get("cv1", "/periods", agency="SNV", period="2026-03"), 403)
    error(world.get("cv1", "/discipline", agency="SNV"), 403)
    assert ok(world.get("cv1", "/discipline", servant="CV1"))["items"] == []
    error(world.get("cv1", "/discipline", servant="CV2"), 403)
    error(world.get("cv1", "/events"), 403, "not_authorised")


def test_a_manager_acts_within_their_unit_only(world: World) -> None:
    assigned = ok(world.post("tp1", "assign_task", assignment("T1", "CV1")))
    assert assigned["result"]["id"] == str(task_id("T1"))
    assert assigned["result"]["factor"] == "1.5"
    outside = error(world.post("tp1", "assign_task", assignment("T9", "CV3")), 403)
    assert outside["code"] == "outside_unit"
    assert outside["details"] == {"manager": "TP1", "servant": "CV3"}

    ok(world.post("cv1", "submit_result", submission("T1")))
    error(world.post("tp2", "assess_result", {"task": "T1", "outcome": "accepted"}), 403)
    assessed = ok(world.post("tp1", "assess_result", {"task": "T1", "outcome": "accepted"}))
    assert assessed["result"]["assessment"] == "1"
    error(world.post("tp2", "record_delay", {"task": "T1", "reason": "chậm"}), 403, "outside_unit")


def test_scope_is_checked_before_state_so_no_answer_reveals_anothers_records(
    world: World,
) -> None:
    """A 409 or a 422 about a record would tell a manager outside it that it exists
    and what state it is in: they get the 403 of their scope first."""
    assign(world.app, "T1", to="CV1")  # P1's task, no result yet
    error(world.post("tp2", "assess_result", {"task": "T1", "outcome": "accepted"}), 403)
    error(world.post("tp2", "assign_task", assignment("T1", "CV1")), 403, "outside_unit")
    error(world.post("tp1", "assign_task", assignment("T1", "CVX")), 403, "outside_unit")
    before_employment = {"servant": "CV1", "period": "2019-03", "scores": FULL_CRITERIA}
    error(world.post("tp2", "score_criteria", before_employment), 403, "outside_unit")
    # Within scope, the state is reported as before.
    error(world.post("tp1", "assess_result", {"task": "T1", "outcome": "accepted"}), 409)
    error(world.post("tp1", "assign_task", assignment("T1", "CV1")), 409, "already_exists")
    error(world.post("tp1", "score_criteria", before_employment), 422, "outside_employment")


def test_a_manager_reads_their_unit_and_the_agency_head_the_whole_agency(world: World) -> None:
    month_done(world.app, "CV1", "TP1")
    month_done(world.app, "CV3", "TP2")
    position = log_size(world.app)

    unit = ok(world.get("tp1", "/standings", agency="SNV", year=YEAR, min_position=position))
    assert [r["servant_code"] for r in unit["items"]] == ["CV1"]
    assert ok(world.get("tp1", "/standings", agency="SNV", year=YEAR, unit="P1"))["total"] == 1
    error(world.get("tp1", "/standings", agency="SNV", year=YEAR, unit="P2"), 403)
    error(world.get("tp1", "/standings", agency="SXD", year=YEAR), 403, "not_authorised")
    error(world.get("tp1", "/standings.csv", agency="SNV", year=YEAR, unit="P2"), 403)
    error(world.get("tp1", "/periods", agency="SNV", period="2026-03", unit="P2"), 403)
    ok(world.get("tp1", f"/servants/CV1/years/{YEAR}"))
    ok(world.get("tp1", f"/servants/TP1/years/{YEAR}"))
    error(world.get("tp1", f"/servants/CV3/years/{YEAR}"), 403)
    error(world.get("tp1", f"/servants/CVX/years/{YEAR}"), 403)
    error(world.get("tp1", "/discipline", agency="SNV"), 403)
    error(world.get("tp1", "/events"), 403)

    agency = ok(world.get("gd", "/standings", agency="SNV", year=YEAR))
    assert {r["unit_code"] for r in agency["items"]} == {"P1", "P2"}
    ok(world.get("gd", f"/servants/CV3/years/{YEAR}"))
    ok(world.get("gd", "/discipline", agency="SNV"))
    error(world.get("gd", "/standings", agency="SXD", year=YEAR), 403)


def test_hr_works_in_its_own_agency_only(world: World) -> None:
    month_done(world.app, "CV1", "TP1")
    listing = ok(
        world.get("hr-snv", "/standings", agency="SNV", year=YEAR, min_position=log_size(world.app))
    )
    assert listing["total"] == 1
    ok(world.get("hr-snv", "/periods", agency="SNV", period="2026-03"))
    ok(world.get("hr-snv", f"/servants/CV3/years/{YEAR}"))
    ok(world.get("hr-snv", "/discipline", agency="SNV"))
    error(world.get("hr-snv", "/standings", agency="SXD", year=YEAR), 403, "not_authorised")
    error(world.get("hr-snv", f"/servants/CVX/years/{YEAR}"), 403)
    error(world.get("hr-snv", "/events"), 403)

    registered = ok(
        world.post("hr-snv", "register_servant", servant_registration("CV4", "SNV", "P2"))
    )
    assert registered["command"] == "register_servant" and registered["result"]["id"]
    error(
        world.post("hr-snv", "register_servant", servant_registration("CV5", "SXD", "PX")),
        403,
        "outside_agency",
    )
    # HR grants the servant roles of its own staff, no others.
    ok(
        world.post(
            "hr-snv",
            "register_principal",
            {"principal": "cv4", "display_name": "CV4", "role": "civil_servant", "servant": "CV4"},
        )
    )
    error(
        world.post(
            "hr-snv",
            "register_principal",
            {"principal": "x", "display_name": "X", "role": "civil_servant", "servant": "CVX"},
        ),
        403,
        "outside_agency",
    )
    error(
        world.post(
            "hr-snv",
            "register_principal",
            {"principal": "boss", "display_name": "B", "role": "inspector"},
        ),
        403,
        "not_authorised",
    )


def test_hr_may_not_rebind_a_principal_of_another_agency(world: World) -> None:
    before = log_size(world.app)
    response = world.post(
        "hr-snv",
        "grant_role",
        {"principal": "cvx", "role": "civil_servant", "servant": "CV1"},
    )
    error(response, 403)
    assert log_size(world.app) == before


def test_inspectors_read_everything_and_write_nothing_others_as_confined(world: World) -> None:
    month_done(world.app, "CV1", "TP1")
    position = log_size(world.app)
    for agency in ("SNV", "SXD"):
        ok(world.get("inspector", "/standings", agency=agency, year=YEAR, min_position=position))
        ok(world.get("inspector", "/periods", agency=agency, period="2026-03"))
        ok(world.get("inspector", "/discipline", agency=agency))
    ok(world.get("inspector", "/discipline"))
    ok(world.get("inspector", f"/servants/CVX/years/{YEAR}"))
    year = ok(world.get("inspector", f"/servants/CV1/years/{YEAR}"))
    assert year["classification"]["servant_code"] == "CV1"

    events = ok(world.get("inspector", "/events", limit=5))
    assert [e["position"] for e in events["items"]] == [1, 2, 3, 4, 5]
    assert events["next_after"] == 5
    assert {"topic", "originator_id", "originator_version", "state"} <= set(events["items"][0])
    tail = ok(world.get("inspector", "/events", after=position - 1, limit=10))
    assert [e["position"] for e in tail["items"]] == [position] and tail["next_after"] is None

    before = log_size(world.app)
    error(world.post("inspector", "assign_task", assignment("T1", "CV1")), 403, "not_authorised")
    error(world.post("inspector", "register_servant", servant_registration("N", "SNV", "P1")), 403)
    error(world.post("inspector", "record_delay", {"task": "CV1-M3", "reason": "x"}), 403)
    error(
        world.client.post(
            f"{API}/principals/cv1/tokens", json={}, headers=world.headers("inspector")
        ),
        403,
    )
    assert log_size(world.app) == before

    # Authorities and appeals reviewers read as far as they are confined.
    ok(world.get("authority", "/standings", agency="SXD", year=YEAR))
    ok(world.get("authority", "/events"))
    # An appeals reviewer reads only the cases appealed to them: none yet.
    error(world.get("reviewer-snv", "/standings", agency="SNV", year=YEAR), 403)
    error(world.get("reviewer-snv", f"/servants/CV1/years/{YEAR}"), 403)
    error(world.get("reviewer-snv", "/standings", agency="SXD", year=YEAR), 403)
    error(world.get("reviewer-snv", f"/servants/CVX/years/{YEAR}"), 403)
    error(world.get("reviewer-snv", "/events"), 403)


def test_an_admin_issues_and_revokes_tokens(world: World) -> None:
    path = f"{API}/principals/cv1/tokens"
    issued = ok(world.client.post(path, json={"label": "laptop"}, headers=world.headers("admin")))
    assert issued["token"].startswith("mb.") and issued["position"] == log_size(world.app)
    fresh = {"Authorization": f"Bearer {issued['token']}"}
    assert ok(world.client.get(f"{API}/me", headers=fresh))["principal"] == "cv1"

    revoked = ok(
        world.client.delete(f"{path}/{issued['token_id']}", headers=world.headers("admin"))
    )
    assert revoked["command"] == "revoke_token"
    error(world.client.get(f"{API}/me", headers=fresh), 401, "unauthenticated")
    # The principal's other token still works; a second revocation finds nothing.
    ok(world.get("cv1", "/me"))
    error(world.client.delete(f"{path}/{issued['token_id']}", headers=world.headers("admin")), 404)

    error(world.client.post(path, json={}, headers=world.headers("hr-snv")), 403)
    error(
        world.client.post(
            f"{API}/principals/nobody/tokens", json={}, headers=world.headers("admin")
        ),
        404,
        "not_found",
    )
    error(world.client.delete(f"{path}/NOT-HEX", headers=world.headers("admin")), 422)

    # A disabled principal's tokens stop working.
    ok(world.post("admin", "disable_principal", {"principal": "tp2", "reason": "nghỉ việc"}))
    error(world.get("tp2", "/me"), 401, "unauthenticated")


def test_a_token_expires_after_its_lifetime_on_every_request(
    world: World, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued_at = clock.at  # every token of the world was issued now
    me = ok(world.get("cv1", "/me"))
    assert datetime.fromisoformat(me["token_expires_at"]) == issued_at + timedelta(days=90)
    path = f"{API}/principals/cv1/tokens"
    fresh = ok(world.client.post(path, json={}, headers=world.headers("admin")))
    assert datetime.fromisoformat(fresh["expires_at"]) == issued_at + timedelta(days=90)

    clock.advance(days=90)
    expired = error(world.get("cv1", "/me"), 401, "unauthenticated")
    assert "expired" in expired["message"]
    error(world.get("hr-snv", "/standings", agency="SNV", year=YEAR), 401, "unauthenticated")
    error(world.post("tp1", "assign_task", assignment("T1", "CV1")), 401, "unauthenticated")

    monkeypatch.setenv("MINHBACH_TOKEN_DAYS", "120")  # the lifetime is read on each request
    ok(world.get("cv1", "/me"))
    monkeypatch.setenv("MINHBACH_TOKEN_DAYS", "0.5")
    clock.at = issued_at + timedelta(hours=11)
    ok(world.get("cv1", "/me"))
    clock.advance(hours=1)
    error(world.get("cv1", "/me"), 401, "unauthenticated")


def test_an_unusable_token_lifetime_stops_the_service_from_starting(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.http import create_app

    for value in ("ninety", "0", "-3", "nan"):
        monkeypatch.setenv("MINHBACH_TOKEN_DAYS", value)
        with pytest.raises(TokenConfigError, match="MINHBACH_TOKEN_DAYS"):
            create_app(app, follow=False)


# --- the error contract -----------------------------------------------------


def test_no_malformed_or_unknown_token_is_401(world: World) -> None:
    cv1 = world.tokens["cv1"]
    prefix, principal_hex, token_id, secret = cv1.split(".")
    for authorization in (
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        f"Token {cv1}",
        "Bearer garbage",
        "Bearer mb.a.b",
        f"Bearer mb.not-hex.{token_id}.{secret}",
        f"Bearer {prefix}.{principal_hex}.{token_id}.wrong",
        f"Bearer {prefix}.{principal_hex}.ffffffff.{secret}",
        f"Bearer {prefix}.{'0' * 32}.{token_id}.{secret}",
        f"Bearer {prefix}.{str(task_id('T1')).replace('-', '')}.{token_id}.{secret}",
    ):
        headers = {} if authorization is None else {"Authorization": authorization}
        for response in (
            world.client.get(f"{API}/me", headers=headers),
            world.client.get(f"{API}/standings?agency=SNV&year=2026", headers=headers),
            world.client.post(
                f"{API}/commands/assign-task", json=assignment("T1", "CV1"), headers=headers
            ),
        ):
            error(response, 401, "unauthenticated")
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert ok(world.client.get(f"{API}/me", headers={"Authorization": f"bearer {cv1}"}))


def test_not_found_and_conflicts(world: World) -> None:
    error(world.get("inspector", f"/servants/NOBODY/years/{YEAR}"), 404, "not_found")
    error(world.get("hr-snv", "/discipline", servant="NOBODY"), 404, "not_found")
    error(world.post("cv1", "submit_result", submission("NO-SUCH-TASK")), 404, "not_found")
    error(world.client.get(f"{API}/no-such-route", headers=world.headers("admin")), 404)
    error(world.client.get(f"{API}/commands/assign-task", headers=world.headers("admin")), 405)

    assert ok(world.get("inspector", "/servants/CV1/years/2030"))["classification"] is None
    error(world.get("inspector", "/servants/CV1/years/3000"), 422, "invalid_request")
    far = ok(world.get("inspector", f"/servants/CV1/years/{YEAR}", min_position=HUGE))
    assert far["position"] == log_size(world.app)

    ok(world.post("tp1", "assign_task", assignment("T1", "CV1")))
    duplicate = error(world.post("tp1", "assign_task", assignment("T1", "CV2")), 409)
    assert duplicate["code"] == "already_exists"
    error(
        world.post("hr-snv", "register_servant", servant_registration("CV1", "SNV", "P1")),
        409,
        "already_exists",
    )
    error(
        world.post("tp1", "assess_result", {"task": "T1", "outcome": "accepted"}),
        409,
        "no_result_to_assess",
    )
    ok(world.post("cv1", "submit_result", submission("T1")))
    error(world.post("cv1", "submit_result", submission("T1")), 409, "invalid_state")


def field_errors(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["type"] for e in body["details"]["errors"]}


def test_bad_input_is_422_with_field_level_details(world: World) -> None:
    assign(world.app, "T1", to="CV1")
    before = log_size(world.app)
    body = assignment("T2", "CV1")

    del body["quantity"]
    missing = error(world.post("tp1", "assign_task", body), 422, "invalid_request")
    assert field_errors(missing) == {"body.quantity": "missing"}
    assert "body.quantity" in missing["message"]

    wrong = error(world.post("tp1", "assign_task", {**body, "quantity": "two"}), 422)
    assert set(field_errors(wrong)) == {"body.quantity"}
    wrong_date = error(
        world.post("tp1", "assign_task", {**body, "quantity": 1, "deadline": "2026-02-30"}), 422
    )
    assert set(field_errors(wrong_date)) == {"body.deadline"}
    unknown = error(world.post("tp1", "assign_task", {**body, "quantity": 1, "colour": "red"}), 422)
    assert set(field_errors(unknown)) == {"body.colour"}
    error(world.post("tp1", "assign_task", [1, 2]), 422, "invalid_request")
    not_json = world.client.post(
        f"{API}/commands/assign-task",
        content=b"{not json",
        headers={**world.headers("tp1"), "Content-Type": "application/json"},
    )
    error(not_json, 422, "invalid_request")
    for amount in ("NaN", "Infinity", "1e30", "0.0000001"):
        error(world.post("tp1", "assign_task", {**body, "quantity": amount}), 422)

    for quantity in ("0", "-1"):
        zero = error(world.post("tp1", "assign_task", {**body, "quantity": quantity}), 422)
        assert zero["code"] == "invalid_quantity" and zero["details"] == {"value": quantity}
    zero_done = error(world.post("cv1", "submit_result", submission("T1", quantity="0")), 422)
    assert zero_done["code"] == "invalid_quantity"

    within = {"servant": "CV1", "period": "2026-03", "scores": {"II.1": "2.5", "I.1": "5"}}
    assert ok(world.post("tp1", "score_criteria", within))["result"]["total"] == "7.5"
    before = log_size(world.app)
    bad_period = error(
        world.post("tp1", "score_criteria", {"servant": "CV1", "period": "2026-13", "scores": {}}),
        422,
    )
    assert set(field_errors(bad_period)) == {"body.period"}
    long_key = world.post("tp1", "record_delay", {"task": "T1", "reason": "x"}, key="k" * 201)
    assert set(field_errors(error(long_key, 422))) == {"header.idempotency-key"}

    for params in (
        {"agency": "SNV"},
        {"agency": "SNV", "year": "soon"},
        {"agency": "SNV", "year": 1999},
        {"agency": "SNV", "year": YEAR, "page": 0},
        {"agency": "SNV", "year": YEAR, "page_size": 501},
        {"agency": "SNV", "year": YEAR, "level": "SUPERB"},
        {"agency": "SNV", "year": YEAR, "sort": "name"},
        {"agency": "SNV", "year": YEAR, "order": "up"},
        {"agency": "SNV", "year": YEAR, "min_position": -1},
    ):
        problem = error(world.get("inspector", "/standings", **params), 422, "invalid_request")
        assert problem["details"]["errors"][0]["field"].startswith("query.")
    error(world.get("inspector", "/periods", agency="SNV", period="2026-3"), 422)
    error(world.get("inspector", "/events", limit=0), 422)
    assert log_size(world.app) == before


def test_a_criteria_score_out_of_bounds_is_422_naming_the_criterion(world: World) -> None:
    assign(world.app, "T1", to="CV1")
    before = log_size(world.app)
    for scores, code, details in (
        ({"II.1": "2.6"}, "criteria_score_above_maximum", {"code": "II.1", "maximum": "2.5"}),
        ({"II.1": "-1"}, "invalid_value", {"code": "II.1"}),
        ({"IX.9": "1"}, "unknown_criterion", {"code": "IX.9"}),
    ):
        body = {"servant": "CV1", "period": "2026-03", "scores": scores}
        problem = error(world.post("tp1", "score_criteria", body), 422, code)
        assert problem["details"] == details
    assert log_size(world.app) == before


def test_a_huge_year_in_the_path_is_not_a_server_error(world: World) -> None:
    response = world.get("inspector", f"/servants/CV1/years/{HUGE}")
    assert response.status_code in (200, 422), response.text


def test_a_huge_events_cursor_is_not_a_server_error(world: World) -> None:
    response = world.get("inspector", "/events", after=HUGE)
    assert response.status_code in (200, 422), response.text


# --- idempotency and read-your-writes ----------------------------------------


def test_a_retried_command_replays_its_first_answer_and_writes_nothing(world: World) -> None:
    body = assignment("T1", "CV1")
    first = ok(world.post("tp1", "assign_task", body, key="req-1"))
    size = world.app.recorder.max_notification_id()
    again = ok(world.post("tp1", "assign_task", body, key="req-1"))
    assert world.app.recorder.max_notification_id() == size
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert {k: v for k, v in again.items() if k not in ("replayed", "position")} == {
        k: v for k, v in first.items() if k not in ("replayed", "position")
    }

    reused = error(world.post("tp1", "assign_task", {**body, "quantity": "3"}, key="req-1"), 409)
    assert reused["code"] == "idempotency_key_reused"
    # The key is the caller's: another principal's same key is a different request.
    other = error(world.post("gd", "assign_task", body, key="req-1"), 409)
    assert other["code"] == "already_exists"
    assert world.app.recorder.max_notification_id() == size
    # Without a key, a retry is a new command, refused as a duplicate.
    error(world.post("tp1", "assign_task", body), 409, "already_exists")


def test_a_commands_position_reads_its_own_write_and_health_shows_the_lag(
    still_world: World,
) -> None:
    world = still_world
    health = world.client.get("/health")
    assert health.status_code == 200
    state = health.json()
    assert (state["status"], state["database"]) == ("ok", "ok")
    assert state["projection"] == {
        "position": log_size(world.app),
        "head": log_size(world.app),
        "lag": 0,
    }
    assign(world.app, "T0", to="CV2")
    assign(world.app, "T00", to="CV2")
    behind = world.client.get("/health").json()["projection"]
    assert behind["lag"] == 2 and behind["head"] == behind["position"] + 2

    written = ok(world.post("tp1", "assign_task", assignment("T1", "CV1")))
    assert written["position"] == log_size(world.app)
    stale = ok(world.get("tp1", f"/servants/CV1/years/{YEAR}"))
    assert stale["periods"] == [] and stale["lag"] > 0

    fresh = ok(world.get("tp1", f"/servants/CV1/years/{YEAR}", min_position=written["position"]))
    assert [p["period"] for p in fresh["periods"]] == ["2026-03"]
    assert fresh["position"] >= written["position"] and fresh["lag"] == 0

    done = ok(world.post("cv1", "submit_result", submission("T1")))
    listing = ok(
        world.get("tp1", "/periods", agency="SNV", period="2026-03", min_position=done["position"])
    )
    assert listing["position"] >= done["position"]


# --- listings ---------------------------------------------------------------


@pytest.fixture
def year_of_work(world: World) -> World:
    """Six servants of SNV with a March result: different units, scores and levels."""
    app = world.app
    month_done(app, "CV1", "TP1")
    month_done(app, "CV2", "TP1", criteria=False)
    month_done(app, "PP1", "TP1")
    month_done(app, "CV3", "TP2", criteria=False)
    month_done(app, "TP1", "GD")
    month_done(app, "TP2", "GD", criteria=False)
    assign(app, "CV1-late", to="CV1", by="TP1")  # not done: lowers CV1's month
    ok(world.get("inspector", "/standings", agency="SNV", year=YEAR, min_position=log_size(app)))
    return world


def test_listings_page_filter_sort_and_export(year_of_work: World) -> None:
    world = year_of_work

    def standings(**params: Any) -> Any:
        return ok(world.get("hr-snv", "/standings", agency="SNV", year=YEAR, **params))

    everyone = standings()
    rows = everyone["items"]
    assert everyone["total"] == len(rows) == 6
    scores = [Decimal(r["annual_score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)

    pages = [standings(page=n, page_size=4) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 2, 0]
    assert all(p["total"] == 6 and p["page_size"] == 4 for p in pages)
    assert [r["servant_code"] for p in pages for r in p["items"]] == [
        r["servant_code"] for r in rows
    ]

    by_name = standings(sort="servant", order="asc")["items"]
    assert [r["servant_code"] for r in by_name] == sorted(r["servant_code"] for r in rows)
    by_name_down = standings(sort="servant", order="desc")["items"]
    assert [r["servant_code"] for r in by_name_down] == sorted(
        (r["servant_code"] for r in rows), reverse=True
    )

    p1 = standings(unit="P1")
    assert {r["servant_code"] for r in p1["items"]} == {"CV1", "CV2", "PP1", "TP1"}
    assert p1["total"] == 4 and p1["items"][0]["rank"] == 1
    assert standings(peer_group="chuyen-vien")["total"] == 6
    assert standings(peer_group="nobody")["total"] == 0
    levels = {r["servant_code"]: r["proposed_level"] for r in rows}
    for level in ("EXCELLENT", "GOOD", "COMPLETE", "FAIL"):
        only = standings(level=level)
        assert {r["servant_code"] for r in only["items"]} == {
            code for code, found in levels.items() if found == level
        }
    assert len(set(levels.values())) >= 2, levels

    def periods(**params: Any) -> Any:
        return ok(world.get("inspector", "/periods", agency="SNV", period="2026-03", **params))

    everyone = periods()
    assert everyone["total"] == 6
    rows = everyone["items"]
    assert {r["period"] for r in rows} == {"2026-03"}
    assert [len(periods(page=n, page_size=5)["items"]) for n in (1, 2)] == [5, 1]
    names = [r["servant_code"] for r in periods(sort="servant", order="asc")["items"]]
    assert names == sorted(names)
    assert {r["unit_code"] for r in periods(unit="P2")["items"]} == {"P2"}
    assert periods(unit="P2")["total"] == 2
    for level in {r["level"] for r in rows}:
        assert {r["level"] for r in periods(level=level)["items"]} == {level}
    assert periods(peer_group="chuyen-vien")["total"] == 6
    assert ok(world.get("inspector", "/periods", agency="SNV", period="2026-04"))["total"] == 0

    # The CSV export: a header row, then one line per row of the listing.
    response = world.get(
        "tp1", "/standings.csv", agency="SNV", year=YEAR, sort="servant", order="asc"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "standings-SNV-2026.csv" in response.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(response.text)))
    assert tuple(lines[0]) == CSV_COLUMNS
    listing = ok(
        world.get("tp1", "/standings", agency="SNV", year=YEAR, sort="servant", order="asc")
    )
    assert len(lines) == 1 + listing["total"] == 1 + 4
    column = CSV_COLUMNS.index("servant_code")
    assert [line[column] for line in lines[1:]] == [r["servant_code"] for r in listing["items"]]
    assert all(len(line) == len(CSV_COLUMNS) for line in lines)
    assert response.headers["X-View-Position"] == str(listing["position"])
    empty = world.get("hr-snv", "/standings.csv", agency="SNV", year=2030)
    assert list(csv.reader(io.StringIO(empty.text))) == [list(CSV_COLUMNS)]


# --- the access log -----------------------------------------------------------


def test_the_access_log_names_request_principal_and_status(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    access = logging.getLogger("minhbach.access")
    access.addHandler(caplog.handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        answered = world.client.get(
            f"{API}/me", headers={**world.headers("tp1"), "X-Request-ID": "req-42"}
        )
        refused = world.post("cv1", "assign_task", assignment("T1", "CV1"))
        anonymous = world.client.get(f"{API}/me")
    finally:
        access.removeHandler(caplog.handler)
        access.setLevel(level)
    assert answered.headers["X-Request-ID"] == "req-42"
    entries = [
        r.entry  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "minhbach.access" and isinstance(getattr(r, "entry", None), dict)
    ]
    by_id = {e["request_id"]: e for e in entries}
    first = by_id["req-42"]
    assert (first["principal"], first["status"], first["method"], first["path"]) == (
        "tp1",
        200,
        "GET",
        f"{API}/me",
    )
    assert first["outcome"] == "ok" and first["duration_ms"] >= 0
    second = by_id[refused.headers["X-Request-ID"]]
    assert (second["principal"], second["status"], second["outcome"]) == ("cv1", 403, "rejected")
    third = by_id[anonymous.headers["X-Request-ID"]]
    assert (third["principal"], third["status"]) == (None, 401)
