"""Seconds to make Form 02 for every servant of the demo agency, and to check one receipt.

The demo agency (45 servants, ≈ 14,000 events) is loaded into a fresh database of
each backend and its ledger signed; then, per round: one replay of the log (what
a request for "now" costs once), Form 02 for every servant from that replay (data,
digest, PDF with its QR code), and the verification of one receipt (the signed root
recomputed from every event, two replays). Medians over the rounds; the forms'
CPU time beside their wall time, since the machine is shared.

    .venv/bin/python -m benchmarks.forms [--rounds 3] [--backends sqlite,postgres]
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from benchmarks.common.databases import fresh_database
from benchmarks.common.options import chosen_backends, parser_for
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.timing import timed
from demo import AGENCY, load_demo
from domain.application import MinhBach
from forms.documents import covering_checkpoint, make, signed_position, subject_of
from forms.verification import VALID, verify_receipt
from projections.ledger import Ledger
from projections.replay import replay
from projections.signing import generate

YEAR = 2026


def clock() -> datetime:
    return datetime(YEAR + 1, 1, 10, tzinfo=UTC)


def measure(app: MinhBach, ledger: Ledger) -> tuple[float, float, float, float, int]:
    position = signed_position(ledger)
    replayed, replay_s = timed(lambda: replay(app, upto=position))
    checkpoint = covering_checkpoint(ledger, replayed.position)
    servants = sorted(
        code
        for (code, year), row in replayed.deriver.annual_rows.items()
        if year == YEAR and row["agency_code"] == AGENCY
    )

    def every_form() -> list[bytes]:
        return [
            make(
                "form-02",
                subject_of("form-02", servant=s, year=YEAR),
                replayed,
                checkpoint,
                clock(),
            ).data
            for s in servants
        ]

    cpu = time.process_time()
    forms, forms_s = timed(every_form)
    forms_cpu = time.process_time() - cpu
    assert all(f.startswith(b"%PDF") for f in forms)
    receipt = make(
        "form-02",
        subject_of("form-02", servant=servants[0], year=YEAR),
        replayed,
        checkpoint,
        clock(),
    ).receipt
    assert ledger.signer is not None
    report, verify_s = timed(lambda: verify_receipt(app, receipt, ledger.signer.public))  # type: ignore[union-attr]
    assert report.verdict == VALID, report.problems
    return replay_s, forms_s, forms_cpu, verify_s, len(servants)


def main() -> None:
    parser = parser_for(__doc__, rounds=3)
    args = parser.parse_args()
    rows = []
    for backend in chosen_backends(parser, args):
        with fresh_database(backend, args.postgres_url) as storage:
            app = MinhBach(storage, clock=clock)
            log(f"{backend}: loading the demo agency …")
            load_demo(app, YEAR)
            ledger = Ledger(app, signer=generate())
            ledger.catch_up(force_checkpoint=True)
            results = [measure(app, ledger) for _ in range(args.rounds)]
            for n, (r, f, cpu, v, count) in enumerate(results, start=1):
                log(
                    f"  round {n}: replay {r:.2f} s, {count} forms {f:.2f} s "
                    f"({cpu:.2f} s CPU), verify {v:.2f} s"
                )
            ledger.engine.dispose()
            app.close()
        median = sorted(results, key=lambda x: x[1])[len(results) // 2]
        replay_s, forms_s, forms_cpu, verify_s, count = median
        rows.append(
            [
                backend,
                str(count),
                f"{replay_s:.2f}",
                f"{forms_s:.2f}",
                f"{forms_cpu:.2f}",
                f"{forms_s / count * 1000:.0f}",
                f"{replay_s + forms_s:.2f}",
                f"{verify_s:.2f}",
            ]
        )
    print(
        markdown_table(
            [
                "backend",
                "servants",
                "replay s",
                "all Form 02 s",
                "of which CPU s",
                "ms per form",
                "total s",
                "verify one receipt s",
            ],
            rows,
            "lrrrrrrr",
        )
    )


if __name__ == "__main__":
    main()
