"""Projection rebuild: events per second of ``Projector(app).rebuild()`` on a
province-scale history, next to the library's plain read-and-decode of the
same notification log, in the same run, on SQLite and on PostgreSQL; and the
latency of the two read-model queries HR and inspectors use most.

The history
-----------
One year of a province (default 10 agencies × 200 civil servants × 12
months, about 300,000 events) is generated once per backend, untimed, by
``benchmarks/common/province`` (its docstring says what a year holds): built
with the domain's own event classes, not through ``MinhBach.execute``.

What is measured
----------------
``plain``
    The floor: the raw rows of the events table (one SQL statement a page of
    2,000, plain tuples) and ``orjson.loads`` of every state, nothing
    converted, no event built.
``decode``
    The library alone: ``app.recorder.select_notifications`` pages of 2,000
    over the whole log and ``app.mapper.to_domain_event`` on each.
``rebuild``
    ``Projector.rebuild()`` wall time: delete the rows, fold the whole log
    (read + decode + ``mutate`` + indexes), derive every period result and
    annual classification, write the rows (and their versions) and move the
    tracking position, a commit every ``REBUILD_WINDOW`` events. One
    ``Projector`` per backend, created before the rounds.

Rounds are interleaved (plain, decode, rebuild; repeated), after a warm-up
decode; the table gives medians in events/s and the ratios to plain and to
decode of the same run. The
projector is the runner's own code with timers around the calls a rebuild
makes (read, fold, derive, write: a few per page, no measurable overhead),
which gives the breakdown of the median round. Then the two queries are
timed, each over
``--queries`` calls on random agencies or servants: ``standings(conn,
agency, year)`` (first page of 100) and ``annual_classification(conn,
servant, year)``.

Before any timing a small history (2 agencies × 40 servants) is generated
and rebuilt, and the rows are checked: every servant has 12 scorable period
results and one annual classification, levels are spread, discipline shows.

Run it::

    .venv/bin/python benchmarks/rebuild.py                    # both backends
    .venv/bin/python benchmarks/rebuild.py --postgres-agencies 10   # same size on both
    .venv/bin/python benchmarks/rebuild.py --backends sqlite --agencies 4
    .venv/bin/python benchmarks/rebuild.py --agencies 1 --servants 30 --rounds 1 --queries 20
    .venv/bin/python benchmarks/rebuild.py --profile          # cProfile one rebuild

By default PostgreSQL gets 6 agencies (1,200 servants) so that a full run
stays under 10 minutes while a rebuild takes over a minute; the derivation
costs more than linearly in the number of servants today, so compare rates
only between runs of the same size.

PostgreSQL is ``postgresql://postgres@127.0.0.1:5432/test`` unless
``--postgres-url`` says otherwise (a fresh schema, dropped at the end); it is
skipped with a message when unreachable.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Integer, func, select

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.province import DISCIPLINE_PER_AGENCY, SEED, History, Size, generate
from benchmarks.common.timing import (
    Samples,
    interleaved,
    percentile,
    print_profile,
    profiled,
    timed,
)
from domain.application import MinhBach
from projections.lean import LeanReader, StoredRow
from projections.queries import annual_classification, standings
from projections.runner import READ_PAGE, Projector
from projections.state import Dirty
from projections.tables import annual_classifications, discipline_register, period_results

MODES = ("plain", "decode", "rebuild")


@contextmanager
def generated(
    backend: str, postgres_url: str, size: Size, batch: int = 400
) -> Iterator[tuple[MinhBach, History]]:
    """A fresh database holding a province's year, and the application on it."""
    with fresh_database(backend, postgres_url) as storage:
        app = MinhBach(storage)
        try:
            history, seconds = timed(lambda: generate(app, size, batch=batch))
            log(
                f"  {backend:8} generated {size}: {history.events} events "
                f"in {seconds:.0f} s ({history.events / seconds:.0f} events/s)"
            )
            yield app, history
        finally:
            app.close()


# --- measuring ---------------------------------------------------------------------------


def plain_decode(app: MinhBach) -> int:
    """The library alone: read every page of the log and decode every event."""
    head = app.recorder.max_notification_id() or 0
    select_notifications = app.recorder.select_notifications
    to_domain_event = app.mapper.to_domain_event
    position, count = 0, 0
    while position < head:
        page = select_notifications(
            start=position, limit=READ_PAGE, stop=head, inclusive_of_start=False
        )
        if not page:
            break
        for notification in page:
            to_domain_event(notification)
        count += len(page)
        position = page[-1].id
    return count


def plain_read(app: MinhBach) -> int:
    """The floor: the raw rows (one SQL statement a page, no objects) and
    ``orjson.loads`` of every state, nothing converted."""
    reader = LeanReader(app, READ_PAGE)
    loads = orjson.loads
    count = 0
    for page in reader.pages(0, app.recorder.max_notification_id() or 0):
        for row in page:
            loads(row.state)
        count += len(page)
    return count


def count_rows(projector: Projector) -> dict[str, int]:
    with projector.engine.connect() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (period_results, annual_classifications, discipline_register)
        }


def sanity_check(backend: str, postgres_url: str) -> None:
    """A small history must project without errors into plausible rows."""
    size = Size(agencies=2, servants=40)
    with generated(backend, postgres_url, size, batch=50) as (app, history):
        projector = Projector(app)
        position = projector.rebuild()
        assert position == history.events, (position, history.events)
        with projector.engine.connect() as conn:
            periods = conn.execute(
                select(
                    period_results.c.servant_code,
                    func.count(),
                    func.sum(period_results.c.scorable.cast(Integer)),
                ).group_by(period_results.c.servant_code)
            ).all()
            annual = conn.execute(
                select(
                    annual_classifications.c.proposed_level,
                    annual_classifications.c.status,
                    func.count(),
                ).group_by(annual_classifications.c.proposed_level, annual_classifications.c.status)
            ).all()
            registered = conn.execute(select(func.count()).select_from(discipline_register))
            disciplines = int(registered.scalar_one())
    servants = len(history.servants)
    assert len(periods) == servants, f"{len(periods)} servants with periods, {servants} expected"
    wrong = [(code, n, s) for code, n, s in periods if n != 12 or s != 12]
    assert not wrong, f"servants without 12 scorable periods: {wrong[:5]}"
    levels: Counter[str] = Counter()
    for level, _status, n in annual:
        levels[level or "none"] += n
    assert sum(levels.values()) == servants, levels
    assert {"EXCELLENT", "GOOD", "COMPLETE", "FAIL"} <= set(levels), levels
    assert disciplines == size.agencies * DISCIPLINE_PER_AGENCY, disciplines
    log(
        f"  {backend:8} sanity: {size}: {history.events} events, {servants} servants "
        f"× 12 scorable period rows, levels {dict(sorted(levels.items()))}, "
        f"{disciplines} discipline rows"
    )


@dataclass
class Stages:
    """Seconds spent in each call a rebuild makes (see ``TimedProjector``)."""

    read: float = 0.0  # LeanReader pages of raw rows
    fold: float = 0.0  # Projector._fold: orjson decode + DomainState.apply (mutate + indexes)
    derive: float = 0.0  # Deriver.derive: every period result and classification
    write: float = 0.0  # Projector._commit: tracking move, deletes, inserts, commit
    reset: float = 0.0  # Projector.reset: new state, load the (now empty) stored rows
    other: float = 0.0  # the rest of rebuild(): delete the rows, zero the tracking position

    @property
    def total(self) -> float:
        return float(sum(vars(self).values()))

    def add(self, stage: str, seconds: float) -> None:
        setattr(self, stage, getattr(self, stage) + seconds)


class TimedProjector(Projector):
    """The runner's own code, with timers around the calls ``rebuild()`` makes
    (a few per page of 2,000 events: no measurable overhead)."""

    def __init__(self, app: MinhBach) -> None:
        self.stages = Stages()
        super().__init__(app)

    @contextmanager
    def charged(self, stage: str) -> Iterator[None]:
        """The time of the block, added to ``stage`` even when it raises."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.add(stage, time.perf_counter() - started)

    def rebuild(self) -> int:
        self.stages = Stages()
        position, total = timed(super().rebuild)
        self.stages.other = total - self.stages.total
        return position

    def reset(self) -> None:
        with self.charged("reset"):
            super().reset()
        derive = self.deriver.derive

        def timed_derive(dirty: Dirty) -> dict[str, set[Any]]:
            with self.charged("derive"):
                return derive(dirty)

        self.deriver.derive = timed_derive  # type: ignore[method-assign]

    def _pages(self, after: int, upto: int) -> Iterator[Sequence[StoredRow]]:
        pages = super()._pages(after, upto)
        while True:
            with self.charged("read"):
                page = next(pages, None)
            if page is None:
                return
            yield page

    def _fold(self, rows: Iterable[StoredRow]) -> Dirty:
        with self.charged("fold"):
            return super()._fold(rows)

    def _commit(self, position: int, changed: Mapping[str, set[Any]]) -> None:
        with self.charged("write"):
            super()._commit(position, changed)


def query_latencies(
    projector: Projector, history: History, calls: int, seed: int
) -> dict[str, list[float]]:
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"standings": [], "annual_classification": []}
    with projector.engine.connect() as conn:
        for _ in range(calls):
            agency = rng.choice(history.agencies)
            started = time.perf_counter()
            rows, total = standings(conn, agency, history.year, limit=100)
            times["standings"].append(time.perf_counter() - started)
            assert rows and total >= len(rows)
            servant = rng.choice(history.servants)
            started = time.perf_counter()
            row = annual_classification(conn, servant, history.year)
            times["annual_classification"].append(time.perf_counter() - started)
            assert row is not None
    return times


@dataclass
class Result:
    backend: str
    size: Size
    history: History
    rates: Samples[str]  # mode → events/s per round
    stages: Stages  # of the median rebuild
    queries: dict[str, list[float]]


def benchmark(backend: str, size: Size, rounds: int, calls: int, postgres_url: str) -> Result:
    with generated(backend, postgres_url, size) as (app, history):
        projector = TimedProjector(app)  # fresh views: the constructor folds nothing
        plain_decode(app)  # warm-up (page cache, first imports), not reported
        stages: list[Stages] = []

        def rate(mode: str, n: int) -> float:
            runs_of = {
                "plain": lambda: plain_read(app),
                "decode": lambda: plain_decode(app),
                "rebuild": projector.rebuild,
            }
            run = runs_of[mode]
            count, seconds = timed(run)
            assert count == history.events, (mode, count, history.events)
            detail = ""
            if mode == "rebuild":
                stages.append(projector.stages)
                detail = f" ({stage_text(projector.stages)})"
            log(
                f"  {backend:8} round {n}/{rounds} {mode:7} {count} events "
                f"in {seconds:6.2f} s = {count / seconds:7.0f} events/s{detail}"
            )
            return count / seconds

        rates = interleaved(rounds, MODES, rate)
        log(f"  {backend:8} rows: {count_rows(projector)}")
        median_round = stages[rates["rebuild"].index(statistics.median_low(rates["rebuild"]))]
        queries = query_latencies(projector, history, calls, SEED)
    return Result(backend, size, history, Samples(rates), median_round, queries)


def profile_rebuild(backend: str, size: Size, postgres_url: str, top: int) -> None:
    with generated(backend, postgres_url, size) as (app, history):
        _, seconds, profiler = profiled(Projector(app).rebuild)
    print(f"{backend}: rebuild of {history.events} events in {seconds:.2f} s (profiled)")
    print_profile(profiler, top, "cumulative", "tottime")


# --- reporting -----------------------------------------------------------------------------


def stage_text(stages: Stages) -> str:
    parts = [f"{name} {seconds:.2f} s" for name, seconds in vars(stages).items()]
    return ", ".join(parts) + f" (total {stages.total:.2f} s)"


def table(results: list[Result]) -> str:
    header = (
        "backend",
        "events",
        "mode",
        "median events/s",
        "ratio to plain",
        "ratio to decode",
        "runs (events/s)",
    )
    rows = [
        (
            r.backend,
            str(r.history.events),
            mode,
            f"{r.rates.median(mode):.0f}",
            f"{r.rates.ratio(mode, 'plain'):.2f}",
            f"{r.rates.ratio(mode, 'decode'):.2f}",
            runs(r.rates.values[mode]),
        )
        for r in results
        for mode in MODES
    ]
    return markdown_table(header, rows, "lrlrrrl")


STAGE_LABELS = {
    "read": "read (`LeanReader.pages`: raw rows)",
    "fold": "decode + fold (`_fold`: `LeanReader.event`, `DomainState.apply`)",
    "derive": "derive (`Deriver.derive`)",
    "write": "write (`_commit`: deletes, inserts, tracking, commit)",
    "reset": "reset (`Projector.reset`)",
    "other": "other (delete the old rows, zero the position)",
    "total": "total",
}


def stage_table(results: list[Result]) -> str:
    def share(r: Result, name: str) -> str:
        seconds = float(getattr(r.stages, name))
        return f"{seconds:.2f} s ({100 * seconds / r.stages.total:.0f}%)"

    rows = [
        [STAGE_LABELS[name], *(share(r, name) for r in results)]
        for name in [*vars(results[0].stages), "total"]
    ]
    decode = [f"{r.history.events / r.rates.median('decode'):.2f} s" for r in results]
    rows.append(["for comparison: the library's read + decode alone", *decode])
    plain = [f"{r.history.events / r.rates.median('plain'):.2f} s" for r in results]
    rows.append(["for comparison: raw rows + orjson alone (plain)", *plain])
    header = ["stage of the median rebuild", *(r.backend for r in results)]
    return markdown_table(header, rows, "l" + "r" * len(results))


QUERY_LABELS = {
    "standings": "standings(agency, year), first 100",
    "annual_classification": "annual_classification(servant, year)",
}


def query_table(results: list[Result]) -> str:
    rows = [
        (
            r.backend,
            QUERY_LABELS[name],
            f"{percentile(values, 0.5) * 1000:.2f}",
            f"{percentile(values, 0.95) * 1000:.2f}",
        )
        for r in results
        for name, values in r.queries.items()
    ]
    return markdown_table(("backend", "query", "p50 ms", "p95 ms"), rows, "llrr")


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=3)
    parser.add_argument("--agencies", type=positive, default=10)
    parser.add_argument("--servants", type=positive, default=200, help="civil servants per agency")
    parser.add_argument(
        "--postgres-agencies",
        type=positive,
        help="agencies on PostgreSQL (default: --agencies, at most 6, so that a full run "
        "stays under 10 minutes)",
    )
    parser.add_argument("--queries", type=positive, default=200, help="calls per query")
    parser.add_argument("--no-sanity", action="store_true", help="skip the small-history check")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of benchmarking, cProfile one rebuild per backend and print the top",
    )
    parser.add_argument("--top", type=positive, default=45, help="profile entries to print")
    args = parser.parse_args(argv)
    backends = chosen_backends(parser, args)

    def size_for(backend: str) -> Size:
        agencies = args.agencies
        if backend == "postgres":
            agencies = args.postgres_agencies or min(args.agencies, 6)
        return Size(agencies, args.servants)

    if args.profile:
        for backend in backends:
            profile_rebuild(backend, size_for(backend), args.postgres_url, args.top)
        return 0
    if not args.no_sanity:
        for backend in backends:
            sanity_check(backend, args.postgres_url)
    results = [
        benchmark(backend, size_for(backend), args.rounds, args.queries, args.postgres_url)
        for backend in backends
    ]
    sizes = ", ".join(f"{r.backend} {r.size}" for r in results)
    print(f"Projection rebuild, medians of {args.rounds} interleaved rounds ({sizes})")
    print(table(results))
    print("\nWhere the median rebuild spends its time:")
    print(stage_table(results))
    print(f"\nQueries over the rebuilt views, {args.queries} calls each:")
    print(query_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
