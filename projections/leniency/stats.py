"""The two comparisons the indicators use, written out so they can be checked by hand.

- ``binomial_upper_tail``: the chance of at least k successes in n trials at rate
  p, exact (``math.comb`` over integers; one division at the end).
- ``robust_z``: how far a value stands from the others' median, in units of
  their median absolute deviation scaled to a standard deviation (×1.4826), so
  one extreme group does not widen the yardstick it is measured with.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from fractions import Fraction

MAD_SCALE = 1.4826  # MAD × this estimates σ for normally distributed values


def binomial_upper_tail(k: int, n: int, p: Fraction) -> Fraction:
    """P(X ≥ k) for X ~ Binomial(n, p), exactly."""
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if k <= 0:
        return Fraction(1)
    if k > n:
        return Fraction(0)
    a, b = p.numerator, p.denominator  # p = a / b
    total = sum(math.comb(n, i) * a**i * (b - a) ** (n - i) for i in range(k, n + 1))
    return Fraction(total, b**n)


def smoothed_rate(successes: int, trials: int) -> Fraction:
    """(x + ½) / (m + 1): the reference rate, never exactly 0 or 1, so a group is
    compared with what its peers make likely rather than with a certainty."""
    return Fraction(2 * successes + 1, 2 * trials + 2)


def robust_z(value: float, others: Sequence[float]) -> float | None:
    """(value − median) / (1.4826 × MAD) of ``others``; None with fewer than three
    others. A zero MAD (the others agree) falls back to the mean absolute
    deviation (×1.2533); if that is zero too, any difference is infinitely far."""
    if len(others) < 3:
        return None
    centre = statistics.median(others)
    spread = MAD_SCALE * statistics.median(abs(x - centre) for x in others)
    if spread == 0:
        spread = 1.2533 * statistics.fmean(abs(x - centre) for x in others)
    if spread == 0:
        return 0.0 if value == centre else math.copysign(math.inf, value - centre)
    return (value - centre) / spread
