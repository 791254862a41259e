"""The criteria an organisation is scored on (Art. 6, 7), as data a ministry or a
province adopts by its document (Art. 7(2)): each criterion names the clause of the
decree it details and its maximum points; the general ones (Art. 6(1–3)) add up to
30, the task ones (Art. 7(1)(a–h)) to 70. Versioned: a new set applies from a year,
and a year is scored on the set in force on its first day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain import errors
from domain.policy.arithmetic import text

GENERAL_CLAUSES = ("6(1)", "6(2)", "6(3)")
TASK_CLAUSES = tuple(f"7(1)({letter})" for letter in ("a", "b", "c", "d", "đ", "e", "g", "h"))
GENERAL_MAX = Decimal(30)  # Art. 6
TASK_MAX = Decimal(70)  # Art. 7(1)


@dataclass(frozen=True)
class Criterion:
    code: str
    clause: str  # the clause of Art. 6 or 7(1) it details
    title: str
    max_points: Decimal

    @property
    def general(self) -> bool:
        return self.clause in GENERAL_CLAUSES


@dataclass(frozen=True)
class CriteriaSet:
    agency: str  # the ministry, province or agency that adopted it
    version: int
    effective_year: int
    document_ref: str
    criteria: tuple[Criterion, ...]

    def by_code(self) -> dict[str, Criterion]:
        return {criterion.code: criterion for criterion in self.criteria}


def check_criteria(criteria: Sequence[Criterion]) -> None:
    """The set is whole: every criterion under a clause of Art. 6 or 7(1), codes
    unique, every clause of Art. 6 and Art. 7(1)(b) — the plan — detailed, the
    general maxima adding up to 30 and the task maxima to 70."""
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise errors.InvalidValue("a criterion code appears twice in the set")
    unknown = sorted({c.clause for c in criteria} - set(GENERAL_CLAUSES) - set(TASK_CLAUSES))
    if unknown:
        raise errors.InvalidValue(
            f"not a clause of Art. 6 or 7(1): {', '.join(unknown)}", clauses=unknown
        )
    missing = [k for k in (*GENERAL_CLAUSES, "7(1)(b)") if k not in {c.clause for c in criteria}]
    if missing:
        raise errors.InvalidValue(
            f"the set details no criterion of {', '.join(missing)}", clauses=missing
        )
    for criterion in criteria:
        if not criterion.max_points.is_finite() or criterion.max_points <= 0:
            raise errors.InvalidValue(f"criterion {criterion.code} needs maximum points above 0")
    for general, total in ((True, GENERAL_MAX), (False, TASK_MAX)):
        found = sum((c.max_points for c in criteria if c.general is general), Decimal(0))
        if found != total:
            what = "general criteria (Art. 6)" if general else "task criteria (Art. 7(1))"
            raise errors.InvalidValue(
                f"the maxima of the {what} add up to {text(found)}, not {text(total)}"
            )


def in_force(sets: Sequence[CriteriaSet], year: int) -> CriteriaSet | None:
    """The latest version effective for ``year`` (None: no set adopted for it)."""
    found = [s for s in sets if s.effective_year <= year]
    return max(found, key=lambda s: s.version) if found else None


def totals(criteria: CriteriaSet, scores: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
    """The general and task points of ``scores``, each within its criterion's maximum;
    every criterion of the set scored once."""
    known = criteria.by_code()
    unknown = sorted(set(scores) - set(known))
    if unknown:
        raise errors.UnknownCriterion(
            f"not a criterion of {criteria.agency}'s set v{criteria.version}: "
            + ", ".join(unknown),
            criteria=unknown,
        )
    unscored = sorted(set(known) - set(scores))
    if unscored:
        raise errors.InvalidValue(f"criteria not scored: {', '.join(unscored)}", criteria=unscored)
    general = task = Decimal(0)
    for code, points in scores.items():
        criterion = known[code]
        if not points.is_finite() or not Decimal(0) <= points <= criterion.max_points:
            raise errors.CriteriaScoreAboveMaximum(
                f"{code} is scored 0 to {text(criterion.max_points)}, got {text(points)}",
                criterion=code,
            )
        if criterion.general:
            general += points
        else:
            task += points
    return general, task
