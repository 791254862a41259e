"""A real ``minhbach serve`` process over real HTTP, on SQLite and PostgreSQL:
first start, setting an agency up through the API, a short appraisal flow, and
many clients writing to the same task at once with nothing lost or doubled."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.task import task_id
from tests.conftest import postgres_storage

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
AGENCY = "SYT"
TODAY = datetime.now(UTC).date()
PERIOD = f"{TODAY:%Y-%m}"
FIRST_OF_MONTH = TODAY.replace(day=1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running ``minhbach serve`` and the tokens handed out so far."""

    base_url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


def first_admin_token(stdout: str) -> str | None:
    lines = stdout.splitlines()
    for number, line in enumerate(lines[:-1]):
        if line.startswith("First start: the admin token"):
            return lines[number + 1].strip()
    return None


def wait_until(
    ready: Callable[[], bool], server: Server, what: str, seconds: float = STARTUP_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if server.process.poll() is not None:
            pytest.fail(f"minhbach serve exited ({server.process.returncode}):\n{server.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"minhbach serve: no {what} within {seconds} s:\n{server.output()}")
        time.sleep(0.05)


def healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'served.db'}"
    schema: str = request.getfixturevalue("postgres_schema")
    return postgres_storage(schema).url


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    stdout, stderr = tmp_path / "serve.out", tmp_path / "serve.err"
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "--database-url",
        database_url,
        "serve",
        "--port",
        str(port),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=env)
    running = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        wait_until(
            lambda: first_admin_token(stdout.read_text(errors="replace")) is not None,
            running,
            "admin token",
        )
        token = first_admin_token(stdout.read_text())
        assert token is not None and token.startswith("mb.")
        running.tokens["admin"] = token
        wait_until(lambda: healthy(running.base_url), running, "health")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def command(client: httpx.Client, name: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(f"/api/v1/commands/{name}", json=body, headers=headers)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
    return response.json()


def set_up_agency(server: Server) -> None:
    """An agency, its board and one unit, three servants, a product and two
    principals, all through the API as the first admin; tokens for both."""
    with server.client("admin") as admin:
        command(admin, "register-agency", {"code": AGENCY, "title": "Sở Y tế"})
        command(
            admin,
            "open-unit",
            {"agency": AGENCY, "unit": "BGD", "title": "Ban giám đốc", "is_leadership": True},
        )
        command(admin, "open-unit", {"agency": AGENCY, "unit": "P1", "title": "Phòng 1"})
        for code, unit, leadership in (
            ("GD", "BGD", "head"),
            ("TP", "P1", "head"),
            ("CV", "P1", "staff"),
        ):
            command(
                admin,
                "register-servant",
                {
                    "code": code,
                    "full_name": f"Công chức {code}",
                    "agency": AGENCY,
                    "unit": unit,
                    "position": "chuyen-vien",
                    "leadership": leadership,
                    "employed_from": "2020-01-01",
                },
            )
        command(
            admin,
            "add-product",
            {
                "agency": AGENCY,
                "product": "BC",
                "title": "Báo cáo",
                "position": "chuyen-vien",
                "complexity_group": 2,
                "factor": "1.5",
                "effective_from": "2020-01-01",
            },
        )
        for name, role, code in (("tp", "manager", "TP"), ("cv", "civil_servant", "CV")):
            command(
                admin,
                "register-principal",
                {"principal": name, "display_name": code, "role": role, "servant": code},
            )
            issued = admin.post(f"/api/v1/principals/{name}/tokens", json={"label": "e2e"})
            assert issued.status_code == 200, issued.text
            server.tokens[name] = issued.json()["token"]


def assign(client: httpx.Client, task: str) -> Any:
    return command(
        client,
        "assign-task",
        {
            "task": task,
            "servant": "CV",
            "product": "BC",
            "quantity": "2",
            "period": PERIOD,
            "assigned_on": FIRST_OF_MONTH.isoformat(),
            "deadline": (FIRST_OF_MONTH + timedelta(days=9)).isoformat(),
        },
    )


def test_first_start_set_up_and_a_short_appraisal_over_real_http(server: Server) -> None:
    out = server.stdout.read_text()
    assert "Minh Bạch is serving" in out and server.tokens["admin"] in out
    with server.client() as anonymous:
        assert anonymous.get("/api/v1/me").status_code == 401
        assert anonymous.get("/openapi.json").json()["info"]["title"] == "Minh Bạch"
    set_up_agency(server)

    with server.client("tp") as tp, server.client("cv") as cv:
        assert tp.get("/api/v1/me").json()["role"] == "manager"
        assign(tp, "T1")
        done = command(
            cv,
            "submit-result",
            {"task": "T1", "completed_quantity": "2", "completed_on": TODAY.isoformat()},
        )
        body = {"task": "T1", "outcome": "accepted"}
        assessed = command(tp, "assess-result", body, key="assess-T1")
        again = command(tp, "assess-result", body, key="assess-T1")
        assert (assessed["replayed"], again["replayed"]) == (False, True)
        assert (
            again["result"] == assessed["result"] == {"id": done["result"]["id"], "assessment": "1"}
        )

        seen = tp.get(
            f"/api/v1/servants/CV/years/{TODAY.year}",
            params={"min_position": assessed["position"]},
            headers={"X-Request-ID": "e2e-year"},
        )
        assert seen.status_code == 200, seen.text
        assert [p["period"] for p in seen.json()["periods"]] == [PERIOD]
        assert seen.json()["position"] >= assessed["position"]
        assert seen.headers["X-Request-ID"] == "e2e-year"
        standings = tp.get(
            "/api/v1/standings", params={"agency": AGENCY, "year": TODAY.year}
        ).json()
        assert [r["servant_code"] for r in standings["items"]] == ["CV"]

        assert cv.get(f"/api/v1/servants/CV/years/{TODAY.year}").status_code == 200
        refused = cv.get("/api/v1/standings", params={"agency": AGENCY, "year": TODAY.year})
        assert refused.status_code == 403 and refused.json()["code"] == "not_authorised"
        delay = {"task": "T1", "reason": "chậm"}
        not_theirs = cv.post("/api/v1/commands/record-delay", json=delay)
        assert not_theirs.status_code == 403 and not_theirs.json()["code"] == "not_authorised"

    health = httpx.get(f"{server.base_url}/health").json()
    assert health["status"] == "ok" and health["projection"]["head"] >= assessed["position"]

    # One JSON access-log line per request, on stderr.
    entries = [
        json.loads(line)
        for line in server.stderr.read_text().splitlines()
        if line.startswith("{") and '"request_id"' in line
    ]
    [year_request] = [e for e in entries if e["request_id"] == "e2e-year"]
    assert (year_request["principal"], year_request["status"]) == ("tp", 200)


# --- many clients at once ------------------------------------------------------

WORKERS = 8
REQUESTS_EACH = 10
CONFLICTS = {"concurrency_conflict", "invalid_state", "no_result_to_assess"}


def task_events(server: Server, task: str) -> int:
    """How many events of ``task`` the log holds, read page by page as admin."""
    originator = str(task_id(task))
    found, after = 0, 0
    with server.client("admin") as admin:
        while True:
            response = admin.get("/api/v1/events", params={"after": after, "limit": 1000})
            assert response.status_code == 200, response.text
            page = response.json()
            found += sum(1 for e in page["items"] if e["originator_id"] == originator)
            if page["next_after"] is None:
                return found
            after = page["next_after"]


def all_at_once(server: Server, requests: list[tuple[str, str, dict[str, Any], str]]) -> list[Any]:
    """Send ``requests`` (who, command, body, key) from WORKERS threads that start
    together; return (status, body) per request, in order."""
    answers: list[Any] = [None] * len(requests)
    start = threading.Barrier(WORKERS)

    def work(worker: int) -> None:
        clients = {who: server.client(who) for who in ("tp", "cv")}
        try:
            start.wait()
            for index in range(worker, len(requests), WORKERS):
                who, name, body, key = requests[index]
                response = clients[who].post(
                    f"/api/v1/commands/{name}", json=body, headers={"Idempotency-Key": key}
                )
                try:
                    answers[index] = (response.status_code, response.json())
                except ValueError:
                    answers[index] = (response.status_code, response.text)
        finally:
            for client in clients.values():
                client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client is still waiting for an answer"
    return answers


def test_many_clients_writing_to_one_task_lose_and_double_nothing(server: Server) -> None:
    set_up_agency(server)
    with server.client("tp") as tp:
        assign(tp, "HOT")
    before = task_events(server, "HOT")
    run = uuid.uuid4().hex[:8]

    requests: list[tuple[str, str, dict[str, Any], str]] = []
    for n in range(WORKERS * REQUESTS_EACH):
        kind = n % 4
        if kind == 0:
            submitted = {
                "task": "HOT",
                "completed_quantity": "1",
                "completed_on": TODAY.isoformat(),
            }
            requests.append(("cv", "submit-result", submitted, f"{run}-{n}"))
        elif kind == 1:
            assessed = {"task": "HOT", "outcome": "failed", "note": f"lần {n}"}
            requests.append(("tp", "assess-result", assessed, f"{run}-{n}"))
        else:
            delayed = {"task": "HOT", "reason": f"chậm {n}"}
            requests.append(("tp", "record-delay", delayed, f"{run}-{n}"))

    answers = all_at_once(server, requests)
    statuses = Counter(status for status, _ in answers)
    assert set(statuses) <= {200, 409}, (statuses, [a for a in answers if a[0] not in (200, 409)])
    refused = Counter(body["code"] for status, body in answers if status == 409)
    assert set(refused) <= CONFLICTS, refused
    written = [body for status, body in answers if status == 200]
    assert all(body["replayed"] is False for body in written)
    positions = [body["position"] for body in written]
    assert len(set(positions)) == len(positions), "two answers claim the same write"
    delays = sum(
        1
        for (_, name, _, _), (s, _) in zip(requests, answers, strict=True)
        if name == "record-delay" and s == 200
    )
    assert delays > 0, statuses
    assert task_events(server, "HOT") - before == len(written), (statuses, refused)
    # Numbered facts are numbered without a gap or a repeat.
    for name, number in (("submit-result", "submission"), ("assess-result", "assessment")):
        numbers = sorted(
            int(body["result"][number])
            for (_, sent, _, _), (status, body) in zip(requests, answers, strict=True)
            if sent == name and status == 200
        )
        assert numbers == list(range(1, len(numbers) + 1)), (name, numbers)

    # The same request from every client at once, with one key: written once.
    once = ("tp", "record-delay", {"task": "HOT", "reason": "một lần"}, f"{run}-once")
    before = task_events(server, "HOT")
    answers = all_at_once(server, [once] * WORKERS)
    assert {status for status, _ in answers} == {200}, answers
    assert sorted(body["replayed"] for _, body in answers) == [False] + [True] * (WORKERS - 1)
    assert task_events(server, "HOT") - before == 1
