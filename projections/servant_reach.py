"""How far back a civil servant's event reaches: the first year whose derived rows
it can change.

Every fact of a servant the derivations read is dated: a placement or a deputy's
area from its day until the next one, a leave from its first day, a departure from
its day. An event that changes those facts only from some day on changes nothing
of the years before it, so a move this year does not re-derive the closed years
(their records would come back from the log for nothing). What is not dated — the
code, the name, the start of employment, the first placement (it also stands for
the days before it) — reaches every year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.servant import CivilServant, DeputyArea, Leave, Placement

# The dated facts; everything else of a servant, compared whole.
DATED = frozenset({"placements", "leaves", "deputy_areas", "left_on"})
# A year later than any: nothing the derivations read changed.
NO_YEAR = 10_000

Facts = tuple[
    tuple[Placement, ...],
    tuple[Leave, ...],
    tuple[DeputyArea, ...],
    date | None,
    tuple[tuple[str, Any], ...],
]


def facts_of(servant: CivilServant) -> Facts:
    """What the derivations may read of ``servant``, as it stands (a snapshot)."""
    undated = tuple(
        sorted(
            (name, value)
            for name, value in vars(servant).items()
            if not name.startswith("_") and name not in DATED
        )
    )
    return (
        tuple(servant.placements),
        tuple(servant.leaves),
        tuple(servant.deputy_areas),
        servant.left_on,
        undated,
    )


def first_year_changed(before: Facts, servant: CivilServant) -> int:
    """The first year whose results may differ between ``before`` and ``servant`` now
    (0: every year; ``NO_YEAR``: none)."""
    placements, leaves, areas, left_on, undated = before
    now = facts_of(servant)
    if undated != now[4]:
        return 0
    days: list[date] = []
    changed = _first_difference(placements, now[0])
    if changed == 0:
        return 0  # the first placement also stands for the days before it
    if changed is not None:  # both sorted by day: the earlier ones are the same
        days += [p.effective for p in (*placements[changed:], *now[0][changed:])]
    changed = _first_difference(leaves, now[1])
    if changed is not None:
        days += [leave.start for leave in (*leaves[changed:], *now[1][changed:])]
    changed = _first_difference(areas, now[2])
    if changed is not None:
        days += [area.effective for area in (*areas[changed:], *now[2][changed:])]
    if left_on != now[3]:
        days += [day for day in (left_on, now[3]) if day is not None]
    return min(days).year if days else NO_YEAR


def _first_difference(before: Sequence[Any], after: Sequence[Any]) -> int | None:
    """The first index where the two differ (None: they are equal)."""
    for index, (old, new) in enumerate(zip(before, after, strict=False)):
        if old != new:
            return index
    return None if len(before) == len(after) else min(len(before), len(after))
