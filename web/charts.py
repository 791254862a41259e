"""Server-rendered charts: one stacked bar per unit or peer group, the share of
each level, drawn as inline SVG (no script, nothing fetched, scales to any width)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Best first; None: not classified yet (no proposal, or pending on a tie).
LEVEL_ORDER: tuple[str | None, ...] = ("EXCELLENT", "GOOD", "COMPLETE", "FAIL", None)
COLOURS = {
    "EXCELLENT": "#1b7f3b",
    "GOOD": "#4f9d2d",
    "COMPLETE": "#c98a0b",
    "FAIL": "#b42318",
    None: "#98a2b3",
}


@dataclass(frozen=True)
class Segment:
    level: str | None
    count: int
    x: float  # percent of the bar
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    group: str
    total: int
    segments: tuple[Segment, ...]

    def count(self, level: str | None) -> int:
        return next((s.count for s in self.segments if s.level == level), 0)


def stacked_bars(rows: Iterable[dict[str, Any]]) -> list[Bar]:
    """Rows of {group, level, count} → one bar per group, levels in the decree's order."""
    counts: dict[str, dict[str | None, int]] = {}
    for row in rows:
        counts.setdefault(row["group"], {})[row["level"]] = int(row["count"])
    bars = []
    for group, by_level in sorted(counts.items()):
        total = sum(by_level.values())
        segments, x = [], 0.0
        for level in LEVEL_ORDER:
            count = by_level.get(level, 0)
            if count:
                width = 100 * count / total
                segments.append(Segment(level, count, round(x, 3), round(width, 3), COLOURS[level]))
                x += width
        bars.append(Bar(group, total, tuple(segments)))
    return bars


@dataclass(frozen=True)
class ScoreBar:
    period: str
    score: float | None  # None: not scorable
    level: str | None
    x: float  # in the chart's 0..120 × 0..100 box
    height: float
    colour: str


def thresholds(parameters: dict[str, Any]) -> list[tuple[str, float]]:
    """The policy's level thresholds (Art. 20(1–3)), drawn across the month chart."""
    return [
        (level, float(parameters[f"threshold_{level.lower()}"]))
        for level in ("EXCELLENT", "GOOD", "COMPLETE")
        if f"threshold_{level.lower()}" in parameters
    ]


def score_bars(months: Iterable[dict[str, Any]]) -> list[ScoreBar]:
    """Rows of {period, score, level} → one bar per period, 10 units wide each."""
    bars = []
    for n, month in enumerate(months):
        score = float(month["score"]) if month.get("score") not in (None, "") else None
        level = month.get("level")
        height = max(0.0, min(100.0, score)) if score is not None else 0.0
        bars.append(
            ScoreBar(month["period"], score, level, n * 10 + 1.5, round(height, 2), COLOURS[level])
        )
    return bars
