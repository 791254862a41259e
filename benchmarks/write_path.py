"""Write path: commands per second through ``MinhBach.execute``, next to a
baseline that does the same aggregate loads and saves with the raw
``eventsourcing`` library, in the same run, on SQLite and on PostgreSQL.

What one measurement does
-------------------------
A fresh database (an SQLite temp file, or a fresh schema in PostgreSQL) is
set up, untimed, with the real commands: one agency (a board and 3 units),
42 civil servants (a head and 2 deputies on the board; a head, a deputy and
11 staff in each unit) and a catalogue of 10 products. Then N "work items"
are timed. Each item is, for one staff member and a fresh task code:

* ``assign_task`` (the unit's head or deputy),
* ``submit_result`` (the servant),
* ``assess_result`` (the same manager),
* and every 4th item a ``score_criteria`` of all ten general criteria.

Inputs are prepared before timing as JSON-like dicts (dates and decimals as
text), as the HTTP and import paths receive them.

Modes
-----
``app``
    ``Command.model_validate(dict)`` then ``MinhBach.execute(command, ctx)``:
    pydantic parsing, role and scope checks, every rule of the handler,
    the command fingerprint, the save.
``app+keys``
    The same with an idempotency key per command (one more aggregate load
    for the receipt, and the receipt saved with the command's events).
``baseline``
    A plain ``eventsourcing.application.Application`` with the same
    persistence settings and the same date transcoding. For each command it
    performs the same ``repository.get`` calls as the handler (including the
    absent ones: the new task id, a new period evaluation), triggers the same
    events on the same aggregate classes with the same attributes, and saves
    them in one ``save`` call. No pydantic, no rule or scope checks, no
    fingerprint. Per command:

    - assign_task: get task (absent), servant, agency, manager, catalogue;
      save ``Task.Assigned``.
    - submit_result: get task, servant, agency; save ``Task.ResultSubmitted``.
    - assess_result: get task, servant, agency, manager; save ``Task.Assessed``.
    - score_criteria: get servant, agency, manager, evaluation (absent the
      first time); save ``[PeriodEvaluation.Opened,] CriteriaScored``.
``baseline+keys``
    The baseline plus, per command, a ``repository.get`` of the receipt id
    (absent) and a ``CommandReceipt.Recorded`` saved with the command's events
    (a constant 64-character fingerprint instead of a computed one).

Rounds run interleaved (baseline, app, baseline+keys, app+keys; repeated) and
the table reports medians and the ratio app / baseline (``app+keys`` is
compared with ``baseline+keys``, and also with ``baseline``). A short warm-up
run of every mode precedes the rounds and is not reported.

Run it::

    .venv/bin/python benchmarks/write_path.py                 # both backends
    .venv/bin/python benchmarks/write_path.py --backends sqlite --sqlite-items 500
    .venv/bin/python benchmarks/write_path.py --profile app   # cProfile one app run

PostgreSQL is ``postgresql://root@127.0.0.1:5432/test`` unless ``--postgres-url``
says otherwise; it is skipped with a message when unreachable.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder

from domain import commands as c

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.databases import chosen_backends, fresh_database
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.application import DateAsISO, MinhBach
from domain.catalogue import Catalogue, catalogue_id
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.receipt import CommandReceipt, receipt_id
from domain.servant import CivilServant, servant_id
from domain.storage import Storage
from domain.task import Task, task_id

DEFAULT_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"
MODES = ("baseline", "app", "baseline+keys", "app+keys")
SCORE_EVERY = 4  # a score_criteria every this many work items

# A fixed clock: the events' recorded time does not matter here, and the
# periods below (2026-01 … 2026-10) must all lie in its past.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

AGENCY = "SO-TC"
BOARD = "BGD"
UNITS = ("P1", "P2", "P3")
STAFF_PER_UNIT = 11
PRODUCTS = tuple(f"SP{n:02d}" for n in range(1, 11))
SCORES = {
    "I.1": "5",
    "I.2": "4.5",
    "II.1": "2.5",
    "II.2": "2",
    "II.3": "2.5",
    "II.4": "2",
    "III.1": "1.5",
    "III.2": "2.5",
    "III.3": "2",
    "III.4": "2.5",
}
ADMIN = CommandContext(Actor("admin", Role.ADMIN))
HR = CommandContext(Actor("hr-office", Role.HR))


def clock() -> datetime:
    return NOW


# --- the organisation (setup, untimed) -----------------------------------------


@dataclass(frozen=True)
class Staff:
    code: str
    unit: str
    head: str
    deputy: str


def staff_list() -> list[Staff]:
    return [
        Staff(f"{unit}-NV{n:02d}", unit, f"{unit}-TP", f"{unit}-PP")
        for n in range(1, STAFF_PER_UNIT + 1)
        for unit in UNITS
    ]


def set_up(storage: Storage) -> None:
    """Register the agency, its units, servants and catalogue with real commands."""
    app = MinhBach(storage, clock=clock)
    try:
        run = app.execute
        run(c.RegisterAgency(code=AGENCY, title="Sở Tài chính"), ADMIN)
        run(c.OpenUnit(agency=AGENCY, unit=BOARD, title="Ban giám đốc", is_leadership=True), ADMIN)
        for unit in UNITS:
            run(
                c.OpenUnit(agency=AGENCY, unit=unit, title=f"Phòng {unit}", is_leadership=False),
                ADMIN,
            )
        hired = date(2020, 1, 1)
        board = [("GD", "head"), ("PGD1", "deputy"), ("PGD2", "deputy")]
        people: list[tuple[str, str, str]] = [
            (f"{BOARD}-{code}", BOARD, role) for code, role in board
        ]
        for unit in UNITS:
            people += [(f"{unit}-TP", unit, "head"), (f"{unit}-PP", unit, "deputy")]
        people += [(s.code, s.unit, "staff") for s in staff_list()]
        for code, unit, role in people:
            command = c.RegisterServant.model_validate(
                {
                    "code": code,
                    "full_name": f"Nguyễn Văn {code}",
                    "agency": AGENCY,
                    "unit": unit,
                    "position": "chuyen-vien" if role == "staff" else "lanh-dao",
                    "leadership": role,
                    "employed_from": hired,
                }
            )
            run(command, HR)
        for n, product in enumerate(PRODUCTS):
            product_command = c.AddProduct(
                agency=AGENCY,
                product=product,
                title=f"Sản phẩm {product}",
                position="chuyen-vien",
                complexity_group=1 + n % 5,
                factor=Decimal("0.5") + Decimal(n) / 4,
                effective_from=date(2025, 1, 1),
            )
            run(product_command, HR)
    finally:
        app.close()


# --- the timed work (prepared before timing) -------------------------------------


@dataclass(frozen=True)
class Step:
    """One command: its name, JSON-like arguments, the actor and an optional key."""

    command: str
    args: dict[str, Any]
    actor: str
    role: Role
    key: str | None


def work(items: int, with_keys: bool) -> list[Step]:
    staff = staff_list()
    steps: list[Step] = []
    for i in range(items):
        who = staff[i % len(staff)]
        manager = who.head if i % 2 == 0 else who.deputy
        month = 1 + (i // len(staff)) % 10
        period = f"2026-{month:02d}"
        task = f"T{i:06d}"

        def step(name: str, args: dict[str, Any], actor: str, role: Role) -> Step:
            key = f"bench/{task}/{name}" if with_keys else None  # noqa: B023
            return Step(name, args, actor, role, key)

        steps.append(
            step(
                "assign_task",
                {
                    "task": task,
                    "servant": who.code,
                    "product": PRODUCTS[i % len(PRODUCTS)],
                    "quantity": str(1 + i % 7),
                    "period": period,
                    "assigned_on": f"{period}-03",
                    "deadline": f"{period}-25",
                    "title": f"Hồ sơ số {i}",
                },
                manager,
                Role.MANAGER,
            )
        )
        steps.append(
            step(
                "submit_result",
                {
                    "task": task,
                    "completed_quantity": str(1 + i % 7),
                    "completed_on": f"{period}-20",
                    "note": "đã hoàn thành",
                },
                who.code,
                Role.CIVIL_SERVANT,
            )
        )
        steps.append(
            step(
                "assess_result",
                {"task": task, "outcome": "accepted" if i % 9 else "failed"},
                manager,
                Role.MANAGER,
            )
        )
        if i % SCORE_EVERY == 0:
            steps.append(
                step(
                    "score_criteria",
                    {"servant": who.code, "period": period, "scores": SCORES},
                    manager,
                    Role.MANAGER,
                )
            )
    return steps


def run_app(app: MinhBach, steps: list[Step]) -> None:
    for s in steps:
        command = c.COMMANDS[s.command].model_validate(s.args)
        app.execute(command, CommandContext(Actor(s.actor, s.role)), s.key)


# --- the baseline: the raw library, same loads and same events ---------------------


class Baseline(Application[UUID]):
    """The library alone, on the same tables as ``MinhBach``."""

    name = MinhBach.name

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def absent(self, aggregate_id: UUID) -> None:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return
        raise AssertionError(f"{aggregate_id} should not exist")

    def maybe(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None


FAKE_FINGERPRINT = "0" * 64


def audit(s: Step) -> dict[str, Any]:
    return {"timestamp": NOW, "actor": s.actor, "actor_role": s.role.value, "source_ref": None}


def run_baseline(app: Baseline, steps: list[Step]) -> None:
    get = app.repository.get
    for s in steps:
        a = s.args
        if s.key is not None:
            app.absent(receipt_id(s.key))
        result: dict[str, str]
        if s.command == "assign_task":
            app.absent(task_id(a["task"]))
            on = date.fromisoformat(a["assigned_on"])
            servant: CivilServant = get(servant_id(a["servant"]))
            agency: Agency = get(agency_id(servant.placement_on(on).agency_code))
            get(servant_id(s.actor))
            catalogue: Catalogue = get(catalogue_id(agency.code))
            factor = catalogue.products[a["product"]].factor_on(on)
            quantity = Decimal(a["quantity"])
            aggregate: Any = Task._create(
                Task.Assigned,
                id=task_id(a["task"]),
                **audit(s),
                code=a["task"],
                agency_code=agency.code,
                servant_code=servant.code,
                product_code=a["product"],
                factor=factor,
                quantity=quantity,
                period=a["period"],
                assigned_on=on,
                deadline=date.fromisoformat(a["deadline"]),
                ad_hoc=False,
                title=a["title"],
            )
            result = {"id": str(aggregate.id), "factor": str(factor), "units": str(aggregate.units)}
        elif s.command == "submit_result":
            aggregate = get(task_id(a["task"]))
            on = date.fromisoformat(a["completed_on"])
            holder: CivilServant = get(servant_id(aggregate.holder))
            get(agency_id(holder.placement_on(on).agency_code))
            number = len(aggregate.submissions) + 1
            aggregate.trigger_event(
                Task.ResultSubmitted,
                **audit(s),
                submission=number,
                servant_code=holder.code,
                completed_quantity=Decimal(a["completed_quantity"]),
                completed_on=on,
                note=a["note"],
            )
            result = {"id": str(aggregate.id), "submission": str(number)}
        elif s.command == "assess_result":
            aggregate = get(task_id(a["task"]))
            submission = aggregate.submissions[-1]
            holder = get(servant_id(aggregate.holder))
            get(agency_id(holder.placement_on(submission.completed_on).agency_code))
            get(servant_id(s.actor))
            number = len(aggregate.assessments) + 1
            aggregate.trigger_event(
                Task.Assessed,
                **audit(s),
                assessment=number,
                submission=submission.number,
                outcome=a["outcome"],
                note="",
            )
            result = {"id": str(aggregate.id), "assessment": str(number)}
        elif s.command == "score_criteria":
            last_day = date(int(a["period"][:4]), int(a["period"][5:]), 28)
            servant = get(servant_id(a["servant"]))
            get(agency_id(servant.placement_on(last_day).agency_code))
            get(servant_id(s.actor))
            eid = evaluation_id(servant.code, a["period"])
            aggregate = app.maybe(eid)
            if aggregate is None:
                aggregate = PeriodEvaluation._create(
                    PeriodEvaluation.Opened,
                    id=eid,
                    **audit(s),
                    servant_code=servant.code,
                    period=a["period"],
                )
            scores = {code: Decimal(value) for code, value in a["scores"].items()}
            aggregate.trigger_event(PeriodEvaluation.CriteriaScored, **audit(s), scores=scores)
            total = sum(scores.values(), Decimal(0))
            result = {"id": str(aggregate.id), "total": str(total)}
        else:
            raise ValueError(s.command)
        if s.key is None:
            app.save(aggregate)
        else:
            receipt = CommandReceipt._create(
                CommandReceipt.Recorded,
                id=receipt_id(s.key),
                **audit(s),
                key=s.key,
                command=s.command,
                fingerprint=FAKE_FINGERPRINT,
                result=result,
            )
            app.save(aggregate, receipt)


# --- measuring -----------------------------------------------------------------------


def measure(
    backend: str,
    mode: str,
    items: int,
    postgres_url: str,
    profiler: cProfile.Profile | None = None,
) -> tuple[int, float]:
    """Set up a fresh database, run the timed mix once; (commands, seconds)."""
    steps = work(items, with_keys=mode.endswith("+keys"))
    with fresh_database(backend, postgres_url) as storage:
        set_up(storage)
        app: Application[UUID]
        run: Callable[[], None]
        if mode.startswith("baseline"):
            baseline = Baseline(env=storage.env)
            app, run = baseline, lambda: run_baseline(baseline, steps)
        else:
            minhbach = MinhBach(storage, clock=clock)
            app, run = minhbach, lambda: run_app(minhbach, steps)
        try:
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
        finally:
            app.close()
    return len(steps), elapsed


def benchmark(backend: str, items: int, rounds: int, postgres_url: str) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    for mode in MODES:  # warm-up, not reported
        measure(backend, mode, max(8, items // 20), postgres_url)
    for n in range(1, rounds + 1):
        for mode in MODES:
            commands, seconds = measure(backend, mode, items, postgres_url)
            rates[mode].append(commands / seconds)
            print(
                f"  {backend:8} round {n}/{rounds} {mode:13} "
                f"{commands} commands in {seconds:6.2f} s = {commands / seconds:7.0f}/s",
                file=sys.stderr,
                flush=True,
            )
    return rates


def table(results: dict[str, dict[str, list[float]]]) -> str:
    header = ("backend", "mode", "median commands/s", "ratio to baseline", "runs (commands/s)")
    lines = [
        f"| {header[0]:10} | {header[1]:13} | {header[2]} | {header[3]} | {header[4]} |",
        "|------------|---------------|------------------:|------------------:|-------------------|",
    ]
    for backend, rates in results.items():
        median = {mode: statistics.median(values) for mode, values in rates.items()}
        for mode in MODES:
            if mode == "baseline":
                ratio = "1.00"
            elif mode == "app":
                ratio = f"{median['app'] / median['baseline']:.2f}"
            elif mode == "baseline+keys":
                ratio = f"{median[mode] / median['baseline']:.2f}"
            else:
                ratio = (
                    f"{median[mode] / median['baseline+keys']:.2f} "
                    f"({median[mode] / median['baseline']:.2f})"
                )
            runs = ", ".join(f"{value:.0f}" for value in rates[mode])
            lines.append(
                f"| {backend:10} | {mode:13} | {median[mode]:17.0f} | {ratio:>17} | {runs} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated list")
    parser.add_argument("--items", type=int, help="work items per run, on every backend")
    parser.add_argument("--sqlite-items", type=int, default=1000)
    parser.add_argument("--postgres-items", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per mode")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--profile",
        choices=MODES,
        help="instead of benchmarking, cProfile one run of this mode and print the top entries",
    )
    args = parser.parse_args(argv)
    backends = chosen_backends(parser, args.backends, args.postgres_url)

    def items_for(backend: str) -> int:
        if args.items is not None:
            return int(args.items)
        return int(args.sqlite_items if backend == "sqlite" else args.postgres_items)

    if args.profile:
        for backend in backends:
            profiler = cProfile.Profile()
            commands, seconds = measure(
                backend, args.profile, items_for(backend), args.postgres_url, profiler
            )
            print(f"{backend} {args.profile}: {commands} commands in {seconds:.2f} s (profiled)")
            stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
            stats.print_stats(40)
        return 0

    results: dict[str, dict[str, list[float]]] = {}
    for backend in backends:
        results[backend] = benchmark(backend, items_for(backend), args.rounds, args.postgres_url)
    print(
        f"Write path, medians of {args.rounds} interleaved rounds "
        f"(items: {', '.join(f'{b} {items_for(b)}' for b in backends)}; "
        f"1 item = assign + submit + assess, + score_criteria every {SCORE_EVERY})"
    )
    print(table(results))
    print("app+keys is compared with baseline+keys (in brackets: with baseline).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
