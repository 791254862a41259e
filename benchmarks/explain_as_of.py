"""As-of explanations of one servant's year, the API's three ways in the same run:
the pool's other members from the versioned rows (``projections/pooled.py``), the
records the year rests on folded (``projections/focused.py``), a replay of the
whole log.

A province's year from ``benchmarks/common/province``, generated once per backend
and projected, untimed. At the views' last commit (a mark of the versioned rows)
at or before 10 %, 50 % and 100 % of the log, ``--rounds`` first calls of
``api.reads_year.year_explanation`` on random servants, nothing kept between
calls: ``pooled`` as the API answers, ``focused`` with the pooled path off,
``full`` with both off (a fresh ``Replays`` each call, so each replays the log);
what the call before kept is dropped and collected before the clock starts. The
three documents are checked equal. p50 / p95 in milliseconds.

Run it::

    .venv/bin/python benchmarks/explain_as_of.py --backends postgres --agencies 2 --servants 50
"""

from __future__ import annotations

import contextlib
import gc
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
from benchmarks.common.options import chosen_backends, non_negative, parser_for, positive
from benchmarks.common.printing import markdown_table, p50_p95_ms
from benchmarks.common.province import Size
from benchmarks.common.province.shape import BOARD
from benchmarks.common.service import province_service
from benchmarks.common.timing import timed
from domain.errors import NotFound
from domain.servant import Placement
from domain.values import LeadershipRole
from projections import focused, history
from projections.lean import StoredRow

SHARES = (0.1, 0.5, 1.0)
EVERYTHING = ReadScope(everything=True)


# The API's paths, each with those before it turned off: the pool from the versioned
# rows (at a mark), the year's records folded, a replay of the log.
PATHS = ("pooled", "focused", "full")


def forget(svc: Services, path: str) -> None:
    """Nothing kept: every call computes. Untimed, as is collecting what the call
    before left (a whole log's replay takes a while to free). On the ``full`` path
    a replay is of the whole log, not the servant's component as the API's."""
    as_of._KEPT.clear()
    svc.replays = Replays(svc.app, routed=path != "full")
    gc.collect()


def first_call(svc: Services, code: str, year: int, position: int, path: str) -> object:
    off = PATHS[: PATHS.index(path)]
    with contextlib.ExitStack() as stack:
        for name in off:
            stack.enter_context(mock.patch.object(reads_year, f"_{name}", lambda *_: None))
        try:
            return reads_year.year_explanation(svc, EVERYTHING, code, year, position)
        except NotFound as error:
            return str(error)


def replayed(svc: Services, position: int) -> str:
    """What a path that fell back to a replay replayed: the whole log, or the
    servant's component (the records their rows rest on, ``api.as_of``)."""
    return "whole log" if svc.replays.cached(position) is not None else "component replay"


def mark_at_or_before(svc: Services, position: int) -> int:
    """The latest commit of the views at or before ``position``: where the versioned
    rows are exact (in service, the follower commits nearly every position)."""
    with svc.views.engine.connect() as conn:
        found = history.mark_at_or_before(conn, position)
    return found[0] if found is not None else position


def post(placement: Placement) -> str:
    """A servant's peer group, and for a leader the post (head of the agency when in
    its board)."""
    if placement.leadership is LeadershipRole.STAFF:
        return placement.peer_group
    if placement.leadership is LeadershipRole.HEAD and placement.unit_code == BOARD:
        return "agency head"
    return f"{placement.leadership.value} of {placement.unit_code}"


class Folded:
    """Counts the events the focused path reads (``projections.focused._events``)."""

    def __init__(self) -> None:
        self.events = 0
        self.reading = focused._events

    def __call__(self, *args: Any) -> Iterator[StoredRow]:
        rows = list(self.reading(*args))
        self.events += len(rows)
        return iter(rows)


def leaders_of(svc: Services, codes: list[str]) -> tuple[list[str], list[str]]:
    """The agencies' heads and the other leaders (units' heads, deputies) among
    ``codes``, by their latest placement: a leader's year also reads the levels
    their d counts."""
    servants = svc.views.projector.state.servants
    heads, others = [], []
    for code in codes:
        placement = servants[code].placements[-1]
        if placement.leadership is LeadershipRole.HEAD and placement.unit_code == BOARD:
            heads.append(code)
        elif placement.leadership.is_leader:
            others.append(code)
    return heads, others


def chosen(
    pick: random.Random, svc: Services, codes: list[str], rounds: int, leaders: int
) -> list[str]:
    """``rounds`` servants at random, then ``leaders`` leaders: an agency's head first."""
    heads, others = leaders_of(svc, codes)
    found = [pick.choice(codes) for _ in range(rounds)]
    if leaders:
        found.append(pick.choice(heads))
        found += pick.sample(others, min(leaders - 1, len(others)))
    return found


def run(backend: str, postgres_url: str, size: Size, rounds: int, leaders: int) -> None:
    with province_service(backend, postgres_url, size) as (generated, svc):
        head = svc.app.recorder.max_notification_id() or 0
        rows, calls = [], []
        for share in SHARES:
            position = mark_at_or_before(svc, int(head * share))
            pick = random.Random(position)
            times: dict[str, list[float]] = {path: [] for path in PATHS}
            for code in chosen(pick, svc, generated.servants, rounds, leaders):
                args = (svc, code, generated.year, position)
                found: dict[str, object] = {}
                folded = {}
                for path in PATHS:
                    counting = Folded()
                    forget(svc, path)
                    replays = mock.patch.object(svc.replays, "at", wraps=svc.replays.at)
                    with mock.patch.object(focused, "_events", counting), replays as fell_back:
                        found[path], seconds = timed(partial(first_call, *args, path))
                    times[path].append(seconds)
                    if fell_back.called:
                        folded[path] = replayed(svc, position)
                    else:
                        folded[path] = f"{counting.events:,}"
                assert found["pooled"] == found["full"] == found["focused"], (code, position)
                placement = svc.views.projector.state.servants[code].placements[-1]
                calls.append(
                    [
                        f"{share:.0%}",
                        code,
                        post(placement),
                        folded["pooled"],
                        f"{times['pooled'][-1] * 1000:.0f}",
                        folded["focused"],
                        f"{times['focused'][-1] * 1000:.0f}",
                    ]
                )
            rows.append(
                [f"{share:.0%} ({position:,})", *(p50_p95_ms(times[path]) for path in PATHS)]
            )
        print(f"\n### {backend}: {generated.events:,} events ({size})\n")
        header = ["as of (a mark)", "pooled first", "focused first", "full replay first"]
        print(markdown_table(header, rows, "lrrr"))
        print("\np50 / p95 in ms. Each call:\n")
        header = ["as of", "servant", "post", "pooled: events", "ms", "focused: events", "ms"]
        print(markdown_table(header, calls, "lllrrrr"))


def main() -> None:
    parser = parser_for(__doc__, rounds=5)
    parser.add_argument(
        "--leaders",
        type=non_negative,
        default=2,
        help="leaders explained per position after the random servants (an agency's head first)",
    )
    parser.add_argument("--agencies", type=positive, default=2)
    parser.add_argument("--servants", type=positive, default=50, help="per agency")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants)
    for backend in chosen_backends(parser, args):
        run(backend, args.postgres_url, size, args.rounds, args.leaders)


if __name__ == "__main__":
    main()
