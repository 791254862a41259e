"""The documents of the demo agency, read back from the PDF's text (and the workbook's
cells): every number equals the read model's (the SQL views, not the replay that
made the document), levels are in the decree's words, and diacritics survive."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from domain.application import MinhBach
from domain.errors import NotFound
from domain.evaluation import PeriodEvaluation, evaluation_id
from forms import wording
from forms.documents import Document, covering_checkpoint, make, signed_position, subject_of
from forms.extract import receipt_from_bytes
from projections import queries
from projections.ledger import Ledger
from projections.replay import replay
from projections.runner import Projector
from tests.forms.demo_world import (
    CAPPED,
    DECIDED,
    DEPARTED,
    FAILED,
    LEADER,
    STAFF,
    TIED,
    YEAR,
    DemoFile,
    clock,
)


@dataclass
class Demo:
    app: MinhBach
    ledger: Ledger
    projector: Projector

    def document(self, kind: str, file_format: str = "pdf", **subject: Any) -> Document:
        replayed = replay(self.app, upto=signed_position(self.ledger))
        checkpoint = covering_checkpoint(self.ledger, replayed.position)
        return make(
            kind,
            subject_of(kind, **subject),
            replayed,
            checkpoint,
            clock(),
            file_format=file_format,
        )

    def period_row(self, servant: str, period: str) -> dict[str, Any]:
        with self.projector.engine.connect() as conn:
            rows = queries.period_results_of(conn, servant, YEAR)
        return next(r for r in rows if r["period"] == period)

    def periods(self, servant: str) -> list[dict[str, Any]]:
        with self.projector.engine.connect() as conn:
            return queries.period_results_of(conn, servant, YEAR)

    def annual(self, servant: str) -> dict[str, Any]:
        with self.projector.engine.connect() as conn:
            row = queries.annual_classification(conn, servant, YEAR)
        assert row is not None
        return row


@pytest.fixture(scope="module")
def demo(demo_file: DemoFile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    app, ledger = demo_file.open(tmp_path_factory.mktemp("documents"))
    projector = Projector(app)
    projector.catch_up()
    yield Demo(app, ledger, projector)
    app.close()


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def vn(value: str | None, places: int | None = None) -> str:
    """The read model's text as the form writes it (decimal comma)."""
    assert value is not None
    decimal = Decimal(value)
    if places is not None:
        decimal = decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(decimal, "f").replace(".", ",")


def short(value: str | None) -> str:
    """a, b, c and ratios: exact up to four places, else rounded to four."""
    exact = vn(value)
    return exact if len(exact.partition(",")[2]) <= 4 else vn(value, 4)


NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def test_form_01_of_a_leader_shows_the_read_models_numbers(demo: Demo) -> None:
    period = "2026-11"
    row = demo.period_row(LEADER, period)
    assert row["d"] is not None  # a leader: d, đ, e on the form
    document = demo.document("form-01", servant=LEADER, period=period)
    text = text_of(document.data)
    for line in (*NATIONAL, "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC", "Mẫu số 01"):
        assert line in text
    assert "(Kỳ theo dõi, đánh giá: tháng 11 năm 2026)" in text
    assert "Nguyễn Hữu Long (SNV-HN-004)" in text  # diacritics survive
    assert f"1. Điểm tiêu chí chung: {vn(row['criteria_total'])}" in text
    assert f"3. Tổng điểm theo dõi, đánh giá công chức: {vn(row['score'])} điểm" in text
    assert f"nhiệm vụ: {short(row['task_ratio'])} (= (a + b + c + d + đ + e) : 6" in text
    flat = " ".join(text.split())
    for label, key in (("a (số lượng)", "a"), ("b (chất lượng)", "b"), ("c (tiến độ)", "c")):
        assert f"{label} = {short(row[key])}" in flat
    assert f"d (kết quả của cơ quan, đơn vị) = {short(row['d'])}" in flat
    assert f"đ (năng lực tổ chức triển khai) = {short(row['dd'])}" in flat
    assert f"e (năng lực đoàn kết) = {short(row['e'])}" in flat
    assert f"Tổng số (quy đổi) {vn(row['assigned_units'])} {vn(row['completed_units'])}" in text
    assert f"Mức xếp loại theo điểm của kỳ (Điều 20): {wording.LEVELS[row['level']]}" in text
    evaluation = demo.app.find(PeriodEvaluation, evaluation_id(LEADER, period))
    assert evaluation is not None
    self_total = sum(evaluation.self_scores.values(), Decimal(0))
    assert f"Tổng cộng 30 {vn(str(self_total))} {vn(row['criteria_total'])}" in text
    for criterion in ("Ý thức kỷ luật, kỷ cương trong thực thi công vụ", "Tinh thần trách nhiệm"):
        assert criterion in text
    assert "CÔNG CHỨC TỰ ĐÁNH GIÁ" in text and "(Ký tên, ghi rõ họ tên)" in text


def test_form_01_of_staff_lists_every_task_with_its_quality_and_progress(demo: Demo) -> None:
    period = "2026-03"
    row = demo.period_row(STAFF, period)
    assert row["d"] is None and row["level"] == "COMPLETE"
    document = demo.document("form-01", servant=STAFF, period=period)
    text = text_of(document.data)
    flat = " ".join(text.split())
    explained = replay(demo.app).deriver.compute_period((STAFF, period))
    assert explained is not None
    steps = {(s.key, s.refs[0]): s.result for s in explained.result.steps if s.refs}
    tasks = document.content["tasks"]
    assert tasks
    for task in tasks:
        assert f"[{task['code']}]" in flat
        quality, progress = (
            steps[("item_quality", task["code"])],
            steps[("item_progress", task["code"])],
        )
        after = flat[flat.index(f"[{task['code']}]") :]
        numbers = f"{vn(task['completed_units'])} {short(quality)} {short(progress)}"
        assert numbers in after[:300], (task["code"], numbers, after[:300])
    assert "(a + b + c) : 3" in text and "d (kết quả" not in text
    assert f"{vn(row['score'])} điểm" in text
    assert wording.LEVELS["COMPLETE"] in text


def months_in(text: str) -> dict[str, str]:
    found = re.findall(r"^(\d{1,2}) (\d+,\d+)", text, flags=re.MULTILINE)
    return {f"{YEAR}-{int(m):02d}": score for m, score in found}


def test_form_02_of_a_fail_year_shows_months_mean_and_the_trigger(demo: Demo) -> None:
    annual = demo.annual(FAILED)
    assert annual["proposed_level"] == "FAIL" and annual["reason"] == "fail_trigger"
    text = text_of(demo.document("form-02", servant=FAILED, year=YEAR).data)
    for line in (*NATIONAL, "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC", "Mẫu số 02", "Năm 2026"):
        assert line in text
    assert months_in(text) == {p["period"]: vn(p["score"]) for p in demo.periods(FAILED)}
    assert len(months_in(text)) == 12
    assert f"bình cả năm {vn(annual['annual_score'])}" in text
    assert f"Mức xếp loại theo điểm (Điều 20): {wording.LEVELS[annual['level_by_score']]}" in text
    assert "Căn cứ Không hoàn thành nhiệm vụ (Điều 20 khoản 4): QĐ 123/QĐ-SNV" in text
    assert "Mức đề xuất của cơ quan tham mưu: Không hoàn thành nhiệm vụ" in text
    assert "Chưa có quyết định của cấp có thẩm quyền." in text


def test_form_02_of_a_tied_year_says_the_tie_is_pending(demo: Demo) -> None:
    annual = demo.annual(TIED)
    assert annual["status"] == "pending_tie" and annual["tied_with"]
    text = text_of(demo.document("form-02", servant=TIED, year=YEAR).data)
    assert f"bình cả năm {vn(annual['annual_score'])}" in text
    assert f"Bằng điểm tại ngưỡng tỷ lệ với: {', '.join(annual['tied_with'])}" in text
    assert "chờ người đứng đầu quyết định" in text
    assert "Bùi Tiến Thành" in text


def test_form_02_of_a_capped_head_and_of_decided_years(demo: Demo) -> None:
    capped = demo.annual(CAPPED)
    assert capped["level_by_score"] == "EXCELLENT" and capped["reason"] == "organisation_cap"
    text = text_of(demo.document("form-02", servant=CAPPED, year=YEAR).data)
    assert "Mức xếp loại theo điểm (Điều 20): Hoàn thành xuất sắc nhiệm vụ" in text
    assert (
        "Mức đề xuất của cơ quan tham mưu: Hoàn thành tốt nhiệm vụ (không cao hơn mức xếp loại "
        "của tổ chức" in " ".join(text.split())
    )
    departed = demo.annual(DEPARTED)
    assert departed["departs_from_proposal"]
    text = " ".join(text_of(demo.document("form-02", servant=DEPARTED, year=YEAR).data).split())
    assert "Theo quyết định QĐ 41/QĐ-SNV — khác mức đề xuất" in text
    # the decided level is the one ticked: an X right before its words
    assert "X Hoàn thành nhiệm vụ" in text
    text = " ".join(text_of(demo.document("form-02", servant=DECIDED, year=YEAR).data).split())
    assert "X Hoàn thành xuất sắc nhiệm vụ" in text and "khác mức đề xuất" not in text
    # the personnel decision resting on the year, under part IV
    assert "IV. ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ: QĐ 50/QĐ-SNV (commendation, proposed)" in text


def test_the_summary_lists_every_servant_with_the_read_models_numbers(demo: Demo) -> None:
    with demo.projector.engine.connect() as conn:
        rows, total = queries.standings(conn, "SNV-HN", YEAR, limit=500)
    assert total == 52  # 45 in the ordinary units, 7 in the lenient one
    document = demo.document("summary", agency="SNV-HN", year=YEAR)
    text = text_of(document.data)
    assert "BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in text
    for row in rows:
        line = next(x for x in text.splitlines() if row["servant_code"] in x)
        periods = demo.periods(row["servant_code"])
        expected = " ".join(vn(p["score"]) for p in periods) + f" {vn(row['annual_score'])}"
        assert expected in line, (row["servant_code"], line)
    assert "* Hoàn thành nhiệm vụ (QĐ 41/QĐ-SNV)" in " ".join(text.split())
    workbook = summary_workbook(demo)
    by_code = {r["servant_code"]: r for r in rows}
    assert set(workbook) == set(by_code)
    for code, cells in workbook.items():
        row = by_code[code]
        assert cells["Điểm TB năm"] == Decimal(row["annual_score"])
        assert cells["Mức theo điểm"] == wording.level_words(row["level_by_score"])
        assert cells["Mức đề xuất"] == wording.level_words(row["proposed_level"])
        assert cells["Mức quyết định"] == wording.level_words(row["decided_level"])
        assert cells["Khác đề xuất"] == ("*" if row["departs_from_proposal"] else "")
        for period in demo.periods(code):
            assert cells[period["period"]] == Decimal(period["score"])


def summary_workbook(demo: Demo) -> dict[str, dict[str, Any]]:
    document = demo.document("summary", "xlsx", agency="SNV-HN", year=YEAR)
    sheet = load_workbook(io.BytesIO(document.data))["Tổng hợp"]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[4])
    out = {}
    for row in values[5:]:
        cells = {str(h): ("" if v is None else v) for h, v in zip(header, row, strict=True)}
        for key, value in cells.items():
            if isinstance(value, float | int) and key != "TT":
                cells[key] = Decimal(str(value))
        out[str(cells["Mã công chức"])] = cells
    assert receipt_from_bytes(document.data) == document.receipt
    return out


def test_a_unit_summary_holds_that_unit_only(demo: Demo) -> None:
    document = demo.document("summary", agency="SNV-HN", year=YEAR, unit="TTR")
    assert {r["unit_code"] for r in document.content["rows"]} == {"TTR"}
    assert len(document.content["rows"]) == 8
    assert "Thanh tra Sở" in text_of(document.data)


def test_every_document_carries_its_receipt_embedded_and_printed(demo: Demo) -> None:
    document = demo.document("form-02", servant=TIED, year=YEAR)
    receipt = receipt_from_bytes(document.data)
    assert receipt == document.receipt
    assert receipt.checkpoint is not None and receipt.position == document.receipt.position
    text = " ".join(text_of(document.data).split())
    assert f"Vị trí nhật ký / log position: {receipt.position}" in text
    assert receipt.digest in text.replace(" ", "")
    assert f"điểm kiểm tra số {receipt.checkpoint.seq}" in text


def test_unknown_records_are_not_found(demo: Demo) -> None:
    with pytest.raises(NotFound):
        demo.document("form-01", servant="SNV-HN-999", period="2026-03")
    with pytest.raises(NotFound):
        demo.document("form-02", servant=STAFF, year=2025)
    with pytest.raises(NotFound):
        demo.document("summary", agency="SNV-HN", year=YEAR, unit="NOPE")


def test_the_qr_code_on_the_printed_page_holds_the_receipt(demo: Demo, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    document = demo.document("form-01", servant=STAFF, period="2026-03")
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(document.data)
    pages = len(PdfReader(io.BytesIO(document.data)).pages)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            str(pages),
            "-l",
            str(pages),
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (scan,) = tmp_path.glob("p*.png")
    assert receipt_from_bytes(scan.read_bytes()) == document.receipt


def test_forms_name_the_job_position_beside_its_code(demo: Demo) -> None:
    for document in (
        demo.document("form-01", servant=STAFF, period="2026-03"),
        demo.document("form-02", servant=LEADER, year=YEAR),
    ):
        servant = document.content["servant"]
        code = servant["position"]
        assert code in wording.POSITIONS  # the demo's positions all have their names
        role = wording.LEADERSHIP[servant["leadership"]]
        flat = " ".join(text_of(document.data).split())
        assert f"{wording.POSITIONS[code]} ({code}), {role}" in flat
