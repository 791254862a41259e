"""Civil servants: where they work, in which role, and when (Art. 10, 11, 19).

Changes take effect on a date and are kept as a dated history, so the
projections can tell the unit, role and agency of a servant in any period,
and a servant who moved agencies keeps the periods of the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id
from domain.values import LeadershipRole, LeaveKind, Period


def servant_id(code: str) -> UUID:
    return stable_id("servant", code)


@dataclass(frozen=True)
class Placement:
    """Where a servant works from ``effective`` on (until the next placement)."""

    effective: date
    agency_code: str
    unit_code: str
    position: str
    peer_group: str
    leadership: LeadershipRole


@dataclass(frozen=True)
class Leave:
    kind: LeaveKind
    start: date
    end: date


@dataclass(frozen=True)
class DeputyArea:
    """The units and servants a deputy is in charge of from ``effective`` (Art. 15(4)),
    until the next assignment; ``document_ref`` is the decision that assigned them."""

    effective: date
    agency_code: str
    unit_codes: tuple[str, ...]
    servant_codes: tuple[str, ...]
    document_ref: str | None

    def covers(self, subject: str, placement: Placement) -> bool:
        """True if ``subject`` (placed at ``placement``) is in this area."""
        return placement.agency_code == self.agency_code and (
            placement.unit_code in self.unit_codes or subject in self.servant_codes
        )


class CivilServant(Audited):
    TOPIC = "minhbach.servant:CivilServant"

    class Registered(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.servant:Registered"
        code: str
        full_name: str
        agency_code: str
        unit_code: str
        position: str
        peer_group: str
        leadership: str
        employed_from: date

        def apply(self, servant: CivilServant) -> None:
            servant.code = self.code
            servant.full_name = self.full_name
            servant.employed_from = self.employed_from
            servant.placements = [
                Placement(
                    self.employed_from,
                    self.agency_code,
                    self.unit_code,
                    self.position,
                    self.peer_group,
                    LeadershipRole(self.leadership),
                )
            ]

    class Placed(Audited.Event):
        """A change of unit, position, peer group, role or agency from a date."""

        TOPIC = "minhbach.servant:Placed"
        effective: date
        agency_code: str
        unit_code: str
        position: str
        peer_group: str
        leadership: str

        def apply(self, servant: CivilServant) -> None:
            servant.placements.append(
                Placement(
                    self.effective,
                    self.agency_code,
                    self.unit_code,
                    self.position,
                    self.peer_group,
                    LeadershipRole(self.leadership),
                )
            )
            servant.placements.sort(key=lambda p: p.effective)

    class LeaveRecorded(Audited.Event):
        TOPIC = "minhbach.servant:LeaveRecorded"
        kind: str
        start: date
        end: date

        def apply(self, servant: CivilServant) -> None:
            servant.leaves.append(Leave(LeaveKind(self.kind), self.start, self.end))

    class DeputyAreaAssigned(Audited.Event):
        """The area a deputy is in charge of from a date (Art. 15(4)): units and/or
        servants of their agency; it replaces the previous area from that date."""

        TOPIC = "minhbach.servant:DeputyAreaAssigned"
        effective: date
        agency_code: str
        unit_codes: tuple[str, ...]
        servant_codes: tuple[str, ...]

        def apply(self, servant: CivilServant) -> None:
            area = DeputyArea(
                self.effective,
                self.agency_code,
                tuple(self.unit_codes),
                tuple(self.servant_codes),
                self.source_ref,
            )
            # Several areas from one day: the later recorded wins (stable sort).
            servant.deputy_areas = sorted([*servant.deputy_areas, area], key=lambda a: a.effective)

    class Left(Audited.Event):
        """Left the civil service (retirement, resignation, dismissal…)."""

        TOPIC = "minhbach.servant:Left"
        on: date
        reason: str

        def apply(self, servant: CivilServant) -> None:
            servant.left_on = self.on

    def __init__(self) -> None:
        self.code = ""
        self.full_name = ""
        self.employed_from = date.min
        self.placements: list[Placement] = []
        self.leaves: list[Leave] = []
        self.left_on: date | None = None
        self.deputy_areas: list[DeputyArea] = []

    def placement_on(self, day: date) -> Placement:
        """The placement in force on ``day`` (the first one before employment)."""
        current = self.placements[0]
        for placement in self.placements:
            if placement.effective <= day:
                current = placement
        return current

    def period_placement(
        self, period: Period, evaluates_by: Callable[[str], str | None]
    ) -> tuple[Placement, date]:
        """Where a period's result belongs, and the day it is judged on: the placement
        on the period's last day — unless the servant moved within the period out of an
        agency that evaluates by this kind of period into one that does not (a quarter
        left for a monthly agency); then the last placement in the period at an agency
        that does, on its last day there (Art. 19(1): the old agency's results count).

        ``evaluates_by`` gives an agency's period kind (``month`` or ``quarter``)."""
        last = self.placement_on(period.last_day)
        if evaluates_by(last.agency_code) in (None, period.kind.value):
            return last, period.last_day
        starts = [p.effective for p in self.placements]
        for index in range(len(self.placements) - 1, -1, -1):
            placement = self.placements[index]
            ends = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else None
            if ends is not None and (ends < period.first_day or ends < placement.effective):
                continue  # over before the period, or replaced the day it took effect
            if placement.effective > period.last_day:
                continue
            if evaluates_by(placement.agency_code) == period.kind.value:
                return placement, min(period.last_day, ends or period.last_day)
        return last, period.last_day

    def deputy_area_on(self, day: date) -> DeputyArea | None:
        """The area assigned to this deputy in force on ``day`` (None: none recorded).

        An area lapses when the deputy moves to another unit or agency: it was assigned
        for the post they held."""
        current = None
        for area in self.deputy_areas:
            if area.effective <= day:
                current = area
        if current is None:
            return None
        then, now = self.placement_on(current.effective), self.placement_on(day)
        if (then.agency_code, then.unit_code) != (now.agency_code, now.unit_code):
            return None
        return current

    @property
    def placement(self) -> Placement:
        """The latest placement."""
        return self.placements[-1]

    def employed_during(self, start: date, end: date) -> bool:
        """True if employment overlaps the inclusive range ``start``..``end``."""
        if end < self.employed_from:
            return False
        return self.left_on is None or start <= self.left_on
