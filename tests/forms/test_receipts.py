"""Receipts checked against the log, on SQLite and PostgreSQL: a genuine receipt
verifies; after a change of the records it says "changed since" and what changed;
an altered digest or checkpoint is refused; a store rewritten below the receipt's
position is reported as tampered — from the database or from an export of it."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domain import commands as c
from domain.application import MinhBach
from forms.documents import Document, covering_checkpoint, make, signed_position, subject_of
from forms.evidence import export_log, load_log
from forms.extract import receipt_from_bytes
from forms.receipt import Receipt
from forms.verification import (
    CHANGED,
    REFUSED,
    TAMPERED,
    UNPROVEN,
    VALID,
    ReceiptReport,
    stored_leaves,
    verify_receipt,
)
from projections.ledger import Ledger
from projections.replay import replay
from projections.signing import generate
from tests.app.scenario import build_agency, manager
from tests.app.test_projection_properties import History
from tests.audit.tamper import Tamperer
from tests.conftest import FakeClock

KEY = generate()
CRITERIA = {"I.1": "5", "I.2": "4", **{f"{g}.{n}": "2" for g in ("II", "III") for n in range(1, 5)}}


@pytest.fixture
def ledger(app: MinhBach, clock: FakeClock) -> Iterator[Ledger]:
    """Three months of work in a small agency, and a signed checkpoint."""
    build_agency(app)
    history = History(app)
    for month in (1, 2, 3):
        for code in ("CV1", "CV2"):
            history.work(code, month, late=month - 1, failures=month % 2, ad_hoc=False, finish=True)
        score(app, "CV1", month, CRITERIA)
    ledger = Ledger(app, signer=KEY)
    ledger.catch_up(force_checkpoint=True)
    yield ledger
    ledger.engine.dispose()


def score(app: MinhBach, code: str, month: int, scores: dict[str, str]) -> None:
    app.execute(
        c.ScoreCriteria(
            servant=code,
            period=f"2026-{month:02d}",
            scores={k: Decimal(v) for k, v in scores.items()},
        ),
        manager("TP1"),
    )


def form_02(ledger: Ledger, position: int | None = None, when: datetime | None = None) -> Document:
    ledger.catch_up(force_checkpoint=True)
    asked = position is not None or when is not None
    replayed = replay(ledger.app, upto=position if asked else signed_position(ledger), until=when)
    return make(
        "form-02",
        subject_of("form-02", servant="CV1", year=2026),
        replayed,
        covering_checkpoint(ledger, replayed.position),
        ledger.app.clock(),
        as_of_time=when,
    )


def check(ledger: Ledger, receipt: Receipt) -> ReceiptReport:
    return verify_receipt(
        ledger.app,
        receipt,
        KEY.public,
        checkpoints=ledger.checkpoints(),
        leaves=stored_leaves(ledger.engine),
    )


def test_a_genuine_receipt_verifies(ledger: Ledger) -> None:
    document = form_02(ledger)
    receipt = receipt_from_bytes(document.data)
    report = check(ledger, receipt)
    assert report.verdict == VALID, report.problems
    assert report.checkpoint == receipt.checkpoint and not report.changes


def test_after_a_change_the_receipt_says_changed_since_and_what_changed(ledger: Ledger) -> None:
    document = form_02(ledger)
    score(ledger.app, "CV1", 2, {**CRITERIA, "I.2": "1"})  # the evaluator lowers February
    report = check(ledger, document.receipt)
    assert report.verdict == CHANGED and report.authentic
    paths = {change.path: change for change in report.changes}
    assert "periods.2026-02.score" in paths and "classification.annual_score" in paths
    then, now = paths["periods.2026-02.score"].then, paths["periods.2026-02.score"].now
    assert Decimal(now) == Decimal(then) - 3
    assert "periods.2026-01.score" not in paths  # only what changed is named
    assert form_02(ledger).receipt.digest != document.receipt.digest  # a new form differs


def test_an_altered_digest_or_checkpoint_is_refused(ledger: Ledger) -> None:
    receipt = form_02(ledger).receipt
    assert receipt.checkpoint is not None
    forged_digest = dataclasses.replace(receipt, digest="0" * 64)
    report = check(ledger, forged_digest)
    assert report.verdict == REFUSED and "digest does not match" in report.problems[0]
    other_root = dataclasses.replace(receipt.checkpoint, root_hash="ab" * 32)
    report = check(ledger, dataclasses.replace(receipt, checkpoint=other_root))
    assert report.verdict == REFUSED and "not signed by this key" in report.problems[0]
    resigned = dataclasses.replace(receipt.checkpoint, signature=generate().sign(b"x"))
    assert check(ledger, dataclasses.replace(receipt, checkpoint=resigned)).verdict == REFUSED
    garbled = dataclasses.replace(receipt.checkpoint, root_hash="not hex")
    assert check(ledger, dataclasses.replace(receipt, checkpoint=garbled)).verdict == REFUSED
    later = dataclasses.replace(receipt, position=receipt.position + 50)
    assert check(ledger, later).verdict == REFUSED


def test_a_store_tampered_with_below_the_position_is_reported(ledger: Ledger) -> None:
    receipt = form_02(ledger).receipt
    Tamperer(ledger.app.storage).change_one_byte(20)
    report = check(ledger, receipt)
    assert report.verdict == TAMPERED and not report.authentic
    assert any("does not match the events it covers" in p for p in report.problems)
    assert any(p.startswith("edited: event 20 ") for p in report.problems), report.problems


def test_a_deleted_event_below_the_position_is_reported(ledger: Ledger) -> None:
    receipt = form_02(ledger).receipt
    Tamperer(ledger.app.storage).delete(30)
    report = check(ledger, receipt)
    assert report.verdict == TAMPERED
    assert any("deleted: event 30 " in p for p in report.problems), report.problems


def test_an_export_of_the_log_verifies_without_the_database(ledger: Ledger, tmp_path: Path) -> None:
    receipt = form_02(ledger).receipt
    export = tmp_path / "log.jsonl"
    with export.open("w", encoding="utf-8") as out:
        checkpoint, count = export_log(ledger, out)
    assert count == checkpoint.size
    loaded = load_log(export, tmp_path)
    report = verify_receipt(loaded.app, receipt, KEY.public, checkpoints=loaded.checkpoints)
    assert report.verdict == VALID, report.problems
    loaded.app.close()
    # one event's bytes changed in the export: the signed root no longer matches
    lines = export.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[12])
    state = base64.b64decode(event["state"]).replace(b'"actor":"', b'"actor":"X', 1)
    lines[12] = json.dumps({**event, "state": base64.b64encode(state).decode()})
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    loaded = load_log(forged, other)
    report = verify_receipt(loaded.app, receipt, KEY.public, checkpoints=loaded.checkpoints)
    assert report.verdict == TAMPERED
    loaded.app.close()


def test_a_form_as_of_a_past_moment_is_that_form_and_says_so(
    ledger: Ledger, clock: FakeClock
) -> None:
    before = form_02(ledger)
    moment = clock.at
    clock.advance(days=1)
    score(ledger.app, "CV1", 1, {**CRITERIA, "I.1": "2"})
    past = form_02(ledger, when=moment + timedelta(seconds=1))
    assert past.content == before.content and past.receipt.digest == before.receipt.digest
    assert past.receipt.as_of_time is not None
    from pypdf import PdfReader

    text = " ".join(PdfReader(io.BytesIO(past.data)).pages[0].extract_text().split())
    assert "Bản theo số liệu tại thời điểm" in text and "as of a past moment" in text
    report = check(ledger, past.receipt)
    assert report.verdict == CHANGED  # true then, not now
    assert "periods.2026-01.score" in {change.path for change in report.changes}


def test_without_a_signed_checkpoint_the_receipt_is_unproven(app: MinhBach) -> None:
    build_agency(app)
    History(app).work("CV1", 1, late=0, failures=0, ad_hoc=False, finish=True)
    unsigned = Ledger(app)  # no key here
    unsigned.catch_up()
    replayed = replay(app)
    document = make(
        "form-01",
        subject_of("form-01", servant="CV1", period="2026-01"),
        replayed,
        covering_checkpoint(unsigned, replayed.position),
        app.clock(),
    )
    assert document.receipt.checkpoint is None
    report = verify_receipt(app, document.receipt, KEY.public)
    assert report.verdict == UNPROVEN and "nothing proves" in report.problems[0]
    unsigned.engine.dispose()
