"""Value types shared by the aggregates and the scoring policy.

Enums are ``StrEnum`` so that events store them as their plain string value:
stored events never depend on Python class names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Level(StrEnum):
    """The four levels of Art. 20, best first."""

    EXCELLENT = "EXCELLENT"
    GOOD = "GOOD"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"

    @property
    def rank(self) -> int:
        """0 for EXCELLENT … 3 for FAIL: a lower rank is a better level."""
        return _LEVEL_ORDER.index(self)


_LEVEL_ORDER = (Level.EXCELLENT, Level.GOOD, Level.COMPLETE, Level.FAIL)


class LeadershipRole(StrEnum):
    """A civil servant's place in their unit (Art. 10, 15(3))."""

    STAFF = "staff"
    DEPUTY = "deputy"
    HEAD = "head"

    @property
    def is_leader(self) -> bool:
        return self is not LeadershipRole.STAFF


class DisciplineForm(StrEnum):
    """Forms of discipline, mildest first (Law 80/2025)."""

    REPRIMAND = "reprimand"
    WARNING = "warning"
    SALARY_STEP_REDUCTION = "salary_step_reduction"
    DEMOTION = "demotion"
    REMOVAL_FROM_OFFICE = "removal_from_office"
    FORCED_DISMISSAL = "forced_dismissal"


class ConclusionKind(StrEnum):
    """Competent conclusions that make a servant FAIL regardless of score (Art. 20(4))."""

    DEGRADATION = "degradation"  # political, ethical or lifestyle degradation
    PARTY_PROHIBITION_BREACH = "party_prohibition_breach"
    EXAMPLE_DUTY_BREACH = "example_duty_breach"
    # Leaders only: embezzlement, corruption or waste in an organisation they manage.
    LEADER_CORRUPTION = "leader_corruption"


class AssessmentOutcome(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"  # a major content error: counts against quality


class ExemptionScope(StrEnum):
    """Which deduction an objective cause waives."""

    QUALITY = "quality"
    PROGRESS = "progress"
    BOTH = "both"


class LeaveKind(StrEnum):
    UNPAID = "unpaid"
    SICK = "sick"
    MATERNITY = "maternity"


class PeriodKind(StrEnum):
    """How an agency divides the year for period evaluation (Art. 14)."""

    MONTH = "month"
    QUARTER = "quarter"


@functools.cache
def _period_code(kind: PeriodKind, year: int, number: int) -> str:
    """One string per period: the projections keep many rows keyed by its code."""
    if kind is PeriodKind.MONTH:
        return f"{year}-{number:02d}"
    return f"{year}-Q{number}"


@dataclass(frozen=True, order=True)
class Period:
    """A month (1–12) or a quarter (1–4) of a year."""

    year: int
    kind: PeriodKind
    number: int

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise ValueError(f"year {self.year} is out of range")
        top = 12 if self.kind is PeriodKind.MONTH else 4
        if not 1 <= self.number <= top:
            raise ValueError(f"{self.kind} number must be 1..{top}, got {self.number}")

    @property
    def code(self) -> str:
        """``2026-03`` for a month, ``2026-Q1`` for a quarter."""
        return _period_code(self.kind, self.year, self.number)

    @property
    def months(self) -> tuple[int, ...]:
        if self.kind is PeriodKind.MONTH:
            return (self.number,)
        first = 3 * (self.number - 1) + 1
        return (first, first + 1, first + 2)

    @property
    def first_day(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> date:
        last_month = self.months[-1]
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @classmethod
    def parse(cls, code: str) -> Period:
        """Parse ``YYYY-MM`` or ``YYYY-Qn``; raises ValueError otherwise."""
        # Periods are immutable and a derivation parses the same few codes again and again.
        return _parsed(code) if cls is Period else cls._parse(code)

    @classmethod
    def _parse(cls, code: str) -> Period:
        year_text, _, rest = code.partition("-")
        if not year_text.isdigit() or len(year_text) != 4 or not rest:
            raise ValueError(f"not a period code: {code!r}")
        if rest[0] in "Qq":
            if not rest[1:].isdigit():
                raise ValueError(f"not a period code: {code!r}")
            return cls(int(year_text), PeriodKind.QUARTER, int(rest[1:]))
        if not rest.isdigit() or len(rest) != 2:
            raise ValueError(f"not a period code: {code!r}")
        return cls(int(year_text), PeriodKind.MONTH, int(rest))

    def __str__(self) -> str:
        return self.code


@functools.lru_cache(maxsize=4096)
def _parsed(code: str) -> Period:
    return Period._parse(code)
