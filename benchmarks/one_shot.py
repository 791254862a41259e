"""The command line's one-shot replays (``minhbach explain``, ``audit publish`` and
``reproduce``, ``bundle``, ``form``, ``summary``, ``whatif``): an agency's or a
servant's component read through the event routes (``projections.routed_replay``)
against a replay of the whole log, in the same run.

A store holding ``--groups`` managing groups (provinces or ministries) of
``--agencies`` agencies in all, from ``benchmarks/common/province``, generated once
per backend, untimed. First the routes are built from empty (the one-time cost a
store pays when no partition worker has built them; timed). Then, for
``--rounds`` agencies (and one of each agency's servants) in turn, interleaved:
a servant's year explained, an agency's table drafted for publication, and that
publication (recorded once, untimed) reproduced — each from the component and
from the whole log, every pair checked to give the same answer. p50 / p95 in
milliseconds over the rounds, and the share of the log each component folded.

Run it::

    .venv/bin/python benchmarks/one_shot.py --backends sqlite --agencies 10 --servants 50 --groups 5
"""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table, p50_p95_ms
from benchmarks.common.province import Size, generate
from benchmarks.common.timing import timed
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from projections.explain import Explainer, StoreEvents
from projections.lean import LeanReader
from projections.publication import SERVANTS, draft, reproduce
from projections.replay import READ_PAGE, Replayed, replay
from projections.routed_replay import agency_record, agency_replay, servant_replay
from projections.routes import ROUTE_TABLES, RouteIndex
from projections.tables import tracking
from projections.tracking import engine_for


def found(replayed: Replayed | None) -> Replayed:
    assert replayed is not None, "the store reads events by position"
    return replayed


def folded(replayed: Replayed | None) -> int:
    """How many events a fold took in (each record's positions)."""
    return sum(len(p) for p in found(replayed).state.positions.values())


def build_routes(app: MinhBach) -> float:
    """Route the whole log from empty; the seconds it took."""
    engine = engine_for(app.storage)
    tracking.create(engine, checkfirst=True)
    for table in ROUTE_TABLES:
        table.create(engine, checkfirst=True)
    index = RouteIndex(engine, LeanReader(app, READ_PAGE))
    _, seconds = timed(partial(index.advance, app.recorder.max_notification_id() or 0))
    engine.dispose()
    return seconds


Both = Callable[[str, Callable[[], object], Callable[[], object]], None]


def one_round(app: MinhBach, year: int, agency: str, servant: str, both: Both) -> int:
    """Each step both ways for one agency and one of its servants; the table's rows."""
    both(
        "explain a servant's year",
        lambda: Explainer(StoreEvents(app), found(servant_replay(app, servant))).year(
            servant, year
        ),
        lambda: Explainer(StoreEvents(app), replay(app)).year(servant, year),
    )
    both(
        "draft a publication",
        lambda: draft(app, agency, year, SERVANTS, agency_replay(app, [agency])).digest,
        lambda: draft(app, agency, year, SERVANTS).digest,
    )
    table = draft(app, agency, year, SERVANTS, agency_replay(app, [agency]))
    hr = CommandContext(Actor(f"{agency}-HR", Role.HR), f"TB 1/TB-{agency}")
    number = int(app.execute(table.command(), hr).result["publication"])

    def from_component() -> object:
        outcome = reproduce(
            app,
            agency,
            year,
            number,
            live=lambda: nullcontext(agency_record(app, agency)),
            replayer=lambda upto: agency_replay(app, [agency], upto),
        )
        assert outcome.matches
        return outcome.digest

    def from_whole_log() -> object:
        outcome = reproduce(app, agency, year, number)
        assert outcome.matches
        return outcome.digest

    both("reproduce the publication", from_component, from_whole_log)
    return len(table.rows)


def run(backend: str, postgres_url: str, size: Size, count: int, seed: int) -> None:
    with fresh_database(backend, postgres_url) as stored:
        app = MinhBach(stored)
        try:
            generated = generate(app, size)
            log(f"  {backend:8} generated {size}: {generated.events} events")
            routes = build_routes(app)
            log(f"    routes built in {routes:.1f} s")
            chosen = random.Random(seed)
            times: dict[str, list[float]] = {}
            shares: dict[str, list[float]] = {}
            year = generated.year

            def both(step: str, ours: Callable[[], object], whole: Callable[[], object]) -> None:
                """Time both ways (the order alternating by round); same answer."""
                ways = {"component": ours, "whole log": whole}
                order = sorted(ways, reverse=len(times.get(f"{step}: component", [])) % 2 == 1)
                results = {}
                for mode in order:
                    results[mode], seconds = timed(ways[mode])
                    times.setdefault(f"{step}: {mode}", []).append(seconds)
                assert results["component"] == results["whole log"], step

            for agency in generated.agencies[:count]:
                servant = chosen.choice(
                    [s for s in generated.servants if s.rsplit("-", 1)[0] == agency]
                )
                table_rows = one_round(app, year, agency, servant, both)
                shares.setdefault("servant", []).append(
                    folded(servant_replay(app, servant)) / generated.events
                )
                shares.setdefault("agency", []).append(
                    folded(agency_replay(app, [agency])) / generated.events
                )
                log(f"    {agency}: {servant}, {table_rows} rows")
            print(f"\n### {backend}: {generated.events:,} events ({size}), {count} agencies\n")
            print(f"Routes built from empty: {routes:.1f} s.\n")
            rows = [[mode, p50_p95_ms(values)] for mode, values in sorted(times.items())]
            print(markdown_table(["step", "p50 / p95 ms"], rows, "lr"))
            print()
            rows = [[who, f"{statistics.median(values):.3f}"] for who, values in shares.items()]
            print(markdown_table(["component of", "median share of the log folded"], rows, "lr"))
        finally:
            app.close()


def main() -> None:
    parser = parser_for(__doc__, rounds=3)  # a round: one more agency
    parser.add_argument("--agencies", type=positive, default=10, help="in the store")
    parser.add_argument("--servants", type=positive, default=50, help="per agency")
    parser.add_argument("--groups", type=positive, default=5, help="managing groups")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants, groups=args.groups)
    for backend in chosen_backends(parser, args):
        run(backend, args.postgres_url, size, min(args.rounds, args.agencies), args.seed)


if __name__ == "__main__":
    main()
