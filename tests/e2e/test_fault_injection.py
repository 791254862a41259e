"""Database faults under write load, against a real ``minhbach serve`` and a real
``minhbach project --follow`` worker, on SQLite and PostgreSQL.

Several times over, the database is taken away from them — SQLite: another
connection holds the write lock (``BEGIN IMMEDIATE``) past the lock timeout;
PostgreSQL: every connection of the server and the worker is terminated
(``pg_terminate_backend``), one of them in the middle of a commit of the views,
and the database then refuses connections for a while, as in a restart.
Meanwhile clients keep writing and reading their writes, and ``/health`` is
polled. Afterwards the views equal a rebuild, the ledger verifies, no request
ever got a 500, and ``/health`` went unhealthy during the faults and healthy after.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import select

from domain.storage import storage_from_url
from projections import signing
from projections.tables import VIEWS
from projections.tracking import engine_for
from tests.conftest import POSTGRES_URL, postgres_storage
from tests.e2e.test_server_process import (
    PERIOD,
    REPO,
    TODAY,
    Server,
    assign,
    command,
    first_admin_token,
    free_port,
    healthy,
    set_up_agency,
    wait_until,
)

ROUNDS = 3
FAULT_SECONDS = 2.5  # each fault lasts this long (the lock timeout is 1 s) …
CALM_SECONDS = 1.5  # … then the database is left alone this long
# The service may say unhealthy this long after a fault: a connection pool that
# lost its connections reconnects with a backoff (1 s, then 2 s …).
SETTLE_SECONDS = 4.0
RECOVERY_SECONDS = 30


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'faults.db'}"
    schema: str = request.getfixturevalue("postgres_schema")
    return postgres_storage(schema).url


@dataclass
class Processes:
    server: Server
    worker: subprocess.Popen[bytes]
    worker_err: Path
    env: dict[str, str]
    tag: str  # PostgreSQL connections are named tag-serve and tag-worker


def minhbach(database_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", "--database-url", database_url, *args]


@pytest.fixture
def processes(database_url: str, tmp_path: Path) -> Iterator[Processes]:
    key = tmp_path / "ledger.pem"
    signer = signing.generate()
    key.write_bytes(signing.private_pem(signer))
    key.with_suffix(".pub").write_bytes(signing.public_pem(signer.public))
    tag = f"mb-fault-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "MINHBACH_LOCK_TIMEOUT": "1",
        "MINHBACH_LEDGER_KEY_FILE": str(key),
    }
    port = free_port()
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            minhbach(database_url, "serve", "--port", str(port)),
            stdout=stdout,
            stderr=stderr,
            cwd=REPO,
            env={**env, "PGAPPNAME": f"{tag}-serve"},
        )
    server = Server(f"http://127.0.0.1:{port}", process, out, err)
    worker_err = tmp_path / "worker.err"
    worker: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: first_admin_token(out.read_text()) is not None, server, "admin token")
        server.tokens["admin"] = str(first_admin_token(out.read_text()))
        wait_until(lambda: healthy(server.base_url), server, "health")
        set_up_agency(server)
        worker_out = tmp_path / "worker.out"
        with worker_out.open("wb") as stdout, worker_err.open("wb") as stderr:
            worker = subprocess.Popen(
                minhbach(database_url, "project", "--follow", "--interval", "0.1"),
                stdout=stdout,
                stderr=stderr,
                cwd=REPO,
                env={**env, "PGAPPNAME": f"{tag}-worker"},
            )
        deadline = time.monotonic() + 60
        while "views loaded" not in worker_out.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, worker_err.read_text()
            time.sleep(0.05)
        yield Processes(server, worker, worker_err, env, tag)
    finally:
        for running in (worker, process):
            if running is not None and running.poll() is None:
                running.terminate()
                try:
                    running.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    running.kill()
                    running.wait(timeout=15)


# --- load and observation --------------------------------------------------------


@dataclass
class Observed:
    statuses: list[tuple[str, int, str]] = field(default_factory=list)  # what, status, body
    health: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    written: int = 0


def write_load(server: Server, stop: threading.Event, seen: Observed) -> None:
    """Record delays on one task and read each write back, retrying 503s with the
    same idempotency key (as a client should)."""
    with server.client("tp") as tp:
        number = 0
        while not stop.is_set():
            number += 1
            body = {"task": "HOT", "reason": f"chậm {number}"}
            for _ in range(50):  # bounded: a few seconds of retries at most
                answer = tp.post(
                    "/api/v1/commands/record-delay",
                    json=body,
                    headers={"Idempotency-Key": f"delay-{number}"},
                )
                seen.statuses.append(("write", answer.status_code, answer.text[:300]))
                if answer.status_code != 503:
                    break
                time.sleep(0.1)
            if answer.status_code != 200:
                continue
            seen.written += 1
            read = tp.get(
                f"/api/v1/servants/CV/years/{TODAY.year}",
                params={"min_position": answer.json()["position"]},
            )
            seen.statuses.append(("read", read.status_code, read.text[:300]))


def poll_health(server: Server, stop: threading.Event, seen: Observed) -> None:
    while not stop.is_set():
        try:
            answer = httpx.get(f"{server.base_url}/health", timeout=5)
            seen.health.append((time.monotonic(), answer.status_code, answer.json()))
            seen.statuses.append(("health", answer.status_code, answer.text[:300]))
        except httpx.TransportError as error:  # the server must stay up
            seen.health.append((time.monotonic(), 0, {"error": str(error)}))
        stop.wait(0.05)


# --- the faults ------------------------------------------------------------------


def hold_sqlite_lock(database_url: str) -> None:
    path = storage_from_url(database_url).env["SQLITE_DBNAME"]
    holder = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")
        time.sleep(FAULT_SECONDS)
        holder.execute("ROLLBACK")
    finally:
        holder.close()


TERMINATE = (
    "SELECT application_name, pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE application_name IN (%s, %s)"
)
# A connection of the server's caught committing the views (not appending events).
IN_A_VIEWS_COMMIT = " AND backend_xid IS NOT NULL AND query ILIKE '%%pj\\_%%'"


def terminate_connections(tag: str) -> Counter[str]:
    """Terminate every connection of the server and the worker, then catch one of
    the server's commits of the views in the act; then, for the rest of the fault,
    the database refuses connections, as in a restart.

    The commit is what makes the follower fail: the event store's library retries
    its reads for several seconds, so a short outage alone would be ridden out
    silently, and a follower that failed once could hide it by reconnecting a
    moment later; refusing connections keeps the failure showing until the end."""
    names = (f"{tag}-serve", f"{tag}-worker")
    deadline = time.monotonic() + FAULT_SECONDS
    killed: Counter[str] = Counter()
    database = sql.Identifier(str(conninfo_to_dict(POSTGRES_URL)["dbname"]))
    # From another database: one cannot refuse connections to the one it is in.
    with psycopg.connect(
        POSTGRES_URL, dbname="postgres", autocommit=True, application_name="mb-fault-killer"
    ) as db:
        killed.update(name for name, done in db.execute(TERMINATE, names) if done)
        caught = 0
        while not caught and time.monotonic() < deadline - 1:
            busy = db.execute(TERMINATE + IN_A_VIEWS_COMMIT, names[:1] * 2).fetchall()
            caught = sum(done for _, done in busy)
        killed["views commits"] += caught
        db.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
        try:
            killed.update(name for name, done in db.execute(TERMINATE, names) if done)
            time.sleep(max(0.0, deadline - time.monotonic()))
        finally:
            db.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    return killed


def view_rows(database_url: str) -> dict[str, list[dict[str, Any]]]:
    engine = engine_for(storage_from_url(database_url))
    try:
        with engine.connect() as conn:
            return {
                view.name: [
                    dict(row._mapping)
                    for row in conn.execute(select(view).order_by(*view.primary_key.columns))
                ]
                for view in VIEWS
            }
    finally:
        engine.dispose()


def run(database_url: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        minhbach(database_url, *args),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_views_and_the_ledger_survive_database_faults_under_load(
    processes: Processes, database_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    server = processes.server
    with server.client("tp") as tp:
        assign(tp, "HOT")
    seen = Observed()
    stop = threading.Event()
    threads = [
        threading.Thread(target=write_load, args=(server, stop, seen)),
        threading.Thread(target=poll_health, args=(server, stop, seen)),
    ]
    for thread in threads:
        thread.start()
    windows: list[tuple[float, float]] = []
    killed: Counter[str] = Counter()
    try:
        time.sleep(CALM_SECONDS)
        for round_ in range(ROUNDS):
            # A fresh event, so that the followers have a commit to make during the fault.
            with server.client("tp") as tp:
                command(tp, "record-delay", {"task": "HOT", "reason": f"trước sự cố {round_}"})
            begun = time.monotonic()
            if database_url.startswith("sqlite"):
                hold_sqlite_lock(database_url)
            else:
                killed.update(terminate_connections(processes.tag))
            windows.append((begun, time.monotonic()))
            time.sleep(CALM_SECONDS)
        # After the faults: the service says healthy again, with nothing behind.
        deadline = time.monotonic() + RECOVERY_SECONDS
        while time.monotonic() < deadline:
            last = seen.health[-1] if seen.health else (0.0, 0, {})
            if last[0] > windows[-1][1] and last[1] == 200 and last[2]["projection"]["lag"] == 0:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    if not database_url.startswith("sqlite"):  # both processes lost connections
        assert killed[f"{processes.tag}-serve"] and killed[f"{processes.tag}-worker"], killed
        assert killed["views commits"], killed

    # Nobody ever got a 500; the faults showed as 503s, and writes went on.
    failures = [s for s in seen.statuses if s[1] >= 500 and s[1] != 503]
    assert failures == [], failures[:5]
    assert seen.written >= 10, seen.statuses[-20:]

    # /health went unhealthy during a fault — the follower itself saying it
    # failed, with the reason — and is healthy at the end.
    def during_a_fault(at: float) -> bool:
        return any(begun <= at <= ended + SETTLE_SECONDS for begun, ended in windows)

    unhealthy = [(at, body) for at, status, body in seen.health if status == 503]
    assert unhealthy and all(during_a_fault(at) for at, _ in unhealthy), unhealthy[:3]
    failing = [body for _, body in unhealthy if body.get("follower") == "failing"]
    assert failing, [body for _, body in unhealthy][:3]
    assert any("follower failed" in reason for reason in failing[0]["reasons"]), failing[0]
    final = httpx.get(f"{server.base_url}/health", timeout=5)
    assert final.status_code == 200, final.text
    assert final.json()["status"] == "ok" and final.json()["projection"]["lag"] == 0
    assert "projection follower failed" in server.output()  # logged, with its traceback
    assert "Traceback" in server.output()

    # The worker kept following through the faults and stops cleanly.
    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        status = run(database_url, processes.env, "project", "status")
        if status.returncode == 0 and status.stdout.count("lag 0") == 2:
            break
        time.sleep(0.2)
    assert status.stdout.count("lag 0") == 2, status.stdout
    processes.worker.send_signal(signal.SIGTERM)
    assert processes.worker.wait(timeout=20) == 0, processes.worker_err.read_text()
    if database_url.startswith("sqlite"):  # the worker's commits met the lock too
        worker_log = processes.worker_err.read_text()
        assert "projection follower failed" in worker_log, worker_log[-2000:]
    server.process.terminate()
    server.process.wait(timeout=20)

    # The ledger verifies: every event once, in order, under a signed checkpoint.
    verified = run(
        database_url, processes.env, "verify", "--public-key", str(tmp_path / "ledger.pub")
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # The processes signed what they had hashed as they stopped: nothing is pending.
    assert "a checkpoint signed by this key covers every one of them" in verified.stdout
    # The views equal a rebuild from the log.
    followed = view_rows(database_url)
    assert followed["pj_period_results"], "no views were written: the test proved nothing"
    rebuilt = run(database_url, processes.env, "project", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert view_rows(database_url) == followed
    assert time.monotonic() - started < 60
    assert PERIOD  # the task's period: the views hold the servant's month
