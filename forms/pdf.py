"""The page furniture every document shares: the embedded font, the national motto
header, signature places, the "as of" notice and the verification receipt with its
QR code (fpdf2; the QR code by segno)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from forms import wording
from forms.receipt import Receipt

FONTS = Path(__file__).parent / "fonts"
FAMILY = "NotoSerif"
RECEIPT_FILE = "minhbach-receipt.json"
QR_SIZE = 38.0  # mm: a phone reads it from a printed page
RECEIPT_HEIGHT = QR_SIZE + 8


class Page(FPDF):
    """A4 with the Noto Serif font (Vietnamese diacritics) and a footer naming the receipt."""

    def __init__(self, receipt: Receipt, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.receipt = receipt
        self.add_font(FAMILY, "", FONTS / "NotoSerif-Regular.ttf")
        self.add_font(FAMILY, "B", FONTS / "NotoSerif-Bold.ttf")
        self.add_font(FAMILY, "I", FONTS / "NotoSerif-Italic.ttf")
        self.set_margins(18, 14, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(receipt.kind)
        self.set_creator("Minh Bạch")
        self.set_subject(f"{receipt.kind} {receipt.subject}")
        self.alias_nb_pages()
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.font(7, "I")
        self.cell(
            0,
            5,
            f"Biên nhận kiểm chứng: vị trí nhật ký {self.receipt.position}, "
            f"dữ liệu {self.receipt.digest[:16]}…   Trang {self.page_no()}/{{nb}}",
            align="C",
        )

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FAMILY, style, size)

    def line_text(self, text: str, size: float = 11, style: str = "", align: str = "L") -> None:
        self.font(size, style)
        self.multi_cell(0, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, mm: float = 2) -> None:
        self.ln(mm)

    def keep_space(self, mm: float) -> None:
        """Start a new page unless ``mm`` are left: a heading never ends a page."""
        if self.get_y() > self.h - self.b_margin - mm:
            self.add_page()


def national_header(pdf: Page, agency: str, unit: str | None, form_number: str | None) -> None:
    """Agency on the left, the national motto on the right, as on every official form."""
    top = pdf.get_y()
    if form_number:
        pdf.font(10, "B")
        pdf.set_xy(pdf.w - pdf.r_margin - 30, top)
        pdf.cell(30, 5, form_number, align="R")
        top += 6
    width = pdf.epw
    left = width * 0.42
    pdf.set_xy(pdf.l_margin, top)
    pdf.font(10, "B")
    lines = [agency.upper()] + ([unit.upper()] if unit else [])
    pdf.multi_cell(left, 5, "\n".join(lines), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin)
    pdf.cell(left, 3, "-------", align="C")
    left_bottom = pdf.get_y() + 4
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.font(10.5, "B")
    pdf.cell(width - left, 5, wording.MOTTO_COUNTRY, align="C")
    pdf.set_xy(pdf.l_margin + left, top + 5)
    pdf.font(11, "B")
    pdf.cell(width - left, 5.5, wording.MOTTO, align="C")
    pdf.set_xy(pdf.l_margin + left, top + 10.5)
    pdf.cell(width - left, 3, "---------------", align="C")
    pdf.set_y(max(left_bottom, top + 14) + 4)


def title(pdf: Page, heading: str, *lines: str) -> None:
    pdf.line_text(heading, 13, "B", "C")
    for line in lines:
        pdf.line_text(line, 11, "I", "C")
    pdf.gap(1)


def as_of_notice(pdf: Page, receipt: Receipt) -> None:
    """Say which records the document reflects; a past moment is said plainly."""
    if receipt.as_of_time is not None:
        text = (
            f"Bản theo số liệu tại thời điểm {receipt.as_of_time} (vị trí nhật ký "
            f"{receipt.position}) — không phải số liệu hiện hành / as of a past moment"
        )
    else:
        text = f"Số liệu tại vị trí nhật ký {receipt.position}, lập lúc {receipt.made_at}"
    pdf.set_text_color(90, 90, 90)
    pdf.line_text(text, 8.5, "I", "C")
    pdf.set_text_color(0, 0, 0)
    pdf.gap(2)


def field_lines(pdf: Page, fields: list[tuple[str, str]], size: float = 11) -> None:
    """ "Họ và tên: …" lines: the label as printed on the form, then the value in bold."""
    for label, value in fields:
        pdf.font(size)
        pdf.write(size * 0.5, f"{label}: ")
        pdf.font(size, "B")
        pdf.write(size * 0.5, value)
        pdf.ln(size * 0.55)


def servant_page(
    receipt: Receipt, data: dict[str, Any], form_number: str, heading: str, subtitle: str
) -> Page:
    """A servant's form begun: the national header, the title, the as-of notice and
    who the form is about (Form 01 and Form 02 open alike)."""
    pdf = Page(receipt)
    servant, agency = data["servant"], data["agency"]["name"]
    national_header(pdf, agency, servant["unit_name"], form_number)
    title(pdf, heading, subtitle)
    as_of_notice(pdf, receipt)
    role = wording.LEADERSHIP[servant["leadership"]]
    field_lines(
        pdf,
        [
            ("Họ và tên", f"{servant['full_name']} ({servant['code']})"),
            ("Chức vụ, chức danh", f"{wording.position_name(servant['position'])}, {role}"),
            ("Đơn vị công tác", f"{servant['unit_name']}, {agency}"),
        ],
    )
    pdf.gap(2)
    return pdf


def dotted_lines(pdf: Page, label: str, count: int = 2, value: str = "") -> None:
    """A heading followed by lines to write on (or the recorded value)."""
    pdf.font(11)
    pdf.multi_cell(0, 5.5, f"{label} {value or ''}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not value:
        for _ in range(count):
            pdf.font(11)
            pdf.cell(0, 5.5, "." * 120, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def signatures(pdf: Page, left: str, right: str) -> None:
    """Two places to sign and date, side by side (the forms' last lines)."""
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.gap(4)
    top = pdf.get_y()
    half = pdf.epw / 2
    for index, heading in enumerate((left, right)):
        pdf.set_xy(pdf.l_margin + index * half, top)
        pdf.font(10, "I")
        pdf.cell(half, 5, wording.DATE_LINE, align="C")
        pdf.set_xy(pdf.l_margin + index * half, top + 5)
        pdf.font(10.5, "B")
        pdf.multi_cell(half, 5, heading, align="C")
        pdf.set_x(pdf.l_margin + index * half)
        pdf.font(9.5, "I")
        pdf.cell(half, 5, wording.SIGN_HINT, align="C")
    pdf.set_y(top + 40)


def qr_png(receipt: Receipt) -> bytes:
    out = io.BytesIO()
    segno.make(receipt.text(), error="m", micro=False).save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def receipt_block(pdf: Page) -> None:
    """The receipt as a QR code and in words, and the receipt file embedded in the PDF."""
    receipt = pdf.receipt
    if pdf.get_y() > pdf.h - pdf.b_margin - RECEIPT_HEIGHT:
        pdf.add_page()
    pdf.gap(2)
    top = pdf.get_y()
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(pdf.l_margin, top, pdf.epw, RECEIPT_HEIGHT)
    pdf.image(io.BytesIO(qr_png(receipt)), x=pdf.l_margin + 2, y=top + 3, w=QR_SIZE, h=QR_SIZE)
    x = pdf.l_margin + QR_SIZE + 6
    width = pdf.epw - QR_SIZE - 8
    pdf.set_xy(x, top + 2.5)
    pdf.font(9, "B")
    pdf.cell(width, 4.5, "BIÊN NHẬN KIỂM CHỨNG / VERIFICATION RECEIPT")
    checkpoint = receipt.checkpoint
    signed = (
        f"điểm kiểm tra số {checkpoint.seq} (ký {checkpoint.signed_at}, khóa {checkpoint.key_id}),"
        f" bao trùm {checkpoint.size} sự kiện, gốc {checkpoint.root_hash[:32]}…"
        if checkpoint
        else "chưa có điểm kiểm tra được ký bao trùm vị trí này (không kiểm chứng độc lập được)"
    )
    lines = [
        f"Vị trí nhật ký / log position: {receipt.position}",
        f"Chính sách / policy: {receipt.policy}",
        f"Mã băm dữ liệu / data digest (SHA-256): {receipt.digest}",
        f"Được ký bởi / signed: {signed}",
        "Kiểm chứng / verify: minhbach verify-receipt TỆP.pdf --public-key KHÓA.pub, "
        "hoặc dán / quét mã QR tại trang /verify",
    ]
    pdf.set_xy(x, top + 8)
    pdf.font(7.5)
    for line in lines:
        pdf.set_x(x)
        pdf.multi_cell(width, 3.6, line, align="L", new_x=XPos.RIGHT, new_y=YPos.NEXT)
    pdf.set_y(top + RECEIPT_HEIGHT + 1)
    pdf.embed_file(
        bytes=receipt.text().encode(),
        basename=RECEIPT_FILE,
        mime_type="application/json",
        desc="Minh Bạch verification receipt",
    )


def finish(pdf: Page) -> bytes:
    receipt_block(pdf)
    output: Any = pdf.output()
    return bytes(output)
