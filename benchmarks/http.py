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
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as ``python benchmarks/http.py``, this file's folder comes first on the
# path and would hide the standard library's ``http`` package from httpx.
_HERE = Path(__file__).resolve().parent
for _entry in [p for p in sys.path if Path(p or ".").resolve() == _HERE]:
    sys.path.remove(_entry)

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

from api.auth import authenticate, read_scope  # noqa: E402
from api.bootstrap import printed_logins  # noqa: E402
from api.cli import demo_clock  # noqa: E402
from api.command_routes import CommandResponse  # noqa: E402
from api.live import LiveViews  # noqa: E402
from api.query_routes import Listing, ServantYear  # noqa: E402
from demo import AGENCY, demo_people  # noqa: E402
from domain import commands as c  # noqa: E402
from domain.actors import Actor, CommandContext, Role  # noqa: E402
from domain.application import MinhBach  # noqa: E402
from domain.catalogue import Catalogue, catalogue_id  # noqa: E402
from domain.servant import CivilServant, servant_id  # noqa: E402
from domain.storage import storage_from_url  # noqa: E402
from projections import queries  # noqa: E402

YEAR = 2026
FIRST_WRITE_YEAR = 2027  # after the demo year: the 2026 standings stay as they are
HOST = "127.0.0.1"
OPERATIONS = ("standings", "servant-year", "assign-task")
MODES = ("http", "in-process")
STARTUP_TIMEOUT = 300.0  # seconds for the server to load the demo and answer /health
CATCH_UP_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# --- the server --------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    database: Path
    tokens: dict[str, str]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(database: Path, port: int) -> list[str]:
    script = Path(sys.executable).with_name("minhbach")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]
    url = f"sqlite:///{database}"
    serve = ["serve", "--demo", "--host", HOST, "--port", str(port)]
    return [*launcher, "--database-url", url, *serve]


def demo_tokens(stdout: str) -> dict[str, str]:
    """The demo tokens printed by ``serve --demo``: role key → token."""
    return {role: token for role, (_, _, token) in printed_logins(stdout).items()}


@contextmanager
def running_server(folder: Path) -> Iterator[Server]:
    """Start ``minhbach serve --demo``, wait for /health; always terminate it."""
    database = folder / "http.db"
    port = free_port()
    out_path, err_path = folder / "server.out", folder / "server.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            server_command(database, port), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
    try:
        base_url = f"http://{HOST}:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with httpx.Client(base_url=base_url, timeout=5.0) as client:
            while True:
                if process.poll() is not None:
                    tail = err_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the server exited with {process.returncode}:\n{tail}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s")
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        tokens = demo_tokens(out_path.read_text(encoding="utf-8"))
        missing = {"hr", "manager"} - tokens.keys()
        if missing:
            raise RuntimeError(f"no demo token for {', '.join(sorted(missing))} in server stdout")
        yield Server(process, base_url, database, tokens)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def server_cpu_seconds(process: subprocess.Popen[bytes]) -> float | None:
    """User + system CPU time of the server process (all threads), from /proc."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (events and views)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def wait_caught_up(server: Server, views: LiveViews) -> None:
    """Untimed: let both sides' views reflect every event written so far."""
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
        while client.get("/health").json()["projection"]["lag"] > 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the server's views did not catch up")
            time.sleep(0.2)
    views.catch_up()


# --- the operations ----------------------------------------------------------------


Operation = Callable[[], None]


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


def http_operation(world: World, name: str) -> Callable[[], tuple[Operation, Callable[[], None]]]:
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


def in_process_operation(
    world: World, name: str
) -> Callable[[], tuple[Operation, Callable[[], None]]]:
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


# --- the load generator --------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, every request
    server_cpu: float | None  # seconds of the server process during the cell
    own_cpu: float  # seconds of this process (client, or the in-process work)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def closed_loop(
    factory: Callable[[], tuple[Operation, Callable[[], None]]],
    workers: int,
    seconds: float,
    max_requests: int,
    server: Server,
) -> Cell:
    """``workers`` threads each run the operation back to back until the time or
    the request budget is spent; bounded in both."""
    per_worker = max(1, max_requests // workers)
    latencies: list[list[float]] = [[] for _ in range(workers)]
    failures: list[BaseException] = []
    prepared = [factory() for _ in range(workers)]
    start_line = threading.Barrier(workers + 1)
    deadline = 0.0

    def worker(index: int) -> None:
        operation, _ = prepared[index]
        mine = latencies[index]
        start_line.wait()
        clock = time.perf_counter
        try:
            while len(mine) < per_worker:
                began = clock()
                if began >= deadline:
                    break
                operation()
                mine.append(clock() - began)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    cpu_before, server_before = time.process_time(), server_cpu_seconds(server.process)
    began = time.perf_counter()
    deadline = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 2 * REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - began
    cpu, server_after = time.process_time() - cpu_before, server_cpu_seconds(server.process)
    for _, close in prepared:
        close()
    if failures:
        raise RuntimeError(f"{len(failures)} worker(s) failed") from failures[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a worker did not stop in time")
    every = [value for values in latencies for value in values]
    if not every:
        raise RuntimeError("no request completed")
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )
    return Cell(len(every), elapsed, every, server_cpu, cpu)


# --- the run --------------------------------------------------------------------------


def build_world(server: Server, folder: Path) -> World:
    copy = folder / "in-process.db"
    copy_database(server.database, copy)
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


def measure(world: World, operation: str, mode: str, args: argparse.Namespace) -> Cell:
    maker = http_operation if mode == "http" else in_process_operation
    if operation == "assign-task":
        world.next_period()
    cell = closed_loop(
        maker(world, operation), args.workers, args.seconds, args.max_requests, world.server
    )
    if operation == "assign-task":
        wait_caught_up(world.server, world.views)
    return cell


def report_cell(label: str, operation: str, mode: str, cell: Cell) -> None:
    print(
        f"  {label:>9} {operation:12} {mode:10} {cell.requests:6} req in {cell.seconds:5.2f} s "
        f"= {cell.rate:7.1f}/s  p50 {cell.percentile(0.5) * 1000:6.2f} ms  "
        f"p95 {cell.percentile(0.95) * 1000:6.2f} ms",
        file=sys.stderr,
        flush=True,
    )


def benchmark(world: World, args: argparse.Namespace) -> dict[tuple[str, str], list[Cell]]:
    cells: dict[tuple[str, str], list[Cell]] = {
        (op, mode): [] for op in args.operations for mode in MODES
    }
    warm = argparse.Namespace(**{**vars(args), "seconds": min(1.0, args.seconds)})
    for operation in args.operations:
        for mode in MODES:
            report_cell("warm-up", operation, mode, measure(world, operation, mode, warm))
    for n in range(1, args.rounds + 1):
        order = MODES if n % 2 else tuple(reversed(MODES))
        for operation in args.operations:
            for mode in order:
                cell = measure(world, operation, mode, args)
                cells[(operation, mode)].append(cell)
                report_cell(f"{n}/{args.rounds}", operation, mode, cell)
    return cells


def table(cells: dict[tuple[str, str], list[Cell]], operations: list[str]) -> str:
    def ms(value: float) -> str:
        return f"{value * 1000:.2f}"

    lines = [
        "| endpoint | mode | median req/s | p50 ms | p95 ms | ratio http/in-process "
        "| CPU ms/req server | CPU ms/req client or in-process | runs (req/s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    endpoints = {
        "standings": f"GET /api/v1/standings?agency={AGENCY}&year={YEAR} (HR)",
        "servant-year": f"GET /api/v1/servants/{{code}}/years/{YEAR} (HR)",
        "assign-task": "POST /api/v1/commands/assign-task (manager, Idempotency-Key)",
    }
    for operation in operations:
        rate = {
            mode: statistics.median(cell.rate for cell in cells[(operation, mode)])
            for mode in MODES
        }
        for mode in MODES:
            runs = cells[(operation, mode)]
            p50 = statistics.median(cell.percentile(0.5) for cell in runs)
            p95 = statistics.median(cell.percentile(0.95) for cell in runs)
            server_cpu = [cell.server_cpu / cell.requests for cell in runs if cell.server_cpu]
            server = ms(statistics.median(server_cpu)) if mode == "http" and server_cpu else "—"
            own = ms(statistics.median(cell.own_cpu / cell.requests for cell in runs))
            ratio = f"{rate['http'] / rate['in-process']:.2f}" if mode == "http" else "1.00"
            endpoint = endpoints[operation] if mode == "http" else ""
            lines.append(
                f"| {endpoint} | {mode} | {rate[mode]:.0f} | {ms(p50)} | {ms(p95)} | {ratio} "
                f"| {server} | {own} | {', '.join(f'{cell.rate:.0f}' for cell in runs)} |"
            )
    return "\n".join(lines)


# --- where the time goes (one thread, no load) ------------------------------------------


def timed(step: Callable[[], object], iterations: int) -> float:
    """Median seconds of one call, over ``iterations`` sequential calls."""
    samples = []
    for _ in range(iterations):
        began = time.perf_counter()
        step()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


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
    lines = ["| operation | piece | median µs |", "|---|---|---:|"]
    for operation, piece, step in pieces:
        lines.append(f"| {operation} | {piece} | {timed(step, iterations) * 1e6:.0f} |")
    for operation in operations:
        for mode in MODES:
            maker = http_operation if mode == "http" else in_process_operation
            step, close = maker(world, operation)()
            lines.append(
                f"| {operation} | whole request, {mode}, one at a time "
                f"| {timed(step, iterations) * 1e6:.0f} |"
            )
            close()
            if operation == "assign-task":
                wait_caught_up(world.server, world.views)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one cell")
    parser.add_argument("--workers", type=int, default=4, help="concurrent closed-loop clients")
    parser.add_argument(
        "--max-requests", type=int, default=50_000, help="request budget of one cell"
    )
    parser.add_argument(
        "--operations",
        default=",".join(OPERATIONS),
        help=f"comma-separated subset of {', '.join(OPERATIONS)}",
    )
    parser.add_argument(
        "--breakdown",
        type=int,
        metavar="N",
        help="instead of the load test, time each piece of a request alone (N calls each)",
    )
    args = parser.parse_args(argv)
    args.operations = [o.strip() for o in args.operations.split(",") if o.strip()]
    unknown = set(args.operations) - set(OPERATIONS)
    if unknown:
        parser.error(f"unknown operation(s): {', '.join(sorted(unknown))}")
    if args.rounds < 1 or args.workers < 1 or args.seconds <= 0 or args.max_requests < 1:
        parser.error("--rounds, --workers, --seconds and --max-requests must be positive")

    with tempfile.TemporaryDirectory(prefix="minhbach-http-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        print("starting minhbach serve --demo (loads the demo agency) …", file=sys.stderr)
        with running_server(folder) as server:
            print(
                f"  server up at {server.base_url} in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
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
