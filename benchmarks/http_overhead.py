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

Run it::

    .venv/bin/python benchmarks/http_overhead.py
    .venv/bin/python benchmarks/http_overhead.py --rounds 3 --requests 100
    .venv/bin/python benchmarks/http_overhead.py --profile     # cProfile ours: standings
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from api.bootstrap import demo_logins
from api.http import create_app
from benchmarks.common.databases import fresh_sqlite
from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.timing import Samples, alternating, interleaved, print_profile, profiled
from demo import AGENCY, load_demo
from demo.clock import DEMO_YEAR, demo_clock
from domain.application import MinhBach

STANDINGS = f"/api/v1/standings?agency={AGENCY}&year={DEMO_YEAR}"
ME = "/api/v1/me"
OPERATIONS = {"standings": STANDINGS, "me": ME}
MODES = tuple(f"{side}: {op}" for op in OPERATIONS for side in ("ours", "minimal"))


def minimal_app(bodies: dict[str, Any]) -> FastAPI:
    """Routing and JSON alone: each route serialises a body prepared beforehand."""
    api = FastAPI()
    for operation, body in bodies.items():
        api.add_api_route(f"/{operation}", lambda body=body: JSONResponse(body), methods=["GET"])
    return api


def per_request(call: Callable[[], Any], requests: int) -> float:
    """The median seconds of ``requests`` calls, one after another."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=5, backends=False)
    parser.add_argument("--requests", type=positive, default=200, help="requests per round")
    parser.add_argument("--profile", action="store_true", help="cProfile ours: standings")
    parser.add_argument("--top", type=positive, default=40, help="profile entries to print")
    args = parser.parse_args(argv)
    with fresh_sqlite() as storage:
        app = MinhBach(storage, clock=demo_clock())
        load_demo(app, DEMO_YEAR)
        token = next(login.token for login in demo_logins(app) if login.role == "hr")
        headers = {"Authorization": f"Bearer {token}"}
        log(f"  demo loaded: {app.recorder.max_notification_id()} events")
        with TestClient(create_app(app, follow=False)) as ours:
            bodies = {}
            for operation, path in OPERATIONS.items():
                answer = ours.get(path, headers=headers)
                assert answer.status_code == 200, answer.text
                bodies[operation] = answer.json()
            minimal = TestClient(minimal_app(bodies))
            calls: dict[str, Callable[[], Any]] = {}
            for operation, path in OPERATIONS.items():
                calls[f"ours: {operation}"] = partial(ours.get, path, headers=headers)
                calls[f"minimal: {operation}"] = partial(minimal.get, f"/{operation}")
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
        app.close()
    print(
        f"HTTP overhead, in-process TestClient, {args.requests} requests a round, "
        f"medians of {args.rounds} interleaved rounds"
    )
    rows = []
    for mode in MODES:
        side, operation = mode.split(": ")
        baseline = f"minimal: {operation}"
        ours_side = side == "ours"
        rows.append(
            (
                mode,
                f"{samples.median(mode) * 1000:.3f}",
                f"{(samples.median(mode) - samples.median(baseline)) * 1000:.3f}"
                if ours_side
                else "",
                f"{samples.median(baseline) / samples.median(mode):.2f}" if ours_side else "",
                runs([v * 1000 for v in samples.values[mode]], 3),
            )
        )
    header = ("mode", "median ms/request", "ours − minimal ms", "rate ratio", "rounds (ms)")
    print(markdown_table(header, rows, "lrrrl"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
