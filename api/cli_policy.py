"""``minhbach policy …`` and ``minhbach interim``: the readings of the decree an agency
applies, and the quarter and half-year results."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.application import MinhBach

LEVELS = ["EXCELLENT", "GOOD", "COMPLETE", "FAIL"]


def _app(args: argparse.Namespace) -> MinhBach:
    from api.cli_common import open_app

    return open_app(args.database_url)


def cmd_policy_list(args: argparse.Namespace) -> int:
    from domain.policy import POLICIES, VARIANTS, policy_variant

    for policy in POLICIES.values():
        print(f"{policy.label:<45} in force from {policy.in_force_from.isoformat()}")
    for (policy_id, name), variant in VARIANTS.items():
        built = policy_variant(policy_id, name)
        changes = ", ".join(f"{k}={built.parameters()[k]}" for k, _ in variant.overrides)
        print(f"{built.label:<45} {changes}")
        print(f"{'':<45} {variant.description_vi}")
    return 0


def cmd_policy_show(args: argparse.Namespace) -> int:
    from domain.agency import Agency, agency_id
    from domain.errors import NotFound

    app = _app(args)
    agency = app.find(Agency, agency_id(args.agency))
    if agency is None:
        raise NotFound(f"agency {args.agency} not found")
    day = args.on or app.clock().date()
    print(f"{args.agency} on {day.isoformat()}: {agency.policy_on(day).label}")
    for adoption in agency.policy_adoptions:
        print(
            f"  from {adoption.effective_from.isoformat()}: "
            f"{adoption.policy_id} / {adoption.variant or '(as published)'} "
            f"— {adoption.document_ref or ''}"
        )
    return 0


def cmd_policy_adopt(args: argparse.Namespace) -> int:
    from domain import commands as c
    from domain.actors import Actor, CommandContext, Role

    app = _app(args)
    command = c.AdoptPolicyVariant(
        agency=args.agency,
        policy_id=args.policy,
        variant=args.variant,
        effective_from=args.effective_from,
    )
    ctx = CommandContext(Actor(args.actor, Role.AUTHORITY), source_ref=args.decision)
    result = app.execute(command, ctx, idempotency_key=args.key)
    state = "already recorded" if result.replayed else "recorded"
    print(
        f"{args.agency} applies {result.result.get('policy', args.variant)} from "
        f"{args.effective_from.isoformat()} ({args.decision}); {state} at log position "
        f"{result.position}"
    )
    return 0


def cmd_interim(args: argparse.Namespace) -> int:
    from api.cli_common import print_table, projector_of
    from projections.queries import interim_page

    projector = projector_of(args)
    position = projector.catch_up()
    with projector.engine.connect() as conn:
        rows, total = interim_page(
            conn,
            args.agency,
            args.span,
            unit=args.unit,
            peer_group=args.peer_group,
            level=args.level,
            limit=args.limit,
        )
    print_table(
        rows,
        ["servant_code", "unit_code", "peer_group", "periods", "score", "level", "policy_variant"],
    )
    print(f"{len(rows)} of {total} (views at log position {position})")
    return 0


def _span(text: str) -> str:
    from projections.interim import span_months

    try:
        span_months(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a quarter or half-year: {text!r}") from None
    return text


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    p_policy = sub.add_parser("policy", help="the policies and variants, and who applies which")
    actions = p_policy.add_subparsers(dest="action", required=True)
    p_list = actions.add_parser("list", help="every registered policy and variant")
    p_list.set_defaults(func=cmd_policy_list)
    p_show = actions.add_parser("show", help="the policy an agency applies, and its adoptions")
    p_show.add_argument("agency")
    p_show.add_argument("--on", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
    p_show.set_defaults(func=cmd_policy_show)
    p_adopt = actions.add_parser(
        "adopt", help="record an agency's decision to apply a variant from a date"
    )
    p_adopt.add_argument("agency")
    p_adopt.add_argument("variant", nargs="?", help="omit to go back to the policy as published")
    p_adopt.add_argument("--from", dest="effective_from", type=date.fromisoformat, required=True)
    p_adopt.add_argument("--decision", required=True, help="the decision's reference")
    p_adopt.add_argument("--policy", default="ND335-2025")
    p_adopt.add_argument("--actor", default="authority", help="who decided (role authority)")
    p_adopt.add_argument("--key", help="idempotency key: the same key records it once")
    p_adopt.set_defaults(func=cmd_policy_adopt)

    p_interim = sub.add_parser("interim", help="quarter or half-year results of an agency")
    p_interim.add_argument("agency")
    p_interim.add_argument("span", type=_span, help="2026-Q2 or 2026-H1")
    p_interim.add_argument("--unit")
    p_interim.add_argument("--peer-group")
    p_interim.add_argument("--level", choices=LEVELS)
    p_interim.add_argument("--limit", type=int, default=100)
    p_interim.set_defaults(func=cmd_interim)
