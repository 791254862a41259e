"""HTTP overhead: what our own layers add to a request, next to a minimal
FastAPI endpoint that returns the same data, in the same run and process.

What is measured
----------------
The demo agency (SNV-HN, one year) is loaded into a fresh SQLite file and the
service is built in-process (``api.http.create_app``, its views caught up, no
background follower), with the demo tokens. Each mode sends requests one
after another through Starlette's ``TestClient`` (no sockets: the same
client, the same event loop hand-off for every mode, so their difference is
what the application does):

``ours: standings``
    ``GET /api/v1/standings?agency=SNV-HN&year=2026`` with the HR token: the
    token check, the read scope, the views' position, the query, the response.
``minimal: standings``
    a bare ``FastAPI()`` app whose one route returns ``JSONResponse(body)``,
    the body the first mode answered (parsed once, beforehand): routing and
    serialisation alone.
``ours: me``
    ``GET /api/v1/me`` with the HR token: the token check and a small answer.
``minimal: me``
    the same body from a bare route.

Rounds are interleaved (every mode, the order reversed every other round),
after a warm-up of each; a round is ``--requests`` requests of one mode. The
table gives, per mode, the median over the rounds of each round's median
per-request time, and, for ours, the difference to the minimal endpoint (our
layers) and the ratio of their rates.

With ``--sockets`` the same modes go over real sockets instead: ours is a
``minhbach serve --demo`` process (``benchmarks/http_server.py``: its follower
running, views caught up before the rounds), the minimal endpoint another uvicorn
process with the same settings (``benchmarks/minimal_server.py``), and the client
one ``httpx.Client`` per side with keep-alive, in this process. The difference
then includes everything a deployed request pays in the server (the follower's
thread too), not the test client's hand-off.

Run it::

    .venv/bin/python benchmarks/http_overhead.py
    .venv/bin/python benchmarks/http_overhead.py --rounds 3 --requests 100
    .venv/bin/python benchmarks/http_overhead.py --sockets --rounds 5 --requests 200
    .venv/bin/python benchmarks/http_overhead.py --profile     # cProfile ours: standings
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from fastapi.testclient import TestClient

from api.bootstrap import demo_logins
from api.http import create_app
from benchmarks.common.databases import fresh_sqlite
from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.timing import Samples, alternating, interleaved, print_profile, profiled
from benchmarks.http_server import free_port, running_server
from benchmarks.minimal_server import HOST, minimal_app
from demo import AGENCY, load_demo
from demo.clock import DEMO_YEAR, demo_clock
from domain.application import MinhBach

STANDINGS = f"/api/v1/standings?agency={AGENCY}&year={DEMO_YEAR}"
ME = "/api/v1/me"
OPERATIONS = {"standings": STANDINGS, "me": ME}
MODES = tuple(f"{side}: {op}" for op in OPERATIONS for side in ("ours", "minimal"))


def per_request(call: Callable[[], Any], requests: int) -> float:
    """The median seconds of ``requests`` calls, one after another."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


Calls = dict[str, Callable[[], Any]]


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=5, backends=False)
    parser.add_argument("--requests", type=positive, default=200, help="requests per round")
    parser.add_argument("--sockets", action="store_true", help="real servers over sockets")
    parser.add_argument("--profile", action="store_true", help="cProfile ours: standings")
    parser.add_argument("--top", type=positive, default=40, help="profile entries to print")
    args = parser.parse_args(argv)
    if args.profile and args.sockets:
        parser.error("--profile profiles the in-process service; leave out --sockets")
    with over_sockets() if args.sockets else in_process() as (calls, bodies):
        for mode in MODES:
            answer = calls[mode]()
            assert answer.status_code == 200 and answer.json() == bodies[mode.split(": ")[1]]
            per_request(calls[mode], 20)  # warm-up
        if args.profile:
            _, seconds, profiler = profiled(
                lambda: per_request(calls["ours: standings"], args.requests)
            )
            print(f"ours: standings, {args.requests} requests in {seconds:.2f} s (profiled)")
            print_profile(profiler, args.top, "cumulative", "tottime")
            return 0

        def measure(mode: str, n: int) -> float:
            seconds = per_request(calls[mode], args.requests)
            log(f"  round {n}/{args.rounds} {mode:18} {seconds * 1000:7.3f} ms per request")
            return seconds

        samples = Samples(interleaved(args.rounds, alternating(MODES), measure))
    how = "real servers over sockets" if args.sockets else "in-process TestClient"
    print(
        f"HTTP overhead, {how}, {args.requests} requests a round, "
        f"medians of {args.rounds} interleaved rounds"
    )
    print(overhead_table(samples))
    return 0


@contextmanager
def in_process() -> Iterator[tuple[Calls, dict[str, Any]]]:
    """Both apps built in this process and called through Starlette's TestClient."""
    with fresh_sqlite() as storage:
        app = MinhBach(storage, clock=demo_clock())
        load_demo(app, DEMO_YEAR)
        token = next(login.token for login in demo_logins(app) if login.role == "hr")
        headers = {"Authorization": f"Bearer {token}"}
        log(f"  demo loaded: {app.recorder.max_notification_id()} events")
        with TestClient(create_app(app, follow=False)) as ours:
            bodies = {
                op: _answer(ours.get(path, headers=headers)) for op, path in OPERATIONS.items()
            }
            minimal = TestClient(minimal_app(bodies))
            calls: Calls = {}
            for operation, path in OPERATIONS.items():
                calls[f"ours: {operation}"] = partial(ours.get, path, headers=headers)
                calls[f"minimal: {operation}"] = partial(minimal.get, f"/{operation}")
            yield calls, bodies
        app.close()


@contextmanager
def over_sockets() -> Iterator[tuple[Calls, dict[str, Any]]]:
    """``minhbach serve --demo`` and the minimal app, each a uvicorn process."""
    with tempfile.TemporaryDirectory(prefix="minhbach-overhead-") as tmp:
        folder = Path(tmp)
        with running_server(folder) as server:
            headers = {"Authorization": f"Bearer {server.tokens['hr']}"}
            with httpx.Client(base_url=server.base_url, timeout=30.0) as ours:
                _wait_caught_up(ours)
                bodies = {
                    op: _answer(ours.get(path, headers=headers)) for op, path in OPERATIONS.items()
                }
                with (
                    minimal_process(folder, bodies) as minimal_url,
                    httpx.Client(base_url=minimal_url, timeout=30.0) as minimal,
                ):
                    calls: Calls = {}
                    for operation, path in OPERATIONS.items():
                        calls[f"ours: {operation}"] = partial(ours.get, path, headers=headers)
                        calls[f"minimal: {operation}"] = partial(minimal.get, f"/{operation}")
                    yield calls, bodies


@contextmanager
def minimal_process(folder: Path, bodies: Mapping[str, Any]) -> Iterator[str]:
    """The minimal app in its own uvicorn process; its base URL once it answers."""
    bodies_file = folder / "bodies.json"
    bodies_file.write_text(json.dumps(bodies), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.minimal_server", str(bodies_file), str(port)],
        cwd=Path(__file__).resolve().parents[1],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=url, timeout=5.0) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the minimal server exited with {process.returncode}")
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_caught_up(client: httpx.Client) -> None:
    """Untimed: the served views reflect every event, so the answers stay the same."""
    deadline = time.monotonic() + 60
    while client.get("/health").json()["projection"]["lag"] > 0:
        if time.monotonic() > deadline:
            raise RuntimeError("the server's views did not catch up")
        time.sleep(0.2)


def _answer(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def overhead_table(samples: Samples[str]) -> str:
    rows = []
    for mode in MODES:
        side, operation = mode.split(": ")
        baseline = f"minimal: {operation}"
        ours_side = side == "ours"
        rows.append(
            (
                mode,
                f"{samples.median(mode) * 1000:.3f}",
                f"{1 / samples.median(mode):.0f}",
                f"{(samples.median(mode) - samples.median(baseline)) * 1000:.3f}"
                if ours_side
                else "",
                f"{samples.median(baseline) / samples.median(mode):.2f}" if ours_side else "",
                runs([v * 1000 for v in samples.values[mode]], 3),
            )
        )
    header = (
        "mode",
        "median ms/request",
        "requests/s",
        "ours − minimal ms",
        "rate ratio",
        "rounds (ms)",
    )
    return markdown_table(header, rows, "lrrrrl")


if __name__ == "__main__":
    sys.exit(main())
