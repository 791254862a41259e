"""Exactly once: racing runners and a worker killed mid-batch lose and double nothing."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update

from domain.application import MinhBach
from domain.storage import Storage
from projections import runner
from projections.runner import Projector
from projections.tables import VIEWS
from tests.app.projection_helpers import view_rows
from tests.app.scenario import assign, build_agency, log_size
from tests.app.test_projection_properties import History
from tests.conftest import FakeClock, postgres_storage


@pytest.fixture
def history(app: MinhBach) -> MinhBach:
    return make_history(app)


def make_history(app: MinhBach) -> MinhBach:
    """About five hundred events: a year of work for everyone, some failed, some late."""
    build_agency(app)
    applying = History(app)
    for month in range(1, 13):
        for code in ("CV1", "CV2", "PP1", "CV3", "TP1", "TP2", "GD"):
            late, failures = month % 4, month % 2
            applying.work(code, month, late, failures, ad_hoc=False, finish=True)
            applying.criteria(code, month, "2.5")
    applying.discipline("CV2")
    applying.amend(3, 1, True)
    return app


def expected_rows(app: MinhBach) -> dict[str, Any]:
    """What a single runner produces from the whole log."""
    fresh = Projector(app)
    fresh.catch_up()
    rows = view_rows(fresh)
    fresh.engine.dispose()
    return rows


@pytest.fixture
def postgres_app(postgres_schema: str, clock: FakeClock) -> Iterator[MinhBach]:
    app = MinhBach(postgres_storage(postgres_schema), clock=clock)
    yield make_history(app)
    app.close()


@pytest.mark.postgres
def test_two_racing_runners_count_every_event_once(
    postgres_app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Concurrent transactions on PostgreSQL: the tracking row decides who commits."""
    history = postgres_app
    committed: list[tuple[int, int]] = []
    conflicts: list[int] = []
    original_commit = Projector._commit
    original_reset = Projector.reset

    def commit(self: Projector, position: int, changed: Any) -> None:
        start = self.position
        original_commit(self, position, changed)
        committed.append((start, position))

    def reset(self: Projector) -> None:
        conflicts.append(1)
        original_reset(self)

    monkeypatch.setattr(Projector, "_commit", commit)
    first, second = Projector(history, batch_size=7), Projector(history, batch_size=7)
    monkeypatch.setattr(Projector, "reset", reset)
    barrier = threading.Barrier(2)

    def run(projector: Projector) -> None:
        barrier.wait()
        projector.catch_up()

    threads = [threading.Thread(target=run, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    head = log_size(history)
    assert first.position == second.position == head
    # Every committed range starts where the previous one ended: no event twice, none lost.
    advancing = sorted((s, e) for s, e in committed if e > s)
    assert advancing[0][0] == 0 and advancing[-1][1] == head
    assert all(a[1] == b[0] for a, b in itertools.pairwise(advancing))
    assert conflicts, "the runners never raced: the test proved nothing"
    rows = view_rows(first)
    first.engine.dispose()
    second.engine.dispose()
    assert rows == expected_rows(history)


def _follow(storage: Storage) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "--database-url",
        storage.url,
        "project",
        "--follow",
        "--interval",
        "0.05",
        "--batch-size",
        "3",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(
    history: MinhBach, storage: Storage
) -> None:
    head = log_size(history)
    probe = Projector(history)
    killed_at = []
    for pause in (0.0, 0.03, 0.11):
        # Kill once this worker has committed at least one batch, while it is in another.
        before = probe.tracked_position()
        worker = _follow(storage)
        deadline = time.monotonic() + 60
        while probe.tracked_position() == before and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(pause)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        killed_at.append(probe.tracked_position())
    assert killed_at[0] > 0
    assert killed_at[-1] < head, "the worker finished before it was killed: the test proved nothing"
    # A last run to the end, in a worker that is allowed to finish.
    worker = _follow(storage)
    deadline = time.monotonic() + 60
    while probe.tracked_position() < head and time.monotonic() < deadline:
        time.sleep(0.1)
    worker.send_signal(signal.SIGINT)
    worker.wait(timeout=30)
    assert probe.tracked_position() == head
    rows = view_rows(probe)
    probe.engine.dispose()
    assert rows == expected_rows(history)
    assert killed_at == sorted(killed_at)  # progress is kept across kills


def test_views_and_tracking_commit_together(
    history: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing rows leaves neither rows nor position behind."""
    projector = Projector(history, batch_size=50)
    projector.catch_up()
    assign(history, "EXTRA", to="CV1", by="TP1", period="2026-04")
    before, position = view_rows(projector), projector.tracked_position()
    assert log_size(history) > position

    def broken(*_: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(runner, "_write", broken)
    with pytest.raises(RuntimeError):
        projector.catch_up()
    assert projector.tracked_position() == position
    assert view_rows(projector) == before
    projector.engine.dispose()


def test_a_start_rewrites_exactly_the_stored_rows_that_differ(history: MinhBach) -> None:
    """A start compares the stored views with the derivation row by row: a changed,
    a missing and a foreign row are found, and only they are rewritten."""
    app = history
    expected = expected_rows(app)
    tables = {view.name: view for view in VIEWS}
    periods, annual = tables["pj_period_results"], tables["pj_annual_classifications"]
    interim = tables["pj_interim_results"]
    first = Projector(app)
    with first.engine.begin() as conn:
        conn.execute(
            update(periods)
            .where(periods.c.servant_code == "CV1", periods.c.period == "2026-03")
            .values(score="1")
        )
        conn.execute(delete(annual).where(annual.c.servant_code == "CV2"))
        foreign = dict(conn.execute(select(interim).limit(1)).one()._mapping)
        conn.execute(insert(interim).values({**foreign, "servant_code": "KHONG-CO"}))
    first.engine.dispose()
    restarted = Projector(app)
    assert {name: keys for name, keys in restarted._pending.items() if keys} == {
        "pj_period_results": {("CV1", "2026-03")},
        "pj_annual_classifications": {("CV2", 2026)},
        "pj_interim_results": {("KHONG-CO", foreign["span"])},
    }
    restarted.catch_up()
    assert view_rows(restarted) == expected
    restarted.engine.dispose()
