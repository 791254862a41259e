"""Closed years out of memory (projections.records): a runner that closes every
year holds no task and no evaluation between commits, reads each one back from
the log exactly as it was, re-derives a closed period when a late event touches
it, and answers every reader that walks the live state as a runner that keeps
everything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.cli import build_parser, main
from api.cli_common import projector_of
from domain.application import MinhBach
from domain.evaluation import PeriodEvaluation
from domain.storage import Storage
from domain.task import Task
from projections import runner
from projections.leniency import leniency
from projections.replay import Replayed, replay
from projections.runner import Projector, parse_open_years
from projections.state import DomainState
from tests.app.projection_helpers import view_rows
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import History

WORK = [
    ("work", "CV1", 1, 0, 1, False, True),
    ("work", "CV1", 2, 3, 0, False, True),
    ("work", "CV2", 1, 0, 0, True, True),
    ("work", "PP1", 1, 0, 0, False, True),
    ("work", "TP1", 2, 0, 0, False, False),
    ("criteria", "CV1", 1, "2.5"),
    ("criteria", "CV2", 1, "max"),
    ("criteria", "TP1", 2, "1.5"),
    ("leader", "TP1", 1, "dd"),
    ("work", "GD", 1, 0, 0, False, True),
]
# What comes after the years closed: an assessment amended, a result assessed late,
# Form 01 scored again, a task reassigned, a servant moved.
LATE = [
    ("amend", 0, 1, True),
    ("amend", 1, 1, False),
    ("criteria", "CV1", 1, "max"),
    ("reassign", 2, "CV3", "mistake", False),
    ("move", "CV2", "P2", 1),
]


def _period_records(state: DomainState) -> list[Any]:
    return [a for a in dict.values(state.by_id) if isinstance(a, Task | PeriodEvaluation)]


def _assert_compact(projector: Projector) -> None:
    """Every closed year's derived row packed, no closed record's positions in memory,
    every closed period's ids a tuple."""
    deriver, state = projector.deriver, projector.state
    for table in deriver.packed_tables():
        assert len(table) > 0 and table.packed() == len(table)
    assert not any(r in state.positions for r in state.by_id.evicted)
    assert not any(r in state.task_servants for r in state.by_id.evicted)
    assert all(isinstance(ids, tuple) for ids in state.tasks_by_period.values())


def _aggregates(state: DomainState) -> dict[Any, Any]:
    """Every task and evaluation by (servant, period), as (id, version) pairs."""
    found: dict[Any, Any] = {}
    for key in sorted(set(state.tasks_by_period) | set(state.evaluation_ids)):
        evaluation = state.evaluations.get(key)
        found[key] = (
            [(t.id, t.version) for t in state.tasks(key)],
            None if evaluation is None else (evaluation.id, evaluation.version),
        )
    return found


@pytest.fixture
def world(app: MinhBach) -> Iterator[History]:
    build_agency(app)
    build_quarterly_agency(app)
    history = History(app)
    for op in WORK:
        history.apply(op)
    yield history


def test_every_year_closed_holds_no_period_record_and_reads_each_back(world: History) -> None:
    app = world.app
    closed = Projector(app, open_years=0)
    closed.catch_up()
    assert _period_records(closed.state) == []
    assert len(closed.state.by_id.evicted) >= 10
    _assert_compact(closed)
    everything = replay(app)
    # Positions read back with the records (explanations ask for them), indexes kept
    # compact: equal to the replay's.
    for record, positions in everything.state.positions.items():
        assert closed.state.sources(record) == positions
    compact = closed.state.tasks_by_period
    assert {k: set(v) for k, v in compact.items()} == everything.state.tasks_by_period
    # A closed task's servants come back with it, as its fold noted them.
    closed.state.by_id.load(set(closed.state.by_id.evicted))
    assert closed.state.task_servants == everything.state.task_servants
    assert _aggregates(closed.state) == _aggregates(everything.state)  # back from the log
    assert closed.deriver.views() == everything.deriver.views()
    # Readers brought them back; the next look at the log sends them out again.
    assert _period_records(closed.state) != []
    closed.catch_up()
    assert _period_records(closed.state) == []
    closed.engine.dispose()


def test_a_late_event_re_derives_the_closed_period_as_a_full_replay_does(world: History) -> None:
    app = world.app
    closed = Projector(app, open_years=0)
    closed.catch_up()
    before = view_rows(closed)
    for op in LATE:
        world.apply(op)
    closed.catch_up(window=2)
    assert _period_records(closed.state) == []
    _assert_compact(closed)  # what the late events wrote was packed again
    everything = replay(app)
    assert closed.deriver.views() == everything.deriver.views()
    for record, positions in everything.state.positions.items():  # the late ones too
        assert closed.state.sources(record) == positions
    after = view_rows(closed)
    assert after != before  # the late events changed closed periods' rows
    kept = Projector(app, open_years=None)
    kept.rebuild()
    assert view_rows(kept) == after
    kept.engine.dispose()
    closed.engine.dispose()


def test_a_late_event_reads_its_closed_record_back_once(world: History) -> None:
    """The fold brings the task back for its event; the derive of its period finds it
    in memory (no eviction between a fold and its derive)."""
    closed = Projector(app := world.app, open_years=0)
    closed.catch_up()
    task = world.task(0)
    assert task is not None and task.id in closed.state.by_id.evicted
    records = closed.state.by_id
    loader = records.loader
    assert loader is not None
    asked: list[set[Any]] = []

    def counted(ids: set[Any]) -> Any:
        asked.append(set(ids))
        return loader(ids)

    records.loader = counted
    head = app.recorder.max_notification_id()
    world.apply(("amend", 0, 1, True))  # its failed first assessment, accepted on review
    assert app.recorder.max_notification_id() == (head or 0) + 1
    closed.catch_up()
    assert sum(task.id in ids for ids in asked) == 1
    assert closed.deriver.views() == replay(app).deriver.views()
    closed.engine.dispose()


def test_a_restart_with_every_year_closed_finds_nothing_to_rewrite(
    world: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "REBUILD_WINDOW", 7)  # a start derives window by window
    app = world.app
    Projector(app, open_years=None).rebuild()
    restarted = Projector(app, open_years=0)
    assert not any(restarted._pending.values())  # derived in windows, the same rows
    assert _period_records(restarted.state) == []
    restarted.engine.dispose()


def test_leniency_over_a_closed_live_state_is_that_of_a_replay(world: History) -> None:
    app = world.app
    for op in LATE:
        world.apply(op)
    closed = Projector(app, open_years=0)
    closed.catch_up()
    live = Replayed(closed.state, closed.deriver, closed.position)
    for agency in ("SNV", "SNQ"):
        assert leniency(app, live, agency, 2026) == leniency(app, replay(app), agency, 2026)
    closed.engine.dispose()


def test_open_years_are_read_from_a_setting_or_refused() -> None:
    assert parse_open_years("2") == 2
    assert parse_open_years("0") == 0
    assert parse_open_years("all") is None
    for wrong in ("-1", "two", ""):
        with pytest.raises(ValueError, match="number of years"):
            parse_open_years(wrong)


def test_the_command_line_rebuilds_with_every_year_closed(world: History, storage: Storage) -> None:
    app = world.app
    kept = Projector(app, open_years=None)
    kept.rebuild()
    expected = view_rows(kept)
    kept.engine.dispose()
    url = ["--database-url", storage.url, "project"]
    chosen = projector_of(build_parser().parse_args([*url, "--open-years", "0"]))
    assert chosen.open_years == 0
    chosen.engine.dispose()
    assert projector_of(build_parser().parse_args(url)).open_years == runner.OPEN_YEARS
    assert main([*url, "rebuild", "--open-years", "0"]) == 0
    assert main([*url, "--open-years", "all"]) == 0
    again = Projector(app, open_years=None)
    assert view_rows(again) == expected
    again.engine.dispose()
