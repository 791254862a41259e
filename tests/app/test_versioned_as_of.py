"""As of any log position, the standings and a servant's year read from the
versioned rows (``projections.history``) equal a full replay of the log up to
that position — whatever the history and however the runner was batched,
stopped and resumed; and at every commit of the runner the versioned rows are
the replay's, row for row."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api import reads
from api.auth import ReadScope
from api.deps import Services
from projections import history, queries
from projections.tables import annual_classifications, interim_results, period_results
from tests.app.live_world import World, generated_world, play
from tests.app.scenario import STAFF, build_agency
from tests.app.test_projection_properties import History, operations

EVERYTHING = ReadScope(everything=True)
AGENCIES = ("SNV", "SNQ")
YEAR = 2026
NAMES = (annual_classifications.name, period_results.name, interim_results.name)


def _public(rows: Any) -> list[dict[str, Any]]:
    return sorted((reads.public(row) for row in rows), key=repr)


def check_every_position(world: World) -> int:
    """Compare the versioned answers with the replay's at every position of the log
    (and one past it); return how many positions the versioned rows answered."""
    svc = world.svc
    head = svc.app.recorder.max_notification_id() or 0
    servants = sorted({*STAFF, *_servants(svc)})
    answered = 0
    with svc.views.engine.connect() as conn:
        marks = set(conn.execute(select(history.history_marks.c.position)).scalars())
    for position in range(head + 2):
        replayed = svc.replays.at(position)
        deriver = replayed.deriver
        if position in marks:
            with svc.views.engine.connect() as conn:
                for name in NAMES:  # every row of the versioned views, not only a page
                    stored = history.rows_at(conn, name, position)
                    assert _public(stored) == _public(deriver.views()[name].values()), name
        versioned = reads.exact_version(svc, position, None)
        answered += versioned is not None
        if versioned is not None:
            assert versioned[1] == replayed.position
        for agency in AGENCIES:
            page = reads.standings(
                svc, EVERYTHING, agency, YEAR, as_of_position=position, limit=1000
            )
            rows, total = queries.standings_from_rows(
                deriver.annual_rows.values(), agency, YEAR, limit=1000
            )
            assert (page.items, page.total, page.position) == (rows, total, replayed.position)
            by_unit = reads.standings(
                svc, EVERYTHING, agency, YEAR, as_of_position=position, unit="P1", level="GOOD"
            )
            assert (
                by_unit.items
                == queries.standings_from_rows(
                    deriver.annual_rows.values(), agency, YEAR, unit="P1", level="GOOD"
                )[0]
            )
        for code in servants:
            year = reads.servant_year(svc, EVERYTHING, code, YEAR, as_of_position=position)
            assert year == reads.replayed_servant_year(svc, code, YEAR, position, None)
            assert year.position == replayed.position
    return answered


def _servants(svc: Services) -> set[str]:
    with svc.views.engine.connect() as conn:
        table = history.annual_history
        return set(conn.execute(select(table.c.servant_code).distinct()).scalars())


@settings(
    deadline=None,
    max_examples=12,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operations, min_size=5, max_size=20), st.integers(1, 10))
def test_versioned_as_of_equals_the_replay_at_every_position(
    ops: list[tuple[Any, ...]], window: int
) -> None:
    with generated_world(ops) as world:
        world.svc.views.projector.catch_up(window=window)
        answered = check_every_position(world)
        event("many positions versioned" if answered > 10 else "few positions versioned")
        assert answered > 0  # the last commit at least


PLAYED = [
    ("work", "CV1", 1, 0, 0, False, True),
    ("criteria", "CV1", 1, "max"),
    ("project", 3),
    ("work", "CV2", 2, 2, 1, False, True),
    ("criteria", "CV2", 2, "1.5"),
    ("restart",),
    ("amend", 0, 2, True),
    ("project", 1),
    ("discipline", "CV2"),
    ("adopt", "SNV", "periods-per-result", 1),
    ("project", 7),
    ("leader", "TP1", 1, "dd"),
    ("annul", 0),
]


def test_every_position_on_both_backends(world: World) -> None:
    play(world, PLAYED)
    world.svc.views.projector.catch_up(window=5)
    assert check_every_position(world) > 10


def test_a_rebuild_writes_the_history_again(world: World) -> None:
    build_agency(world.app)
    applying = History(world.app)
    for op in PLAYED:
        world.apply(applying, op)
    world.svc.views.catch_up()
    projector = world.svc.views.projector
    with projector.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(history.annual_history)).scalar()
    projector.rebuild()
    with projector.engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(history.annual_history)).scalar()
        marks = list(conn.execute(select(history.history_marks.c.position)).scalars())
    assert before and after  # rewritten from the start, in rebuild windows
    assert marks == [world.app.recorder.max_notification_id()]  # a small log: one window
    check_every_position(world)
