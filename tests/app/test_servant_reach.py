"""A servant's event re-derives only the years it reaches (projections.servant_reach):
a move this year brings nothing of a closed year back from the log, while a move,
a leave or a departure dated in a closed year re-derives it, the same rows as a
rebuild that keeps everything. An agency's yearly decisions leave its leaders'
periods alone; a change of its structure re-derives them (projections.agency_reach)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from benchmarks.common.province import YEAR, Size, generate
from benchmarks.common.province.shape import AUTHORITY
from domain.actors import CommandContext
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.servant import CivilServant, servant_id
from domain.storage import storage_from_url
from projections.replay import replay
from projections.runner import Projector
from projections.servant_reach import NO_YEAR, facts_of, first_year_changed
from tests.app.projection_helpers import view_rows

NEXT = YEAR + 1


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One agency's two years (the same people), generated once."""
    path = tmp_path_factory.mktemp("reach") / "two-years.db"
    app = MinhBach(storage_from_url(f"sqlite:///{path}"))
    generate(app, Size(1, 60), years=2)
    app.close()
    return path


@pytest.fixture
def app(two_years: Path, tmp_path: Path) -> Iterator[MinhBach]:
    copy = tmp_path / "events.db"
    copy.write_bytes(two_years.read_bytes())
    found = MinhBach(storage_from_url(f"sqlite:///{copy}"))
    yield found
    found.close()


def _record(app: MinhBach, code: str, event: Any, **facts: Any) -> None:
    servant = app.load(CivilServant, servant_id(code), "servant")
    context = CommandContext(AUTHORITY.actor, f"QĐ {code}")
    servant.record(event, context, datetime(NEXT, 12, 20, tzinfo=UTC), **facts)
    app.save(servant)


def _move(app: MinhBach, projector: Projector, code: str, effective: date) -> None:
    """``code`` to another unit of the agency from ``effective``."""
    servants = projector.state.servants
    now = servants[code].placement
    units = sorted({s.placement.unit_code for s in servants.values()} - {now.unit_code, "BGD"})
    _record(
        app,
        code,
        CivilServant.Placed,
        effective=effective,
        agency_code=now.agency_code,
        unit_code=units[0],
        position=now.position,
        peer_group=now.peer_group,
        leadership=now.leadership.value,
    )


def _staff(projector: Projector) -> str:
    return next(
        code
        for code, s in sorted(projector.state.servants.items())
        if not s.placement.leadership.is_leader
    )


def _loads(projector: Projector) -> list[set[UUID]]:
    """Every set of records the runner folds back from the log from now on."""
    seen: list[set[UUID]] = []
    loader = projector.state.by_id.loader
    assert loader is not None

    def counted(records: set[UUID]) -> Any:
        seen.append(set(records))
        return loader(records)

    projector.state.by_id.loader = counted
    return seen


def test_a_move_this_year_brings_nothing_of_the_closed_year_back(app: MinhBach) -> None:
    projector = Projector(app, open_years=1)
    projector.catch_up()
    assert projector.state.closed_through == YEAR
    loads = _loads(projector)
    _move(app, projector, _staff(projector), date(NEXT, 6, 1))
    projector.catch_up()
    assert loads == []  # neither the servant's closed periods nor their leaders'
    fresh = Projector(app, open_years=None)
    fresh.rebuild()
    assert view_rows(fresh) == view_rows(projector)
    projector.engine.dispose()
    fresh.engine.dispose()


def test_events_dated_in_a_closed_year_re_derive_it_as_a_rebuild_does(app: MinhBach) -> None:
    projector = Projector(app, open_years=1)
    projector.catch_up()
    before = view_rows(projector)
    loads = _loads(projector)
    staff = _staff(projector)
    _move(app, projector, staff, date(YEAR, 7, 1))
    projector.catch_up(window=1)
    assert loads, "a move dated in the closed year reads its periods back"
    others = sorted(c for c in projector.state.servants if c != staff)
    _record(
        app,
        others[-1],
        CivilServant.LeaveRecorded,
        kind="sick",
        start=date(YEAR, 9, 1),
        end=date(YEAR, 11, 20),
    )
    _record(
        app,
        others[-2],
        CivilServant.Left,
        on=date(YEAR, 10, 15),
        reason="nghỉ hưu",
    )
    projector.catch_up(window=1)
    after = view_rows(projector)
    assert after != before
    fresh = Projector(app, open_years=None)
    fresh.rebuild()
    assert view_rows(fresh) == after
    assert projector.deriver.views() == replay(app).deriver.views()
    projector.engine.dispose()
    fresh.engine.dispose()


def test_the_reach_is_the_first_year_a_dated_fact_changed(app: MinhBach) -> None:
    state = replay(app).state
    servant = state.servants[sorted(state.servants)[0]]
    facts = facts_of(servant)
    assert first_year_changed(facts, servant) == NO_YEAR  # nothing changed
    first, *rest = servant.placements
    later = type(first)(date(NEXT, 3, 1), *list(vars(first).values())[1:])
    servant.placements = [first, *rest, later]
    assert first_year_changed(facts, servant) == NEXT
    servant.placements = [type(first)(date(YEAR - 5, 1, 1), *list(vars(first).values())[1:])]
    assert first_year_changed(facts, servant) == 0  # the first placement: every year
    servant.placements = [first, *rest]
    servant.left_on = date(YEAR, 4, 30)
    assert first_year_changed(facts, servant) == YEAR
    servant.left_on = facts[3]
    servant.full_name = "Tên khác"
    assert first_year_changed(facts, servant) == 0  # not dated: every year


def _record_agency(app: MinhBach, code: str, event: Any, **facts: Any) -> None:
    agency = app.load(Agency, agency_id(code), "agency")
    context = CommandContext(AUTHORITY.actor, f"QĐ {code}")
    agency.record(event, context, datetime(NEXT, 12, 20, tzinfo=UTC), **facts)
    app.save(agency)


def test_an_agency_decision_of_a_year_leaves_the_closed_leaders_alone(app: MinhBach) -> None:
    projector = Projector(app, open_years=1)
    projector.catch_up()
    agency = sorted(projector.state.agencies)[0]
    loads = _loads(projector)
    _record_agency(app, agency, Agency.QuotaRatioGranted, year=NEXT, ratio=Decimal("0.25"))
    projector.catch_up()
    assert loads == []  # a grant is read by the year's pools, not by any period
    _record_agency(
        app, agency, Agency.UnitOpened, unit_code="P99", name="Phòng mới", is_leadership=False
    )
    projector.catch_up()
    assert loads, "a new unit re-derives the leaders' periods, the closed ones too"
    fresh = Projector(app, open_years=None)
    fresh.rebuild()
    assert view_rows(fresh) == view_rows(projector)
    projector.engine.dispose()
    fresh.engine.dispose()
