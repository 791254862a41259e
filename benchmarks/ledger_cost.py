"""What the tamper-evident ledger costs: the write path and the rebuild with the
ledger on and off, in one run, on SQLite and PostgreSQL.

Run: ``.venv/bin/python -m benchmarks.ledger_cost [--items 600] [--rounds 3]``
(``--items 60 --rounds 1`` for a quick look).

* Write path: the work items of ``benchmarks/common/work_items.py`` (assign,
  submit, assess, criteria) through ``MinhBach.execute`` with idempotency keys,
  while the service's follower keeps the views up to date every 0.1 s in a
  background thread — (off) views only, (on) views with the ledger riding
  along (hashing the pages the runner reads, committing leaves with the views,
  signing a checkpoint at most every ``CHECKPOINT_SECONDS``). The ledger never
  runs inside a command: what it costs the write path is the CPU and database
  time the follower takes from it.
* Rebuild: the projection views rebuilt from the whole log (off), and the views
  rebuilt with the ledger rebuilt from empty alongside — every leaf hashed,
  stored, the tree built and a checkpoint signed (on). With ``--province N``,
  also on a province-shaped SQLite log (``benchmarks/common/province``, N
  agencies × 200 servants × 12 months).

Rounds are interleaved (off, on, on, off, …); medians, and the ratio on/off.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, update

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.databases import fresh_database, fresh_sqlite
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import Size, generate
from benchmarks.common.timing import Samples, alternating, interleaved, timed
from benchmarks.common.work_items import clocked_app, run_app, set_up, work
from domain.application import MinhBach
from domain.storage import Storage
from projections import signing
from projections.ledger import CHECKPOINT_SECONDS, Ledger
from projections.ledger import NAME as LEDGER
from projections.runner import Projector
from projections.tables import ledger_checkpoints, ledger_chunks, metadata, tracking
from projections.tracking import engine_for

LEDGER_STATES = (False, True)  # off, on


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
    app = clocked_app(storage)
    engine = engine_for(storage)
    ledger = Ledger(app, engine, signing.generate(), CHECKPOINT_SECONDS) if ledger_on else None
    projector = Projector(app, engine, ledger=ledger)
    projector.catch_up()  # start level: both followers begin at the head
    steps = work(items + offset, with_keys=True)[offset:]
    stop = threading.Event()
    thread = threading.Thread(target=Follower(projector, stop).run, daemon=True)
    thread.start()
    _, elapsed = timed(lambda: run_app(app, steps))
    stop.set()
    thread.join()
    projector.catch_up()
    engine.dispose()
    app.close()
    return len(steps) / elapsed


def rebuild_and_sign(projector: Projector, ledger: Ledger | None) -> None:
    projector.rebuild()
    if ledger is not None:
        ledger.sign_if_due(force=True)


def rebuild_seconds(storage: Storage, ledger_on: bool) -> float:
    app = clocked_app(storage)
    engine = engine_for(storage)
    metadata.create_all(engine)
    with engine.begin() as conn:  # an empty ledger, as before its first run
        conn.execute(delete(ledger_chunks))
        conn.execute(delete(ledger_checkpoints))
        conn.execute(update(tracking).where(tracking.c.name == LEDGER).values(position=0))
    ledger = Ledger(app, engine, signing.generate()) if ledger_on else None
    projector = Projector(app, engine)
    projector.ledger = ledger
    if ledger is not None:
        ledger.advance_to(0)
    _, elapsed = timed(lambda: rebuild_and_sign(projector, ledger))
    engine.dispose()
    app.close()
    return elapsed


def off_and_on(rounds: int, measure: Callable[[bool], float], what: str) -> Samples[bool]:
    """``measure(ledger_on)`` in interleaved rounds, off first in odd rounds."""

    def logged(ledger_on: bool, n: int) -> float:
        value = measure(ledger_on)
        log(f"  round {n}/{rounds} {what}, ledger {'on' if ledger_on else 'off'}: {value:.2f}")
        return value

    return Samples(interleaved(rounds, alternating(LEDGER_STATES), logged))


@dataclass(frozen=True)
class Row:
    log: str
    measure: str
    figures: Samples[bool]
    lower_is_better: bool  # seconds; a rate is better higher

    @property
    def cost(self) -> float:
        """How much worse with the ledger on: +10% is 10% slower."""
        ratio = self.figures.ratio(True, False)
        return ratio - 1 if self.lower_is_better else 1 / ratio - 1


def benchmark(backend: str, items: int, rounds: int, postgres_url: str) -> list[Row]:
    with fresh_database(backend, postgres_url) as storage:
        set_up(storage)
        offset = [0]

        def writes(ledger_on: bool) -> float:
            rate = write_rate(storage, items, offset[0], ledger_on)
            offset[0] += items
            return rate

        write_figures = off_and_on(rounds, writes, f"{backend} write path")
        rebuild_figures = off_and_on(
            rounds, lambda ledger_on: rebuild_seconds(storage, ledger_on), f"{backend} rebuild"
        )
        app = clocked_app(storage)
        events = app.recorder.max_notification_id() or 0
        app.close()
    label = f"{backend}, {events} events"
    return [
        Row(label, "write path, commands/s", write_figures, lower_is_better=False),
        Row(label, "rebuild, seconds", rebuild_figures, lower_is_better=True),
    ]


def province_rebuild(agencies: int, rounds: int) -> Row:
    """The rebuild comparison on a province-shaped SQLite log."""
    with fresh_sqlite() as storage:
        app = MinhBach(storage)
        generate(app, Size(agencies=agencies, servants=200))
        events = app.recorder.max_notification_id() or 0
        app.close()
        figures = off_and_on(
            rounds, lambda ledger_on: rebuild_seconds(storage, ledger_on), "province rebuild"
        )
    return Row(f"province, {events} events", "rebuild, seconds", figures, lower_is_better=True)


def table(rows: list[Row]) -> str:
    header = ("log", "measure", "ledger off", "ledger on", "cost")
    cells = [
        (
            row.log,
            row.measure,
            f"{row.figures.median(False):.2f}",
            f"{row.figures.median(True):.2f}",
            f"{row.cost:+.1%}",
        )
        for row in rows
    ]
    return markdown_table(header, cells, "llrrr")


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=3)
    parser.add_argument(
        "--items",
        type=positive,
        default=600,
        help="work items per write round on SQLite (a third, at least 50, on PostgreSQL)",
    )
    parser.add_argument(
        "--province",
        type=positive,
        metavar="AGENCIES",
        help="also: the rebuild on a province-shaped SQLite log of AGENCIES × 200 servants",
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for backend in chosen_backends(parser, args):
        items = args.items if backend == "sqlite" else max(50, args.items // 3)
        rows.extend(benchmark(backend, items, args.rounds, args.postgres_url))
    if args.province:
        rows.append(province_rebuild(args.province, args.rounds))
    print(
        f"Ledger cost, medians of {args.rounds} interleaved rounds; cost = how much worse "
        "with the ledger on (fewer commands/s, more seconds)"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
