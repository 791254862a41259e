"""The command-line options the benchmarks share: which backends (PostgreSQL left
out with a message when unreachable) and how many interleaved rounds."""

from __future__ import annotations

import argparse

from benchmarks.common.databases import BACKENDS, DEFAULT_POSTGRES_URL, postgres_reachable


def parser_for(doc: str | None, rounds: int, backends: bool = True) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of the benchmark's docstring, with
    ``--rounds`` (default ``rounds``) and, unless told not to, ``--backends`` and
    ``--postgres-url``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument(
        "--rounds", type=positive, default=rounds, help=f"interleaved rounds (default {rounds})"
    )
    if backends:
        parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated list")
        parser.add_argument(
            "--postgres-url",
            default=DEFAULT_POSTGRES_URL,
            help=f"a fresh schema is created there for each run (default {DEFAULT_POSTGRES_URL})",
        )
    return parser


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (sizes, rounds, calls)."""
    return _at_least(text, 1)


def non_negative(text: str) -> int:
    """An argparse type: a whole number of at least 0 (an optional count)."""
    return _at_least(text, 0)


def _at_least(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}: {value}")
    return value


def chosen_backends(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The backends asked for on the command line, less PostgreSQL when unreachable;
    exits (status 1) when none is left."""
    backends = [b.strip() for b in str(args.backends).split(",") if b.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if "postgres" in backends:
        reason = postgres_reachable(args.postgres_url)
        if reason is not None:
            print(f"PostgreSQL skipped: {args.postgres_url} unreachable ({reason})")
            backends.remove("postgres")
    if not backends:
        parser.exit(1, f"{parser.prog}: no backend left to run\n")
    return backends
