"""Partitioned projection workers: events/s of catching the views up from an empty
read side with one worker and with two partition workers in parallel processes,
on PostgreSQL, and the CPU-seconds they spend per event.

The history is a province's year from ``benchmarks/common/province`` (default 4
agencies × 40 servants × 12 months), generated once, untimed. Each round empties
the views and their tracking rows, then runs, each worker in its own process:

``whole``
    the default worker (``Projector(app)``): every agency, and the versioned
    history of the rows;
``1 of 1``
    one partition worker owning every agency (no history: what a partition writes);
``2 of 2``
    two partition workers (``--partition 1/2`` and ``2/2``) at the same time.

Each worker catches up in windows of ``--window`` events (a follower's batch).
Throughput is the log's events over the wall time until the last worker is done;
CPU is the workers' own process time (user + system), summed, per event. Every
worker still folds the whole log (``projections.partition`` says why), so two
partitions save derivation and writes, not the fold.

Run it::

    .venv/bin/python benchmarks/partitions.py
    .venv/bin/python benchmarks/partitions.py --agencies 2 --servants 20 --rounds 1
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.databases import fresh_postgres, postgres_reachable
from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import Size, generate
from domain.application import MinhBach
from domain.storage import storage_from_url
from projections import history
from projections.partition import Partition
from projections.runner import NAME, Projector
from projections.tables import VIEWS, tracking

MODES: dict[str, tuple[Partition | None, ...]] = {
    "whole": (None,),
    "1 of 1": (Partition(1, 1),),
    "2 of 2": (Partition(1, 2), Partition(2, 2)),
}


@dataclass(frozen=True)
class Run:
    wall: float  # seconds from the first worker's start to the last one's end
    cpu: float  # the workers' process time, summed


def worker(url: str, partition: Partition | None, window: int) -> tuple[float, float, float]:
    """Catch one worker up from an empty read side: its start and end (wall clock,
    after the process and the application are up) and its process time."""
    app = MinhBach(storage_from_url(url))
    started, cpu = time.time(), time.process_time()
    projector = Projector(app, partition=partition)
    projector.catch_up(window=window)
    finished, spent = time.time(), time.process_time() - cpu
    projector.engine.dispose()
    app.close()
    return started, finished, spent


def empty_read_side(app: MinhBach) -> None:
    projector = Projector(app, partition=Partition(1, 1))  # creates the tables, no fold
    with projector.engine.begin() as conn:
        for view in VIEWS:
            conn.execute(delete(view))
        history.clear(conn)
        conn.execute(delete(tracking).where(tracking.c.name.like(f"{NAME}%")))
    projector.engine.dispose()


def run(app: MinhBach, url: str, partitions: tuple[Partition | None, ...], window: int) -> Run:
    empty_read_side(app)
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(partitions)) as pool:
        pending = [pool.apply_async(worker, (url, p, window)) for p in partitions]
        done = [result.get() for result in pending]
    wall = max(end for _, end, _ in done) - min(start for start, _, _ in done)
    return Run(wall, sum(cpu for _, _, cpu in done))


def split(app: MinhBach) -> str:
    """Which agencies each of two partitions owns (the hash decides, not the size)."""
    agencies = Projector(app, partition=Partition(1, 2)).state.agencies
    return "; ".join(
        f"{p.index}/2: {', '.join(sorted(p.owned(agencies))) or '-'}"
        for p in MODES["2 of 2"]
        if p is not None
    )


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=3, backends=False)
    parser.add_argument("--agencies", type=positive, default=4)
    parser.add_argument("--servants", type=positive, default=40, help="civil servants per agency")
    parser.add_argument("--window", type=positive, default=2_000, help="events per commit")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    reason = postgres_reachable(args.postgres_url)
    if reason is not None:
        print(f"PostgreSQL unreachable ({reason})")
        return 1
    size = Size(args.agencies, args.servants)
    with fresh_postgres(args.postgres_url) as storage:
        app = MinhBach(storage)
        try:
            events = generate(app, size, batch=400).events
            log(f"generated {size}: {events} events")
            samples: dict[str, list[Run]] = {mode: [] for mode in MODES}
            for _ in range(args.rounds):  # interleaved: each round runs every mode
                for mode, partitions in MODES.items():
                    samples[mode].append(run(app, storage.url, partitions, args.window))
                    log(f"  {mode}: {samples[mode][-1]}")
            owners = split(app)  # after a 2-of-2 run: the partitions' positions are at the head
        finally:
            app.close()
    rows = []
    for mode, runs_of in samples.items():
        wall = statistics.median(r.wall for r in runs_of)
        cpu = statistics.median(r.cpu for r in runs_of)
        rows.append((mode, f"{events / wall:,.0f}", f"{wall:.1f}", f"{cpu / events * 1e6:,.0f}"))
    print(f"Partitioned catch-up on PostgreSQL, {size} ({events} events), ")
    print(f"medians of {args.rounds} rounds, window {args.window}; owners {owners}")
    print(markdown_table(("workers", "events/s", "wall s", "CPU µs/event"), rows, "lrrr"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
