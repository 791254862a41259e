"""What-if over generated histories (the projection properties' ``History``).

Under the agency's own readings the what-if is the views, row for row; under any
registered variant every servant who moves is explained by a step that differs,
and asking writes nothing — neither to the log nor to the views."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from domain.application import MinhBach
from domain.policy.variants import VARIANT_LIST
from domain.storage import storage_from_url
from projections.replay import replay
from projections.runner import Projector
from projections.whatif import ADOPTED, PUBLISHED, derive_under, what_if
from tests.app.projection_helpers import view_rows
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import (
    SCRATCH,
    History,
    decision_operations,
    fact_operations,
)

YEAR = 2026
TABLES = ("pj_period_results", "pj_interim_results", "pj_annual_classifications")


def _year_views(projector: Projector) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [row for row in rows if row["year"] == YEAR]
        for name, rows in view_rows(projector).items()
        if name in TABLES
    }


KEYS = {
    "pj_period_results": ("servant_code", "period"),
    "pj_interim_results": ("servant_code", "span"),
    "pj_annual_classifications": ("servant_code", "year"),
}


def assert_is_the_views(
    derived: Mapping[str, Mapping[Any, dict[str, Any]]],
    views: dict[str, list[dict[str, Any]]],
    agency: str,
) -> None:
    """Every row derived for the agency's year is the view's row, column for column,
    and every row of the agency in the views was derived."""
    for name, key in KEYS.items():
        stored = {tuple(row[c] for c in key): row for row in views[name]}
        mine = {k: row for k, row in derived[name].items() if row["year"] == YEAR}
        for k, row in mine.items():
            assert k in stored, (name, k)
            assert {c: row[c] for c in stored[k]} == stored[k], (name, k)
        theirs = {k for k, row in stored.items() if row.get("agency_code") == agency}
        assert theirs <= set(mine), (name, theirs - set(mine))


@settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(st.one_of(fact_operations, decision_operations), min_size=3, max_size=25))
@example(  # one candidate at 90.00 against four GOOD: the quota's base decides (Art. 20(5))
    [
        *(("work", code, 1, 0, 0, False, True) for code in ("CV1", "CV2", "CV3", "PP1", "PGD")),
        ("criteria", "CV1", 1, "max"),
        *(("criteria", code, 1, "2.5") for code in ("CV2", "CV3", "PP1", "PGD")),
        ("work", "CV2", 2, 3, 0, False, True),  # 3 days late: the delay readings differ
    ]
)
def test_what_if_is_the_views_under_the_agencys_readings(history: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        storage = storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}")
        app = MinhBach(storage, clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
        build_agency(app)
        build_quarterly_agency(app)
        applying = History(app)
        for op in history:
            applying.apply(op)
        projector = Projector(app)
        projector.catch_up()
        views = _year_views(projector)
        length = app.recorder.max_notification_id()
        recorded = replay(app)

        for agency in ("SNV", "SNQ"):
            assert_is_the_views(
                derive_under(recorded, agency, YEAR, None).deriver.views(), views, agency
            )
            assert what_if(recorded, agency, YEAR, ADOPTED).changed == []
            adopted = any(op[0] == "adopt" and op[1] == agency for op in history)
            for policy in [PUBLISHED, *(v.name for v in VARIANT_LIST)]:
                result = what_if(recorded, agency, YEAR, policy)
                if policy == PUBLISHED and not adopted:
                    assert result.changed == []
                if result.changed:
                    event(f"{policy} moves a servant")
                for moved in result.changed:
                    assert moved.steps, (policy, moved)
                    if moved.periods:  # a period that moves has a step of its own that differs
                        sections = {s.section for s in moved.steps}
                        assert {f"period {p.period}" for p in moved.periods} <= sections
                before = sum(b for b, _ in result.totals.values())
                after = sum(a for _, a in result.totals.values())
                assert before == after == len(result.servants)

        assert app.recorder.max_notification_id() == length
        assert _year_views(projector) == views
        projector.engine.dispose()
        app.close()
