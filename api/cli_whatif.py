"""``minhbach whatif`` and ``minhbach leniency``: an agency's year read under another
policy variant, and the indicators of lenient evaluation. Both replay the log into
memory (now, or as of a past position) and write nothing."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projections.leniency import LeniencyReport
    from projections.replay import Replayed
    from projections.whatif import WhatIf

WHATIF_COLUMNS = [
    "servant",
    "unit",
    "score",
    "level",
    "what_if_score",
    "what_if_level",
    "reason",
]
LENIENCY_COLUMNS = [
    "indicator",
    "group_kind",
    "group",
    "sample",
    "servants",
    "value",
    "reference",
    "test",
    "statistic",
    "flagged",
    "events",
]


def _replayed(args: argparse.Namespace, routed: bool = False) -> tuple[Any, Replayed]:
    """The log as of ``--as-of``; ``routed``: the agency's component only
    (``projections.routed_replay``: what its year rests on)."""
    from api.cli_common import agency_replayer, open_app
    from projections.replay import replay

    app = open_app(args.database_url)
    found = agency_replayer(app, args.agency)(args.as_of) if routed else None
    return app, replay(app, upto=args.as_of) if found is None else found


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    from api.cli_common import print_table

    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        print_table(rows, columns)


def whatif_rows(result: WhatIf) -> list[dict[str, Any]]:
    rows = []
    for s in result.servants:
        reason = s.reason
        rows.append(
            {
                "servant": s.servant,
                "unit": s.unit,
                "score": s.score[0],
                "level": s.level[0],
                "what_if_score": s.score[1],
                "what_if_level": s.level[1],
                "reason": f"{reason.key}: {reason.result[0]} → {reason.result[1]} ({reason.rule})"
                if reason and s.changed
                else "",
            }
        )
    return rows


def cmd_whatif(args: argparse.Namespace) -> int:
    from projections.whatif import what_if

    _, replayed = _replayed(args, routed=True)
    result = what_if(replayed, args.agency, args.year, args.policy, unit=args.unit)
    if args.format == "json":
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    _emit(whatif_rows(result), WHATIF_COLUMNS, args.format)
    if args.format == "table":
        print()
        for level, (before, after) in result.totals.items():
            print(f"{level:<10} {before:>5} → {after:<5}")
        moved = sum(1 for s in result.servants if s.level_changed)
        print(
            f"{moved} of {len(result.servants)} change level under {result.label}; "
            f"log position {result.position}; nothing written"
        )
    return 0


def leniency_rows(report: LeniencyReport, everything: bool) -> list[dict[str, Any]]:
    return [
        {
            "indicator": f.indicator,
            "group_kind": f.group_kind,
            "group": f.group,
            "sample": f.sample,
            "servants": f.servants,
            "value": round(f.value, 4),
            "reference": None if f.reference is None else round(f.reference, 4),
            "test": f.test,
            "statistic": None if f.statistic is None else f"{f.statistic:.3g}",
            "flagged": "yes" if f.flagged else "",
            "events": " ".join(map(str, f.positions[:12]))
            + (" …" if len(f.positions) > 12 else ""),
        }
        for f in report.findings
        if everything or f.flagged
    ]


def cmd_leniency(args: argparse.Namespace) -> int:
    from projections.leniency import leniency

    app, replayed = _replayed(args, routed=True)
    report = leniency(app, replayed, args.agency, args.year)
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    _emit(leniency_rows(report, args.all), LENIENCY_COLUMNS, args.format)
    if args.format == "table":
        print(
            f"{len(report.flagged)} flags of {len(report.findings)} comparisons; a flag is a "
            f"question for an inspector, not a finding (log position {report.position})"
        )
    return 0


def _position(text: str) -> int:
    """A log position: a whole number of 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a log position (0 or more): {text!r}")
    return int(text)


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    p_whatif = sub.add_parser(
        "whatif", help="an agency's year recomputed under another policy variant (writes nothing)"
    )
    p_whatif.add_argument("agency")
    p_whatif.add_argument("year", type=int)
    p_whatif.add_argument(
        "--policy",
        required=True,
        help="a variant's name (see `policy list`), `published`, or `adopted`",
    )
    p_whatif.add_argument("--unit", help="show one unit (the pools stay the agency's)")
    p_whatif.add_argument("--as-of", type=_position, help="as the log stood at this position")
    p_whatif.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p_whatif.set_defaults(func=cmd_whatif)

    p_leniency = sub.add_parser(
        "leniency", help="indicators of lenient evaluation per evaluator and per unit"
    )
    p_leniency.add_argument("agency")
    p_leniency.add_argument("year", type=int)
    p_leniency.add_argument("--as-of", type=_position, help="as the log stood at this position")
    p_leniency.add_argument("--all", action="store_true", help="every comparison, not only flags")
    p_leniency.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p_leniency.set_defaults(func=cmd_leniency)
