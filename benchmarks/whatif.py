"""What-if and leniency: seconds for one agency's year recomputed under another
policy variant, and for its leniency indicators, on a province-sized log — next
to a plain rebuild of the views in the same run.

The history
-----------
One year of a province (default 4 agencies × 200 civil servants × 12 months,
about 120,000 events) generated once, untimed, by ``benchmarks/common/province``.

What is measured
----------------
``rebuild``
    ``Projector.rebuild()``: fold the whole log, derive every row, write them.
``replay``
    ``projections.replay.replay(app)``: the same fold and derivation into memory
    (what an as-of question costs before it is cached by ``api/as_of.py``).
``whatif-quota`` / ``whatif-delays``
    ``what_if(replayed, agency, year, variant)`` on that replay: the year derived
    a second time under ``quota-good-or-better`` (the pools) or
    ``delay-per-recorded-delay`` (every period), the two compared, and every
    servant who moves explained step by step.
``leniency``
    ``leniency(app, replayed, agency, year)``: the events of the year's own
    evaluations and tasks read once more, by record, for who recorded what, and
    every indicator for every evaluator and unit.

Rounds are interleaved; the table gives the median seconds and every round.
After the rounds the log length and the views' row counts are checked
unchanged: asking writes nothing.

Run it::

    .venv/bin/python benchmarks/whatif.py                       # SQLite, 4 × 200
    .venv/bin/python benchmarks/whatif.py --agencies 10 --backends sqlite,postgres
    .venv/bin/python benchmarks/whatif.py --agencies 1 --servants 40 --rounds 1
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.province import Size, generate
from benchmarks.common.timing import Samples, interleaved, timed
from domain.application import MinhBach
from projections.leniency import leniency
from projections.replay import Replayed, replay
from projections.runner import Projector
from projections.tables import VIEWS
from projections.whatif import what_if

MODES = ("rebuild", "replay", "whatif-quota", "whatif-delays", "leniency")
VARIANTS = {"whatif-quota": "quota-good-or-better", "whatif-delays": "delay-per-recorded-delay"}


def row_counts(projector: Projector) -> dict[str, int]:
    with projector.engine.connect() as conn:
        return {
            view.name: int(conn.execute(select(func.count()).select_from(view)).scalar_one())
            for view in VIEWS
        }


def run(backend: str, postgres_url: str, size: Size, rounds: int) -> list[list[str]]:
    with fresh_database(backend, postgres_url) as storage:
        app = MinhBach(storage)
        try:
            history, seconds = timed(lambda: generate(app, size, batch=400))
            log(f"  {backend:8} generated {size}: {history.events} events in {seconds:.0f} s")
            agency, year = history.agencies[0], history.year
            projector = Projector(app)
            projector.rebuild()
            replayed: Replayed = replay(app)
            changed: dict[str, int] = {}

            def measure(mode: str, _round: int) -> float:
                nonlocal replayed
                calls: dict[str, Callable[[], object]] = {
                    "rebuild": projector.rebuild,
                    "replay": lambda: replay(app),
                    "leniency": lambda: leniency(app, replayed, agency, year),
                }
                if mode in VARIANTS:
                    result, took = timed(lambda: what_if(replayed, agency, year, VARIANTS[mode]))
                    changed[mode] = len(result.changed)
                    return took
                done, took = timed(calls[mode])
                if isinstance(done, Replayed):
                    replayed = done
                return took

            length, counts = app.recorder.max_notification_id(), row_counts(projector)
            samples = Samples(interleaved(rounds, MODES, measure))
            assert app.recorder.max_notification_id() == length, "a question wrote to the log"
            assert row_counts(projector) == counts, "a question changed the views"
            projector.engine.dispose()
            log(f"  {backend:8} servants who move in {agency}: {changed}")
            return [
                [
                    backend,
                    str(history.events),
                    mode,
                    f"{samples.median(mode):.2f}",
                    f"{samples.ratio(mode, 'rebuild'):.2f}",
                    runs(samples.values[mode], 2),
                ]
                for mode in MODES
            ]
        finally:
            app.close()


def main() -> None:
    parser = parser_for(__doc__, rounds=3)
    parser.set_defaults(backends="sqlite")
    parser.add_argument("--agencies", type=positive, default=4)
    parser.add_argument("--servants", type=positive, default=200, help="per agency")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants)
    rows: list[list[str]] = []
    for backend in chosen_backends(parser, args):
        rows += run(backend, args.postgres_url, size, args.rounds)
    header = ["backend", "events", "mode", "median s", "÷ rebuild", "rounds (s)"]
    print(markdown_table(header, rows, "lrlrrl"))


if __name__ == "__main__":
    main()
