"""Write path: commands per second through ``MinhBach.execute``, next to a
baseline that does the same aggregate loads and saves with the raw
``eventsourcing`` library, in the same run, on SQLite and on PostgreSQL.

What one measurement does
-------------------------
A fresh database (an SQLite temp file, or a fresh schema in PostgreSQL) is
set up, untimed, and N work items are timed: the workload of
``benchmarks/common/work_items.py`` (one agency of 42 servants set up with the
real commands; per item assign, submit, assess, and every 4th item a
``score_criteria``), its inputs prepared before timing as JSON-like dicts.

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
    .venv/bin/python benchmarks/write_path.py --items 40 --rounds 1   # a quick look
    .venv/bin/python benchmarks/write_path.py --profile app   # cProfile one app run

PostgreSQL is ``postgresql://postgres@127.0.0.1:5432/test`` unless
``--postgres-url`` says otherwise; it is skipped with a message when unreachable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for, positive
from benchmarks.common.printing import log, markdown_table, runs
from benchmarks.common.timing import Samples, interleaved, print_profile, profiled, timed
from benchmarks.common.work_items import NOW, SCORE_EVERY, Step, clocked_app, run_app, set_up, work
from domain.agency import Agency, agency_id
from domain.application import DateAsISO, MinhBach
from domain.catalogue import Catalogue, catalogue_id
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.receipt import CommandReceipt, receipt_id
from domain.servant import CivilServant, servant_id
from domain.task import Task, task_id

MODES = ("baseline", "app", "baseline+keys", "app+keys")


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
            aggregate.trigger_event(
                PeriodEvaluation.CriteriaScored, **audit(s), scores=scores, replaces_all=False
            )
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
    backend: str, mode: str, items: int, postgres_url: str, profile: bool = False
) -> tuple[int, float]:
    """Set up a fresh database, run the timed mix once; (commands, seconds).
    With ``profile``, the run is under cProfile and its top entries are printed."""
    steps = work(items, with_keys=mode.endswith("+keys"))
    with fresh_database(backend, postgres_url) as storage:
        set_up(storage)
        app: Application[UUID]
        run: Callable[[], None]
        if mode.startswith("baseline"):
            baseline = Baseline(env=storage.env)
            app, run = baseline, lambda: run_baseline(baseline, steps)
        else:
            minhbach = clocked_app(storage)
            app, run = minhbach, lambda: run_app(minhbach, steps)
        try:
            if not profile:
                return len(steps), timed(run)[1]
            _, seconds, profiler = profiled(run)
        finally:
            app.close()
    print(f"{backend} {mode}: {len(steps)} commands in {seconds:.2f} s (profiled)")
    print_profile(profiler, 40, "cumulative")
    return len(steps), seconds


def benchmark(backend: str, items: int, rounds: int, postgres_url: str) -> Samples[str]:
    """Commands per second of every mode, one per round."""
    for mode in MODES:  # warm-up, not reported
        measure(backend, mode, max(8, items // 20), postgres_url)

    def rate(mode: str, n: int) -> float:
        commands, seconds = measure(backend, mode, items, postgres_url)
        log(
            f"  {backend:8} round {n}/{rounds} {mode:13} "
            f"{commands} commands in {seconds:6.2f} s = {commands / seconds:7.0f}/s"
        )
        return commands / seconds

    return Samples(interleaved(rounds, MODES, rate))


def ratio_text(rates: Samples[str], mode: str) -> str:
    """app and baseline+keys against baseline; app+keys against baseline+keys (baseline)."""
    if mode == "app+keys":
        return f"{rates.ratio(mode, 'baseline+keys'):.2f} ({rates.ratio(mode, 'baseline'):.2f})"
    return f"{rates.ratio(mode, 'baseline'):.2f}"


def table(results: dict[str, Samples[str]]) -> str:
    header = ("backend", "mode", "median commands/s", "ratio to baseline", "runs (commands/s)")
    rows = [
        (
            backend,
            mode,
            f"{rates.median(mode):.0f}",
            ratio_text(rates, mode),
            runs(rates.values[mode]),
        )
        for backend, rates in results.items()
        for mode in MODES
    ]
    return markdown_table(header, rows, "llrrl")


def main(argv: list[str] | None = None) -> int:
    parser = parser_for(__doc__, rounds=5)
    parser.add_argument("--items", type=positive, help="work items per run, on every backend")
    parser.add_argument("--sqlite-items", type=positive, default=1000)
    parser.add_argument("--postgres-items", type=positive, default=300)
    parser.add_argument(
        "--profile",
        choices=MODES,
        help="instead of benchmarking, cProfile one run of this mode and print the top entries",
    )
    args = parser.parse_args(argv)
    backends = chosen_backends(parser, args)

    def items_for(backend: str) -> int:
        if args.items is not None:
            return int(args.items)
        return int(args.sqlite_items if backend == "sqlite" else args.postgres_items)

    if args.profile:
        for backend in backends:
            measure(backend, args.profile, items_for(backend), args.postgres_url, profile=True)
        return 0

    results = {
        backend: benchmark(backend, items_for(backend), args.rounds, args.postgres_url)
        for backend in backends
    }
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
