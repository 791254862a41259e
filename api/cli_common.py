"""What the command line's commands share: opening the store, the views and the
ledger, printing a table, reading a moment."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_errors import CliError
from domain.application import Clock, MinhBach, utc_now
from domain.storage import storage_from_url

if TYPE_CHECKING:
    from projections.ledger import Ledger
    from projections.partition import Partition
    from projections.replay import Replayed
    from projections.runner import Projector


def open_app(url: str | None, clock: Clock = utc_now) -> MinhBach:
    return MinhBach(storage_from_url(url), clock=clock)


def projector_of(args: argparse.Namespace) -> Projector:
    from projections.ledger import CHECKPOINT_SECONDS, Ledger
    from projections.runner import Projector
    from projections.signing import signer_from_environment
    from projections.tracking import engine_for

    app = open_app(args.database_url)
    engine = engine_for(app.storage)
    batch_size = getattr(args, "batch_size", 500)
    # ``--open-years``, when given (absent: the runner's default).
    kept: dict[str, Any] = {"open_years": args.open_years} if "open_years" in args else {}
    partition = partition_of(args)
    if partition is not None:  # the ledger follows the whole log, in the default worker
        return Projector(app, engine, batch_size, partition=partition, **kept)
    ledger = Ledger(app, engine, signer_from_environment(), CHECKPOINT_SECONDS)
    return Projector(app, engine, batch_size, ledger, **kept)


def open_years(text: str) -> int | None:
    """An argparse type: how many years a worker keeps in memory, or ``all``."""
    from projections.runner import parse_open_years

    try:
        return parse_open_years(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def partition_of(args: argparse.Namespace) -> Partition | None:
    """``--partition k/N`` or ``--agencies A,B`` (None: the whole read side)."""
    from projections.partition import Partition

    try:
        return Partition.parse(getattr(args, "partition", None), getattr(args, "agencies", None))
    except ValueError as error:
        raise CliError(str(error)) from error


def ledger_of(args: argparse.Namespace) -> Ledger:
    from projections.ledger import Ledger
    from projections.signing import signer_from_environment

    return Ledger(open_app(args.database_url), signer=signer_from_environment())


def print_table(rows: list[dict[str, object]], columns: list[str]) -> None:
    widths = [
        max([len(c), *(len(str(r.get(c) if r.get(c) is not None else "")) for r in rows)])
        for c in columns
    ]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        cells = [str(row.get(c) if row.get(c) is not None else "") for c in columns]
        print("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)))


def public_keys(paths: list[str] | None) -> Any:
    """The ledger's public keys (several across a key rotation), or None."""
    import os

    from projections import signing

    if paths:
        return [signing.load_public(Path(path).read_bytes()) for path in paths]
    if configured := os.environ.get("MINHBACH_LEDGER_PUBLIC_KEY"):
        return signing.load_public(Path(configured).read_bytes())
    signer = signing.signer_from_environment()
    return signer.public if signer else None


def as_of_replay(app: MinhBach, args: argparse.Namespace, servant: str | None = None) -> Replayed:
    """The fold as of ``--as-of-position`` (or the head); for a ``servant``, only what
    their years rest on (``projections.routed_replay``). A moment
    (``--as-of-time``) replays the whole log: it stops at the first event after it."""
    from projections.replay import replay

    if args.as_of_position is not None and args.as_of_time is not None:
        raise CliError("give --as-of-position or --as-of-time, not both")
    if servant is not None and args.as_of_time is None:
        found = servant_replayer(app, servant)(args.as_of_position)
        if found is not None:
            return found
    return replay(app, upto=args.as_of_position, until=args.as_of_time)


def servant_replayer(app: MinhBach, servant: str) -> Callable[[int | None], Replayed | None]:
    from projections.routed_replay import servant_replay

    return lambda upto: servant_replay(app, servant, upto)


def agency_replayer(app: MinhBach, agency: str) -> Callable[[int | None], Replayed | None]:
    from projections.routed_replay import agency_replay

    return lambda upto: agency_replay(app, [agency], upto)


def moment(text: str) -> datetime:
    """An ISO 8601 moment (UTC when it names no offset), for ``--as-of-time``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 moment: write e.g. 2026-12-01T00:00:00+07:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
