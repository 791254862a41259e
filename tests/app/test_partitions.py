"""Partitioned projection workers: together they give exactly the views one worker
gives, and a failure in one partition leaves the other's views and position alone."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.cli import main
from domain import commands as c
from domain.application import MinhBach
from domain.storage import Storage, storage_from_url
from domain.task import task_id
from projections import runner
from projections.partition import Partition, group_of
from projections.routes import RoutedReader, RouteIndex, route_events, subjects_named
from projections.runner import Projector
from projections.state import IGNORED_TOPIC_PREFIXES
from projections.tables import tracking
from projections.tracking import tracked_position
from tests.app.projection_helpers import view_rows
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import ADMIN, build_agency, servant
from tests.app.test_projection_properties import SCRATCH, History, fact_operations

# SNV and SNQ hash to different halves (crc32 % 2), so two partitions split them.
HALVES = (Partition(index=1, count=2), Partition(index=2, count=2))
NAMED = (Partition(agencies=frozenset({"SNV"})), Partition(agencies=frozenset({"SNQ"})))

# Work at both agencies, servants moving from one to the other and back, a discipline.
STORY: list[tuple[Any, ...]] = [
    ("work", "CV1", 1, 0, 0, False, True),
    ("work", "CV2", 1, 1, 1, False, True),
    ("criteria", "CV1", 1, "2.5"),
    ("criteria", "CV2", 1, "max"),
    ("transfer", "CV2", True, 2),
    ("work", "CV2", 3, 0, 0, False, True),
    ("criteria", "CV2", 3, "1.5"),
    ("work", "TP1", 2, 2, 0, False, True),
    ("discipline", "CV1"),
    ("transfer", "CV1", True, 3),
    ("transfer", "CV2", False, 3),
    ("work", "CV2", 3, 0, 1, True, True),
    ("leader", "TP1", 2, "dd"),
    ("work", "GD", 1, 0, 0, False, True),
]


def _build(app: MinhBach) -> History:
    build_agency(app)
    build_quarterly_agency(app)
    return History(app)


def _single_worker_views(app: MinhBach) -> dict[str, Any]:
    """What one worker over the whole log produces (it rebuilds the shared views)."""
    single = Projector(app)
    single.rebuild()
    rows = view_rows(single)
    single.engine.dispose()
    return rows


def _run_interleaved(
    app: MinhBach,
    ops: list[tuple[Any, ...]],
    partitions: tuple[Partition, ...],
    open_years: int | None = runner.OPEN_YEARS,
) -> dict[str, Any]:
    """Apply ``ops``, the partitions catching up in between with different windows."""
    applying = History(app)
    workers = [Projector(app, partition=p, open_years=open_years) for p in partitions]
    for step, op in enumerate(ops):
        applying.apply(op)
        if step % 3 == 2:
            workers[step % len(workers)].catch_up(window=1 + step % 4)
    for worker in workers:
        worker.catch_up()
    rows = view_rows(workers[0])
    for worker in workers:
        worker.engine.dispose()
    return rows


@pytest.mark.parametrize("open_years", [runner.OPEN_YEARS, 0], ids=["open", "every-year-closed"])
@pytest.mark.parametrize("partitions", [HALVES, NAMED], ids=["halves", "named"])
def test_partitions_together_equal_one_worker(
    app: MinhBach, partitions: tuple[Partition, ...], open_years: int
) -> None:
    _build(app)
    together = _run_interleaved(app, STORY, partitions, open_years)
    assert sum(len(rows) for rows in together.values()) > 0
    agencies = {row["agency_code"] for row in together["pj_period_results"]}
    assert agencies == {"SNV", "SNQ"}
    assert together == _single_worker_views(app)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(fact_operations, min_size=5, max_size=20), st.sampled_from([runner.OPEN_YEARS, 0]))
def test_generated_histories_partitioned_equal_one_worker(
    ops: list[tuple[Any, ...]], open_years: int
) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        storage = storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}")
        app = MinhBach(storage, clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
        _build(app)
        moves = [("transfer", "CV2", True, 2), ("transfer", "CV2", False, 3)]
        together = _run_interleaved(app, [*moves[:1], *ops, *moves[1:]], HALVES, open_years)
        assert together == _single_worker_views(app)
        app.close()


def _positions(app: MinhBach) -> dict[str, int]:
    probe = Projector(app, partition=HALVES[0])
    with probe.engine.connect() as conn:
        found = {
            str(n): int(p) for n, p in conn.execute(select(tracking.c.name, tracking.c.position))
        }
    probe.engine.dispose()
    return found


def test_a_failed_commit_in_one_partition_leaves_the_other_alone(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(app)
    applying = History(app)
    for op in STORY:
        applying.apply(op)
    snq, snv = (Projector(app, partition=p) for p in HALVES)
    original = runner._write_owned
    calls = 0

    def fail_mid_batch(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # after one view's rows were written in the transaction
            raise RuntimeError("the database went away")
        original(*args)

    monkeypatch.setattr(runner, "_write_owned", fail_mid_batch)
    with pytest.raises(RuntimeError):
        snq.catch_up()
    monkeypatch.setattr(runner, "_write_owned", original)
    assert _positions(app)[HALVES[0].name] == 0  # rolled back: nothing of SNQ's landed

    head = snv.catch_up()
    assert _positions(app)[HALVES[1].name] == head
    rows = view_rows(snv)
    assert rows["pj_period_results"]
    assert {row["agency_code"] for rows_ in rows.values() for row in rows_} == {"SNV"}

    assert snq.catch_up() == head  # resynchronises from what is committed
    together = view_rows(snq)
    snq.engine.dispose()
    snv.engine.dispose()
    assert together == _single_worker_views(app)


def test_a_batch_in_a_managed_agency_concerns_its_whole_group(app: MinhBach) -> None:
    """Quota pools and Chapter II ratings span the agencies under one managing agency:
    a batch touching one of them makes every partition owning one of them derive."""
    _build(app)
    for code in ("SNA", "SNB"):
        app.execute(c.RegisterAgency(code=code, title=code, managing_agency="SNV"), ADMIN)
    worker = Projector(app, partition=HALVES[0])
    worker.catch_up()
    agencies = worker.state.agencies
    assert {code: group_of(code, agencies) for code in agencies} == {
        "SNV": "SNV",
        "SNA": "SNV",
        "SNB": "SNV",
        "SNQ": "SNQ",
    }
    only_a = Partition(agencies=frozenset({"SNA"}))
    only_q = Partition(agencies=frozenset({"SNQ"}))
    assert only_a.owned(agencies) == {"SNA"}  # rows: its own agency's only
    assert only_a.concerned({"SNB"}, agencies)  # derivation: its group's batches
    assert only_a.concerned({"SNV"}, agencies)
    assert not only_a.concerned({"SNQ"}, agencies)
    assert not only_q.concerned({"SNA", "SNB"}, agencies)
    assert not only_q.concerned(set(), agencies)
    worker.engine.dispose()


def test_partition_options_parse() -> None:
    assert Partition.parse(None, None) is None
    assert Partition.parse("2/3", None) == Partition(index=2, count=3)
    assert Partition.parse(None, "B, A") == Partition(agencies=frozenset({"A", "B"}))
    assert Partition.parse("1/2", None) is not None
    assert HALVES[0].name == "classifications:part-1-of-2"
    assert NAMED[0].name == "classifications:agencies-SNV"
    for bad in ("0/2", "3/2", "x/2", "1", "1/", "-1/2", "1/2/3"):
        with pytest.raises(ValueError, match="expected K/N"):
            Partition.parse(bad, None)
    with pytest.raises(ValueError):
        Partition.parse("1/2", "A")


def test_the_command_line_runs_a_partition_and_reports_it(
    app: MinhBach, storage: Storage, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(app)
    applying = History(app)
    for op in STORY:
        applying.apply(op)
    url = ["--database-url", storage.url, "project"]
    assert main([*url, "--partition", "1/2"]) == 0
    assert main([*url, "--agencies", "SNV"]) == 0
    assert main([*url, "status"]) == 0
    out = capsys.readouterr().out
    head = app.recorder.max_notification_id()
    assert f"classifications:part-1-of-2: position {head} of {head}" in out
    assert f"classifications:agencies-SNV: position {head} of {head}" in out
    worker = Projector(app, partition=HALVES[0])
    together = view_rows(worker)
    worker.engine.dispose()
    assert together == _single_worker_views(app)
    assert main([*url, "--partition", "3/2"]) != 0


def test_a_partition_worker_follows_until_sigterm(app: MinhBach, storage: Storage) -> None:
    _build(app)
    command = ["--database-url", storage.url, "project", "--follow", "--agencies", "SNQ"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", *command, "--interval", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        for line in worker.stdout:
            if "; following" in line:
                break
        applying = History(app)
        for op in STORY[:6]:
            applying.apply(op)
        head = app.recorder.max_notification_id()
        name = NAMED[1].name
        deadline = time.monotonic() + 60
        while _positions(app).get(name) != head and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _positions(app)[name] == head
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, out + err
    assert f"stopped; views at position {head}" in out


def test_partitions_of_one_managing_group_equal_one_worker(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SNQ managed by SNV: its head is classified by SNV's head, in a pool of SNV's,
    while the two agencies' rows are written by different partitions."""
    register = c.RegisterAgency

    def managed_by_snv(**fields: Any) -> c.RegisterAgency:
        if fields["code"] == "SNQ":
            fields["managing_agency"] = "SNV"
        return register(**fields)

    monkeypatch.setattr(c, "RegisterAgency", managed_by_snv)
    _build(app)
    monkeypatch.setattr(c, "RegisterAgency", register)
    story = [*STORY, ("work", "GQ", 1, 0, 0, False, True), ("criteria", "GQ", 1, "max")]
    together = _run_interleaved(app, story, HALVES)
    pools = {(r["agency_code"], r["pool_authority"]) for r in together["pj_annual_classifications"]}
    assert ("SNQ", "SNV") in pools  # a row of one partition pooled at the other's agency
    assert together == _single_worker_views(app)


def _routed(worker: Projector) -> RoutedReader:
    assert worker.routed is not None, "a partition reads through the routes"
    return worker.routed


def _assert_snq_rows_are_the_single_workers(app: MinhBach, snq: Projector) -> None:
    """The SNQ worker's rows, CV2's year among them, are the single worker's SNQ rows."""
    ours = view_rows(snq)
    snq.engine.dispose()
    assert any(row["servant_code"] == "CV2" for row in ours["pj_annual_classifications"])
    single = _single_worker_views(app)
    assert ours == {
        name: [row for row in rows if row["agency_code"] == "SNQ"] for name, rows in single.items()
    }


def test_a_partition_reads_only_its_component_until_a_move_links_the_groups(
    app: MinhBach,
) -> None:
    """SNV and SNQ are separate groups: the SNQ worker reads none of SNV's work, then
    a servant moving from SNV to SNQ brings SNV's group in, earlier events and all."""
    _build(app)
    applying = History(app)
    local = [op for op in STORY if op[0] != "transfer"]
    for op in local:
        applying.apply(op)
    snq = Projector(app, partition=NAMED[1])
    snq.catch_up()
    head = app.recorder.max_notification_id()
    assert head is not None
    routed = _routed(snq)
    assert "SNV" not in routed.component and "SNQ" in routed.component
    assert 0 < routed.read < head / 2  # SNV's agency and work were never read
    assert {p.agency_code for s in snq.state.servants.values() for p in s.placements} == {"SNQ"}

    applying.apply(("transfer", "CV2", True, 2))  # CV2: SNV → SNQ
    applying.apply(("work", "CV2", 3, 0, 0, False, True))
    snq.catch_up()
    assert "SNV" in routed.component  # linked by CV2
    assert "CV1" in snq.state.servants  # all of SNV's group, folded from its first event
    _assert_snq_rows_are_the_single_workers(app, snq)


def test_a_worker_behind_routes_routed_further_folds_a_joining_servant_from_the_start(
    app: MinhBach,
) -> None:
    """Another worker has routed past CV2's move into SNQ while the SNQ worker is still
    before it: the routes already list CV2 in SNQ's group, so a later event of CV2's
    January evaluation arrives before the move does, and the worker reads that
    evaluation's earlier events with it (not only once the move is reached)."""
    _build(app)
    applying = History(app)
    for op in [op for op in STORY if op[0] != "transfer"]:
        applying.apply(op)
    snq = Projector(app, partition=NAMED[1])
    snq.catch_up()
    before_the_move = snq.position
    applying.apply(("criteria", "CV2", 1, "2.5"))  # CV2's January evaluation, scored again
    applying.apply(("work", "CV2", 2, 0, 0, False, True))  # still at SNV
    applying.apply(("transfer", "CV2", True, 3))  # CV2: SNV → SNQ
    applying.apply(("work", "CV2", 4, 0, 0, False, True))
    head = app.recorder.max_notification_id()
    assert head is not None
    routes = snq.routes
    assert routes is not None
    routes.advance(head)  # as a worker of another partition would
    while snq.position < head:  # then the SNQ worker, a few events at a time
        snq.catch_up(window=2)
    assert snq.position > before_the_move
    _assert_snq_rows_are_the_single_workers(app, snq)


def test_the_routes_cover_every_event_once_when_two_workers_race(app: MinhBach) -> None:
    _build(app)
    applying = History(app)
    for op in STORY:
        applying.apply(op)
    head = app.recorder.max_notification_id()
    assert head is not None
    workers = [Projector(app, partition=p) for p in HALVES]
    indexes = [worker.routes for worker in workers]
    assert all(index is not None for index in indexes)
    barrier = threading.Barrier(len(indexes))
    failures: list[BaseException] = []

    def advance(index: RouteIndex) -> None:
        barrier.wait()
        try:
            index.advance(head)
        except BaseException as error:  # a thread's exception would go unnoticed
            failures.append(error)

    threads = [threading.Thread(target=advance, args=(index,)) for index in indexes if index]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures  # neither worker hit the other's rows
    with workers[0].engine.connect() as conn:
        routed = [int(p) for p in conn.execute(select(route_events.c.position)).scalars()]
        moved = tracked_position(conn, "routes")
    stored = [
        row.id
        for rows in workers[0].reader.pages(0, head)
        for row in rows
        if not row.topic.startswith(IGNORED_TOPIC_PREFIXES)
    ]
    assert moved == head
    assert sorted(routed) == stored  # each event once, none left out
    for worker in workers:
        worker.catch_up()
    together = view_rows(workers[0])
    for worker in workers:
        worker.engine.dispose()
    assert together == _single_worker_views(app)


def test_the_subjects_an_event_names() -> None:
    assert subjects_named("minhbach.agency:Registered", {"code": "SNV"}) == {"A:SNV"}
    assert subjects_named("minhbach.servant:Registered", {"code": "CV1", "agency_code": "SNV"}) == {
        "S:CV1",
        "A:SNV",
    }
    assert subjects_named("minhbach.task:Reassigned", {"to_servant": "CV2"}) == {"S:CV2"}
    assert subjects_named("minhbach.quota_pool:Opened", {"authority": "UBND"}) == {"A:UBND"}
    assert subjects_named("minhbach.principal:Registered", {"name": "x", "code": "p"}) == set()


def test_a_closed_record_comes_back_whole_after_a_joining_group_s_earlier_events(
    app: MinhBach,
) -> None:
    """The SNQ worker closes every year. In one window, GQ's task — out of memory —
    gets a result, and CV2's move from SNV links SNV's group, whose earlier events
    the worker folds first, below its position: the task comes back with all its
    events, and the rows are the single worker's."""
    _build(app)
    applying = History(app)
    for op in [op for op in STORY if op[0] != "transfer"]:
        applying.apply(op)
    applying.apply(("work", "GQ", 1, 0, 1, False, False))  # GQ's task: assigned, failed
    snq = Projector(app, partition=NAMED[1], open_years=0)
    snq.catch_up()
    gq_task = task_id(applying.tasks[-1])
    assert gq_task in snq.state.by_id.evicted
    app.execute(
        c.SubmitResult.model_validate(
            {"task": applying.tasks[-1], "completed_quantity": "2", "completed_on": "2026-01-20"}
        ),
        servant("GQ"),
    )
    applying.apply(("transfer", "CV2", True, 2))  # CV2: SNV → SNQ, links SNV's group
    snq.catch_up()  # one window: SNV's earlier events first, then GQ's result, the move
    assert "SNV" in _routed(snq).component
    _assert_snq_rows_are_the_single_workers(app, snq)
