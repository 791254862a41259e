"""Form 01 and Form 02 of a period the evaluator has not confirmed (Art. 17(2)): no
score is printed, the form says it awaits confirmation, and its data keeps the shape
receipts were issued on."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from domain import commands as c
from domain.application import MinhBach
from forms.documents import make, subject_of
from projections.replay import replay
from tests.app.scenario import assign, build_agency, manager, servant

MADE_AT = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_art_17_2_forms_of_an_unconfirmed_period_say_it_awaits_confirmation(
    app: MinhBach,
) -> None:
    build_agency(app)
    assign(app, "T1")
    app.execute(
        c.SubmitResult.model_validate(
            {"task": "T1", "completed_quantity": "2", "completed_on": "2026-03-09"}
        ),
        servant("CV1"),
    )
    app.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1"))
    replayed = replay(app)
    form01 = make(
        "form-01", subject_of("form-01", servant="CV1", period="2026-03"), replayed, None, MADE_AT
    )
    assert "status" not in form01.content["result"]
    assert form01.content["result"]["score"] is None
    assert "chờ cấp có thẩm quyền xác nhận" in " ".join(_text(form01.data).split())
    form02 = make(
        "form-02", subject_of("form-02", servant="CV1", year=2026), replayed, None, MADE_AT
    )
    assert "chờ xác nhận điểm tiêu chí chung" in " ".join(_text(form02.data).split())
