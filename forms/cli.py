"""The documents on the ``minhbach`` command line: ``form 01|02``, ``summary``,
``verify-receipt`` and ``export-log``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forms.receipt import ReceiptError


def _as_of_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"minhbach: --as-of-time {text!r} is not an ISO 8601 moment") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _produce(args: argparse.Namespace, kind: str, subject: dict[str, Any], file_format: str) -> int:
    from api.cli_common import open_app
    from forms.documents import covering_checkpoint, make, signed_position
    from projections.ledger import Ledger
    from projections.replay import replay
    from projections.routed_replay import subject_replay
    from projections.signing import signer_from_environment

    app = open_app(args.database_url)
    ledger = Ledger(app, signer=signer_from_environment())
    ledger.catch_up(force_checkpoint=True)  # a fresh checkpoint covers "now" when we can sign
    moment = _as_of_time(args.as_of_time)
    asked = args.as_of_position is not None or moment is not None
    upto = args.as_of_position if asked else signed_position(ledger)
    # The subject's component only (projections.routed_replay); a moment stops at the
    # first event after it, so it replays the log.
    routed = subject_replay(app, subject, upto) if moment is None else None
    replayed = routed or replay(app, upto=upto, until=moment)
    document = make(
        kind,
        subject,
        replayed,
        covering_checkpoint(ledger, replayed.position),
        app.clock(),
        as_of_time=moment,
        file_format=file_format,
    )
    out = Path(args.out or document.filename)
    out.write_bytes(document.data)
    receipt = document.receipt
    covered = (
        f"checkpoint {receipt.checkpoint.seq} (size {receipt.checkpoint.size})"
        if receipt.checkpoint
        else "NO signed checkpoint (set the ledger key to sign one)"
    )
    print(
        f"{kind} → {out}: as of log position {receipt.position}, {receipt.policy}, "
        f"data digest {receipt.digest}, covered by {covered}"
    )
    return 0


def cmd_form(args: argparse.Namespace) -> int:
    from forms.documents import subject_of

    if args.number == "01":
        try:
            subject = subject_of("form-01", servant=args.servant, period=args.when)
        except ValueError as error:
            print(f"minhbach form: {error}", file=sys.stderr)
            return 2
        return _produce(args, "form-01", subject, "pdf")
    if not args.when.isdigit():
        print(f"minhbach form 02: the year is a number, not {args.when!r}", file=sys.stderr)
        return 2
    return _produce(
        args, "form-02", subject_of("form-02", servant=args.servant, year=args.when), "pdf"
    )


def cmd_summary(args: argparse.Namespace) -> int:
    from forms.documents import subject_of

    subject = subject_of("summary", agency=args.agency, year=args.year, unit=args.unit)
    return _produce(args, "summary", subject, args.format)


def cmd_verify_receipt(args: argparse.Namespace) -> int:
    from api.cli_common import open_app, public_keys
    from forms.evidence import load_log
    from forms.extract import receipt_from_bytes
    from forms.verification import stored_leaves, verify_receipt
    from projections.ledger import Ledger
    from projections.tracking import engine_for

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        receipt = receipt_from_bytes(data)
        public = public_keys(args.public_key)
    except (OSError, ReceiptError, ValueError) as error:
        print(f"minhbach verify-receipt: {error}", file=sys.stderr)
        return 2
    if public is None:
        print(
            "minhbach verify-receipt: no public key (--public-key FILE or "
            "MINHBACH_LEDGER_PUBLIC_KEY)",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        if args.evidence:
            try:
                loaded = load_log(Path(args.evidence), Path(scratch))
            except (OSError, ValueError, KeyError) as error:
                print(f"minhbach verify-receipt: {error}", file=sys.stderr)
                return 2
            report = verify_receipt(loaded.app, receipt, public, checkpoints=loaded.checkpoints)
            loaded.app.close()
            source = f"the export {args.evidence}"
        else:
            app = open_app(args.database_url)
            engine = engine_for(app.storage)
            report = verify_receipt(
                app,
                receipt,
                public,
                checkpoints=Ledger(app, engine).checkpoints(),
                leaves=stored_leaves(engine),
            )
            source = app.storage.display_url
    return _print_report(report, source)


def _print_report(report: Any, source: str) -> int:
    from forms.verification import CHANGED, VALID

    receipt = report.receipt
    subject = ", ".join(f"{k} {v}" for k, v in receipt.subject.items() if v is not None)
    print(
        f"{receipt.kind} ({subject}): "
        f"as of log position {receipt.position}, {receipt.policy}, digest {receipt.digest[:16]}…"
    )
    print(f"checked against {source} (log ends at {report.head})")
    if report.checkpoint is not None and report.authentic:
        print(
            f"  events proven against checkpoint {report.checkpoint.seq} "
            f"(size {report.checkpoint.size}, signed {report.checkpoint.signed_at})"
        )
    if report.verdict == VALID:
        print("VALID: the document matches the signed records, and nothing has changed since")
        return 0
    if report.verdict == CHANGED:
        print("VALID AS OF ITS POSITION, CHANGED SINCE: the records now say otherwise:")
        for change in report.changes[:40]:
            print(f"  {change.path}: {change.then!r} → {change.now!r}")
        if len(report.changes) > 40:
            print(f"  … and {len(report.changes) - 40} more")
        return 3
    print(f"{report.verdict.upper()}:")
    for problem in report.problems:
        print(f"  {problem}")
    return 1


def cmd_export_log(args: argparse.Namespace) -> int:
    from api.cli_common import open_app
    from forms.evidence import export_log
    from projections.ledger import Ledger
    from projections.signing import signer_from_environment

    app = open_app(args.database_url)
    ledger = Ledger(app, signer=signer_from_environment())
    ledger.catch_up(force_checkpoint=True)
    with Path(args.out).open("w", encoding="utf-8") as out:
        checkpoint, count = export_log(ledger, out)
    print(
        f"{count} events covered by checkpoint {checkpoint.seq} "
        f"(size {checkpoint.size}) → {args.out}"
    )
    return 0


def _as_of_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of-position", type=int, help="as the log stood at this position")
    parser.add_argument("--as-of-time", help="as the log stood at this moment (ISO 8601)")
    parser.add_argument("--out", help="the file to write (default: a name of its own)")


def add_commands(sub: Any) -> None:
    p_form = sub.add_parser("form", help="Form 01 (a period) or Form 02 (a year) as PDF")
    p_form.add_argument("number", choices=["01", "02"])
    p_form.add_argument("servant")
    p_form.add_argument("when", help="01: the period (YYYY-MM or YYYY-Qn); 02: the year")
    _as_of_options(p_form)
    p_form.set_defaults(func=cmd_form)

    p_summary = sub.add_parser("summary", help="an agency's or a unit's year, as PDF or XLSX")
    p_summary.add_argument("agency")
    p_summary.add_argument("year", type=int)
    p_summary.add_argument("--unit", help="one unit of the agency")
    p_summary.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
    _as_of_options(p_summary)
    p_summary.set_defaults(func=cmd_summary)

    p_vr = sub.add_parser(
        "verify-receipt", help="check a document's receipt against the log (PDF, XLSX, image, text)"
    )
    p_vr.add_argument(
        "file", help="the document, a photo of its QR code, or the receipt; - reads stdin"
    )
    p_vr.add_argument(
        "--public-key",
        action="append",
        help="the ledger's public key (PEM or base64); once per key across a key rotation",
    )
    p_vr.add_argument(
        "--evidence", help="an export of the log (minhbach export-log) instead of the database"
    )
    p_vr.set_defaults(func=cmd_verify_receipt)

    p_export = sub.add_parser(
        "export-log", help="the signed log's events, to check receipts offline"
    )
    p_export.add_argument("--out", required=True)
    p_export.set_defaults(func=cmd_export_log)
