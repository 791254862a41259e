"""An as-of explanation of one servant's year at a mark of the versioned rows, from
the servant's own records with the quota pool's other members read from those rows
(``projections.pooled``), equals the one from a replay of the whole log, document
for document; and it folds none of the peers' work, nor, for a leader, the work of
those whose levels make d (read from the versioned period rows). A period's explanation, which
rests on no pool, comes from the same own records at any position."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api import as_of, reads_year
from api.auth import ReadScope
from api.live import OPEN_YEARS_SETTING
from domain.application import MinhBach
from domain.errors import InvalidValue, NotFound
from projections import focused, history
from projections.explain import Explainer, StoreEvents
from projections.pooled import pooled_replay
from projections.replay import Replayed, replay
from projections.state import DomainState
from tests.app.live_world import World, generated_world, play
from tests.app.projection_helpers import whole_log_refused
from tests.app.scenario import STAFF
from tests.app.test_projection_properties import operations
from tests.app.test_versioned_as_of import PLAYED, _servants

YEAR = 2026
EVERYTHING = ReadScope(everything=True)


def _marks(world: World) -> list[int]:
    with world.svc.views.engine.connect() as conn:
        return sorted(conn.execute(select(history.history_marks.c.position)).scalars())


def _explained(app: MinhBach, replayed: Replayed, code: str) -> object:
    try:
        return Explainer(StoreEvents(app), replayed).year(code, YEAR)
    except NotFound as error:
        return str(error)


def _tasks(state: DomainState, servant: str | None = None) -> set[UUID]:
    """The tasks a state holds: all, or those ever on ``servant``'s periods (a task
    reassigned to or from them counts)."""
    return {
        task
        for (code, _), tasks in state.tasks_by_period.items()
        if servant in (None, code)
        for task in tasks
    }


def _counted_levels(found: Replayed, code: str) -> int:
    """How many subordinates' levels ``code``'s d counted in ``found``."""
    deriver = found.deriver
    counted = 0
    for key in [k for k in deriver.period_rows if k[0] == code]:
        computation = deriver.compute_period(key, explain=False)
        if computation is not None and computation.leader is not None:
            rows = (deriver.period_rows.get((s, key[1])) for s in computation.subordinates)
            counted += sum(1 for row in rows if row and row["level"])
    return counted


def check_marks(world: World) -> tuple[int, int]:
    """At every mark, compare each servant's pooled explanation with the full
    replay's; return how many were pooled, and how many subordinates' levels the
    leaders among them counted in d."""
    svc = world.svc
    svc.views.catch_up()
    projector = svc.views.projector
    servants = sorted({*STAFF, *_servants(svc)})
    answered = counted = 0
    for mark in _marks(world):
        full = replay(svc.app, upto=mark)
        rows = history.RowsAt(svc.views.engine, mark)
        for code in servants:
            found = pooled_replay(
                svc.app, projector.state, projector.deriver, code, YEAR, full.position, rows
            )
            if (code, YEAR) not in full.deriver.annual_rows:
                assert found is None, (mark, code)
                continue
            assert found is not None, (mark, code)
            answered += 1
            counted += _counted_levels(found, code)
            assert _explained(svc.app, found, code) == _explained(svc.app, full, code)
            # A leader's d reads the subordinates' levels from the rows: their work is
            # not folded either.
            assert _tasks(found.state) <= _tasks(projector.state, code), (mark, code)
    return answered, counted


# A unit head's month with results of two of their staff in it: every history
# generated after it has a leader's d counting levels, which the operations alone
# seldom give.
LED_MONTH = [
    ("work", "TP1", 1, 0, 0, False, True),
    ("criteria", "TP1", 1, "max"),
    ("work", "CV1", 1, 0, 0, False, True),
    ("criteria", "CV1", 1, "max"),
    ("work", "CV2", 1, 1, 1, False, True),
    ("criteria", "CV2", 1, "1.5"),
]


@settings(
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operations, min_size=5, max_size=14), st.integers(1, 10))
def test_pooled_explanation_equals_the_full_replay_at_every_mark(
    ops: list[tuple[Any, ...]], window: int
) -> None:
    with generated_world(LED_MONTH + ops) as world:
        world.svc.views.projector.catch_up(window=window)
        answered, counted = check_marks(world)
        event("pooled" if answered else "no classified year")
        event("a leader's d counted levels" if counted else "no level counted in d")


def _played(world: World) -> None:
    play(world, PLAYED)
    world.svc.views.projector.catch_up(window=5)


def test_every_mark_on_both_backends(world: World) -> None:
    _played(world)
    answered, counted = check_marks(world)
    assert answered > 20
    assert counted > 0  # leaders' d from their subordinates' versioned levels


def test_the_api_explains_a_marked_position_from_the_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the API at a mark: neither the pool's records nor the log are folded,
    and the documents are the whole log's."""
    _played(world)
    svc = world.svc
    marks = [m for m in _marks(world) if m > 0]
    expected = {}
    for mark in marks:
        full = replay(svc.app, upto=mark)
        expected[mark] = {
            code: Explainer(StoreEvents(svc.app, svc.views.ledger), full).year(code, YEAR)
            for code in sorted(STAFF)
            if (code, YEAR) in full.deriver.annual_rows
        }
    as_of._KEPT.clear()
    monkeypatch.setattr(reads_year, "focused_replay", whole_log_refused)
    monkeypatch.setattr(svc.replays, "at", whole_log_refused)
    answered = 0
    for mark, documents in expected.items():
        for code, document in documents.items():
            read = reads_year.year_explanation(svc, EVERYTHING, code, YEAR, as_of_position=mark)
            assert read == document
            answered += 1
    assert answered > 20


def test_a_row_the_fold_does_not_give_is_not_trusted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the servant's versioned row differs from what the fold derives against
    the pool's rows, nothing is answered from them: the API folds the pool instead,
    and still gives the replay's document."""
    _played(world)
    svc = world.svc
    mark = _marks(world)[-1]
    code = "CV2"
    reading = history.RowsAt.annual

    def altered(self: history.RowsAt, servant: str, year: int) -> Any:
        row = reading(self, servant, year)
        return None if row is None else {**row, "quota_rank": 99}

    monkeypatch.setattr(history.RowsAt, "annual", altered)
    projector = svc.views.projector
    rows = history.RowsAt(svc.views.engine, mark)
    upto = replay(svc.app, upto=mark).position
    assert (
        pooled_replay(svc.app, projector.state, projector.deriver, code, YEAR, upto, rows) is None
    )
    folded: list[str] = []
    original = focused.focused_replay

    def focusing(*args: Any, **kwargs: Any) -> Any:
        folded.append(args[3])
        return original(*args, **kwargs)

    monkeypatch.setattr(reads_year, "focused_replay", focusing)
    as_of._KEPT.clear()
    read = reads_year.year_explanation(svc, EVERYTHING, code, YEAR, as_of_position=mark)
    full = replay(svc.app, upto=mark)
    assert read == Explainer(StoreEvents(svc.app, svc.views.ledger), full).year(code, YEAR)
    assert folded == [code]  # the pool was folded instead


def test_a_subordinate_s_level_the_leader_s_row_does_not_give_is_not_trusted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leader's d is computed from the subordinates' versioned period rows; where
    a level read there is not the one the leader's own versioned row was derived
    from, the leader's period comes out different and nothing is answered from the
    rows: the API folds the year instead, and still gives the replay's document."""
    _played(world)
    svc = world.svc
    mark = _marks(world)[-1]
    leader = "TP1"
    reading = history.RowsAt.periods

    def altered(self: history.RowsAt, servants: Iterable[str], year: int) -> Any:
        found = reading(self, servants, year)
        return [r if r["servant_code"] == leader else {**r, "level": "FAIL"} for r in found]

    projector = svc.views.projector
    rows = history.RowsAt(svc.views.engine, mark)
    full = replay(svc.app, upto=mark)
    found = pooled_replay(
        svc.app, projector.state, projector.deriver, leader, YEAR, full.position, rows
    )
    assert found is not None and _counted_levels(found, leader) > 0
    monkeypatch.setattr(history.RowsAt, "periods", altered)
    assert (
        pooled_replay(
            svc.app, projector.state, projector.deriver, leader, YEAR, full.position, rows
        )
        is None
    )
    as_of._KEPT.clear()
    read = reads_year.year_explanation(svc, EVERYTHING, leader, YEAR, as_of_position=mark)
    assert read == Explainer(StoreEvents(svc.app, svc.views.ledger), full).year(leader, YEAR)


def test_a_pooled_explanation_from_a_state_with_its_year_closed(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live state holds the year closed (its tasks and evaluations out of
    memory): the servant's own records are still all found."""
    monkeypatch.setenv(OPEN_YEARS_SETTING, "0")
    world = World(app)
    _played(world)
    state = world.svc.views.projector.state
    assert state.by_id.evicted
    assert check_marks(world)[0] > 20
    world.svc.views.engine.dispose()


def test_a_period_is_explained_from_the_year_s_own_records(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period result rests on no pool: at any position, marked or not, the API
    explains it from the year's own records, the whole log's replay refused, and
    gives the replay's document."""
    _played(world)
    svc = world.svc
    head = svc.app.recorder.max_notification_id() or 0
    expected: dict[tuple[int, str, str], object] = {}
    for position in range(head + 1):
        full = replay(svc.app, upto=position)
        explainer = Explainer(StoreEvents(svc.app, svc.views.ledger), full)
        for code, period in sorted(full.deriver.period_rows):
            expected[(position, code, period)] = explainer.period(code, period)
        for code in sorted(STAFF):  # a period with no result: the replay's answer too
            expected[(position, code, "2026-11")] = _period_or_not_found(explainer, code)
    as_of._KEPT.clear()
    monkeypatch.setattr(svc.replays, "at", whole_log_refused)
    for (position, code, period), document in expected.items():
        try:
            read: object = reads_year.period_explanation(
                svc, EVERYTHING, code, period, as_of_position=position
            )
        except NotFound as error:
            read = str(error)
        assert read == document, (position, code, period)
    assert sum(1 for d in expected.values() if not isinstance(d, str)) > 25


def _period_or_not_found(explainer: Explainer, code: str) -> object:
    try:
        return explainer.period(code, "2026-11")
    except NotFound as error:
        return str(error)


def test_a_position_and_a_moment_together_are_refused(world: World) -> None:
    """Neither the pooled nor the own-records fold answers a question that also names a
    moment: the one rule of the as-of reads refuses both together."""
    _played(world)
    svc = world.svc
    mark = _marks(world)[-1]
    moment = datetime(2026, 12, 20, tzinfo=UTC)
    with pytest.raises(InvalidValue, match="not both"):
        reads_year.year_explanation(svc, EVERYTHING, "CV1", YEAR, mark, moment)
    with pytest.raises(InvalidValue, match="not both"):
        reads_year.period_explanation(svc, EVERYTHING, "CV1", "2026-01", mark, moment)
