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
from functools import partial
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import as_of, reads_year
from api.as_of import Replays
from api.auth import ReadScope
from api.deps import Services
from api.live import LiveViews
from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import Size, generate
from benchmarks.common.timing import percentile, timed
from domain.application import MinhBach
from domain.errors import NotFound

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


def ms(values: list[float]) -> str:
    return f"{percentile(values, 0.5) * 1000:.0f} / {percentile(values, 0.95) * 1000:.0f}"


def run(backend: str, postgres_url: str, size: Size, rounds: int) -> None:
    with fresh_database(backend, postgres_url) as stored:
        app = MinhBach(stored)
        try:
            generated = generate(app, size)
            log(f"  {backend:8} generated {size}: {generated.events} events")
            svc = Services(app, LiveViews(app), Replays(app))
            svc.views.catch_up()
            head = app.recorder.max_notification_id() or 0
            rows = []
            for share in SHARES:
                position = int(head * share)
                pick = random.Random(position)
                focused, full = [], []
                for _ in range(rounds):
                    code = pick.choice(generated.servants)
                    args = (svc, code, generated.year, position)
                    found, seconds = timed(partial(first_call, *args, True))
                    focused.append(seconds)
                    expected, seconds = timed(partial(first_call, *args, False))
                    full.append(seconds)
                    assert found == expected, (code, position)
                rows.append([f"{share:.0%} ({position:,})", ms(focused), ms(full)])
            print(f"\n### {backend}: {generated.events:,} events ({size})\n")
            print(markdown_table(["as of", "focused first", "full replay first"], rows, "lrr"))
            print("\np50 / p95 in ms.\n")
            svc.views.engine.dispose()
        finally:
            app.close()


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
