"""Documents over HTTP: the same scopes as the servant-year and standings queries,
the files and their receipts, the verification endpoint and the public /verify page."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import serialization
from openpyxl import load_workbook
from pypdf import PdfReader

from domain import commands as c
from domain.application import MinhBach
from forms.extract import receipt_from_bytes
from projections import signing
from tests.app.scenario import manager
from tests.e2e.test_http_roles import FULL_CRITERIA, World, make_world, month_done

KEY = signing.generate()


@pytest.fixture
def signed_world(app: MinhBach, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The service signs its ledger with a key of its own (as configured in production)."""
    seed = KEY.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    monkeypatch.setenv(signing.KEY_ENV, base64.b64encode(seed).decode())
    yield from make_world(app, follow=False)


def test_forms_follow_the_read_scopes(signed_world: World) -> None:
    world = signed_world
    month_done(world.app, "CV1", "TP1")
    month_done(world.app, "CV3", "TP2")
    form = world.get("cv1", "/servants/CV1/periods/2026-03/forms/01")
    assert form.status_code == 200, form.text
    assert form.headers["content-type"] == "application/pdf"
    receipt = receipt_from_bytes(form.content)
    assert receipt.subject == {"servant": "CV1", "period": "2026-03"}
    assert form.headers["X-Data-Digest"] == receipt.digest
    assert receipt.checkpoint is not None  # the service signed the log it was made from
    assert (
        "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC"
        in PdfReader(io.BytesIO(form.content)).pages[0].extract_text()
    )
    assert world.get("cv1", "/servants/CV3/years/2026/forms/02").status_code == 403
    assert world.get("tp1", "/servants/CV3/periods/2026-03/forms/01").status_code == 403
    assert world.get("tp2", "/servants/CV3/years/2026/forms/02").status_code == 200
    assert world.get(None, "/servants/CV1/years/2026/forms/02").status_code == 401
    assert world.get("hr-snv", "/servants/CV1/periods/2026-13/forms/01").status_code == 422
    assert world.get("hr-snv", "/servants/CV1/periods/2026-04/forms/01").status_code == 404
    assert world.get("cv1", "/agencies/SNV/years/2026/summary").status_code == 403
    unit = world.get("tp1", "/agencies/SNV/years/2026/summary", format="xlsx")
    assert unit.status_code == 200, unit.text
    rows = list(load_workbook(io.BytesIO(unit.content))["Tổng hợp"].iter_rows(values_only=True))
    assert {r[1] for r in rows[5:]} == {"CV1"}  # a unit head's summary is their unit's
    whole = world.get("hr-snv", "/agencies/SNV/years/2026/summary")
    assert whole.status_code == 200 and whole.content.startswith(b"%PDF")
    assert world.get("hr-snv", "/agencies/SXD/years/2026/summary").status_code == 403


def test_a_receipt_is_checked_by_anyone_and_changes_are_named_not_shown(
    signed_world: World,
) -> None:
    world = signed_world
    month_done(world.app, "CV1", "TP1")
    form = world.get("cv1", "/servants/CV1/years/2026/forms/02")
    receipt = receipt_from_bytes(form.content)
    answer = world.client.post("/api/v1/receipts/verification", json={"receipt": receipt.text()})
    assert answer.status_code == 200, answer.text
    assert answer.json()["verdict"] == "valid" and answer.json()["authentic"]
    lower = {k: Decimal(v) for k, v in {**FULL_CRITERIA, "I.1": "1"}.items()}
    world.app.execute(
        c.ScoreCriteria(servant="CV1", period="2026-03", scores=lower), manager("TP1")
    )
    answer = world.client.post("/api/v1/receipts/verification", json={"receipt": receipt.text()})
    body = answer.json()
    assert body["verdict"] == "changed"
    assert "classification.annual_score" in body["changed"]
    assert "87" not in str(body["changed"])  # field names only, no values
    forged = receipt.text().replace(receipt.digest, "f" * 64)
    answer = world.client.post("/api/v1/receipts/verification", json={"receipt": forged})
    assert answer.json()["verdict"] == "refused"
    answer = world.client.post("/api/v1/receipts/verification", json={"receipt": "not json"})
    assert answer.status_code == 422 and set(answer.json()) == {"code", "message", "details"}


def test_the_verify_page_takes_a_pasted_receipt_or_the_document(signed_world: World) -> None:
    world = signed_world
    month_done(world.app, "CV1", "TP1")
    form = world.get("cv1", "/servants/CV1/periods/2026-03/forms/01")
    page = world.client.get("/verify")
    assert page.status_code == 200 and "Kiểm chứng biên nhận" in page.text
    pasted = world.client.post("/verify", data={"receipt": receipt_from_bytes(form.content).text()})
    assert pasted.status_code == 200 and "KHỚP" in pasted.text, pasted.text
    uploaded = world.client.post(
        "/verify", files={"document": ("f.pdf", form.content, "application/pdf")}
    )
    assert uploaded.status_code == 200 and "KHỚP" in uploaded.text
    junk = world.client.post(
        "/verify", files={"document": ("x.pdf", b"%PDF-1.4 junk", "application/pdf")}
    )
    assert junk.status_code == 400 and "Không đọc được biên nhận" in junk.text
    empty = world.client.post("/verify", data={"receipt": " "})
    assert empty.status_code == 400


@pytest.fixture
def unsigned_world(app: MinhBach, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name in (signing.KEY_ENV, signing.KEY_FILE, "MINHBACH_LEDGER_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield from make_world(app, follow=False)


def test_without_a_key_forms_say_unsigned_and_checks_are_refused(unsigned_world: World) -> None:
    world = unsigned_world
    month_done(world.app, "CV1", "TP1")
    form = world.get("cv1", "/servants/CV1/periods/2026-03/forms/01")
    assert form.status_code == 200
    receipt = receipt_from_bytes(form.content)
    assert receipt.checkpoint is None
    text = " ".join(PdfReader(io.BytesIO(form.content)).pages[-1].extract_text().split())
    assert "chưa có điểm kiểm tra được ký" in text
    answer = world.client.post("/api/v1/receipts/verification", json={"receipt": receipt.text()})
    assert answer.status_code == 409 and "no ledger key" in answer.json()["message"]
    page = world.client.post("/verify", data={"receipt": receipt.text()})
    assert page.status_code == 400 and "no ledger key" in page.text
