"""An as-of explanation of one servant's year folded from only the records it rests
on equals the one from a replay of the whole log, document for document."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import reads_year
from api.auth import ReadScope
from api.deps import Services
from api.live import OPEN_YEARS_SETTING
from domain.application import MinhBach
from domain.errors import NotFound
from projections import bundle, focused
from projections.bundle import make_bundle, verify_bundle
from projections.explain import Explainer, StoreEvents
from projections.focused import focused_agency_year, focused_replay
from projections.publication import published_table
from projections.replay import Replayed, replay
from projections.signing import generate
from tests.app.live_world import World, generated_world, play
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import STAFF, build_agency
from tests.app.test_projection_properties import History, operations
from tests.app.test_versioned_as_of import PLAYED

YEAR = 2026
AGENCIES = ("SNV", "SNQ")
EVERYTHING = ReadScope(everything=True)


def check_positions(world: World, positions: list[int]) -> int:
    """Compare the focused explanations with the full replay's; return how many
    were focused."""
    svc = world.svc
    svc.views.catch_up()
    projector = svc.views.projector
    focused = 0
    for position in positions:
        full = replay(svc.app, upto=position)
        for code in sorted(STAFF):
            with svc.views.locked():
                found = focused_replay(
                    svc.app, projector.state, projector.deriver, code, YEAR, full.position
                )
            assert found is not None
            focused += 1
            assert _explained(svc.app, found, code) == _explained(svc.app, full, code)
        for agency in AGENCIES:  # what a publication's reproduction recomputes
            with svc.views.locked():
                table = focused_agency_year(
                    svc.app, projector.state, projector.deriver, agency, YEAR, full.position
                )
            assert table is not None
            assert published_table(table.deriver, agency, YEAR) == published_table(
                full.deriver, agency, YEAR
            )
    return focused


def _explained(app: MinhBach, replayed: Replayed, code: str) -> object:
    try:
        return Explainer(StoreEvents(app), replayed).year(code, YEAR)
    except NotFound as error:
        return str(error)


@settings(
    deadline=None,
    max_examples=4,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operations, min_size=5, max_size=12), st.lists(st.floats(0, 1), max_size=2))
def test_focused_explanation_equals_the_full_replay(
    ops: list[tuple[Any, ...]], fractions: list[float]
) -> None:
    with generated_world(ops) as world:
        head = world.app.recorder.max_notification_id() or 0
        positions = sorted({head, *(int(f * head) for f in fractions)})
        assert check_positions(world, positions) > 0


def test_the_as_of_explanation_is_focused(world: World) -> None:
    play(world, PLAYED)
    head = world.app.recorder.max_notification_id() or 0
    check_positions(world, [head // 3, head // 2, head])
    svc = world.svc
    assert published_table(replay(svc.app, head).deriver, "SNV", YEAR)  # tables were compared
    for position in (head // 2, head):
        full = replay(svc.app, position)
        for code in sorted(STAFF):
            if (code, YEAR) not in full.deriver.annual_rows:
                continue
            read = reads_year.year_explanation(svc, EVERYTHING, code, YEAR, as_of_position=position)
            assert read == Explainer(StoreEvents(svc.app, svc.views.ledger), full).year(code, YEAR)
    assert svc.replays.cached(head // 2) is None  # no whole-log replay was made


def test_a_focused_explanation_from_a_state_with_its_year_closed(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live state holds the year closed (its tasks and evaluations, and their
    positions, out of memory): the focused fold still finds every record."""
    monkeypatch.setenv(OPEN_YEARS_SETTING, "0")
    world = World(app)
    play(world, PLAYED)
    world.svc.views.catch_up()
    state = world.svc.views.projector.state
    assert state.by_id.evicted and not any(r in state.positions for r in state.by_id.evicted)
    head = app.recorder.max_notification_id() or 0
    assert check_positions(world, [head // 2, head]) > 0
    world.svc.views.engine.dispose()


def _watch_the_lock_while_reading(svc: Services, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the live views' lock was held, each time the focused fold read events."""
    reading = focused._events
    held: list[bool] = []

    def events(*args: Any) -> Any:
        free = svc.views._lock.acquire(blocking=False)
        held.append(not free)
        if free:
            svc.views._lock.release()
        return reading(*args)

    monkeypatch.setattr(focused, "_events", events)
    return held


def test_the_live_lock_is_not_held_while_events_are_folded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer waiting to read its own write is not held back by an as-of
    explanation: the views' lock guards only the reading of ids off the live state."""
    build_agency(world.app)
    applying = History(world.app)
    for op in PLAYED:
        world.apply(applying, op)
    svc = world.svc
    svc.views.catch_up()
    head = world.app.recorder.max_notification_id() or 0
    held_while_reading = _watch_the_lock_while_reading(svc, monkeypatch)
    read = reads_year.year_explanation(svc, EVERYTHING, "CV1", YEAR, as_of_position=head // 2)
    assert held_while_reading and not any(held_while_reading)
    full = replay(svc.app, head // 2)
    assert read == Explainer(StoreEvents(svc.app, svc.views.ledger), full).year("CV1", YEAR)


def test_an_evidence_bundle_folds_its_records_only_and_not_under_the_live_lock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle's state at the checkpoint comes from the year's own records, read
    with the views' lock free; it equals the bundle made from a whole-log replay."""
    build_agency(world.app)
    applying = History(world.app)
    for op in PLAYED:
        world.apply(applying, op)
    svc = world.svc
    key = svc.views.ledger.signer = generate()
    svc.views.catch_up()
    svc.views.ledger.catch_up(force_checkpoint=True)
    held_while_reading = _watch_the_lock_while_reading(svc, monkeypatch)

    def no_whole_log(*_: Any, **__: Any) -> Replayed:
        raise AssertionError("the bundle replayed the whole log")

    monkeypatch.setattr(bundle, "replay", no_whole_log)
    made = reads_year.evidence_bundle(svc, EVERYTHING, "CV1", YEAR)
    assert held_while_reading and not any(held_while_reading)
    monkeypatch.undo()
    assert made == make_bundle(svc.app, svc.views.ledger, "CV1", YEAR)  # by a whole-log replay
    assert verify_bundle(made, key.public).valid


def test_a_peer_who_leaves_the_pool_after_the_position_is_found_in_a_second_round(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CV2 shares CV1's quota pool as of the position and moves to SNQ later: the live
    state's closure misses CV2's work, the first fold finds it, and the second round
    folds it into the same state — the same document as the whole log's."""
    build_agency(world.app)
    build_quarterly_agency(world.app)
    applying = History(world.app)
    for op in [
        ("work", "CV1", 1, 0, 0, False, True),
        ("criteria", "CV1", 1, "2.5"),
        ("work", "CV2", 1, 1, 0, False, True),
        ("criteria", "CV2", 1, "max"),
    ]:
        applying.apply(op)
    position = world.app.recorder.max_notification_id() or 0
    applying.apply(("transfer", "CV2", True, 3))
    applying.apply(("work", "CV2", 4, 0, 0, False, True))
    svc = world.svc
    svc.views.catch_up()
    rounds = 0
    reading = focused._events

    def counted(*args: Any) -> Any:
        nonlocal rounds
        rounds += 1
        return reading(*args)

    monkeypatch.setattr(focused, "_events", counted)
    projector = svc.views.projector
    found = focused_replay(svc.app, projector.state, projector.deriver, "CV1", YEAR, position)
    assert found is not None and rounds == 2
    full = replay(svc.app, upto=position)
    assert _explained(svc.app, found, "CV1") == _explained(svc.app, full, "CV1")
    pool = full.deriver.bases[("CV1", YEAR)]["_pool"]
    assert "CV2" in full.deriver.group_members[pool]  # the peer the second round brought in
    assert found.deriver.group_members[pool] == full.deriver.group_members[pool]
    assert found.deriver.annual_rows[("CV2", YEAR)] == full.deriver.annual_rows[("CV2", YEAR)]
