"""``leader_d_unit`` narrows whom a leader's d is looked for among (the derivation
reads only that unit's people): nobody outside the unit it names ever counts
(``counts_for_leader_d``), under either reading of a deputy without an area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from domain.agency import Agency
from domain.scope import counts_for_leader_d, leader_d_unit
from domain.servant import CivilServant, DeputyArea, Placement
from domain.values import LeadershipRole

DAY = date(2026, 6, 30)
BOARD = "BGD"
UNITS = (BOARD, "P1", "P2", "P3")


@dataclass(frozen=True)
class Servant:
    """What the two rules read of a servant: code, placement and deputy area."""

    code: str
    placement: Placement
    area: DeputyArea | None

    def placement_on(self, day: date) -> Placement:
        return self.placement

    def deputy_area_on(self, day: date) -> DeputyArea | None:
        return self.area


@dataclass(frozen=True)
class Board:
    def leadership_unit(self) -> str:
        return BOARD


def _servant(code: str, draw: Any) -> Servant:
    agency = draw(st.sampled_from(("A", "A", "B")))
    role = draw(st.sampled_from(list(LeadershipRole)))
    placement = Placement(DAY, agency, draw(st.sampled_from(UNITS)), "cv", "cv", role)
    area = None
    if role is LeadershipRole.DEPUTY and draw(st.booleans()):
        units = tuple(draw(st.lists(st.sampled_from(UNITS), max_size=2)))
        named = tuple(draw(st.lists(st.sampled_from(("S0", "S1", "S2", "S3")), max_size=2)))
        area = DeputyArea(DAY, "A", units, named, None)
    return Servant(code, placement, area)


@st.composite
def _people(draw: Any) -> list[Servant]:
    return [_servant(f"S{i}", draw) for i in range(draw(st.integers(2, 6)))]


@given(_people())
def test_nobody_outside_the_named_unit_counts_for_the_leader_s_d(people: list[Servant]) -> None:
    agency = cast(Agency, Board())
    for leader in people:
        unit = leader_d_unit(cast(CivilServant, leader), agency, DAY)
        if unit is None:
            continue
        assert unit == leader.placement.unit_code
        for subject in people:
            if subject.placement.unit_code == unit:
                continue
            for reading in ("evaluated", "head_area"):
                assert not counts_for_leader_d(
                    cast(CivilServant, leader), cast(CivilServant, subject), agency, DAY, reading
                ), (leader, subject, reading)


def test_a_board_member_or_a_deputy_with_an_area_may_count_anyone() -> None:
    agency = cast(Agency, Board())
    head = Servant("H", Placement(DAY, "A", BOARD, "gd", "gd", LeadershipRole.HEAD), None)
    area = DeputyArea(DAY, "A", ("P2",), (), None)
    deputy = Servant("D", Placement(DAY, "A", "P1", "pp", "pp", LeadershipRole.DEPUTY), area)
    plain = Servant("E", Placement(DAY, "A", "P1", "pp", "pp", LeadershipRole.DEPUTY), None)
    assert leader_d_unit(cast(CivilServant, head), agency, DAY) is None
    assert leader_d_unit(cast(CivilServant, deputy), agency, DAY) is None
    assert leader_d_unit(cast(CivilServant, plain), agency, DAY) == "P1"
