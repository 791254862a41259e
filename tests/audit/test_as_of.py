"""As of position k, the classification equals a fresh projection of the first k events."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import MinhBach
from domain.storage import storage_from_url
from projections.replay import replay
from projections.runner import Projector
from projections.state import Dirty
from projections.tables import VIEWS, tracking
from tests.app.projection_helpers import view_rows
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import History, operations
from tests.conftest import FakeClock


def project_until(projector: Projector, position: int) -> None:
    """Advance a runner to exactly ``position`` (a prefix of the log)."""
    dirty = Dirty()
    for page in projector._pages(projector.position, position):
        dirty.update(projector._fold(page))
    projector._commit(position, projector.deriver.derive(dirty))


def rows_of(replayed_rows: Mapping[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in r.items() if not k.startswith("_")} for r in replayed_rows.values()),
        key=repr,
    )


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        operations.filter(lambda op: op[0] not in ("project", "restart")), min_size=5, max_size=25
    ),
    st.lists(st.floats(0, 1), min_size=1, max_size=4),
)
def test_as_of_position_equals_a_fresh_projection_of_the_prefix(
    history: list[tuple[Any, ...]], cuts: list[float]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = MinhBach(
            storage_from_url(f"sqlite:///{Path(folder) / 'e.db'}"),
            clock=lambda: datetime(2026, 12, 20, tzinfo=UTC),
        )
        build_agency(app)
        applying = History(app)
        for op in history:
            applying.apply(op)
        head = app.recorder.max_notification_id() or 0
        for cut in sorted(cuts):
            position = max(1, int(head * cut))
            fresh = Projector(app)
            with fresh.engine.begin() as conn:  # empty views: a projection from scratch
                for view in VIEWS:
                    conn.execute(view.delete())
                conn.execute(tracking.update().values(position=0))
            fresh.reset()
            project_until(fresh, position)
            projected = view_rows(fresh)
            fresh.engine.dispose()
            as_of = replay(app, upto=position).deriver
            assert rows_of(as_of.annual_rows) == sorted(
                projected["pj_annual_classifications"], key=repr
            )
            assert rows_of(as_of.period_rows) == sorted(projected["pj_period_results"], key=repr)
        app.close()


def test_as_of_a_moment_is_the_prefix_recorded_by_then(app: MinhBach, clock: FakeClock) -> None:
    build_agency(app)
    history = History(app)
    history.work("CV1", 1, late=0, failures=0, ad_hoc=False, finish=True)
    before = app.recorder.max_notification_id() or 0
    moment = clock.at
    clock.advance(hours=1)
    history.work("CV1", 1, late=3, failures=1, ad_hoc=False, finish=True)
    by_time = replay(app, until=moment)
    by_position = replay(app, upto=before)
    assert by_time.position == before
    assert rows_of(by_time.deriver.annual_rows) == rows_of(by_position.deriver.annual_rows)
    now = replay(app, until=moment + timedelta(days=1))
    assert now.position == app.recorder.max_notification_id()
    assert rows_of(now.deriver.period_rows) != rows_of(by_time.deriver.period_rows)
