"""The decree's own words for the forms (Appendix II), and how numbers are written.

Headings, criteria and levels are copied from Decree 335/2025/NĐ-CP so the
printed forms read as the official ones do.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

FORM_01_NUMBER = "Mẫu số 01"
FORM_01_TITLE = "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC"
FORM_02_NUMBER = "Mẫu số 02"
FORM_02_TITLE = "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"
SUMMARY_TITLE = "BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"
APPENDIX = "(Kèm theo Nghị định số 335/2025/NĐ-CP ngày 21 tháng 12 năm 2025 của Chính phủ)"

# Art. 20: the four levels, best first.
LEVELS = {
    "EXCELLENT": "Hoàn thành xuất sắc nhiệm vụ",
    "GOOD": "Hoàn thành tốt nhiệm vụ",
    "COMPLETE": "Hoàn thành nhiệm vụ",
    "FAIL": "Không hoàn thành nhiệm vụ",
}

# Form 01, part I: the general criteria (Appendix I) by group, then sub-criterion.
CRITERIA_GROUPS = {
    "I": (
        "Phẩm chất chính trị, phẩm chất đạo đức, văn hóa thực thi công vụ và ý thức kỷ luật, "
        "kỷ cương trong thực thi công vụ"
    ),
    "II": (
        "Năng lực chuyên môn, nghiệp vụ theo yêu cầu của vị trí việc làm; khả năng đáp ứng yêu "
        "cầu thực thi nhiệm vụ được giao; tinh thần trách nhiệm trong thực thi công vụ; thái độ "
        "phục vụ người dân, doanh nghiệp và khả năng phối hợp với đồng nghiệp"
    ),
    "III": (
        "Năng lực đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung "
        "trong thực thi công vụ"
    ),
}

CRITERIA = {
    "I.1": "Phẩm chất chính trị, phẩm chất đạo đức, văn hóa thực thi công vụ",
    "I.2": "Ý thức kỷ luật, kỷ cương trong thực thi công vụ",
    "II.1": "Năng lực chuyên môn, nghiệp vụ theo yêu cầu của vị trí việc làm",
    "II.2": "Khả năng đáp ứng yêu cầu thực thi nhiệm vụ được giao thường xuyên, đột xuất",
    "II.3": "Tinh thần trách nhiệm trong thực thi công vụ",
    "II.4": "Thái độ phục vụ người dân, doanh nghiệp và khả năng phối hợp với đồng nghiệp",
    "III.1": (
        "Có sản phẩm, giải pháp đột phá, sáng tạo đem lại giá trị, hiệu quả thiết thực, tác động "
        "tích cực đến kết quả thực hiện nhiệm vụ của cơ quan, tổ chức, đơn vị"
    ),
    "III.2": (
        "Sẵn sàng tham gia thực hiện nhiệm vụ chính trị đặc biệt quan trọng, nhiệm vụ có tính "
        "chất đột xuất, phức tạp hoặc trong điều kiện khó khăn"
    ),
    "III.3": (
        "Có tinh thần chịu trách nhiệm trước kết quả công việc; chủ động nhận trách nhiệm khi có "
        "sai sót và có biện pháp khắc phục rõ ràng, cụ thể"
    ),
    "III.4": (
        "Chủ động đưa ra quyết định trong phạm vi thẩm quyền, không né tránh; có tinh thần tiên "
        "phong trong thực hiện những nhiệm vụ mới"
    ),
}

LEADERSHIP = {"head": "cấp trưởng", "deputy": "cấp phó", "staff": "công chức"}

# The usual job positions (chức vụ, chức danh) by the codes agencies give them. A code
# not listed is printed as it is; the documents' data (and digest) keep the code.
POSITIONS = {
    "giam-doc": "Giám đốc",
    "pho-giam-doc": "Phó Giám đốc",
    "truong-phong": "Trưởng phòng",
    "pho-truong-phong": "Phó Trưởng phòng",
    "chanh-van-phong": "Chánh Văn phòng",
    "pho-chanh-van-phong": "Phó Chánh Văn phòng",
    "chanh-thanh-tra": "Chánh Thanh tra",
    "pho-chanh-thanh-tra": "Phó Chánh Thanh tra",
    "chi-cuc-truong": "Chi cục trưởng",
    "pho-chi-cuc-truong": "Phó Chi cục trưởng",
    "vu-truong": "Vụ trưởng",
    "pho-vu-truong": "Phó Vụ trưởng",
    "cuc-truong": "Cục trưởng",
    "pho-cuc-truong": "Phó Cục trưởng",
    "chuyen-vien-cao-cap": "Chuyên viên cao cấp",
    "chuyen-vien-chinh": "Chuyên viên chính",
    "chuyen-vien": "Chuyên viên",
    "can-su": "Cán sự",
    "nhan-vien": "Nhân viên",
    "thanh-tra-vien-cao-cap": "Thanh tra viên cao cấp",
    "thanh-tra-vien-chinh": "Thanh tra viên chính",
    "thanh-tra-vien": "Thanh tra viên",
    "luu-tru-vien": "Lưu trữ viên",
    "ke-toan-vien": "Kế toán viên",
}


def position_name(code: str) -> str:
    """A job position's name beside its code, or the code alone when it has none here."""
    name = POSITIONS.get(code)
    return f"{name} ({code})" if name else code


# Why an annual level is what it is (projections.derive reasons), in Vietnamese.
REASONS = {
    "score": "theo điểm",
    "fail_trigger": "thuộc trường hợp Không hoàn thành nhiệm vụ (Điều 20 khoản 4)",
    "quota": "vượt tỷ lệ Hoàn thành xuất sắc (Điều 20 khoản 5)",
    "quota_tie_pending": "bằng điểm tại ngưỡng tỷ lệ: chờ người đứng đầu quyết định",
    "organisation_cap": "không cao hơn mức xếp loại của tổ chức (Điều 20 khoản 6)",
}

NOT_CLASSIFIED = "không xếp loại"

SIGN_HINT = "(Ký tên, ghi rõ họ tên)"
DATE_LINE = "....., ngày....tháng.....năm....."
DOTS = "." * 150


def level_words(level: str | None) -> str:
    """A level in the decree's words; empty when there is none."""
    return LEVELS.get(level or "", "")


def reason_words(reason: str) -> str:
    if reason.startswith("not_classified"):
        return NOT_CLASSIFIED
    return REASONS.get(reason, reason)


def number(value: str | Decimal | None, places: int | None = None) -> str:
    """A number as recorded, written with a decimal comma; ``places`` rounds for display."""
    if value is None or value == "":
        return ""
    decimal = Decimal(value)
    if places is not None:
        decimal = decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(decimal, "f").replace(".", ",")


def plain(value: str | None) -> str:
    """A count such as months worked, without trailing zeros (12.0000 → 12)."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def ratio(value: str | None) -> str:
    """a, b, c, d, đ, e and the task ratio: exact when short, else four places."""
    if value is None:
        return ""
    exact = number(value)
    return exact if len(exact.partition(",")[2]) <= 4 else number(value, 4)


def period_label(code: str) -> str:
    """``2026-03`` → ``tháng 03 năm 2026``; ``2026-Q2`` → ``quý II năm 2026``."""
    year, _, rest = code.partition("-")
    if rest.startswith("Q"):
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}[rest[1:]]
        return f"quý {roman} năm {year}"
    return f"tháng {rest} năm {year}"
