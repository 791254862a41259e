"""Explained results: every computed value carries the arithmetic that produced it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One line of an explanation: the rule, the numbers put into it, the exact result."""

    key: str  # stable machine key, e.g. "a", "task_ratio", "quota_limit"
    label: str  # short English label, e.g. "quantity a"
    formula: str  # the rule in symbols
    substitution: str  # the same with the numbers
    result: str  # exact result as text
    refs: tuple[str, ...] = ()  # inputs used (task ids, servant ids…) so explanations link events
    rule: str = ""  # article of the decree or policy parameter, e.g. "Art. 14(2)(a)"


@dataclass(frozen=True)
class Computed(Generic[T]):
    """A value and the steps, in order, that computed it."""

    value: T
    steps: tuple[Step, ...]
