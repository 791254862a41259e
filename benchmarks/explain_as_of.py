"""As-of explanations of one servant's year: folded from only the records the year
rests on (``projections/focused.py``) against a replay of the whole log, in the
same run.

A province's year from ``benchmarks/common/province``, generated once per backend
and projected, untimed. At 10 %, 50 % and 100 % of the log, ``--rounds`` first
calls of ``api.reads_year.year_explanation`` on random servants, nothing kept
between calls: ``focused`` as the API answers, ``full`` with the focused path
off (a fresh ``Replays`` each call, so each replays the log). Every focused
document is checked equal to the full replay's. p50 / p95 in milliseconds.

Run it::

    .venv/bin/python benchmarks/explain_as_of.py --backends postgres --agencies 2 --servants 50
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import as_of, reads_year
from api.as_of import Replays
from api.auth import ReadScope
from api.deps import Services
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import markdown_table, p50_p95_ms
from benchmarks.common.province import Size
from benchmarks.common.service import province_service
from benchmarks.common.timing import timed
from domain.errors import NotFound
from projections import focused
from projections.lean import StoredRow

SHARES = (0.1, 0.5, 1.0)
EVERYTHING = ReadScope(everything=True)


def first_call(svc: Services, code: str, year: int, position: int, focused: bool) -> object:
    as_of._KEPT.clear()  # nothing kept: every call computes
    svc.replays = Replays(svc.app)
    try:
        if focused:
            return reads_year.year_explanation(svc, EVERYTHING, code, year, position)
        with mock.patch.object(reads_year, "_focused", lambda *_: None):
            return reads_year.year_explanation(svc, EVERYTHING, code, year, position)
    except NotFound as error:
        return str(error)


class Folded:
    """Counts the events the focused path reads (``projections.focused._events``)."""

    def __init__(self) -> None:
        self.events = 0
        self.reading = focused._events

    def __call__(self, *args: Any) -> Iterator[StoredRow]:
        rows = list(self.reading(*args))
        self.events += len(rows)
        return iter(rows)


def run(backend: str, postgres_url: str, size: Size, rounds: int) -> None:
    with province_service(backend, postgres_url, size) as (generated, svc):
        head = svc.app.recorder.max_notification_id() or 0
        rows, calls = [], []
        for share in SHARES:
            position = int(head * share)
            pick = random.Random(position)
            times: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(rounds):
                code = pick.choice(generated.servants)
                args = (svc, code, generated.year, position)
                folded = Folded()
                with mock.patch.object(focused, "_events", folded):
                    found, seconds = timed(partial(first_call, *args, True))
                times[True].append(seconds)
                replayed = svc.replays.cached(position) is not None  # it fell back
                expected, full = timed(partial(first_call, *args, False))
                times[False].append(full)
                assert found == expected, (code, position)
                placement = svc.views.projector.state.servants[code].placements[-1]
                read = "whole log" if replayed else f"{folded.events:,}"
                calls.append(
                    [f"{share:.0%}", code, placement.peer_group, read, f"{seconds * 1000:.0f}"]
                )
            rows.append(
                [f"{share:.0%} ({position:,})", p50_p95_ms(times[True]), p50_p95_ms(times[False])]
            )
        print(f"\n### {backend}: {generated.events:,} events ({size})\n")
        print(markdown_table(["as of", "focused first", "full replay first"], rows, "lrr"))
        print("\np50 / p95 in ms. Each focused call:\n")
        header = ["as of", "servant", "peer group", "events folded", "ms"]
        print(markdown_table(header, calls, "lllrr"))


def main() -> None:
    parser = parser_for(__doc__, rounds=5)
    parser.add_argument("--agencies", type=positive, default=2)
    parser.add_argument("--servants", type=positive, default=50, help="per agency")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants)
    for backend in chosen_backends(parser, args):
        run(backend, args.postgres_url, size, args.rounds)


if __name__ == "__main__":
    main()
