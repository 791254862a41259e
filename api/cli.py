"""The ``minhbach`` command line."""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_errors import CliError, OneLineParser, explain
from api.cli_policy import add_commands as add_policy_commands
from api.cli_whatif import register as register_whatif
from domain.application import Clock, MinhBach, utc_now
from domain.storage import storage_from_url

if TYPE_CHECKING:
    from projections.bundle import BundleReport
    from projections.ledger import Ledger
    from projections.replay import Replayed
    from projections.runner import ProjectionFault, Projector


def _open(url: str | None, clock: Clock = utc_now) -> MinhBach:
    return MinhBach(storage_from_url(url), clock=clock)


def cmd_import(args: argparse.Namespace) -> int:
    from api.importer import import_lines

    path = Path(args.file)
    if not path.is_file():
        print(f"minhbach import: no such file: {path}", file=sys.stderr)
        return 2
    # Decoded whole before anything is applied: a file that is not UTF-8 writes
    # nothing. A byte-order mark (Notepad writes one) is accepted.
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    app = _open(args.database_url)
    report = import_lines(app, lines)
    for failure in report.failures:
        print(f"{path}:{failure}", file=sys.stderr)
    print(
        f"applied {report.applied}, already applied {report.already_applied}, "
        f"failed {len(report.failures)}"
    )
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from demo import AGENCY, load_demo
    from demo.clock import DEMO_YEAR, resume_demo_clock
    from projections.runner import Projector

    app = _open(args.database_url)
    resume_demo_clock(app)  # the demo's time, never before what the log already holds
    print(f"Loading the demo agency into {app.storage.display_url} …", flush=True)
    summary = load_demo(app, DEMO_YEAR)
    position = Projector(app).catch_up()
    print(
        f"{AGENCY}: {summary.units} units, {summary.servants} civil servants, "
        f"{summary.tasks} tasks in {DEMO_YEAR}; {summary.applied} commands applied now, "
        f"{summary.replayed} already there; views at log position {position}."
    )
    print("\nPeople to act as:")
    for key, person in summary.people.items():
        print(f"  {key:<17} {person.code:<12} {person.full_name} ({person.why})")
    tied = summary.people["civil_servant"].code
    db = f" --database-url {args.database_url}" if args.database_url else ""
    print(
        "\nExplore:\n"
        f"  minhbach{db} standings {AGENCY} {DEMO_YEAR}            # the agency's ranking\n"
        f"  minhbach{db} standings {AGENCY} {DEMO_YEAR} --peer-group chuyen-vien\n"
        f"  minhbach{db} classification {tied} {DEMO_YEAR}   # tied across the quota limit\n"
        f"  minhbach{db} log --limit 20                      # the event log itself"
    )
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


def _projector(args: argparse.Namespace) -> Projector:
    from projections.ledger import CHECKPOINT_SECONDS, Ledger
    from projections.runner import Projector
    from projections.signing import signer_from_environment
    from projections.tracking import engine_for

    app = _open(args.database_url)
    engine = engine_for(app.storage)
    ledger = Ledger(app, engine, signer_from_environment(), CHECKPOINT_SECONDS)
    return Projector(app, engine, getattr(args, "batch_size", 500), ledger)


def _ledger(args: argparse.Namespace) -> Ledger:
    from projections.ledger import Ledger
    from projections.signing import signer_from_environment

    return Ledger(_open(args.database_url), signer=signer_from_environment())


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
            projector = _projector(args)
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

    engine = engine_for(_open(args.database_url).storage)
    faults.record(engine, NAME, poison.position, poison.topic, str(poison))
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

    app = _open(args.database_url)
    engine = engine_for(app.storage)
    metadata.create_all(engine)
    head = app.recorder.max_notification_id() or 0
    with engine.connect() as conn:
        rows = conn.execute(select(tracking.c.name, tracking.c.position))
        positions = {str(name): int(position) for name, position in rows}
        recorded = faults.recorded(conn)
    engine.dispose()
    for name in (VIEWS, LEDGER):
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
    projector = _projector(args)
    ledger = projector.ledger
    assert ledger is not None
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


def _print_table(rows: list[dict[str, object]], columns: list[str]) -> None:
    widths = [
        max([len(c), *(len(str(r.get(c) if r.get(c) is not None else "")) for r in rows)])
        for c in columns
    ]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        cells = [str(row.get(c) if row.get(c) is not None else "") for c in columns]
        print("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)))


def cmd_standings(args: argparse.Namespace) -> int:
    from projections.queries import standings

    projector = _projector(args)
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
    _print_table(
        rows,
        [
            "rank",
            "servant_code",
            "unit_code",
            "peer_group",
            "annual_score",
            "level_by_score",
            "proposed_level",
            "reason",
            "decided_level",
        ],
    )
    print(f"{len(rows)} of {total} (views at log position {position})")
    return 0


def cmd_classification(args: argparse.Namespace) -> int:
    from projections.queries import annual_classification, interim_results_of, period_results_of

    projector = _projector(args)
    position = projector.catch_up()
    with projector.engine.connect() as conn:
        row = annual_classification(conn, args.servant, args.year)
        periods = period_results_of(conn, args.servant, args.year)
        interim = interim_results_of(conn, args.servant, args.year)
    if row is None:
        print(f"minhbach: no classification for {args.servant} in {args.year}", file=sys.stderr)
        return 1
    _print_table(
        periods,
        ["period", "a", "b", "c", "d", "dd", "e", "criteria_total", "task_ratio", "score", "level"],
    )
    print()
    _print_table(interim, ["span", "periods", "left_out", "score", "level"])
    print()
    for key, value in row.items():
        print(f"{key:>22}: {value}")
    print(f"(views at log position {position})")
    return 0


def _demo_ledger_key() -> None:
    """The demo signs its ledger with a key of its own, kept beside the demo data —
    acceptable for a demo only: in production the key never sits with the database."""
    import os

    from projections import signing

    if os.environ.get(signing.KEY_FILE) or os.environ.get(signing.KEY_ENV):
        return
    folder = Path(os.environ.get("MINHBACH_DATA_DIR") or "data")
    key = folder / "demo-ledger.pem"
    if not key.exists():
        folder.mkdir(parents=True, exist_ok=True)
        signer = signing.generate()
        key.write_bytes(signing.private_pem(signer))
        key.chmod(0o600)
        key.with_suffix(".pub").write_bytes(signing.public_pem(signer.public))
    os.environ[signing.KEY_FILE] = str(key)
    print(f"Demo ledger key: {key} (public key {key.with_suffix('.pub')})")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api import access_log
    from api.bootstrap import demo_logins, ensure_admin
    from api.http import create_app

    access_log.configure()
    app = _open(args.database_url)
    base = f"http://{args.host}:{args.port}"
    if args.demo:
        from demo import AGENCY, load_demo
        from demo.clock import DEMO_YEAR, resume_demo_clock

        resume_demo_clock(app)  # a restarted demo runs on from its newest recorded time
        print(f"Loading the demo agency {AGENCY} (idempotent) …", flush=True)
        load_demo(app, DEMO_YEAR)
        _demo_ledger_key()
    admin_token = ensure_admin(app)
    if admin_token:
        print(f"\nFirst start: the admin token (shown once, keep it safe):\n  {admin_token}")
    if args.demo:
        print("\nDemo sign-ins and tokens (new ones at every start):")
        for login in demo_logins(app):
            print(
                f"  {login.role:<17} {login.who}\n"
                f"    login: {login.principal}  password: {login.password}\n"
                f"    token: {login.token}"
            )
        print(
            f"\nTry:\n  curl -H 'Authorization: Bearer <hr token>' "
            f"'{base}/api/v1/standings?agency=SNV-HN&year={DEMO_YEAR}'"
        )
    print(f"\nMinh Bạch is serving {app.storage.display_url}")
    print(
        f"  web pages: {base}/\n  API docs:  {base}/docs\n  health:    {base}/health\n",
        flush=True,
    )
    uvicorn.run(create_app(app), host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """A fresh token for a principal, by whoever runs the service (an expired
    admin token is renewed this way)."""
    from api.auth import token_expiry
    from api.bootstrap import issue
    from domain.actors import Actor, CommandContext, Role

    app = _open(args.database_url)
    operator = CommandContext(Actor("system", Role.ADMIN), "minhbach token")
    token = issue(app, args.principal, args.label, operator)
    expires = token_expiry(app, args.principal, token.split(".")[2])
    print(f"token for {args.principal} (shown once, valid until {expires.isoformat()}):")
    print(f"  {token}")
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    from projections import signing

    if args.action == "keygen":
        signer = signing.generate()
        out = Path(args.out)
        if out.exists():
            print(f"minhbach: {out} exists; not overwriting a key", file=sys.stderr)
            return 2
        out.write_bytes(signing.private_pem(signer))
        out.chmod(0o600)
        public = out.with_suffix(".pub")
        public.write_bytes(signing.public_pem(signer.public))
        print(f"private key: {out} (keep it off the database host's backups)")
        print(f"public key:  {public} (give it to inspectors)  key id {signer.key_id}")
        return 0
    ledger = _ledger(args)
    if args.action == "checkpoint":
        if ledger.signer is None:
            print(f"minhbach: set {signing.KEY_FILE} or {signing.KEY_ENV} to sign", file=sys.stderr)
            return 2
        ledger.catch_up(force_checkpoint=True)
        latest = ledger.latest()
        print(json.dumps(latest.as_dict() if latest else None, indent=2))
    elif args.action == "public-key":
        if ledger.signer is None:
            print(f"minhbach: set {signing.KEY_FILE} or {signing.KEY_ENV}", file=sys.stderr)
            return 2
        sys.stdout.write(signing.public_pem(ledger.signer.public).decode())
    elif args.action == "export":
        return _export(ledger, Path(args.out) if args.out else None)
    return 0


def _export(ledger: Ledger, out: Path | None) -> int:
    """Append the checkpoints not yet kept to ``out`` (never rewriting a kept line),
    after checking that the database still holds every kept one unchanged."""
    from projections.verify import compare_kept

    stored = ledger.checkpoints()
    if out is None:
        sys.stdout.write("".join(f"{json.dumps(c.as_dict())}\n" for c in stored))
        return 0
    try:
        kept = read_kept_checkpoints(out) if out.exists() else []
    except (OSError, ValueError) as error:
        print(f"minhbach ledger export: {error}", file=sys.stderr)
        return 2
    disagreements = compare_kept(stored, kept)
    if disagreements:
        print(
            f"minhbach ledger export: the database no longer agrees with {out}: "
            f"{disagreements[0].message}; nothing written (run minhbach verify --checkpoints "
            f"{out})",
            file=sys.stderr,
        )
        return 1
    newest = max((c.seq for c in kept), default=0)
    new = [c for c in stored if c.seq > newest]
    with out.open("a", encoding="utf-8") as file:
        file.write("".join(f"{json.dumps(c.as_dict())}\n" for c in new))
    print(f"{len(new)} new checkpoints appended to {out} ({len(kept) + len(new)} kept)")
    return 0


def _public_key(paths: list[str] | None) -> Any:
    """The ledger's public keys (several across a key rotation), or None."""
    import os

    from projections import signing

    if paths:
        return [signing.load_public(Path(path).read_bytes()) for path in paths]
    if configured := os.environ.get("MINHBACH_LEDGER_PUBLIC_KEY"):
        return signing.load_public(Path(configured).read_bytes())
    signer = signing.signer_from_environment()
    return signer.public if signer else None


def read_kept_checkpoints(path: Path) -> list[Any]:
    """Checkpoints kept outside the database: one JSON object a line, or ValueError."""
    from projections.ledger import Checkpoint

    kept = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                kept.append(Checkpoint.parse(json.loads(line)))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from None
    return kept


def cmd_verify(args: argparse.Namespace) -> int:
    from projections.tracking import engine_for
    from projections.verify import verify_store

    try:
        public = _public_key(args.public_key)
        kept = read_kept_checkpoints(Path(args.checkpoints)) if args.checkpoints else []
    except (OSError, ValueError) as error:
        print(f"minhbach verify: {error}", file=sys.stderr)
        return 2
    if public is None:
        print(
            "minhbach verify: no public key (--public-key FILE or MINHBACH_LEDGER_PUBLIC_KEY): "
            "checkpoint signatures cannot be checked",
            file=sys.stderr,
        )
        return 2
    app = _open(args.database_url)
    report = verify_store(app, engine_for(app.storage), public, kept)
    print(
        f"{report.events} events, {report.leaves} ledger leaves, {report.checkpoints} "
        f"checkpoints in the database, {report.kept} kept outside; key id {report.key_id}"
    )
    if not kept:
        print(
            "note: without checkpoints kept outside the database (--checkpoints FILE), the "
            "removal of the newest events together with their leaves and checkpoints "
            "cannot be detected"
        )
    if report.other_key:
        print(
            "NOT VERIFIED — checkpoints signed by another key (key id "
            f"{', '.join(report.other_key_ids)}), not by the key given (key id "
            f"{report.key_id}): is this the ledger's public key? If it is, someone else "
            "re-signed the checkpoints."
        )
        return 2
    if not report.intact:
        first = report.first
        assert first is not None
        print(f"TAMPERED — first finding: {first.kind}: {first.message}")
        for finding in report.findings[1:20]:
            print(f"  also {finding.kind}: {finding.message}")
        if len(report.findings) > 20:
            print(f"  … and {len(report.findings) - 20} more")
        return 1
    return _attestation(report, args.allow_pending)


def _attestation(report: Any, allow_pending: bool) -> int:
    """Nothing was found wrong: say how much of the log a signed checkpoint covers."""
    if report.confirmed == 0:
        print(
            f"NOT ATTESTED — no checkpoint signed by this key covers any of the "
            f"{report.events} events: there is no trusted root to check them against"
            + (" (pending events allowed)" if allow_pending else "")
        )
        return 0 if allow_pending else 3
    if report.pending:
        print(
            f"intact up to event {report.confirmed} of {report.events}: the first "
            f"{report.confirmed} match a checkpoint signed by this key; the newest "
            f"{report.pending} are not yet covered by a checkpoint"
            + (" (pending events allowed)" if allow_pending else "")
        )
        return 0 if allow_pending else 3
    print(
        f"intact: all {report.events} events match the ledger and a checkpoint signed by "
        "this key covers every one of them"
    )
    return 0


def _as_of(app: MinhBach, args: argparse.Namespace) -> Replayed:
    from projections.replay import replay

    if args.as_of_position is not None and args.as_of_time is not None:
        raise CliError("give --as-of-position or --as-of-time, not both")
    return replay(app, upto=args.as_of_position, until=args.as_of_time)


def _moment(text: str) -> datetime:
    """An ISO 8601 moment (UTC when it names no offset), for ``--as-of-time``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 moment: write e.g. 2026-12-01T00:00:00+07:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_explain(args: argparse.Namespace) -> int:
    from projections.explain import Explainer, StoreEvents, render
    from projections.ledger import Ledger

    app = _open(args.database_url)
    explainer = Explainer(StoreEvents(app, Ledger(app)), _as_of(app, args))
    if args.period:
        explanation = explainer.period(args.servant, args.period)
    else:
        explanation = explainer.year(args.servant, args.year)
    if args.format == "json":
        print(json.dumps(explanation, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(explanation, args.format))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from domain.actors import Actor, CommandContext, Role
    from domain.commands import PublishResults
    from projections.publication import draft, reproduce

    app = _open(args.database_url)
    if args.action == "publish":
        table = draft(app, args.agency, args.year)
        ctx = CommandContext(Actor(args.actor, Role(args.role)), args.notice)
        result = app.execute(
            PublishResults(
                agency=table.agency,
                year=table.year,
                position=table.position,
                policy_id=table.policy_id,
                policy_version=table.policy_version,
                digest=table.digest,
                rows=tuple(table.rows),
            ),
            ctx,
        )
        print(
            f"published {len(table.rows)} rows of {args.agency} {args.year} as computed at "
            f"position {table.position}: publication {result.result['publication']}, "
            f"digest {table.digest}"
        )
        return 0
    outcome = reproduce(app, args.agency, args.year, args.publication)
    publication = outcome.publication
    print(
        f"publication {publication.number} of {args.agency} {args.year}: position "
        f"{publication.position}, policy {publication.policy_id} v{publication.policy_version}"
    )
    print(f"  published digest  {publication.digest}\n  recomputed digest {outcome.digest}")
    for servant in outcome.missing:
        print(f"  MISMATCH {servant}: published, but not in the recomputed table")
    for servant in outcome.extra:
        print(f"  MISMATCH {servant}: recomputed, but not published")
    for servant, column, published, recomputed in outcome.differences:
        print(f"  MISMATCH {servant} {column}: published {published!r}, recomputed {recomputed!r}")
    for problem in outcome.problems:
        print(f"  MISMATCH {problem}")
    print("MATCH: every row reproduces" if outcome.matches else "MISMATCH")
    return 0 if outcome.matches else 1


def cmd_bundle(args: argparse.Namespace) -> int:
    from projections.bundle import make_bundle
    from projections.ledger import Ledger
    from projections.signing import signer_from_environment

    app = _open(args.database_url)
    bundle = make_bundle(
        app, Ledger(app, signer=signer_from_environment()), args.servant, args.year
    )
    Path(args.out).write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    checkpoint = bundle["checkpoint"]
    print(
        f"evidence for {args.servant} {args.year}: {len(bundle['events'])} events proven against "
        f"checkpoint {checkpoint['seq']} (size {checkpoint['size']}) → {args.out}"
    )
    return 0


def _verify_offline(
    args: argparse.Namespace, verify: Callable[[dict[str, Any], Any], BundleReport]
) -> int:
    from projections.signing import load_public

    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
        public = load_public(Path(args.public_key).read_bytes())
    except (OSError, ValueError) as error:
        print(f"minhbach {args.command}: {error}", file=sys.stderr)
        return 2
    report = verify(document, public)
    if report.valid:
        print(
            f"valid: {report.events} events proven against a checkpoint signed by this key, "
            "and every figure, step and reference of the document recomputes from them"
        )
        return 0
    print("INVALID")
    for problem in report.problems:
        print(f"  {problem}")
    return 1


def cmd_verify_bundle(args: argparse.Namespace) -> int:
    from projections.bundle import verify_bundle

    return _verify_offline(args, verify_bundle)


def cmd_verify_trace(args: argparse.Namespace) -> int:
    from projections.trace import verify_trace

    return _verify_offline(args, verify_trace)


def cmd_trace(args: argparse.Namespace) -> int:
    from projections.ledger import Ledger
    from projections.signing import signer_from_environment
    from projections.trace import make_trace

    app = _open(args.database_url)
    trace = make_trace(
        app, Ledger(app, signer=signer_from_environment()), args.decision, args.agency, args.format
    )
    if args.out:
        Path(args.out).write_text(json.dumps(trace, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"trace of {args.decision} → {args.out}")
    print(trace["text"])
    return 0


def build_parser() -> argparse.ArgumentParser:
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

    p_import = sub.add_parser("import", help="apply a JSON Lines file of commands")
    p_import.add_argument("file")
    p_import.set_defaults(func=cmd_import)

    p_demo = sub.add_parser("demo", help="load the demo agency (idempotent)")
    p_demo.set_defaults(func=cmd_demo)

    p_log = sub.add_parser("log", help="list events of the notification log")
    p_log.add_argument("--after", type=int, default=None, help="start after this position")
    p_log.add_argument("--limit", type=int, default=50)
    p_log.set_defaults(func=cmd_log)

    p_project = sub.add_parser("project", help="bring the read models up to date")
    p_project.add_argument("action", nargs="?", choices=["rebuild", "status"])
    p_project.add_argument("--follow", action="store_true", help="keep following new events")
    p_project.add_argument("--interval", type=float, default=1.0, help="poll interval, seconds")
    p_project.add_argument(
        "--batch-size", type=int, default=500, help="events per view transaction (default 500)"
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

    p_token = sub.add_parser("token", help="issue a bearer token for a principal")
    p_token.add_argument("principal")
    p_token.add_argument("--label", default="command line", help="what the token is for")
    p_token.set_defaults(func=cmd_token)

    p_ledger = sub.add_parser("ledger", help="the tamper-evident ledger and its keys")
    p_ledger.add_argument("action", choices=["keygen", "checkpoint", "public-key", "export"])
    p_ledger.add_argument(
        "--out",
        help="keygen: private key file; export: the file of kept checkpoints (appended to, "
        "never rewritten)",
    )
    p_ledger.set_defaults(func=cmd_ledger)

    p_verify = sub.add_parser("verify", help="check the events against the ledger")
    p_verify.add_argument(
        "--public-key",
        action="append",
        help="the ledger's public key (PEM or base64); once per key across a key rotation",
    )
    p_verify.add_argument(
        "--checkpoints", help="checkpoints kept outside the database (from `ledger export`)"
    )
    p_verify.add_argument(
        "--allow-pending",
        action="store_true",
        help="exit 0 even when the newest events are not yet covered by a checkpoint",
    )
    p_verify.set_defaults(func=cmd_verify)

    p_explain = sub.add_parser("explain", help="how a classification or period result arose")
    p_explain.add_argument("servant")
    p_explain.add_argument("year", type=int)
    p_explain.add_argument("--period", help="one period (YYYY-MM or YYYY-Qn) instead of the year")
    p_explain.add_argument("--format", choices=["vi", "en", "json"], default="vi")
    p_explain.add_argument("--as-of-position", type=int, help="as the log stood at this position")
    p_explain.add_argument(
        "--as-of-time", type=_moment, help="as the log stood at this moment (ISO 8601)"
    )
    p_explain.set_defaults(func=cmd_explain)

    p_audit = sub.add_parser("audit", help="publish an agency's results, or reproduce them")
    p_audit.add_argument("action", choices=["publish", "reproduce"])
    p_audit.add_argument("agency")
    p_audit.add_argument("year", type=int)
    p_audit.add_argument("--publication", type=int, help="reproduce: which one (default last)")
    p_audit.add_argument("--actor", default="hr", help="publish: who publishes")
    p_audit.add_argument("--role", default="hr", choices=["hr", "authority"])
    p_audit.add_argument("--notice", default=None, help="publish: the notice's reference")
    p_audit.set_defaults(func=cmd_audit)

    p_bundle = sub.add_parser("bundle", help="evidence for one classification, in one file")
    p_bundle.add_argument("servant")
    p_bundle.add_argument("year", type=int)
    p_bundle.add_argument("--out", required=True)
    p_bundle.set_defaults(func=cmd_bundle)

    p_vb = sub.add_parser("verify-bundle", help="check an evidence bundle offline")
    p_vb.add_argument("file")
    p_vb.add_argument("--public-key", required=True)
    p_vb.set_defaults(func=cmd_verify_bundle)

    p_trace = sub.add_parser("trace", help="a personnel decision down to its events and proofs")
    p_trace.add_argument("decision")
    p_trace.add_argument("--agency", help="the agency it is numbered in, if several have it")
    p_trace.add_argument("--out", help="write the trace (JSON) to this file")
    p_trace.add_argument("--format", choices=["vi", "en"], default="vi")
    p_trace.set_defaults(func=cmd_trace)

    p_vt = sub.add_parser("verify-trace", help="check a decision's trace offline")
    p_vt.add_argument("file")
    p_vt.add_argument("--public-key", required=True)
    p_vt.set_defaults(func=cmd_verify_trace)

    from forms.cli import add_commands

    add_commands(sub)  # form, summary, verify-receipt, export-log

    add_policy_commands(sub)
    register_whatif(sub)  # whatif, leniency

    p_serve = sub.add_parser("serve", help="run the HTTP API")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8335)
    p_serve.add_argument(
        "--demo", action="store_true", help="load the demo agency and print demo tokens"
    )
    p_serve.set_defaults(func=cmd_serve)
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
