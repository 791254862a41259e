"""The versioned scoring policy: every parameter the decree leaves open, with its default.

A result records the policy id, version and ``Policy.parameters()``, so it can be
reproduced and compared with any other reading of the decree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, get_args

from domain import errors
from domain.policy.holidays import HOLIDAY_CALENDARS, HolidayCalendar

DelayCounting = Literal["per_day_late", "per_recorded_delay"]
LateDayBasis = Literal["calendar", "working"]
QuotaBase = Literal["good_only", "good_or_better"]
QuotaRounding = Literal["floor"]
AnnualAveraging = Literal["period_mean"]
ProtectedLeave = Literal["counts_as_worked", "exempt_from_minimum"]
AgencyHeadPool = Literal["managing_agency", "own_agency"]
# How months and quarters combine in one mean (Art. 17(3), 19(1)); see domain/policy/combination.py
PeriodCombination = Literal["by_month", "per_result"]
# Art. 15(4): whose levels make the d of a deputy with no assigned area recorded.
DeputyWithoutArea = Literal["evaluated", "head_area"]
# Whose general-criteria scores count (Art. 17(2)): the evaluator's, or the servant's own.
CriteriaSource = Literal["evaluator", "self"]
ScoreRounding = Literal[
    "ROUND_HALF_UP",
    "ROUND_HALF_EVEN",
    "ROUND_HALF_DOWN",
    "ROUND_DOWN",
    "ROUND_UP",
    "ROUND_FLOOR",
    "ROUND_CEILING",
]


@dataclass(frozen=True)
class Criterion:
    """A sub-criterion of the general criteria (Appendix I, Form 01)."""

    code: str
    label: str
    maximum: Decimal


def _criteria() -> tuple[Criterion, ...]:
    quarter = Decimal("2.5")
    return (
        Criterion("I.1", "political and ethical qualities, public-service culture", Decimal(5)),
        Criterion("I.2", "discipline in public service", Decimal(5)),
        Criterion("II.1", "professional competence for the job position", quarter),
        Criterion("II.2", "meeting regular and ad-hoc task demands", quarter),
        Criterion("II.3", "responsibility in public service", quarter),
        Criterion("II.4", "attitude to citizens and businesses, cooperation", quarter),
        Criterion("III.1", "breakthrough, creative results", quarter),
        Criterion("III.2", "readiness for important, urgent or hard tasks", quarter),
        Criterion("III.3", "owning results and mistakes", quarter),
        Criterion("III.4", "deciding within authority without evasion", quarter),
    )


@dataclass(frozen=True)
class Policy:
    """Scoring policy ``policy_id`` / ``version``; defaults are ND335-2025 version 1."""

    policy_id: str = "ND335-2025"
    version: int = 1
    in_force_from: date = date(2026, 1, 1)
    # Task components (Art. 14(2))
    failure_deduction: Decimal = Decimal("0.25")
    delay_deduction: Decimal = Decimal("0.25")
    delay_counting: DelayCounting = "per_day_late"
    late_day_basis: LateDayBasis = "calendar"
    cap_task_ratio: bool = True
    task_weight: Decimal = Decimal(70)
    # General criteria (Art. 12(2), Appendix I)
    criteria_maxima: tuple[Criterion, ...] = dataclasses.field(default_factory=_criteria)
    # Whose scores count: ``evaluator`` (the reviewing person confirms, Art. 17(2)) or
    # ``self``; a period the counting source has not scored is pending confirmation.
    criteria_source: CriteriaSource = "evaluator"
    # Levels (Art. 20(1–4)), applied to the rounded score
    threshold_excellent: Decimal = Decimal(90)
    threshold_good: Decimal = Decimal(70)
    threshold_complete: Decimal = Decimal(50)
    # Leaders' d, đ, e (Art. 15(3)): 100% or 50% only
    leader_component_values: tuple[Decimal, ...] = (Decimal(1), Decimal("0.5"))
    # Quota (Art. 20(5))
    quota_ratio: Decimal = Decimal("0.20")
    quota_ratio_max: Decimal = Decimal("0.25")
    quota_base: QuotaBase = "good_only"
    quota_rounding: QuotaRounding = "floor"
    # Rounding: only the period score and the means are rounded
    score_places: int = 2
    score_rounding: ScoreRounding = "ROUND_HALF_UP"
    # Annual classification (Art. 11, 17(3), 19)
    annual_averaging: AnnualAveraging = "period_mean"
    min_months_worked: Decimal = Decimal(6)
    protected_leave: ProtectedLeave = "counts_as_worked"
    # --- Quota pools and the decision step (Art. 10(2)(a), 20(5), 21) -------------
    # Whose EXCELLENT share is counted together with a head of an employing agency.
    # ``managing_agency``: the heads the managing agency classifies, across its
    # agencies (Art. 10(2)(a)); ``own_agency``: the head's peer group in their agency.
    agency_head_pool: AgencyHeadPool = "managing_agency"
    # --- end of the quota pools block ---------------------------------------------
    # Procedure (Art. 19(2), 22)
    appeal_window_days: int | None = None
    appeal_resolution_working_days: int = 7
    classification_deadline: tuple[int, int] = (12, 15)  # (month, day), before this date
    # Uses of the annual result (Art. 23(3)): the levels a decision's basis must have.
    decision_basis_levels: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("lower_position", ("FAIL",)),  # Art. 23(3)(đ)
        ("dismissal", ("FAIL",)),  # Art. 23(3)(đ)
        ("higher_position", ("EXCELLENT", "GOOD")),  # Art. 23(3)(d)
        ("commendation", ("EXCELLENT", "GOOD")),  # Art. 23(3)(c)
    )
    # Consecutive FAIL years a dismissal needs (the decree says one; laws may say more).
    dismissal_consecutive_fail_years: int = 1
    # --- Readings for servants who move, policy variants and holidays -------------
    # A quarter's result stands for each of its months that has no monthly result of
    # its own ("by_month"), or every period result counts once ("per_result").
    period_combination: PeriodCombination = "by_month"
    # The registered variant this policy is (domain/policy/variants.py); None: as published.
    variant: str | None = None
    # Days off besides weekends for working-day deadlines (Art. 22): a calendar
    # registered in domain/policy/holidays.py, with its legal source.
    holiday_calendar: str = "VN-civil-service"
    # --- end of the block ---------------------------------------------------------
    # Art. 15(4): a deputy is judged within the area assigned to them. With no area
    # recorded: those they may evaluate (Art. 10: a unit's staff; for a board deputy,
    # nobody) — "evaluated" — or their head's whole area below them — "head_area".
    deputy_without_area: DeputyWithoutArea = "evaluated"

    def __post_init__(self) -> None:
        _check_choice("delay_counting", self.delay_counting, DelayCounting)
        _check_choice("late_day_basis", self.late_day_basis, LateDayBasis)
        _check_choice("quota_base", self.quota_base, QuotaBase)
        _check_choice("quota_rounding", self.quota_rounding, QuotaRounding)
        _check_choice("annual_averaging", self.annual_averaging, AnnualAveraging)
        _check_choice("protected_leave", self.protected_leave, ProtectedLeave)
        _check_choice("agency_head_pool", self.agency_head_pool, AgencyHeadPool)
        _check_choice("score_rounding", self.score_rounding, ScoreRounding)
        _check_choice("period_combination", self.period_combination, PeriodCombination)
        _check_choice("deputy_without_area", self.deputy_without_area, DeputyWithoutArea)
        _check_choice("criteria_source", self.criteria_source, CriteriaSource)
        if self.holiday_calendar not in HOLIDAY_CALENDARS:
            raise ValueError(f"no holiday calendar {self.holiday_calendar!r}")
        if self.variant is not None and not self.variant.strip():
            raise ValueError("a variant needs a name")
        if not self.policy_id or self.version < 1:
            raise ValueError("a policy needs an id and a version ≥ 1")
        for name in ("failure_deduction", "delay_deduction"):
            value = getattr(self, name)
            if not Decimal(0) <= value <= Decimal(1):
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        if not Decimal(0) < self.quota_ratio <= self.quota_ratio_max <= Decimal(1):
            raise ValueError("need 0 < quota_ratio ≤ quota_ratio_max ≤ 1")
        if not self.threshold_complete < self.threshold_good < self.threshold_excellent:
            raise ValueError("level thresholds must rise: complete < good < excellent")
        codes = [c.code for c in self.criteria_maxima]
        if len(set(codes)) != len(codes):
            raise ValueError("criteria codes must be unique")
        # The 100-point scale: general criteria + task weight (Art. 12(2–3)).
        if self.criteria_total_maximum + self.task_weight != Decimal(100):
            raise ValueError("criteria maxima and task weight must add up to 100")
        if not self.leader_component_values:
            raise ValueError("leader_component_values must not be empty")
        if self.score_places < 0 or self.min_months_worked < 0:
            raise ValueError("score_places and min_months_worked must not be negative")
        month, day = self.classification_deadline
        date(2001, month, day)  # raises ValueError on an impossible date
        if self.dismissal_consecutive_fail_years < 1:
            raise ValueError("dismissal_consecutive_fail_years must be at least 1")

    def basis_levels(self, kind: str) -> tuple[str, ...]:
        """The levels a decision of ``kind`` may rest on (Art. 23(3))."""
        for name, levels in self.decision_basis_levels:
            if name == kind:
                return levels
        raise errors.InvalidValue(f"no basis rule for decisions of kind {kind!r}", kind=kind)

    @property
    def key(self) -> tuple[str, int]:
        """The base policy: (id, version)."""
        return (self.policy_id, self.version)

    @property
    def identity(self) -> tuple[str, int, str | None]:
        """What a result names: (id, version, variant)."""
        return (self.policy_id, self.version, self.variant)

    @property
    def label(self) -> str:
        """``ND335-2025 v1`` or ``ND335-2025 v1 / quota-good-or-better``."""
        base = f"{self.policy_id} v{self.version}"
        return base if self.variant is None else f"{base} / {self.variant}"

    def holidays(self) -> HolidayCalendar:
        return HOLIDAY_CALENDARS[self.holiday_calendar]

    @property
    def criteria_total_maximum(self) -> Decimal:
        return sum((c.maximum for c in self.criteria_maxima), Decimal(0))

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria_maxima:
            if criterion.code == code:
                return criterion
        raise errors.UnknownCriterion(f"unknown general criterion {code!r}", code=code)

    def parameters(self) -> dict[str, str]:
        """Every parameter as text, to be recorded on every result."""
        return {
            field.name: _as_text(getattr(self, field.name)) for field in dataclasses.fields(self)
        }

    def with_changes(self, **changes: Any) -> Policy:
        """A local variant; it must carry its own (policy_id, version)."""
        changed = dataclasses.replace(self, **changes)
        if changed != self and changed.identity == self.identity:
            raise ValueError(
                f"a changed policy needs a distinct version or variant, {self.label} taken"
            )
        return changed


def _check_choice(name: str, value: object, choices: Any) -> None:
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _as_text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Criterion):
        return f"{value.code}={value.maximum:f}"
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], tuple)
    ):  # a (name, choices) pair, e.g. ("dismissal", ("FAIL",))
        return f"{value[0]}={'|'.join(_as_text(item) for item in value[1])}"
    if isinstance(value, tuple):
        return ";".join(_as_text(item) for item in value)
    return str(value)


ND335_2025_V1 = Policy()

POLICIES: Mapping[tuple[str, int], Policy] = MappingProxyType({ND335_2025_V1.key: ND335_2025_V1})


def get_policy(policy_id: str, version: int) -> Policy:
    try:
        return POLICIES[(policy_id, version)]
    except KeyError:
        raise errors.UnknownPolicy(
            f"no scoring policy {policy_id} version {version}", policy_id=policy_id, version=version
        ) from None


def policy_in_force(on: date) -> Policy:
    """The latest registered policy in force on ``on`` (latest start date, then version)."""
    candidates = [p for p in POLICIES.values() if p.in_force_from <= on]
    if not candidates:
        raise errors.UnknownPolicy(f"no scoring policy in force on {on.isoformat()}", on=on)
    return max(candidates, key=lambda p: (p.in_force_from, p.version))
