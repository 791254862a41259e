"""Full garbage collections over a big projection state: how long one
``gc.collect()`` pauses the process with the state left to the collector, and
with it frozen (``gc.freeze``, what the runner does after a big fold).

A province's year (default 10 agencies × 200 civil servants × 12 months,
about 300,000 events) is generated on SQLite and rebuilt once by a
``Projector``; the state stays in memory. Then, in interleaved rounds, a full
``gc.collect()`` is timed twice: after ``gc.unfreeze()`` (every object of the
state back in the oldest generation) and after ``gc.freeze()``. The table
gives the medians and their ratio.

Run it::

    .venv/bin/python benchmarks/gc_pause.py
    .venv/bin/python benchmarks/gc_pause.py --agencies 2 --servants 100 --rounds 3
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.province import Size
from benchmarks.common.timing import Samples, interleaved
from benchmarks.rebuild import generated
from projections.runner import Projector

MODES = ("left to the collector", "frozen")


def collect_seconds(mode: str) -> float:
    if mode == "frozen":
        gc.freeze()
    else:
        gc.unfreeze()
    started = time.perf_counter()
    gc.collect()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=5, backends=False)
    parser.add_argument("--agencies", type=positive, default=10)
    parser.add_argument("--servants", type=positive, default=200, help="civil servants per agency")
    args = parser.parse_args(argv)
    size = Size(args.agencies, args.servants)
    with generated("sqlite", "", size) as (app, history):
        projector = Projector(app)
        projector.rebuild()
        gc.unfreeze()
        gc.collect()  # what the generation left behind, not the state
        tracked = len(gc.get_objects())
        log(f"  state of {history.events} events: {tracked} objects tracked by the collector")

        def pause(mode: str, n: int) -> float:
            seconds = collect_seconds(mode)
            log(f"  round {n}/{args.rounds} {mode:22} gc.collect() {seconds * 1000:8.1f} ms")
            return seconds

        samples = Samples(interleaved(args.rounds, MODES, pause))
        gc.unfreeze()
        projector.engine.dispose()
    print(f"Full gc.collect() over the state of {history.events} events ({size}),")
    print(f"{tracked} tracked objects, medians of {args.rounds} interleaved rounds")
    rows = [
        (
            mode,
            f"{samples.median(mode) * 1000:.2f}",
            f"{samples.ratio(mode, MODES[0]):.3f}",
            runs([v * 1000 for v in samples.values[mode]], 2),
        )
        for mode in MODES
    ]
    print(markdown_table(("state", "median ms", "ratio", "runs (ms)"), rows, "lrrl"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
