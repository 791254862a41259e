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
    two partition workers (``--partition 1/2`` and ``2/2``) at the same time;
``G by group``
    with ``--groups G`` above 1: one worker per managing group, each naming its
    group's agencies (``--agencies A,B``), all at the same time.

Each worker catches up in windows of ``--window`` events (a follower's batch).
Throughput is the log's events over the wall time until the last worker is done;
CPU is the workers' own process time (user + system), summed, per event; "read"
is the most events one worker decoded and folded, as a share of the log. A
partition reads its component's events only (``projections.routes``): with the
agencies spread over ``--groups`` managing agencies, about one group's share;
within one group, all of them. The routes are built once, by whichever partition
worker needs them first, and kept; ``--fresh-routes`` empties them every round
too, so their cost is in the figures.

Run it::

    .venv/bin/python benchmarks/partitions.py
    .venv/bin/python benchmarks/partitions.py --agencies 2 --servants 20 --rounds 1
    .venv/bin/python benchmarks/partitions.py --agencies 6 --groups 2
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
from benchmarks.common.province.organisation import managing_agency
from domain.application import MinhBach
from domain.storage import storage_from_url
from projections import history
from projections.partition import Partition
from projections.routes import NAME as ROUTES
from projections.routes import ROUTE_TABLES
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
    read: int  # the most events one worker folded


def worker(
    url: str, partition: Partition | None, window: int
) -> tuple[float, float, float, int | None]:
    """Catch one worker up from an empty read side: its start and end (wall clock,
    after the process and the application are up), its process time and the events
    it read (None: the whole log)."""
    app = MinhBach(storage_from_url(url))
    started, cpu = time.time(), time.process_time()
    projector = Projector(app, partition=partition)
    projector.catch_up(window=window)
    finished, spent = time.time(), time.process_time() - cpu
    read = projector.routed.read if projector.routed is not None else None
    projector.engine.dispose()
    app.close()
    return started, finished, spent, read


def empty_read_side(app: MinhBach, routes: bool) -> None:
    projector = Projector(app)  # creates the tables, folds nothing: its position is 0
    with projector.engine.begin() as conn:
        for view in VIEWS:
            conn.execute(delete(view))
        history.clear(conn)
        conn.execute(delete(tracking).where(tracking.c.name.like(f"{NAME}%")))
        if routes:
            for table in ROUTE_TABLES:
                conn.execute(delete(table))
            conn.execute(delete(tracking).where(tracking.c.name == ROUTES))
    projector.engine.dispose()


def run(
    app: MinhBach,
    url: str,
    partitions: tuple[Partition | None, ...],
    window: int,
    fresh_routes: bool,
    events: int,
) -> Run:
    empty_read_side(app, fresh_routes)
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(partitions)) as pool:
        pending = [pool.apply_async(worker, (url, p, window)) for p in partitions]
        done = [result.get() for result in pending]
    wall = max(end for _, end, _, _ in done) - min(start for start, _, _, _ in done)
    read = max(events if r is None else r for _, _, _, r in done)
    return Run(wall, sum(cpu for _, _, cpu, _ in done), read)


def split(agencies: list[str]) -> str:
    """Which agencies each of two partitions owns (the hash decides, not the size)."""
    return "; ".join(
        f"{p.index}/2: {', '.join(sorted(p.owned(agencies))) or '-'}"
        for p in MODES["2 of 2"]
        if p is not None
    )


def by_group(agencies: list[str], groups: int) -> tuple[Partition, ...]:
    """One partition per managing group, naming its agencies (``--agencies A,B``)."""
    owned: dict[str, set[str]] = {}
    for number, code in enumerate(agencies):
        owned.setdefault(managing_agency(number, groups), set()).add(code)
    return tuple(Partition(agencies=frozenset(codes)) for _, codes in sorted(owned.items()))


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=3, backends=False)
    parser.add_argument("--agencies", type=positive, default=4)
    parser.add_argument("--servants", type=positive, default=40, help="civil servants per agency")
    parser.add_argument("--groups", type=positive, default=1, help="managing agencies")
    parser.add_argument("--window", type=positive, default=2_000, help="events per commit")
    parser.add_argument(
        "--fresh-routes", action="store_true", help="empty the routes every round as well"
    )
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    reason = postgres_reachable(args.postgres_url)
    if reason is not None:
        print(f"PostgreSQL unreachable ({reason})")
        return 1
    size = Size(args.agencies, args.servants, args.groups)
    with fresh_postgres(args.postgres_url) as storage:
        app = MinhBach(storage)
        try:
            generated = generate(app, size, batch=400)
            events = generated.events
            log(f"generated {size}: {events} events")
            modes = dict(MODES)
            if args.groups > 1:
                modes[f"{args.groups} by group"] = by_group(generated.agencies, args.groups)
            samples: dict[str, list[Run]] = {mode: [] for mode in modes}
            for _ in range(args.rounds):  # interleaved: each round runs every mode
                for mode, partitions in modes.items():
                    samples[mode].append(
                        run(app, storage.url, partitions, args.window, args.fresh_routes, events)
                    )
                    log(f"  {mode}: {samples[mode][-1]}")
            owners = split(generated.agencies)
        finally:
            app.close()
    rows = []
    for mode, runs_of in samples.items():
        wall = statistics.median(r.wall for r in runs_of)
        cpu = statistics.median(r.cpu for r in runs_of)
        read = statistics.median(r.read for r in runs_of) / events
        rows.append(
            (
                mode,
                f"{events / wall:,.0f}",
                f"{wall:.1f}",
                f"{cpu / events * 1e6:,.0f}",
                f"{read:.2f}",
            )
        )
    routes = "emptied every round" if args.fresh_routes else "built in the first round, kept"
    print(f"Partitioned catch-up on PostgreSQL, {size} ({events} events), ")
    print(
        f"medians of {args.rounds} rounds, window {args.window}; owners {owners}; routes {routes}"
    )
    header = ("workers", "events/s", "wall s", "CPU µs/event", "most read / log")
    print(markdown_table(header, rows, "lrrrr"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
