"""Commands on the tamper-evident ledger: keys, checkpoints, their export, and verify."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_common import ledger_of, open_app, public_keys

if TYPE_CHECKING:
    from projections.ledger import Ledger


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
    ledger = ledger_of(args)
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
        public = public_keys(args.public_key)
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
    app = open_app(args.database_url)
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


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
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
