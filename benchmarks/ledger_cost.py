"""What the tamper-evident ledger costs: the write path and the rebuild with the
ledger on and off, in one run, on SQLite and PostgreSQL.

Run: ``.venv/bin/python -m benchmarks.ledger_cost [--items 600] [--rounds 3]``

* Write path: the same work items as ``benchmarks/write_path.py`` (assign,
  submit, assess, criteria) through ``MinhBach.execute`` with idempotency keys,
  while the service's follower keeps the views up to date every 0.1 s in a
  background thread — (off) views only, (on) views with the ledger riding
  along (hashing the pages the runner reads, committing leaves with the views,
  signing a checkpoint at most every ``CHECKPOINT_SECONDS``). The ledger never
  runs inside a command: what it costs the write path is the CPU and database
  time the follower takes from it.
* Rebuild: the projection views rebuilt from the whole log (off), and the views
  rebuilt with the ledger rebuilt from empty alongside — every leaf hashed,
  stored, the tree built and a checkpoint signed (on).

Rounds are interleaved (off, on, on, off, …); medians, and the ratio on/off.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, update

from benchmarks.databases import fresh_database, postgres_reachable
from benchmarks.write_path import run_app, set_up, work
from domain.application import MinhBach
from domain.storage import Storage
from projections.ledger import CHECKPOINT_SECONDS, Ledger
from projections.ledger import NAME as LEDGER
from projections.runner import Projector
from projections.signing import generate
from projections.tables import ledger_checkpoints, ledger_chunks, metadata, tracking
from projections.tracking import engine_for

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def clock_app(storage: Storage) -> MinhBach:
    from benchmarks.write_path import clock

    return MinhBach(storage, clock=clock)


@dataclass
class Follower:
    """A background follower, as in the service: the views, with or without the ledger."""

    projector: Projector
    stop: threading.Event

    def run(self) -> None:
        while not self.stop.is_set():
            self.projector.catch_up()
            self.stop.wait(0.1)


def write_rate(storage: Storage, items: int, offset: int, ledger_on: bool) -> float:
    app = clock_app(storage)
    engine = engine_for(storage)
    ledger = Ledger(app, engine, generate(), CHECKPOINT_SECONDS) if ledger_on else None
    projector = Projector(app, engine, ledger=ledger)
    projector.catch_up()  # start level: both followers begin at the head
    steps = work(items + offset, with_keys=True)[offset:]
    stop = threading.Event()
    thread = threading.Thread(target=Follower(projector, stop).run, daemon=True)
    thread.start()
    started = time.perf_counter()
    run_app(app, steps)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    projector.catch_up()
    engine.dispose()
    app.close()
    return len(steps) / elapsed


def rebuild_seconds(storage: Storage, ledger_on: bool) -> float:
    app = clock_app(storage)
    engine = engine_for(storage)
    metadata.create_all(engine)
    with engine.begin() as conn:  # an empty ledger, as before its first run
        conn.execute(delete(ledger_chunks))
        conn.execute(delete(ledger_checkpoints))
        conn.execute(update(tracking).where(tracking.c.name == LEDGER).values(position=0))
    ledger = Ledger(app, engine, generate()) if ledger_on else None
    projector = Projector(app, engine)
    projector.ledger = ledger
    if ledger is not None:
        ledger.advance_to(0)
    started = time.perf_counter()
    projector.rebuild()
    if ledger is not None:
        ledger.sign_if_due(force=True)
    elapsed = time.perf_counter() - started
    engine.dispose()
    app.close()
    return elapsed


def interleaved(rounds: int, measure: Callable[[bool], float]) -> tuple[list[float], list[float]]:
    off: list[float] = []
    on: list[float] = []
    for r in range(rounds):
        order = (False, True) if r % 2 == 0 else (True, False)
        for ledger_on in order:
            (on if ledger_on else off).append(measure(ledger_on))
    return off, on


def benchmark(backend: str, items: int, rounds: int) -> list[tuple[str, str, float, float]]:
    rows = []
    with fresh_database(backend, POSTGRES) as storage:
        set_up(storage)
        offset = [0]

        def writes(ledger_on: bool) -> float:
            rate = write_rate(storage, items, offset[0], ledger_on)
            offset[0] += items
            return rate

        off, on = interleaved(rounds, writes)
        rows.append(
            (backend, "write path (commands/s)", statistics.median(off), statistics.median(on))
        )
        off, on = interleaved(rounds, lambda ledger_on: rebuild_seconds(storage, ledger_on))
        rows.append((backend, "rebuild (seconds)", statistics.median(off), statistics.median(on)))
        app = clock_app(storage)
        rows.append(
            (backend, "events in the log", float(app.recorder.max_notification_id() or 0), 0.0)
        )
        app.close()
    return rows


def province_rebuild(agencies: int, rounds: int) -> tuple[int, float, float]:
    """The rebuild comparison on a province-shaped SQLite log (benchmarks/rebuild.py)."""
    from benchmarks.databases import fresh_sqlite
    from benchmarks.rebuild import Size, generate

    with fresh_sqlite() as storage:
        app = MinhBach(storage)
        generate(app, Size(agencies=agencies, servants=200))
        events = app.recorder.max_notification_id() or 0
        app.close()
        off, on = interleaved(rounds, lambda ledger_on: rebuild_seconds(storage, ledger_on))
    return events, statistics.median(off), statistics.median(on)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=600, help="work items per write round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--province",
        type=int,
        default=0,
        metavar="AGENCIES",
        help="also: the rebuild on a province-shaped SQLite log of AGENCIES × 200 servants",
    )
    args = parser.parse_args()
    rows = []
    for backend in args.backends.split(","):
        if backend == "postgres" and (reason := postgres_reachable(POSTGRES)):
            print(f"skipping PostgreSQL: {reason}")
            continue
        items = args.items if backend == "sqlite" else max(50, args.items // 3)
        rows.extend(benchmark(backend, items, args.rounds))
    print(f"{'backend':<9} {'measure':<26} {'ledger off':>11} {'ledger on':>11} {'cost':>7}")
    for backend, what, off, on in rows:
        if what == "events in the log":
            print(f"{backend:<9} {what:<26} {off:>11.0f}")
            continue
        cost = (off / on - 1) if "commands" in what else (on / off - 1)
        print(f"{backend:<9} {what:<26} {off:>11.2f} {on:>11.2f} {cost:>+7.1%}")
    if args.province:
        events, off, on = province_rebuild(args.province, args.rounds)
        label = f"rebuild, {events} events"
        print(f"{'province':<9} {label:<26} {off:>11.2f} {on:>11.2f} {on / off - 1:>+7.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
