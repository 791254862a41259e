"""The ``minhbach`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from domain.application import Clock, MinhBach, utc_now
from domain.storage import StorageConfigError, storage_from_url

# The demo year is replayed as if it had happened: its facts are recorded by a
# clock set just after that year, so results dated in December are accepted.
DEMO_YEAR = 2026
DEMO_CLOCK_AT = datetime(DEMO_YEAR + 1, 1, 10, 9, 0, tzinfo=UTC)


def _open(url: str | None, clock: Clock = utc_now) -> MinhBach:
    try:
        return MinhBach(storage_from_url(url), clock=clock)
    except StorageConfigError as error:
        raise SystemExit(f"minhbach: {error}") from None


def cmd_import(args: argparse.Namespace) -> int:
    from api.importer import import_lines

    path = Path(args.file)
    if not path.is_file():
        print(f"minhbach import: no such file: {path}", file=sys.stderr)
        return 2
    app = _open(args.database_url)
    with path.open(encoding="utf-8") as lines:
        report = import_lines(app, lines)
    for failure in report.failures:
        print(f"{path}:{failure}", file=sys.stderr)
    print(
        f"applied {report.applied}, already applied {report.already_applied}, "
        f"failed {len(report.failures)}"
    )
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from api.demo import load_demo

    app = _open(args.database_url, clock=lambda: DEMO_CLOCK_AT)
    print(f"Loading the demo agency into {app.storage.display_url} …", flush=True)
    summary = load_demo(app, DEMO_YEAR)
    print(summary)
    print("\nExplore it:  minhbach log --limit 20    (the event log, newest last)")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    app = _open(args.database_url)
    notifications = app.recorder.select_notifications(
        start=args.after, limit=args.limit, inclusive_of_start=False
    )
    for notification in notifications:
        state = json.loads(notification.state)
        print(
            f"{notification.id:>8}  {notification.topic:<45} "
            f"{state.get('actor', ''):<12} {state.get('actor_role', ''):<16} "
            f"{state.get('source_ref') or ''}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minhbach",
        description="Civil-servant appraisal under Decree 335/2025, on an immutable event log.",
    )
    parser.add_argument(
        "--database-url",
        help="sqlite:///FILE or postgresql://USER@HOST/DB "
        "(default: $MINHBACH_DATABASE_URL, else data/minhbach.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_import = sub.add_parser("import", help="apply a JSON Lines file of commands")
    p_import.add_argument("file")
    p_import.set_defaults(func=cmd_import)

    p_demo = sub.add_parser("demo", help="load the demo agency (idempotent)")
    p_demo.set_defaults(func=cmd_demo)

    p_log = sub.add_parser("log", help="list events of the notification log")
    p_log.add_argument("--after", type=int, default=None, help="start after this position")
    p_log.add_argument("--limit", type=int, default=50)
    p_log.set_defaults(func=cmd_log)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
