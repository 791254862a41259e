"""The read side every edge shares: scope checks and the scoped queries.

The HTTP API (``/api/v1``) and the web pages call these same functions, so a
scope is decided in one place whatever the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from typing_extensions import Unpack

from api.auth import ReadScope
from api.deps import Services
from domain.agency import Agency, Publication, agency_id
from domain.errors import NotAuthorised, NotFound
from domain.servant import CivilServant, servant_id
from projections import history, queries
from projections.queries import PageFilters

Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """Rows of a listing, how many there are in all, and the log position they reflect."""

    items: list[Row]
    total: int
    position: int
    lag: int


def fresh(svc: Services, min_position: int | None) -> tuple[int, int]:
    """The views' position and lag, after waiting for ``min_position`` if given."""
    if min_position is not None:
        svc.views.ensure(min_position)
    status = svc.views.status()
    return status.position, status.lag


def servant_in_scope(svc: Services, scope: ReadScope, code: str) -> CivilServant:
    servant = svc.app.find(CivilServant, servant_id(code))
    if servant is None:
        raise NotFound(f"civil servant {code} not found")
    placement = servant.placement_on(svc.app.clock().date())
    if not scope.allows(placement.agency_code, placement.unit_code, code):
        raise NotAuthorised(f"you may not read the records of {code}")
    return servant


def unit_in_scope(scope: ReadScope, agency: str, unit: str | None) -> str | None:
    """The unit filter a caller must use in ``agency`` (managers see their unit)."""
    if scope.everything:
        return unit
    if scope.servant is not None or scope.cases is not None or scope.agency != agency:
        raise NotAuthorised(f"you may not read the standings of {agency}")
    if scope.unit is not None:
        if unit not in (None, scope.unit):
            raise NotAuthorised(f"you may read unit {scope.unit} only")
        return scope.unit
    return unit


def public(row: Row) -> Row:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def standings(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    *,
    min_position: int | None = None,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
    **chosen: Unpack[PageFilters],
) -> Page:
    """Annual standings of an agency within the caller's scope — now, or as of a
    past position or moment."""
    chosen["unit"] = unit_in_scope(scope, agency, chosen.get("unit"))
    if (versioned := exact_version(svc, as_of_position, as_of_time)) is not None:
        mark, reflected = versioned
        with svc.views.engine.connect() as conn:
            found = history.annual_at(conn, mark, agency, year)
        rows, total = queries.standings_from_rows(found, agency, year, **chosen)
        return Page(rows, total, reflected, _lag(svc, reflected))
    if as_of_position is not None or as_of_time is not None:
        return replayed_standings(svc, agency, year, as_of_position, as_of_time, **chosen)
    position, lag = fresh(svc, min_position)

    def query() -> tuple[list[Row], int]:
        with svc.views.engine.connect() as conn:
            return queries.standings(conn, agency, year, **chosen)

    asked = ("standings", agency, year, *sorted(chosen.items()))
    rows, total = svc.views.answers.answer(svc.views.version, asked, query)
    return Page(rows, total, position, lag)


def _lag(svc: Services, position: int) -> int:
    return max(0, (svc.app.recorder.max_notification_id() or 0) - position)


def exact_version(
    svc: Services, as_of_position: int | None, as_of_time: datetime | None
) -> tuple[int, int] | None:
    """Where the versioned rows answer "as of ``as_of_position``" exactly: the mark
    they are read at and the last event it reflects — or None, and the caller
    replays the log (a moment, a position inside a committed window, or past the
    views). The answer is the replay's either way (``projections.history``)."""
    if as_of_position is None or as_of_time is not None:
        return None
    target = min(as_of_position, svc.app.recorder.max_notification_id() or 0)
    with svc.views.engine.connect() as conn:
        mark = history.mark_at_or_before(conn, target)
    if mark is None:
        return None
    position, _ = mark
    # Exact only if no event lies between the mark and the position asked.
    if position < target and svc.app.recorder.select_notifications(
        start=position, limit=1, stop=target, inclusive_of_start=False
    ):
        return None
    return mark


@dataclass(frozen=True)
class ServantYear:
    """One servant's year: the annual classification, every period result and the
    quarters and half-years, and the log position they reflect."""

    classification: Row | None
    periods: list[Row]
    interim: list[Row]
    position: int
    lag: int


def servant_year(
    svc: Services,
    scope: ReadScope,
    code: str,
    year: int,
    *,
    min_position: int | None = None,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> ServantYear:
    """A servant's year within the caller's scope — now, or as of a past position or
    moment."""
    servant_in_scope(svc, scope, code)
    if (versioned := exact_version(svc, as_of_position, as_of_time)) is not None:
        mark, reflected = versioned
        with svc.views.engine.connect() as conn:
            annual, periods, interim = history.servant_year_at(conn, mark, code, year)
        return ServantYear(annual, periods, interim, reflected, _lag(svc, reflected))
    if as_of_position is not None or as_of_time is not None:
        return replayed_servant_year(svc, code, year, as_of_position, as_of_time)
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        row = queries.annual_classification(conn, code, year)
        periods = queries.period_results_of(conn, code, year)
        interim = queries.interim_results_of(conn, code, year)
    return ServantYear(row, periods, interim, position, lag)


def replayed_standings(
    svc: Services,
    agency: str,
    year: int,
    as_of_position: int | None,
    as_of_time: datetime | None,
    **chosen: Unpack[PageFilters],
) -> Page:
    """The standings from a fold of the agency's component of the log (no scope check)."""
    replayed = svc.replays.at(as_of_position, as_of_time, agency=agency)
    rows, total = queries.standings_from_rows(
        replayed.deriver.annual_rows.values(), agency, year, **chosen
    )
    return Page(rows, total, replayed.position, _lag(svc, replayed.position))


def replayed_servant_year(
    svc: Services, code: str, year: int, as_of_position: int | None, as_of_time: datetime | None
) -> ServantYear:
    """A servant's year from a fold of their component of the log (no scope check)."""
    replayed = svc.replays.at(as_of_position, as_of_time, servant=code)
    deriver = replayed.deriver
    found = deriver.annual_rows.get((code, year))
    return ServantYear(
        public(found) if found else None,
        [
            public(row)
            for (servant, _), row in sorted(deriver.period_rows.items())
            if servant == code and row["year"] == year
        ],
        sorted(
            (
                public(row)
                for (servant, _), row in deriver.interim_rows.items()
                if servant == code and row["year"] == year
            ),
            key=lambda r: (r["kind"] != "quarter", r["span"]),
        ),
        replayed.position,
        _lag(svc, replayed.position),
    )


def _agency_view(
    svc: Services, scope: ReadScope, agency: str, unit: str | None
) -> tuple[str | None, int]:
    """The unit the caller must stay within, and the views' position."""
    unit = unit_in_scope(scope, agency, unit)
    position, _ = fresh(svc, None)
    return unit, position


def level_distribution(
    svc: Services, scope: ReadScope, agency: str, year: int, by: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.level_distribution(conn, agency, year, by, unit), position


def quota_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.quota_groups(conn, agency, year, unit), position


def worklist(
    svc: Services, scope: ReadScope, agency: str, year: int, which: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.worklist(conn, agency, year, which, unit), position


def peer_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> list[str]:
    unit = unit_in_scope(scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.peer_groups_of(conn, agency, year, unit)


def publications(svc: Services, scope: ReadScope, agency: str, year: int) -> list[Publication]:
    """Every publication of an agency's results for a year, oldest first."""
    unit_in_scope(scope, agency, None)
    found = svc.app.find(Agency, agency_id(agency))
    if found is None:
        raise NotFound(f"agency {agency} not found")
    return [p for p in found.publications if p.year == year]
