"""Commands for inspectors: explanations, publications, evidence bundles and
decision traces, and their offline checks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_common import agency_replayer, as_of_replay, moment, open_app, servant_replayer

if TYPE_CHECKING:
    from projections.bundle import BundleReport


def cmd_explain(args: argparse.Namespace) -> int:
    from projections.explain import Explainer, StoreEvents, render
    from projections.ledger import Ledger

    app = open_app(args.database_url)
    explainer = Explainer(StoreEvents(app, Ledger(app)), as_of_replay(app, args, args.servant))
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
    from projections.publication import ORGANISATIONS, SERVANTS, draft, reproduce
    from projections.routed_replay import agency_record

    app = open_app(args.database_url)
    kind = ORGANISATIONS if args.organisations else SERVANTS
    # The agency's component only (projections.routed_replay), not the whole log.
    replayer = agency_replayer(app, args.agency)
    if args.action == "publish":
        table = draft(app, args.agency, args.year, kind, replayer(None))
        ctx = CommandContext(Actor(args.actor, Role(args.role)), args.notice)
        result = app.execute(table.command(), ctx)
        print(
            f"published {len(table.rows)} rows of {args.agency} {args.year} as computed at "
            f"position {table.position}: publication {result.result['publication']}, "
            f"digest {table.digest}"
        )
        return 0
    if args.whole_log:  # every event read and folded: nothing derived is trusted
        outcome = reproduce(app, args.agency, args.year, args.publication, kind)
    else:
        outcome = reproduce(
            app,
            args.agency,
            args.year,
            args.publication,
            kind,
            live=lambda: nullcontext(agency_record(app, args.agency)),
            replayer=replayer,
        )
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

    app = open_app(args.database_url)
    bundle = make_bundle(
        app,
        Ledger(app, signer=signer_from_environment()),
        args.servant,
        args.year,
        replayer=servant_replayer(app, args.servant),
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

    app = open_app(args.database_url)
    # Named, the agency's component is enough (projections.routed_replay).
    replayer = agency_replayer(app, args.agency) if args.agency else None
    ledger = Ledger(app, signer=signer_from_environment())
    trace = make_trace(app, ledger, args.decision, args.agency, args.format, replayer)
    if args.out:
        Path(args.out).write_text(json.dumps(trace, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"trace of {args.decision} → {args.out}")
    print(trace["text"])
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    p_explain = sub.add_parser("explain", help="how a classification or period result arose")
    p_explain.add_argument("servant")
    p_explain.add_argument("year", type=int)
    p_explain.add_argument("--period", help="one period (YYYY-MM or YYYY-Qn) instead of the year")
    p_explain.add_argument("--format", choices=["vi", "en", "json"], default="vi")
    p_explain.add_argument("--as-of-position", type=int, help="as the log stood at this position")
    p_explain.add_argument(
        "--as-of-time", type=moment, help="as the log stood at this moment (ISO 8601)"
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
    p_audit.add_argument(
        "--organisations",
        action="store_true",
        help="the organisations the agency's head recognises (Chapter II), not its servants",
    )
    p_audit.add_argument(
        "--whole-log",
        action="store_true",
        help="reproduce: replay every event instead of the agency's component read through "
        "the event routes (trusts nothing derived from the events)",
    )
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
