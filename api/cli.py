"""The ``minhbach`` command line: the parser and the dispatch. Each area's commands
live in a module of their own (``cli_service``, ``cli_views``, ``cli_ledger``,
``cli_audit``, ``cli_policy``, ``cli_whatif``, ``forms.cli``), each adding its sub-commands."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from api import cli_audit, cli_ledger, cli_policy, cli_service, cli_views, cli_whatif
from api.cli_errors import OneLineParser, explain


def build_parser() -> argparse.ArgumentParser:
    from forms import cli as cli_forms

    parser = OneLineParser(
        prog="minhbach",
        description="Civil-servant appraisal under Decree 335/2025, on an immutable event log.",
    )
    parser.add_argument(
        "--database-url",
        help="sqlite:///FILE or postgresql://USER@HOST/DB "
        "(default: $MINHBACH_DATABASE_URL, else data/minhbach.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    areas = (cli_service, cli_views, cli_ledger, cli_audit, cli_forms, cli_policy, cli_whatif)
    for area in areas:
        area.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from domain.errors import DomainError

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `minhbach … | head` ends quietly
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except DomainError as error:
        print(f"minhbach: {error.code}: {error.message}", file=sys.stderr)
        return 1
    except Exception as error:
        message = explain(error, args)
        if message is None:  # a fault of the program, not of its use: keep the traceback
            raise
        print(f"minhbach {args.command}: {message}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
