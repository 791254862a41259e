"""Peak memory of a projection worker with one and with three years of the same
agencies: with every year kept in memory, and with the closed years out of it (the
default: the latest year and the one before it stay, ``projections.records``).

A province (default 10 agencies × 200 civil servants × 12 months a year) is
generated on SQLite for one year and, separately, for three years of the same
people. Each measurement is a fresh process that rebuilds the views from the log
and reports its peak resident set (``ru_maxrss``), what it still holds after the
rebuild, the rebuild's CPU time, and how many tasks and evaluations stay in
memory; then one late event (an evaluator's score amended in January of the first
year) is recorded and the worker catches up — with the closed years out, that
period's records come back from the log for it. A second fresh process then
starts a worker on the views the first one left (a restart: the log folded up to
the tracked position, derived, and compared with the stored rows) and reports its
peak. Processes of the two modes and sizes are interleaved over the rounds; the
table gives medians.

Run it::

    .venv/bin/python benchmarks/memory.py
    .venv/bin/python benchmarks/memory.py --agencies 2 --servants 100 --rounds 1
"""

from __future__ import annotations

import gc
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.options import parser_for, positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import YEAR, Size, generate
from benchmarks.common.province.shape import AUTHORITY
from domain.actors import CommandContext
from domain.application import MinhBach
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.storage import storage_from_url
from domain.task import Task
from projections.runner import OPEN_YEARS, Projector

MODES = {
    "every year kept": None,
    f"{OPEN_YEARS} open years": OPEN_YEARS,
    "1 open year": 1,
}


def measure(path: Path, open_years: int | None, servant: str) -> dict[str, Any]:
    """One worker's rebuild and one late event, in this process (the child)."""
    app = MinhBach(storage_from_url(f"sqlite:///{path}"))
    projector = Projector(app, open_years=open_years)
    started = time.process_time()
    events = projector.rebuild()
    cpu = time.process_time() - started
    gc.collect()
    held = _resident_bytes()
    records = projector.state.by_id
    period_records = sum(isinstance(a, Task | PeriodEvaluation) for a in dict.values(records))
    late = _late_score(app, servant)
    started = time.perf_counter()
    projector.catch_up()
    late_seconds = time.perf_counter() - started
    assert projector.position == late
    app.close()
    return {
        "events": events,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "held": held,
        "cpu": cpu,
        "in_memory": period_records,
        "evicted": len(records.evicted),
        "late": late_seconds,
    }


def start(path: Path, open_years: int | None) -> dict[str, Any]:
    """A worker started on views already built, in this process (the child)."""
    app = MinhBach(storage_from_url(f"sqlite:///{path}"))
    projector = Projector(app, open_years=open_years)
    assert not any(projector._pending.values())  # the views were the derivation's
    app.close()
    return {"start_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def _late_score(app: MinhBach, servant: str) -> int:
    """The evaluator amends one criterion of the first January: a closed year's period."""
    period = f"{YEAR}-01"
    evaluation = app.load(PeriodEvaluation, evaluation_id(servant, period), "evaluation")
    evaluation.record(
        PeriodEvaluation.CriteriaScored,
        CommandContext(AUTHORITY.actor, "late amendment"),
        datetime(YEAR + 3, 1, 5, tzinfo=UTC),
        scores={"I.1": Decimal(1)},
        replaces_all=False,
    )
    return app.save(evaluation)[-1].notification.id


def _resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


def child(path: Path, mode: str, servant: str) -> dict[str, Any]:
    """Run ``measure`` in a fresh interpreter, on a copy of the log (the late event
    stays out of the next one's): its peak is the worker's alone."""
    copy = path.with_name(f"copy-{path.name}")
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the log and its write-ahead file, consistently
    found: dict[str, Any] = {}
    try:
        for task in ("--child", "--start"):
            done = subprocess.run(
                [sys.executable, __file__, task, str(copy), mode, servant],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"the {mode!r} worker failed ({task}):\n{done.stderr}")
            found.update(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        copy.unlink()
    return found


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--child"]:
        log_file, mode, servant = arguments[1:4]
        print(json.dumps(measure(Path(log_file), MODES[mode], servant)))
        return 0
    if arguments[:1] == ["--start"]:
        log_file, mode = arguments[1:3]
        print(json.dumps(start(Path(log_file), MODES[mode])))
        return 0
    parser = parser_for(__doc__, rounds=3, backends=False)
    parser.add_argument("--agencies", type=positive, default=10)
    parser.add_argument("--servants", type=positive, default=200, help="civil servants per agency")
    args = parser.parse_args(arguments)
    size = Size(args.agencies, args.servants)
    with tempfile.TemporaryDirectory(prefix="minhbach-memory-") as folder:
        logs: dict[int, tuple[Path, str]] = {}
        for years in (1, 3):
            path = Path(folder) / f"{years}-years.db"
            app = MinhBach(storage_from_url(f"sqlite:///{path}"))
            history = generate(app, size, years=years)
            app.close()
            log(f"  generated {size}, {years} year(s): {history.events} events")
            logs[years] = (path, history.servants[0])
        samples: dict[tuple[int, str], list[dict[str, Any]]] = {}
        order = [(years, mode) for years in (1, 3) for mode in MODES]
        for round_no in range(args.rounds):
            for years, mode in order if round_no % 2 == 0 else reversed(order):
                path, servant = logs[years]
                found = child(path, mode, servant)
                samples.setdefault((years, mode), []).append(found)
                peak = found["peak"] / 2**20
                log(f"  round {round_no + 1}: {years} y, {mode}: peak {peak:.0f} MB")
    print(f"\n{size}, SQLite, medians of {args.rounds} round(s), one process each\n")
    rows = [_row(years, mode, samples[(years, mode)]) for years, mode in order]
    header = (
        "years",
        "mode",
        "events",
        "peak RSS MB",
        "held MB",
        "rebuild events/CPU s",
        "tasks + evaluations in memory",
        "out of memory",
        "late event ms",
        "start peak MB",
    )
    print(markdown_table(header, rows, "llrrrrrrrr"))
    return 0


def _row(years: int, mode: str, found: list[dict[str, Any]]) -> tuple[str, ...]:
    def median(name: str) -> float:
        return float(statistics.median(f[name] for f in found))

    return (
        str(years),
        mode,
        f"{median('events'):.0f}",
        f"{median('peak') / 2**20:.0f}",
        f"{median('held') / 2**20:.0f}",
        f"{median('events') / median('cpu'):,.0f}",
        f"{median('in_memory'):.0f}",
        f"{median('evicted'):.0f}",
        f"{median('late') * 1000:.0f}",
        f"{median('start_peak') / 2**20:.0f}",
    )


if __name__ == "__main__":
    raise SystemExit(main())
