"""The follower survives database faults and halts, loudly, on a poison event;
the ledger reloads a consistent snapshot. On SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from api.cli import main
from domain.application import MinhBach
from domain.storage import Storage
from projections import ledger as ledger_module
from projections import runner
from projections.faults import recorded
from projections.follower import Follower, ViewsHalted
from projections.ledger import Ledger, event_leaf, load_leaves
from projections.runner import Projector
from projections.tracking import engine_for
from tests.app.projection_helpers import view_rows
from tests.app.scenario import assign, build_agency, log_size
from tests.app.test_projection_properties import History


def work(app: MinhBach, months: range) -> None:
    history = History(app)
    for month in months:
        for code in ("CV1", "CV2", "TP1"):
            history.work(code, month, late=month % 3, failures=month % 2, ad_hoc=False, finish=True)
            history.criteria(code, month, "2.5")


@pytest.fixture
def history(app: MinhBach) -> MinhBach:
    build_agency(app)
    work(app, range(1, 4))
    return app


@pytest.fixture
def follower(history: MinhBach) -> Iterator[Follower]:
    engine = engine_for(history.storage)
    projector = Projector(history, engine, batch_size=40, ledger=Ledger(history, engine))
    yield Follower(projector, interval=0.01)
    engine.dispose()


def rebuilt_rows(app: MinhBach) -> dict[str, Any]:
    """The views as a rebuild from the whole log makes them (in another database
    connection, compared after the fact)."""
    fresh = Projector(app)
    fresh.rebuild()
    rows = view_rows(fresh)
    fresh.engine.dispose()
    return rows


def assert_ledger_is_the_log(app: MinhBach, follower: Follower) -> None:
    """Every event once, in order, with its own leaf, and nothing else."""
    notifications = app.recorder.select_notifications(start=None, limit=1_000_000)
    with follower.projector.engine.connect() as conn:
        stored = load_leaves(conn)
    assert stored == [(n.id, event_leaf(n)) for n in notifications]


class Injected:
    """Fails the statements of one kind, a given number of times, as the database would."""

    def __init__(self, follower: Follower, statement: str, times: int) -> None:
        self.left = times
        self.verb, self.table = statement.split(" ")
        event.listen(follower.projector.engine, "before_cursor_execute", self)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        if self.left and words[0] == self.verb and self.table in statement.split("(")[0]:
            self.left -= 1
            raise OperationalError(statement, None, Exception("database is locked"))


@pytest.mark.parametrize(
    "fails_at",
    ["UPDATE pj_tracking", "INSERT pj_period_results", "INSERT pj_ledger_chunks"],
)
def test_a_failed_commit_resynchronises_instead_of_folding_twice(
    history: MinhBach, follower: Follower, fails_at: str
) -> None:
    follower.catch_up()
    work(history, range(4, 6))  # new events the next commit carries
    Injected(follower, fails_at, times=2)
    for _ in range(2):
        with pytest.raises(OperationalError):
            follower.catch_up()
        assert follower.health(log_size(history)).state == "failing"
    assert follower.catch_up() == log_size(history)  # was OriginatorVersionError
    assert follower.health(log_size(history)).healthy
    rows = view_rows(follower.projector)
    assert_ledger_is_the_log(history, follower)
    assert rows == rebuilt_rows(history)


def test_a_commit_that_landed_but_was_reported_lost_is_not_applied_twice(
    history: MinhBach, follower: Follower, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops after COMMIT reached the server: the follower cannot
    know, so it rereads what is committed."""
    follower.catch_up()
    work(history, range(4, 5))
    original = Projector._commit
    lost: list[int] = []

    def commit_then_lose_the_answer(self: Projector, position: int, changed: Any) -> None:
        original(self, position, changed)
        if not lost:
            lost.append(position)
            raise OperationalError("COMMIT", None, Exception("server closed the connection"))

    monkeypatch.setattr(Projector, "_commit", commit_then_lose_the_answer)
    with pytest.raises(OperationalError):
        follower.catch_up()
    monkeypatch.setattr(Projector, "_commit", original)
    assert follower.catch_up() == log_size(history)
    rows = view_rows(follower.projector)
    assert_ledger_is_the_log(history, follower)
    assert rows == rebuilt_rows(history)


def test_backoff_doubles_up_to_its_ceiling(follower: Follower) -> None:
    follower.interval, follower.max_backoff = 0.5, 4.0
    waits = []
    for failures in range(6):
        follower.failures = failures
        waits.append(follower.backoff())
    assert waits == [0.5, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_health_reports_views_that_fall_behind_the_log(follower: Follower) -> None:
    now = [1000.0]
    follower.lag_seconds = 60
    follower._monotonic = lambda: now[0]
    position = follower.catch_up()
    assert follower.health(position).healthy
    head = position + 5  # the log grows; the follower is stuck
    states = []
    for _ in range(7):
        now[0] += 11
        states.append(follower.health(head).state)
    # Healthy while the events are younger than the window (first seen at +11 s).
    assert states == ["following"] * 6 + ["lagging"]
    health = follower.health(head)
    assert not health.healthy and health.state == "lagging"
    assert f"views at {position} have not reached {head}" in (health.reason or "")
    # Behind, but by less than the window: still healthy.
    follower._heads.clear()
    assert follower.health(head).healthy


# --- poison events ----------------------------------------------------------------


def write_poison(app: MinhBach) -> int:
    """An event no version of this code can read (its class is gone)."""
    app.recorder.insert_events(
        [StoredEvent(uuid.uuid4(), 1, "minhbach.retired:Vanished", b'{"actor": "x"}')]
    )
    return log_size(app)


def test_a_poison_event_halts_the_views_before_it_with_an_alarm(
    history: MinhBach, follower: Follower, storage: Storage, capsys: pytest.CaptureFixture[str]
) -> None:
    follower.catch_up()
    assign(history, "BEFORE", period="2026-05")
    poison = write_poison(history)
    assign(history, "AFTER", period="2026-05")
    head = log_size(history)

    with pytest.raises(ViewsHalted) as halted:
        follower.catch_up()
    assert halted.value.fault.position == poison
    # The views went as far as they could, and stop there; the ledger, which only
    # hashes, has every event.
    assert follower.projector.tracked_position() == poison - 1
    assert follower.projector.ledger is not None and follower.projector.ledger.position == head
    assert_ledger_is_the_log(history, follower)
    health = follower.health(head)
    assert (health.healthy, health.state) == (False, "halted")
    assert f"event {poison} (minhbach.retired:Vanished)" in (health.reason or "")
    with pytest.raises(ViewsHalted):
        follower.ensure(head)
    assert follower.ensure(poison - 1) == poison - 1  # what is there is still served
    with follower.projector.engine.connect() as conn:
        [fault] = recorded(conn)
    assert (fault.position, fault.topic) == (poison, "minhbach.retired:Vanished")
    assert "TopicError" in fault.error

    # Every process sees the alarm: `minhbach project status` names it and fails.
    capsys.readouterr()
    assert main(["--database-url", storage.url, "project", "status"]) == 1
    out = capsys.readouterr().out
    assert f"HALTED: classifications halted at event {poison}" in out

    # A version that can read the event passes it and clears the alarm.
    with pytest.MonkeyPatch.context() as fixed:
        fixed.setattr(runner, "IGNORED_TOPIC_PREFIXES", ("minhbach.receipt:", "minhbach.retired:"))
        upgraded = Follower(Projector(history, follower.projector.engine))
        assert upgraded.catch_up() == head
    with follower.projector.engine.connect() as conn:
        assert recorded(conn) == []
    assert main(["--database-url", storage.url, "project", "status"]) == 0

    # The older version again, now that the views rest on the event: a worker
    # cannot even load them, so it says so, records it and exits.
    worker = subprocess.run(
        [sys.executable, "-m", "api.cli", "--database-url", storage.url, "project", "--follow"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 1, worker.stdout + worker.stderr
    assert f"event {poison} (minhbach.retired:Vanished) cannot be projected" in worker.stderr
    assert main(["--database-url", storage.url, "project", "status"]) == 1


# --- the ledger's snapshot ----------------------------------------------------------


@pytest.mark.parametrize("other_commits", ["after the leaves are read", "before"])
def test_ledger_reload_reads_leaves_and_position_as_one_snapshot(
    history: MinhBach, monkeypatch: pytest.MonkeyPatch, other_commits: str
) -> None:
    """Another follower appends leaves while this one reloads: the tree and the
    position must agree, or the next append collides with a stored chunk."""
    mine, other = Ledger(history), Ledger(history)
    mine.catch_up()
    other.reload()
    assign(history, "NEW", period="2026-05")
    original = ledger_module.load_leaves

    def racing(conn: Any) -> list[tuple[int, bytes]]:
        if other_commits == "before":
            other.catch_up()
            return original(conn)
        leaves = original(conn)
        other.catch_up()
        return leaves

    monkeypatch.setattr(ledger_module, "load_leaves", racing)
    mine.reload()
    monkeypatch.setattr(ledger_module, "load_leaves", original)
    assert len(mine.tree) == len(mine.positions) and mine.positions[-1] <= mine.position
    assign(history, "LATER", period="2026-05")
    assert mine.catch_up() == log_size(history)  # was IntegrityError on first_leaf
    with mine.engine.connect() as conn:
        stored = load_leaves(conn)
    notifications = history.recorder.select_notifications(start=None, limit=1_000_000)
    assert stored == [(n.id, event_leaf(n)) for n in notifications]
    assert mine.tree.root(len(mine.tree)) == other_root(history)
    mine.engine.dispose()
    other.engine.dispose()


def other_root(app: MinhBach) -> bytes:
    fresh = Ledger(app)
    root = fresh.tree.root(len(fresh.tree))
    fresh.engine.dispose()
    return root
