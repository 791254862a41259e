"""Helpers for projection tests: read a view as plain rows; refuse a whole-log replay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from projections.runner import Projector
from projections.tables import VIEWS


def view_rows(projector: Projector) -> dict[str, list[dict[str, Any]]]:
    """Every row of every view, in primary-key order."""
    with projector.engine.connect() as conn:
        return {
            view.name: [
                dict(row._mapping)
                for row in conn.execute(select(view).order_by(*view.primary_key.columns))
            ]
            for view in VIEWS
        }


def whole_log_refused(*_: Any, **__: Any) -> Any:
    """Patched over a replay (or read) of the whole log where a test holds that only
    part of it, or something kept, must answer."""
    raise AssertionError("the whole log was replayed")
