"""Timing: interleaved rounds, medians and ratios to a baseline measured in the same
run, percentiles, and cProfile runs.

The machine the benchmarks run on is shared and noisy, so every mode is measured
once per round, round after round (a slow spell touches every mode alike), and the
figures are medians over the rounds; the ratio of two modes of the same run is
steadier than either rate.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
T = TypeVar("T")

Order = Callable[[int], Sequence[K]]  # round number (from 1) → the modes, in order


def alternating(modes: Sequence[K]) -> Order[K]:
    """Odd rounds in the order given, even rounds reversed (no mode always goes first)."""
    return lambda n: modes if n % 2 else tuple(reversed(modes))


def interleaved(
    rounds: int, modes: Sequence[K] | Order[K], measure: Callable[[K, int], T]
) -> dict[K, list[T]]:
    """``measure(mode, round)`` for every mode of every round, in the order given
    (or the order ``modes(round)`` gives); mode → one result per round."""
    results: dict[K, list[T]] = {}
    for n in range(1, rounds + 1):
        for mode in modes(n) if callable(modes) else modes:
            results.setdefault(mode, []).append(measure(mode, n))
    return results


@dataclass(frozen=True)
class Samples(Generic[K]):
    """One figure per round and mode (a rate or seconds)."""

    values: Mapping[K, Sequence[float]]

    def median(self, mode: K) -> float:
        return statistics.median(self.values[mode])

    def ratio(self, mode: K, baseline: K) -> float:
        """Median of ``mode`` over the median of ``baseline``, both from this run."""
        return self.median(mode) / self.median(baseline)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """What ``call()`` returns, and the seconds it took (wall time)."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def median_call(call: Callable[[], object], calls: int) -> float:
    """Median seconds of one call, over ``calls`` calls one after the other."""
    return statistics.median(timed(call)[1] for _ in range(calls))


def percentile(values: Iterable[float], fraction: float) -> float:
    """The value at ``fraction`` (0–1) of the sorted values, nearest rank, no interpolation."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def profiled(call: Callable[[], T]) -> tuple[T, float, cProfile.Profile]:
    """``call()`` under cProfile: its result, its seconds (inflated) and the profile."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        result = call()
    finally:
        profiler.disable()
    return result, time.perf_counter() - started, profiler


def print_profile(profiler: cProfile.Profile, top: int, *orders: str) -> None:
    stats = pstats.Stats(profiler).strip_dirs()
    for order in orders:
        stats.sort_stats(order).print_stats(top)
