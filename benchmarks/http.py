"""HTTP API: requests per second and latency through a real ``minhbach serve``
process, next to the same operations called in-process, in the same run.

What is measured
----------------
One ``minhbach serve --demo`` process is started on a free port of 127.0.0.1
with an SQLite file in a temp folder; the demo agency (SNV-HN, 45 servants,
one year) is loaded by the server itself and the demo tokens are read from
its stdout. Once it answers ``/health``, its database file is copied with
SQLite's backup API: the in-process side runs on that copy, an identical
database (same events, same views), with the same demo clock and its own
``LiveViews`` following the log in a background thread, as the server does.

Three operations, each in two modes:

``standings``
    http: ``GET /api/v1/standings?agency=SNV-HN&year=2026`` with the HR token
    (45 rows, one page). in-process: ``projections.queries.standings`` on a
    connection of the views' engine (the same SQL, the same rows).
``servant-year``
    http: ``GET /api/v1/servants/{code}/years/2026`` with the HR token, the
    code cycling through the agency's 45 servants. in-process:
    ``queries.annual_classification`` and ``queries.period_results_of``.
``assign-task``
    http: ``POST /api/v1/commands/assign-task`` with the manager token (head
    of TCBC) and a fresh ``Idempotency-Key`` and task code per request, to a
    staff member of TCBC in a month of 2027 or later, a fresh month for every
    cell (tasks pile up per servant and month, and so does the work of the
    views that follow them). in-process:
    ``AssignTask.model_validate(dict)`` then ``MinhBach.execute(command, ctx,
    key)`` with the same actor and the same kind of key.

The HTTP side adds, per request: the client (httpx), loopback TCP, uvicorn
(h11, asyncio), FastAPI routing and validation, the access-log middleware,
the bearer-token check (one principal load), the read scope, the views'
status (two small queries) and the JSON response.

Load: a closed loop of ``--workers`` threads (default 4), each with its own
``httpx.Client`` (keep-alive) or calling the function directly, for
``--seconds`` (default 8) or ``--max-requests`` per cell, whichever comes
first. Each cell records every request's latency; the table reports, per
operation and mode, the median over the rounds of the rate, the p50 and the
p95, and the ratio http / in-process of the median rates. The load generator
runs on the same machine as the server: the CPU columns say how much CPU
time the server process and the benchmark process (client, or the
in-process work itself) spent per request.

Rounds run interleaved (every operation, http then in-process, the order
flipped every other round) after a short warm-up cell of each that is not
reported. After each write cell the views are left to catch up (untimed)
before the next cell.

Run it::

    .venv/bin/python benchmarks/http.py                       # 3 rounds x 6 cells x 8 s
    .venv/bin/python benchmarks/http.py --rounds 5 --seconds 10 --workers 8
    .venv/bin/python benchmarks/http.py --operations standings --seconds 3   # quick look
    .venv/bin/python benchmarks/http.py --rounds 1 --seconds 1                # all, quickly
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this file's folder would come first on the path and hide the
# standard library's ``http`` package from httpx: the repository comes instead.
if __package__ in (None, ""):
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.auth import authenticate, read_scope
from api.command_routes import CommandResponse
from api.live import LiveViews
from api.query_routes import Listing, ServantYear
from benchmarks import http_server
from benchmarks.common.closed_loop import Cell, Factory, Operation, closed_loop
from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table, ms, runs
from benchmarks.common.timing import Samples, alternating, interleaved, median_call
from benchmarks.http_server import REQUEST_TIMEOUT, Server, running_server, wait_caught_up
from demo import AGENCY, demo_people
from demo.clock import demo_clock
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.catalogue import Catalogue, catalogue_id
from domain.servant import CivilServant, servant_id
from domain.storage import storage_from_url
from projections import queries

YEAR = 2026
FIRST_WRITE_YEAR = 2027  # after the demo year: the 2026 standings stay as they are
OPERATIONS = ("standings", "servant-year", "assign-task")
MODES = ("http", "in-process")


# --- the operations ----------------------------------------------------------------


@dataclass
class World:
    """What both modes need: tokens, actors, codes, and the in-process app."""

    server: Server
    app: MinhBach
    views: LiveViews
    servants: list[str]  # every servant of the agency, for servant-year
    staff: list[str]  # TCBC staff, who the manager assigns tasks to
    products: list[str]
    manager: Actor
    manager_principal: str
    sequence: Iterator[int] = field(default_factory=itertools.count)
    months: Iterator[int] = field(default_factory=itertools.count)
    period: str = f"{FIRST_WRITE_YEAR}-01"

    def next_period(self) -> None:
        """A month of its own for each write cell: tasks pile up per servant and month,
        and so does the work of the views that follow them."""
        k = next(self.months)
        self.period = f"{FIRST_WRITE_YEAR + k // 12}-{k % 12 + 1:02d}"

    def task_args(self, tag: str) -> tuple[dict[str, Any], str]:
        n = next(self.sequence)  # atomic under the GIL
        args = {
            "task": f"BENCH-{tag}-{n:07d}",
            "servant": self.staff[n % len(self.staff)],
            "product": self.products[n % len(self.products)],
            "quantity": str(1 + n % 5),
            "period": self.period,
            "assigned_on": f"{self.period}-04",
            "deadline": f"{self.period}-28",
            "title": f"Hồ sơ thử tải số {n}",
        }
        return args, f"bench-{tag}-{n}"


def http_operation(world: World, name: str) -> Factory:
    """A factory of per-worker operations: each worker gets its own keep-alive client."""
    role = "manager" if name == "assign-task" else "hr"
    headers = {"Authorization": f"Bearer {world.server.tokens[role]}"}

    def make() -> tuple[Operation, Callable[[], None]]:
        client = httpx.Client(
            base_url=world.server.base_url, headers=headers, timeout=REQUEST_TIMEOUT
        )
        codes = itertools.cycle(world.servants)

        def check(response: httpx.Response) -> None:
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code} {response.text[:300]}")

        def standings() -> None:
            check(client.get("/api/v1/standings", params={"agency": AGENCY, "year": YEAR}))

        def servant_year() -> None:
            check(client.get(f"/api/v1/servants/{next(codes)}/years/{YEAR}"))

        def assign_task() -> None:
            args, key = world.task_args("h")
            response = client.post(
                "/api/v1/commands/assign-task", json=args, headers={"Idempotency-Key": key}
            )
            check(response)

        operations = {
            "standings": standings,
            "servant-year": servant_year,
            "assign-task": assign_task,
        }
        return operations[name], client.close

    return make


def in_process_operation(world: World, name: str) -> Factory:
    engine = world.views.engine
    context = CommandContext(world.manager)

    def make() -> tuple[Operation, Callable[[], None]]:
        codes = itertools.cycle(world.servants)

        def standings() -> None:
            with engine.connect() as conn:
                rows, _ = queries.standings(conn, AGENCY, YEAR, limit=100, offset=0)
            if not rows:
                raise RuntimeError("standings: no rows")

        def servant_year() -> None:
            code = next(codes)
            with engine.connect() as conn:
                row = queries.annual_classification(conn, code, YEAR)
                queries.period_results_of(conn, code, YEAR)
            if row is None:
                raise RuntimeError(f"servant-year: no classification for {code}")

        def assign_task() -> None:
            args, key = world.task_args("p")
            command = c.AssignTask.model_validate(args)
            world.app.execute(command, context, f"{world.manager_principal}:{key}")

        operations = {
            "standings": standings,
            "servant-year": servant_year,
            "assign-task": assign_task,
        }
        return operations[name], lambda: None

    return make


MAKERS: dict[str, Callable[[World, str], Factory]] = {
    "http": http_operation,
    "in-process": in_process_operation,
}


# --- the run --------------------------------------------------------------------------


def build_world(server: Server, folder: Path) -> World:
    copy = folder / "in-process.db"
    http_server.copy_database(server.database, copy)
    app = MinhBach(storage_from_url(f"sqlite:///{copy}"), clock=demo_clock())
    views = LiveViews(app)
    views.catch_up()
    with views.engine.connect() as conn:
        rows, _ = queries.standings(conn, AGENCY, YEAR, limit=500)
    servants = sorted(str(row["servant_code"]) for row in rows)
    manager = demo_people()["manager"]
    unit = next(row["unit_code"] for row in rows if row["servant_code"] == manager.code)
    staff = sorted(
        str(row["servant_code"])
        for row in rows
        if row["unit_code"] == unit and row["leadership"] == "staff"
    )
    catalogue = app.find(Catalogue, catalogue_id(AGENCY))
    if catalogue is None or not staff:
        raise RuntimeError("the demo agency has no catalogue or no staff")
    products = sorted(
        code for code, product in catalogue.products.items() if product.withdrawn_from is None
    )
    return World(
        server=server,
        app=app,
        views=views,
        servants=servants,
        staff=staff,
        products=products,
        manager=Actor(manager.code, Role.MANAGER),
        manager_principal="demo-manager",
    )


def measure(
    world: World, operation: str, mode: str, seconds: float, args: argparse.Namespace
) -> Cell:
    """One cell: the closed loop of one operation in one mode; after a write cell,
    both sides' views catch up (untimed)."""
    if operation == "assign-task":
        world.next_period()
    cell = closed_loop(
        MAKERS[mode](world, operation),
        args.workers,
        seconds,
        args.max_requests,
        lambda: http_server.server_cpu_seconds(world.server.process),
        REQUEST_TIMEOUT,
    )
    if operation == "assign-task":
        wait_caught_up(world.server, world.views)
    return cell


def report_cell(label: str, operation: str, mode: str, cell: Cell) -> None:
    log(
        f"  {label:>9} {operation:12} {mode:10} {cell.requests:6} req in {cell.seconds:5.2f} s "
        f"= {cell.rate:7.1f}/s  p50 {ms(cell.percentile(0.5)):>6} ms  "
        f"p95 {ms(cell.percentile(0.95)):>6} ms"
    )


Cells = dict[tuple[str, str], list[Cell]]  # (operation, mode) → one cell per round


def benchmark(world: World, args: argparse.Namespace) -> Cells:
    """A warm-up cell of each, then rounds of every operation, http then in-process
    (in-process first every other round)."""
    for operation in args.operations:
        for mode in MODES:
            warm_up = measure(world, operation, mode, min(1.0, args.seconds), args)
            report_cell("warm-up", operation, mode, warm_up)

    def order(n: int) -> list[tuple[str, str]]:
        return [(op, mode) for op in args.operations for mode in alternating(MODES)(n)]

    def cell(key: tuple[str, str], n: int) -> Cell:
        measured = measure(world, *key, args.seconds, args)
        report_cell(f"{n}/{args.rounds}", *key, measured)
        return measured

    return interleaved(args.rounds, order, cell)


ENDPOINTS = {
    "standings": f"GET /api/v1/standings?agency={AGENCY}&year={YEAR} (HR)",
    "servant-year": f"GET /api/v1/servants/{{code}}/years/{YEAR} (HR)",
    "assign-task": "POST /api/v1/commands/assign-task (manager, Idempotency-Key)",
}


def table(cells: Cells, operations: list[str]) -> str:
    header = (
        "endpoint",
        "mode",
        "median req/s",
        "p50 ms",
        "p95 ms",
        "ratio http/in-process",
        "CPU ms/req server",
        "CPU ms/req client or in-process",
        "runs (req/s)",
    )
    rows = []
    for operation in operations:
        rates = Samples({mode: [cell.rate for cell in cells[(operation, mode)]] for mode in MODES})
        for mode in MODES:
            cells_of = cells[(operation, mode)]
            p50 = statistics.median(cell.percentile(0.5) for cell in cells_of)
            p95 = statistics.median(cell.percentile(0.95) for cell in cells_of)
            server_cpu = [cell.server_cpu / cell.requests for cell in cells_of if cell.server_cpu]
            server = ms(statistics.median(server_cpu)) if mode == "http" and server_cpu else "—"
            own = ms(statistics.median(cell.own_cpu / cell.requests for cell in cells_of))
            rows.append(
                (
                    ENDPOINTS[operation] if mode == "http" else "",
                    mode,
                    f"{rates.median(mode):.0f}",
                    ms(p50),
                    ms(p95),
                    f"{rates.ratio(mode, 'in-process'):.2f}",
                    server,
                    own,
                    runs(rates.values[mode]),
                )
            )
    return markdown_table(header, rows, "llrrrrrrl")


# --- where the time goes (one thread, no load) ------------------------------------------


def breakdown(world: World, operations: list[str], iterations: int) -> str:
    """What each piece of a request costs when called alone, next to one request
    at a time through the server (no concurrency, so no queueing)."""
    app, views, tokens = world.app, world.views, world.server.tokens
    hr = authenticate(app, f"Bearer {tokens['hr']}")
    scope = read_scope(app, hr, app.clock().date())
    with views.engine.connect() as conn:
        rows, total = queries.standings(conn, AGENCY, YEAR, limit=100, offset=0)
        code = world.servants[0]
        row = queries.annual_classification(conn, code, YEAR)
        periods = queries.period_results_of(conn, code, YEAR)
    listing = Listing(items=rows, total=total, position=1, lag=0)
    year = ServantYear(
        servant=code, year=YEAR, classification=row, periods=periods, position=1, lag=0
    )
    args, _ = world.task_args("b")
    response = CommandResponse(
        command="assign_task", result={"id": "x"}, replayed=False, position=1
    )
    pieces: list[tuple[str, str, Callable[[], object]]] = [
        (
            "common",
            "bearer token check (loads the principal)",
            lambda: authenticate(app, f"Bearer {tokens['hr']}"),
        ),
        ("common", "views status (2 queries)", views.status),
        ("reads", "read scope (HR)", lambda: read_scope(app, hr, app.clock().date())),
        ("standings", "query", in_process_operation(world, "standings")()[0]),
        (
            "standings",
            "response: validate + JSON",
            lambda: Listing.model_validate(listing).model_dump_json(),
        ),
        (
            "servant-year",
            "servant in scope (loads the servant)",
            lambda: scope.allows(AGENCY, None, code) and app.find(CivilServant, servant_id(code)),
        ),
        ("servant-year", "queries", in_process_operation(world, "servant-year")()[0]),
        (
            "servant-year",
            "response: validate + JSON",
            lambda: ServantYear.model_validate(year).model_dump_json(),
        ),
        ("assign-task", "request body: validate", lambda: c.AssignTask.model_validate(args)),
        (
            "assign-task",
            "response: validate + JSON",
            lambda: CommandResponse.model_validate(response).model_dump_json(),
        ),
    ]
    lines = [
        (operation, piece, f"{median_call(step, iterations) * 1e6:.0f}")
        for operation, piece, step in pieces
    ]
    for operation in operations:
        for mode in MODES:
            step, close = MAKERS[mode](world, operation)()
            whole = median_call(step, iterations)
            lines.append((operation, f"whole request, {mode}, one at a time", f"{whole * 1e6:.0f}"))
            close()
            if operation == "assign-task":
                wait_caught_up(world.server, world.views)
    return markdown_table(("operation", "piece", "median µs"), lines, "llr")


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=3, backends=False)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one cell")
    parser.add_argument(
        "--workers", type=positive, default=4, help="concurrent closed-loop clients"
    )
    parser.add_argument(
        "--max-requests", type=positive, default=50_000, help="request budget of one cell"
    )
    parser.add_argument(
        "--operations",
        default=",".join(OPERATIONS),
        help=f"comma-separated subset of {', '.join(OPERATIONS)}",
    )
    parser.add_argument(
        "--breakdown",
        type=positive,
        metavar="N",
        help="instead of the load test, time each piece of a request alone (N calls each)",
    )
    args = parser.parse_args(argv)
    args.operations = [o.strip() for o in args.operations.split(",") if o.strip()]
    unknown = set(args.operations) - set(OPERATIONS)
    if unknown or not args.operations:
        parser.error(f"unknown operation(s): {', '.join(sorted(unknown)) or '(none given)'}")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")

    with tempfile.TemporaryDirectory(prefix="minhbach-http-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        log("starting minhbach serve --demo (loads the demo agency) …")
        with running_server(folder) as server:
            log(f"  server up at {server.base_url} in {time.perf_counter() - started:.0f} s")
            world = build_world(server, folder)
            world.views.start()
            try:
                if args.breakdown:
                    print(breakdown(world, args.operations, args.breakdown))
                    return 0
                cells = benchmark(world, args)
            finally:
                world.views.stop()
                world.app.close()
    print(
        f"HTTP API, medians of {args.rounds} interleaved rounds; {args.workers} closed-loop "
        f"workers x {args.seconds:g} s per cell (at most {args.max_requests} requests); "
        f"server and load generator on the same {os.cpu_count()} cores"
    )
    print(table(cells, args.operations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
