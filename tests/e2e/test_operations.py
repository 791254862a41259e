"""What an operator relies on: 5xx answers in the access log and errors with their
traceback; a held database lock answers 503 with Retry-After; bodies over the
limit answer 413; `minhbach project --follow` stops cleanly on SIGTERM and SIGINT,
even started in the background. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from api.access_log import JsonFormatter
from domain.application import MinhBach
from domain.storage import Storage, storage_from_url
from projections import queries
from projections.runner import NAME as VIEWS
from projections.tracking import engine_for, tracked_position
from tests.app.scenario import assign, build_agency, log_size
from tests.conftest import FakeClock
from tests.e2e.test_http_roles import API, World, make_world

REPO = Path(__file__).resolve().parents[2]


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured(*names: str) -> Iterator[Captured]:
    handler = Captured()
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=False)


def access_entries(handler: Captured) -> list[dict[str, Any]]:
    return [
        r.entry  # type: ignore[attr-defined]
        for r in handler.records
        if r.name == "minhbach.access" and isinstance(getattr(r, "entry", None), dict)
    ]


def test_an_unexpected_error_is_logged_with_its_traceback_and_its_500_in_the_access_log(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug in the standings query")

    monkeypatch.setattr(queries, "standings", broken)
    with captured("minhbach.access", "minhbach.errors") as logs:
        response = world.client.get(
            f"{API}/standings",
            params={"agency": "SNV", "year": 2026},
            headers={**world.headers("hr-snv"), "X-Request-ID": "req-500"},
        )
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "standings query" not in response.text  # nothing internal leaks
    assert response.headers["X-Request-ID"] == "req-500"
    [entry] = [e for e in access_entries(logs) if e["request_id"] == "req-500"]
    assert (entry["status"], entry["outcome"], entry["principal"]) == (500, "error", "hr-snv")
    [error] = [r for r in logs.records if r.name == "minhbach.errors"]
    line = json.loads(JsonFormatter().format(error))
    assert line["level"] == "ERROR" and line["request_id"] == "req-500"
    assert "Traceback" in line["traceback"]
    assert "RuntimeError: a bug in the standings query" in line["traceback"]


# --- a held lock -------------------------------------------------------------------


@contextmanager
def write_lock_held(storage: Storage, seconds: float) -> Iterator[None]:
    """Another connection holds the write lock on the events (for at most ``seconds``)."""
    if storage.backend == "sqlite":
        sqlite = sqlite3.connect(storage.env["SQLITE_DBNAME"], isolation_level=None)
        sqlite.execute("BEGIN IMMEDIATE")
        release = sqlite.rollback
    else:
        env = storage.env
        pg = psycopg.connect(
            host=env["POSTGRES_HOST"], dbname=env["POSTGRES_DBNAME"], user=env["POSTGRES_USER"]
        )
        pg.execute(f'LOCK TABLE "{env["POSTGRES_SCHEMA"]}".minhbach_events IN EXCLUSIVE MODE')
        release = pg.rollback
    timer = threading.Timer(seconds, release)  # never longer, whatever the code under test does
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        release()
        (sqlite if storage.backend == "sqlite" else pg).close()


@pytest.fixture
def quick_lock_world(storage: Storage, clock: FakeClock) -> Iterator[World]:
    """The service with a one-second lock timeout."""
    quick = storage_from_url(storage.url, environ={"MINHBACH_LOCK_TIMEOUT": "1"})
    app = MinhBach(quick, clock=clock)
    try:
        yield from make_world(app, follow=False)
    finally:
        app.close()


def test_a_write_that_waits_out_the_lock_timeout_answers_503_with_retry_after(
    quick_lock_world: World,
) -> None:
    world = quick_lock_world
    body = {"task": "T-LOCK", "servant": "CV1", "product": "BC", "quantity": "1"}
    body |= {"period": "2026-03", "assigned_on": "2026-03-02", "deadline": "2026-03-20"}
    # PostgreSQL: the library tries the insert ten times, each waiting one second.
    bound = 5 if world.app.storage.backend == "sqlite" else 20
    with write_lock_held(world.app.storage, seconds=bound + 5):
        started = time.monotonic()
        refused = world.post("tp1", "assign-task", body)
        waited = time.monotonic() - started
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "2"
    assert refused.json()["code"] == "database_unavailable"
    assert waited < bound
    # Nothing was half-written: the same command goes through once the lock is gone.
    assert world.post("tp1", "assign-task", body).status_code == 200


def test_on_sqlite_a_read_waiting_for_its_write_answers_503_and_health_says_why(
    quick_lock_world: World,
) -> None:
    """The views' commit cannot take the lock: the read-your-writes query is
    refused with 503 (was 500), /health names the failing follower, and both
    recover once the lock is gone."""
    world = quick_lock_world
    if world.app.storage.backend != "sqlite":
        pytest.skip("PostgreSQL views do not take the events' table lock")
    written = assign(world.app, "T-READ", period="2026-03").position
    path = "/servants/CV1/years/2026"
    with write_lock_held(world.app.storage, seconds=8):
        waiting = world.get("tp1", path, min_position=written)
        health = world.client.get("/health")
    assert waiting.status_code == 503, waiting.text
    assert waiting.headers["Retry-After"] == "2"
    assert health.status_code == 503
    assert health.json()["follower"] == "failing"
    assert "database is locked" in health.json()["reasons"][0]
    again = world.get("tp1", path, min_position=written)
    assert again.status_code == 200 and again.json()["position"] >= written
    assert world.client.get("/health").json()["status"] == "ok"
    assert log_size(world.app) == written


# --- the body limit --------------------------------------------------------------


def test_a_body_over_the_limit_answers_413_and_is_logged(world: World) -> None:
    big = {"task": "T1", "reason": "x" * (1024 * 1024)}
    with captured("minhbach.access") as logs:
        refused = world.post("tp1", "record-delay", big)

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the stream
            yield b'{"task": "T1", "reason": "'
            for _ in range(1100):
                yield b"x" * 1024
            yield b'"}'

        streamed = world.client.post(
            f"{API}/commands/record-delay",
            content=chunks(),
            headers={**world.headers("tp1"), "Content-Type": "application/json"},
        )
    for response in (refused, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload_too_large"
    assert [e["status"] for e in access_entries(logs)] == [413, 413]
    # Just under the limit is read (and judged on its content).
    small = world.post("tp1", "record-delay", {"task": "NO-SUCH", "reason": "x" * 1000})
    assert small.status_code == 404


# --- signals ---------------------------------------------------------------------


def follow_in_background(storage: Storage) -> subprocess.Popen[str]:
    """``minhbach project --follow &``: a shell starts a background job with
    SIGINT ignored; the worker must still stop on it."""
    command = [sys.executable, "-m", "api.cli", "--database-url", storage.url]
    command += ["project", "--follow", "--interval", "0.1"]
    return subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_a_background_worker_stops_cleanly_on_sigterm_and_sigint(
    app: MinhBach, storage: Storage, stop_with: signal.Signals
) -> None:
    build_agency(app)
    worker = follow_in_background(storage)
    engine = engine_for(storage)
    try:
        assert worker.stdout is not None
        assert "following the event log" in worker.stdout.readline()
        assert "views loaded" in worker.stdout.readline()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if tracked_position(conn, VIEWS) == log_size(app):
                    break
            time.sleep(0.05)
        worker.send_signal(stop_with)
        out, err = worker.communicate(timeout=20)
    finally:
        engine.dispose()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert f"{stop_with.name}: stopping" in out
    assert f"stopped; views at position {log_size(app)}" in out
