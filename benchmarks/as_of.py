"""As-of reads: the standings and a servant's year as of a past log position,
answered by a replay of the log (before) and by the versioned rows (after), in
the same run, on SQLite and on PostgreSQL; and what the versioned rows cost to
store.

The history
-----------
A province's year from ``benchmarks/common/province`` (default 4 agencies × 200
civil servants × 12 months), generated once per backend, untimed, then projected
by ``Projector.rebuild()`` (timed and reported: it writes the versioned rows, a
commit every ``REBUILD_WINDOW`` events).

What is measured
----------------
At 10 %, 50 % and 100 % of the log — each the commit of the rebuild nearest to
that share, where the versioned rows answer exactly — two reads, through
``api/reads.py`` as the API and the web pages call them:

``standings``
    an agency's standings of the year as of the position (first page of 100).
``servant year``
    a servant's annual classification, period results and interim results.

``whole`` is ``reads.replayed_standings`` / ``reads.replayed_servant_year``
with replays that never route (``Replays(app, routed=False)``): the first call
replays the whole log up to the position (a fresh ``Replays``, so nothing is
kept), a warm call finds the replay kept (``api/as_of.py``, three folds).
``routed`` is the same call as the API makes it where no versioned row answers
(a position inside a committed window, or past the views): it folds only the
subject's component of the event routes (``projections.routed_replay``), built
once, untimed and reported, before the rounds. ``versioned`` is
``reads.standings`` / ``reads.servant_year``: the first call on a fresh engine
(new connections), warm calls after. First calls are repeated ``--rounds`` times,
warm calls ``--queries`` times on random agencies or servants; the table gives
p50 and p95 in milliseconds. Every versioned and routed answer is checked equal
to the whole log's before timing.

``--groups N`` spreads the agencies over N managing groups (provinces or
ministries in one store): within one group the component is the whole log.

Run it::

    .venv/bin/python benchmarks/as_of.py                      # both backends
    .venv/bin/python benchmarks/as_of.py --backends sqlite --agencies 2 --servants 50
    .venv/bin/python benchmarks/as_of.py --backends sqlite --agencies 10 --groups 5
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, text

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import reads
from api.as_of import Replays
from api.auth import ReadScope
from api.deps import Services
from api.live import LiveViews
from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import History, Size, generate
from benchmarks.common.timing import percentile, timed
from domain.application import MinhBach
from projections import history
from projections.routed_replay import agency_replay
from projections.tables import annual_classifications, interim_results, period_results

SHARES = (0.1, 0.5, 1.0)
EVERYTHING = ReadScope(everything=True)
Call = Callable[[Services, int, random.Random], object]


def standings_replayed(svc: Services, position: int, pick: random.Random) -> object:
    return reads.replayed_standings(svc, pick.choice(AGENCIES), YEAR[0], position, None)


def standings_versioned(svc: Services, position: int, pick: random.Random) -> object:
    return reads.standings(svc, EVERYTHING, pick.choice(AGENCIES), YEAR[0], as_of_position=position)


def year_replayed(svc: Services, position: int, pick: random.Random) -> object:
    return reads.replayed_servant_year(svc, pick.choice(SERVANTS), YEAR[0], position, None)


def year_versioned(svc: Services, position: int, pick: random.Random) -> object:
    code = pick.choice(SERVANTS)
    return reads.servant_year(svc, EVERYTHING, code, YEAR[0], as_of_position=position)


AGENCIES: list[str] = []
SERVANTS: list[str] = []
YEAR = [2026]
READS = {
    "standings": (standings_replayed, standings_versioned),
    "servant year": (year_replayed, year_versioned),
}


def check_equal(svc: Services, app: MinhBach, position: int) -> None:
    """The versioned and routed answers are the whole log's (the property tests'
    claims, at scale)."""
    assert reads.exact_version(svc, position, None) is not None, position
    routed = Services(app, svc.views, Replays(app))
    svc.replays = Replays(app, routed=False)
    for agency in AGENCIES[:3]:
        whole = reads.replayed_standings(svc, agency, YEAR[0], position, None)
        assert reads.standings(svc, EVERYTHING, agency, YEAR[0], as_of_position=position) == whole
        assert reads.replayed_standings(routed, agency, YEAR[0], position, None) == whole
    for code in random.Random(position).sample(SERVANTS, min(5, len(SERVANTS))):
        whole_year = reads.replayed_servant_year(svc, code, YEAR[0], position, None)
        versioned_year = reads.servant_year(svc, EVERYTHING, code, YEAR[0], as_of_position=position)
        assert versioned_year == whole_year
        assert reads.replayed_servant_year(routed, code, YEAR[0], position, None) == whole_year


def ms(values: list[float]) -> str:
    return f"{percentile(values, 0.5) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f}"


def _seconds(read: Call, svc: Services, position: int, pick: random.Random) -> float:
    return timed(lambda: read(svc, position, pick))[1]


def measure(svc: Services, app: MinhBach, position: int, rounds: int, queries: int) -> list[str]:
    """p50 / p95 of each read: the whole log's replay first and warm, the routed
    fold first, versioned first and warm."""
    cells: list[str] = []
    pick = random.Random(position)
    for name, (replayed, versioned) in READS.items():
        first_replay, first_routed = [], []
        for _ in range(rounds):
            svc.replays = Replays(app)  # nothing kept: the first call folds
            first_routed.append(_seconds(replayed, svc, position, pick))
            svc.replays = Replays(app, routed=False)
            first_replay.append(_seconds(replayed, svc, position, pick))
        warm_replay = [_seconds(replayed, svc, position, pick) for _ in range(queries)]
        first_versioned = []
        for _ in range(rounds):
            svc.views.engine.dispose()  # new connections
            first_versioned.append(_seconds(versioned, svc, position, pick))
        warm_versioned = [_seconds(versioned, svc, position, pick) for _ in range(queries)]
        cells.append(name)
        cells += [ms(first_replay), ms(warm_replay), ms(first_routed)]
        cells += [ms(first_versioned), ms(warm_versioned)]
    return cells


def storage(svc: Services, backend: str) -> list[list[str]]:
    """Rows and bytes (table and indexes) of the versioned rows beside the views."""
    tables = (
        (annual_classifications, history.annual_history),
        (period_results, history.period_history),
        (interim_results, history.interim_history),
    )
    found = []
    with svc.views.engine.connect() as conn:
        for view, versions in tables:
            row = [versions.name]
            for table in (view, versions):
                count = conn.execute(select(func.count()).select_from(table)).scalar_one()
                row += [f"{count:,}", f"{_bytes(conn, backend, table.name) / 1e6:.1f} MB"]
            found.append(row)
        marks = conn.execute(select(func.count()).select_from(history.history_marks)).scalar_one()
    found.append([history.history_marks.name, "", "", f"{marks:,}", ""])
    return found


def _bytes(conn: object, backend: str, table: str) -> int:
    if backend == "postgres":  # the schema is the connection's translate map, not search_path
        schema = conn.get_execution_options()["schema_translate_map"][None]  # type: ignore[attr-defined]
        query = text("SELECT pg_total_relation_size(CAST(:t AS regclass))")
        found = conn.execute(query, {"t": f'"{schema}"."{table}"'})  # type: ignore[attr-defined]
        return int(found.scalar_one())
    query = text(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :t OR name IN "
        "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t)"
    )
    return int(conn.execute(query, {"t": table}).scalar_one())  # type: ignore[attr-defined]


def run(backend: str, postgres_url: str, size: Size, rounds: int, queries: int) -> None:
    with fresh_database(backend, postgres_url) as stored:
        app = MinhBach(stored)
        try:
            generated: History
            generated, seconds = timed(lambda: generate(app, size))
            log(f"  {backend:8} generated {size}: {generated.events} events in {seconds:.0f} s")
            AGENCIES[:] = generated.agencies
            SERVANTS[:] = generated.servants
            YEAR[0] = generated.year
            svc = Services(app, LiveViews(app), Replays(app))
            position, seconds = timed(svc.views.projector.rebuild)
            log(f"  {backend:8} rebuild with the versioned rows: {seconds:.1f} s")
            _, seconds = timed(lambda: agency_replay(app, AGENCIES[:1], position))
            log(f"  {backend:8} event routes built from empty, one agency folded: {seconds:.1f} s")
            rows = []
            with svc.views.engine.connect() as conn:
                marks = list(conn.execute(select(history.history_marks.c.position)).scalars())
            for share in SHARES:
                mark = min(marks, key=lambda m: abs(m - position * share))
                check_equal(svc, app, mark)
                cells = measure(svc, app, mark, rounds, queries)
                for index in range(0, len(cells), 6):
                    rows.append([f"{share:.0%} ({mark:,})", *cells[index : index + 6]])
            print(f"\n### {backend}: {generated.events:,} events ({size})\n")
            header = ["as of", "read", "whole first", "whole warm", "routed first"]
            header += ["versioned first", "versioned warm"]
            print(markdown_table(header, rows, "llrrrrr"))
            print("\np50 / p95 in ms.\n")
            stored_header = ["history table", "view rows", "view bytes", "versions", "bytes"]
            print(markdown_table(stored_header, storage(svc, backend), "lrrrr"))
            svc.views.engine.dispose()
        finally:
            app.close()


def main() -> None:
    parser = parser_for(__doc__, rounds=3)
    parser.add_argument("--agencies", type=positive, default=4)
    parser.add_argument("--servants", type=positive, default=200, help="per agency")
    parser.add_argument("--groups", type=positive, default=1, help="managing groups")
    parser.add_argument("--queries", type=positive, default=50, help="warm calls per read")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants, groups=args.groups)
    for backend in chosen_backends(parser, args):
        run(backend, args.postgres_url, size, args.rounds, args.queries)


if __name__ == "__main__":
    main()
