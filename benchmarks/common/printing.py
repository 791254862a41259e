"""Printing: progress on stderr while a benchmark runs, its figures on stdout as
Markdown tables (the form docs/benchmarks.md records them in)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from benchmarks.common.timing import percentile


def log(message: str) -> None:
    """A progress line on stderr, shown at once (stdout keeps only the figures)."""
    print(message, file=sys.stderr, flush=True)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> str:
    """A Markdown table with padded columns; ``align`` has one letter per column,
    ``l`` (text) or ``r`` (figures)."""
    if len(align) != len(header) or set(align) - {"l", "r"}:
        raise ValueError(f"align {align!r} does not fit {len(header)} columns")
    body = [list(row) for row in rows]
    widths = [max(len(cell), 3) for cell in header]
    for row in body:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells under {len(header)} columns: {row}")
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if side == "r" else cell.ljust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (width + 1) + ":" if side == "r" else "-" * (width + 2)
        for width, side in zip(widths, align, strict=True)
    )
    return "\n".join([line(header), rule + "|", *(line(row) for row in body)])


def runs(values: Iterable[float], digits: int = 0) -> str:
    """The figure of every round, in order: ``1181, 877, 1048``."""
    return ", ".join(f"{value:.{digits}f}" for value in values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def p50_p95_ms(seconds: Iterable[float]) -> str:
    """Nearest-rank p50 / p95 of timings, in whole milliseconds: ``125 / 362``."""
    values = list(seconds)
    return f"{percentile(values, 0.5) * 1000:.0f} / {percentile(values, 0.95) * 1000:.0f}"
