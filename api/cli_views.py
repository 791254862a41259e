"""Commands on the read models: project (catch up, rebuild, follow, status),
standings, classification."""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from api.cli_common import open_app, open_years, partition_of, print_table, projector_of
from api.cli_errors import CliError

if TYPE_CHECKING:
    from projections.runner import ProjectionFault, Projector


def _follow(args: argparse.Namespace) -> int:
    """Follow until SIGTERM or SIGINT, then finish the batch in hand and exit 0.

    Both signals are handled explicitly: a shell that starts a job in the
    background makes it ignore SIGINT, and SIGTERM's default would end the
    process without a word. A database that fails while the worker starts is
    waited for, like one that fails while it follows.
    """
    import logging

    from api import access_log
    from api.errors import database_unavailable
    from projections.follower import MAX_BACKOFF, Follower
    from projections.runner import ProjectionFault

    access_log.configure()
    stop = threading.Event()

    def request_stop(signum: int, _: object) -> None:
        print(f"{signal.Signals(signum).name}: stopping after the batch in hand", flush=True)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    print("following the event log; SIGTERM or Ctrl-C to stop", flush=True)
    projector: Projector | None = None
    for attempt in itertools.count(1):
        if stop.is_set():
            print("stopped before the views were loaded", flush=True)
            return 0
        try:
            projector = projector_of(args)
            break
        except ProjectionFault as poison:  # the committed views rest on an unreadable event
            _record_fault(args, poison)
            print(f"minhbach project: {poison}", file=sys.stderr)
            return 1
        except Exception as error:
            if not database_unavailable(error):
                raise  # a mistake of use (a bad URL, say): one line from main
            logging.getLogger("minhbach.projections").exception(
                "cannot start following (attempt %d); retrying", attempt
            )
            stop.wait(min(MAX_BACKOFF, args.interval * 2 ** (attempt - 1)))
    assert projector is not None
    print(f"views loaded at position {projector.position}; following", flush=True)
    Follower(projector, interval=args.interval).run(stop)
    print(f"stopped; views at position {projector.position}", flush=True)
    return 0


def _record_fault(args: argparse.Namespace, poison: ProjectionFault) -> None:
    from projections import faults
    from projections.runner import NAME
    from projections.tracking import engine_for

    partition = partition_of(args)
    name = NAME if partition is None else partition.name
    engine = engine_for(open_app(args.database_url).storage)
    faults.record(engine, name, poison.position, poison.topic, str(poison))
    engine.dispose()


def _project_status(args: argparse.Namespace) -> int:
    """Positions, lags and recorded faults, read from the database (without folding
    the log: a log this version cannot fold still has a status)."""
    from sqlalchemy import select

    from projections import faults
    from projections.ledger import NAME as LEDGER
    from projections.runner import NAME as VIEWS
    from projections.tables import metadata, tracking
    from projections.tracking import engine_for

    app = open_app(args.database_url)
    engine = engine_for(app.storage)
    metadata.create_all(engine)
    head = app.recorder.max_notification_id() or 0
    with engine.connect() as conn:
        rows = conn.execute(select(tracking.c.name, tracking.c.position))
        positions = {str(name): int(position) for name, position in rows}
        recorded = faults.recorded(conn)
    engine.dispose()
    partitions = sorted(name for name in positions if name.startswith(f"{VIEWS}:"))
    for name in (VIEWS, LEDGER, *partitions):
        position = int(positions.get(name, 0))
        print(f"{name}: position {position} of {head}, lag {max(0, head - position)}")
    for fault in recorded:
        print(f"HALTED: {fault.describe()} (recorded {fault.recorded_at})")
    return 1 if recorded else 0


def cmd_project(args: argparse.Namespace) -> int:
    from projections.follower import Follower, ViewsHalted
    from projections.runner import ProjectionFault

    if args.action == "status":
        return _project_status(args)
    if args.follow and args.action is None:
        return _follow(args)
    projector = projector_of(args)
    ledger = projector.ledger
    if ledger is None:  # a partition: its views only, the ledger is the default worker's
        return _project_partition(args, projector)
    try:
        if args.action == "rebuild":
            started = time.perf_counter()
            position = projector.rebuild()
            print(
                f"rebuilt every view up to position {position} "
                f"in {time.perf_counter() - started:.1f} s"
            )
            print(f"ledger at position {ledger.catch_up(force_checkpoint=True)}")
        else:
            position = Follower(projector).catch_up()
            ledger.sign_if_due(force=True)
            print(f"views and ledger at position {position}")
    except (ViewsHalted, ProjectionFault) as halted:
        print(f"minhbach project: {halted}", file=sys.stderr)
        return 1
    return 0


def _project_partition(args: argparse.Namespace, projector: Projector) -> int:
    from projections.follower import Follower, ViewsHalted
    from projections.runner import ProjectionFault

    try:
        if args.action == "rebuild":
            position = projector.rebuild()
        else:
            position = Follower(projector).catch_up()
    except (ViewsHalted, ProjectionFault) as halted:
        print(f"minhbach project: {halted}", file=sys.stderr)
        return 1
    print(f"{projector.name} at position {position}")
    return 0


def cmd_standings(args: argparse.Namespace) -> int:
    from projections.queries import standings
    from projections.rows import BY_SCORE, WHO

    projector = projector_of(args)
    position = projector.catch_up()
    with projector.engine.connect() as conn:
        rows, total = standings(
            conn,
            args.agency,
            args.year,
            unit=args.unit,
            peer_group=args.peer_group,
            level=args.level,
            limit=args.limit,
        )
    if total == 0:
        filtered = ", with these filters" if args.unit or args.peer_group or args.level else ""
        raise CliError(
            f"no classifications of {args.agency} in {args.year}{filtered} (views at log "
            f"position {position}): check the agency's code and the year, or import its data"
        )
    print_table(
        rows,
        ["rank", *WHO, *BY_SCORE, "proposed_level", "reason", "decided_level"],
    )
    print(f"{len(rows)} of {total} (views at log position {position})")
    return 0


def cmd_classification(args: argparse.Namespace) -> int:
    from projections.queries import annual_classification, interim_results_of, period_results_of

    projector = projector_of(args)
    position = projector.catch_up()
    with projector.engine.connect() as conn:
        row = annual_classification(conn, args.servant, args.year)
        periods = period_results_of(conn, args.servant, args.year)
        interim = interim_results_of(conn, args.servant, args.year)
    if row is None:
        print(f"minhbach: no classification for {args.servant} in {args.year}", file=sys.stderr)
        return 1
    print_table(
        periods,
        ["period", "a", "b", "c", "d", "dd", "e", "criteria_total", "task_ratio", "score", "level"],
    )
    print()
    print_table(interim, ["span", "periods", "left_out", "score", "level"])
    print()
    for key, value in row.items():
        print(f"{key:>22}: {value}")
    print(f"(views at log position {position})")
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    p_project = sub.add_parser("project", help="bring the read models up to date")
    p_project.add_argument("action", nargs="?", choices=["rebuild", "status"])
    p_project.add_argument("--follow", action="store_true", help="keep following new events")
    p_project.add_argument("--interval", type=float, default=1.0, help="poll interval, seconds")
    p_project.add_argument(
        "--batch-size", type=int, default=500, help="events per view transaction (default 500)"
    )
    p_project.add_argument(
        "--partition",
        metavar="K/N",
        help="only the agencies whose code hashes to K of N (docs/operations.md: partitions)",
    )
    p_project.add_argument(
        "--agencies",
        metavar="A,B",
        help="only these agencies, each with its whole managing-agency group",
    )
    p_project.add_argument(
        "--open-years",
        type=open_years,
        default=argparse.SUPPRESS,
        metavar="N|all",
        help="years kept in memory: the latest N (default 2); older ones come back from"
        " the log when something needs them; 'all' keeps every year",
    )
    p_project.set_defaults(func=cmd_project)

    p_standings = sub.add_parser("standings", help="annual standings of an agency")
    p_standings.add_argument("agency")
    p_standings.add_argument("year", type=int)
    p_standings.add_argument("--unit")
    p_standings.add_argument("--peer-group")
    p_standings.add_argument("--level", choices=["EXCELLENT", "GOOD", "COMPLETE", "FAIL"])
    p_standings.add_argument("--limit", type=int, default=100)
    p_standings.set_defaults(func=cmd_standings)

    p_class = sub.add_parser("classification", help="one servant's year: periods and level")
    p_class.add_argument("servant")
    p_class.add_argument("year", type=int)
    p_class.set_defaults(func=cmd_classification)
