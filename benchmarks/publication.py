"""Publishing an agency's results and reproducing the publication: the service's
path (the table drafted from the live derivation; the publication found in the
live fold and its table recomputed from the agency's year's records) against a
replay of the whole log, in the same run.

A province's year from ``benchmarks/common/province``, generated once per backend
and projected by the service's live views, untimed. Then, for ``--rounds``
agencies in turn: ``draft`` of its table both ways (the service's, and
``projections.publication.draft`` replaying the log), the publication recorded,
and its reproduction both ways (``api.publishing.reproduce_publication`` and
``projections.publication.reproduce``), each checked to give the same answer.
p50 / p95 in milliseconds over the agencies.

Run it::

    .venv/bin/python benchmarks/publication.py --backends sqlite --agencies 2 --servants 50
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import as_of
from api.as_of import Replays
from api.publishing import draft_now, reproduce_publication
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table, p50_p95_ms
from benchmarks.common.province import Size
from benchmarks.common.service import province_service
from benchmarks.common.timing import timed
from domain.actors import Actor, CommandContext, Role
from projections.publication import SERVANTS, draft, reproduce


def run(backend: str, postgres_url: str, size: Size, count: int) -> None:
    with province_service(backend, postgres_url, size) as (generated, svc):
        app = svc.app
        times: dict[str, list[float]] = {}
        for agency in generated.agencies[:count]:
            year = generated.year
            live, seconds = timed(partial(draft_now, svc, agency, year, SERVANTS))
            times.setdefault("draft: service", []).append(seconds)
            whole, seconds = timed(partial(draft, app, agency, year, SERVANTS))
            times.setdefault("draft: whole log", []).append(seconds)
            assert live.digest == whole.digest and live.position == whole.position
            hr = CommandContext(Actor(f"{agency}-HR", Role.HR), f"TB 1/TB-{agency}")
            number = int(app.execute(live.command(), hr).result["publication"])
            as_of._KEPT.clear()
            svc.replays = Replays(app)  # nothing kept between the two ways
            ours, seconds = timed(
                partial(reproduce_publication, svc, agency, year, number, SERVANTS)
            )
            times.setdefault("reproduce: service", []).append(seconds)
            theirs, seconds = timed(partial(reproduce, app, agency, year, number))
            times.setdefault("reproduce: whole log", []).append(seconds)
            assert ours.matches and theirs.matches and ours.digest == theirs.digest
            log(f"    {agency}: {len(live.rows)} rows")
        print(f"\n### {backend}: {generated.events:,} events ({size}), {count} agencies\n")
        rows = [[mode, p50_p95_ms(values)] for mode, values in times.items()]
        print(markdown_table(["step", "p50 / p95 ms"], rows, "lr"))


def main() -> None:
    parser = parser_for(__doc__, rounds=3)  # a round: one more agency published
    parser.add_argument("--agencies", type=positive, default=2, help="in the province")
    parser.add_argument("--servants", type=positive, default=50, help="per agency")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants)
    for backend in chosen_backends(parser, args):
        run(backend, args.postgres_url, size, min(args.rounds, args.agencies))


if __name__ == "__main__":
    main()
