"""The demo agency as data: Sở Nội vụ Hà Nội (SNV-HN) through one whole year.

Board of a director and two deputies; four units (Phòng Tổ chức biên chế,
Phòng Cải cách hành chính, Văn phòng Sở, Thanh tra Sở) each with a head, a
deputy and staff: 45 civil servants; and a lenient unit (Chi cục Văn thư – Lưu
trữ, 7 more) whose head marks everything at full, for the leniency indicators.
A product catalogue with one factor change in July; every month 2–5 tasks per
servant, their results and assessments, the general criteria (self-scored,
then scored by the evaluator) and the leaders' đ and e. Quality varies on purpose: failed then
resubmitted results, late results (one excused by an objective cause), one
ad-hoc task, one reassignment during sick leave, one đ at 50%, one reprimand.

Scores are designed, not left to chance, so that the quota story holds:
every servant has a profile whose general-criteria range and task behaviour
keep their annual score inside one level. In the ``chuyen-vien`` peer group
four servants are EXCELLENT by score against twelve GOOD, so the 20% limit
admits two, and the second and third candidates have the same monthly
totals in a different order: equal annual scores, tied across the limit.
In ``chuyen-vien-chinh`` two candidates against five GOOD leave room for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.actors import Actor, Role
from domain.values import (
    LeadershipRole,
)

SEED = 335

AGENCY = "SNV-HN"

AGENCY_TITLE = "Sở Nội vụ thành phố Hà Nội"

MANAGING_AGENCY = "UBND-HN"  # Ủy ban nhân dân thành phố Hà Nội

BOARD = "BGD"

ADMIN = Actor("quan-tri-he-thong", Role.ADMIN)

# The chairman of the city People's Committee: rates the director, decides the agency's level.
AUTHORITY = Actor("UBND-HN-CT", Role.AUTHORITY)

HALF = Decimal("0.5")

# --- the organisation -------------------------------------------------------

UNITS: tuple[tuple[str, str], ...] = (
    (BOARD, "Ban Giám đốc Sở"),
    ("TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ"),
    ("CCHC", "Phòng Cải cách hành chính"),
    ("VP", "Văn phòng Sở"),
    ("TTR", "Thanh tra Sở"),
    ("CCVTLT", "Chi cục Văn thư – Lưu trữ"),  # the lenient unit (below)
)

# Job position → (leadership role, peer group). Peer groups gather similar tasks:
# the heads and deputies of all units form one group, the board another.
POSITIONS: dict[str, tuple[LeadershipRole, str]] = {
    "giam-doc": (LeadershipRole.HEAD, "lanh-dao-so"),
    "pho-giam-doc": (LeadershipRole.DEPUTY, "lanh-dao-so"),
    "truong-phong": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-truong-phong": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chanh-van-phong": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-chanh-van-phong": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chanh-thanh-tra": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-chanh-thanh-tra": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chuyen-vien-chinh": (LeadershipRole.STAFF, "chuyen-vien-chinh"),
    "chuyen-vien": (LeadershipRole.STAFF, "chuyen-vien"),
    "thanh-tra-vien": (LeadershipRole.STAFF, "thanh-tra-vien"),
    "can-su": (LeadershipRole.STAFF, "can-su"),
    "chi-cuc-truong": (LeadershipRole.HEAD, "lanh-dao-chi-cuc"),
    "pho-chi-cuc-truong": (LeadershipRole.DEPUTY, "lanh-dao-chi-cuc"),
    "luu-tru-vien": (LeadershipRole.STAFF, "luu-tru-vien"),
}


@dataclass(frozen=True)
class Profile:
    """How a servant works through the year; the ranges keep them inside one level.

    ``criteria``: the evaluator's monthly general-criteria total, in half points.
    ``incidents``: some results fail an assessment or come in late (GOOD profiles).
    ``partial``: completes about three quarters of each quantity (COMPLETE profile).
    """

    name: str
    criteria: tuple[Decimal, Decimal]
    incidents: bool = False
    partial: bool = False


# Annual score bounds by construction (task ratio r ≤ 1, score = criteria + 70 r):
STAR = Profile("star", (Decimal(27), Decimal("28.5")))  # 97–98.5, spotless tasks

TIED = Profile("tied", (Decimal(24), Decimal(26)))  # 94–96, spotless; shared totals

STRONG = Profile("strong", (Decimal(22), Decimal("23.5")))  # 92–93.5, spotless

GOOD = Profile("good", (Decimal(16), Decimal("19.5")), incidents=True)  # below 89.5

WEAK = Profile("weak", (Decimal(12), Decimal(15)), partial=True)  # r ≤ 0.75: 54–67.5

# Per unit, in order: (position, profile). 3 + 12 + 11 + 11 + 8 = 45 servants.
ROSTER: tuple[tuple[str, tuple[tuple[str, Profile], ...]], ...] = (
    (BOARD, (("giam-doc", GOOD), ("pho-giam-doc", GOOD), ("pho-giam-doc", GOOD))),
    (
        "TCBC",
        (
            ("truong-phong", GOOD),
            ("pho-truong-phong", GOOD),
            ("chuyen-vien-chinh", STRONG),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", STAR),
            ("chuyen-vien", TIED),
            *(("chuyen-vien", GOOD),) * 4,
            ("chuyen-vien", WEAK),
        ),
    ),
    (
        "CCHC",
        (
            ("truong-phong", STRONG),
            ("pho-truong-phong", GOOD),
            ("chuyen-vien-chinh", STAR),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", TIED),
            *(("chuyen-vien", GOOD),) * 5,
        ),
    ),
    (
        "VP",
        (
            ("chanh-van-phong", GOOD),
            ("pho-chanh-van-phong", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", STRONG),
            *(("chuyen-vien", GOOD),) * 3,
            *(("can-su", GOOD),) * 4,
        ),
    ),
    (
        "TTR",
        (
            ("chanh-thanh-tra", GOOD),
            ("pho-chanh-thanh-tra", GOOD),
            *(("thanh-tra-vien", GOOD),) * 6,
        ),
    ),
)

# --- the lenient unit --------------------------------------------------------
#
# A sixth unit, added after the others and drawn from its own seed so that
# nothing above changes: its head confirms every self-score at full marks,
# accepts every result at the first assessment and excuses most delays. The
# staff finish about three quarters of each task, so they stay GOOD (82.5) and
# no quota pool moves. The leniency indicators should find this unit, and no other.

LENIENT_SEED = 3350

LENIENT_UNIT = "CCVTLT"

LENIENT_UNIT_TITLE = "Chi cục Văn thư – Lưu trữ"

# Full marks whatever the work: the head confirms what the servant gave themselves.
LENIENT = Profile("lenient", (Decimal(30), Decimal(30)), partial=True)

LENIENT_ROSTER: tuple[tuple[str, Profile], ...] = (
    ("chi-cuc-truong", GOOD),  # rated by the director, like every unit head
    ("pho-chi-cuc-truong", LENIENT),
    *(("luu-tru-vien", LENIENT),) * 5,
)

LENIENT_LATE_RATE = 0.15  # results after the deadline

LENIENT_EXCUSE_RATE = 0.8  # of which the head excuses this many as an objective cause

LENIENT_EXCUSE = (
    "Chờ ý kiến thẩm định của cơ quan cấp trên, không do lỗi của công chức",
    "Biên bản xác nhận của Chi cục",
)

# --- the catalogue (Art. 13) ------------------------------------------------


@dataclass(frozen=True)
class Product:
    code: str
    title: str
    position: str
    group: int  # complexity group 1–5
    factor: Decimal


CATALOGUE: tuple[Product, ...] = (
    Product("SP01", "Đề án, tờ trình về tổ chức bộ máy", "chuyen-vien-chinh", 5, Decimal(3)),
    Product("SP02", "Báo cáo chuyên đề, tổng kết", "chuyen-vien-chinh", 4, Decimal(2)),
    Product("SP03", "Kế hoạch, văn bản hướng dẫn triển khai", "chuyen-vien", 3, Decimal("1.5")),
    Product("SP04", "Thẩm định hồ sơ biên chế, vị trí việc làm", "chuyen-vien", 2, Decimal(1)),
    Product("SP05", "Công văn trả lời, văn bản hành chính", "chuyen-vien", 1, HALF),
    Product("SP06", "Báo cáo định kỳ tháng, quý", "chuyen-vien", 2, Decimal(1)),
    Product("SP07", "Kết luận thanh tra, kiểm tra", "thanh-tra-vien", 5, Decimal(3)),
    Product("SP08", "Giải quyết đơn khiếu nại, tố cáo", "thanh-tra-vien", 3, Decimal("1.5")),
    Product("SP09", "Đăng ký, chuyển giao văn bản đến, đi (lô 50)", "can-su", 1, HALF),
    Product("SP10", "Hồ sơ lưu trữ được chỉnh lý", "can-su", 2, Decimal(1)),
    Product("SP11", "Chỉ đạo, điều hành lĩnh vực phụ trách", "truong-phong", 4, Decimal(2)),
    Product("SP12", "Báo cáo đột xuất theo yêu cầu cấp trên", "chuyen-vien", 3, Decimal("1.5")),
)

CATALOGUE_DECISION = "QĐ 05/QĐ-SNV"

# SP04 is re-rated from July: tasks assigned before keep factor 1.
FACTOR_CHANGE = ("SP04", Decimal("1.2"), 7, "QĐ 210/QĐ-SNV")

PRODUCTS_BY_PEER_GROUP: dict[str, tuple[str, ...]] = {
    "lanh-dao-so": ("SP11", "SP01", "SP02"),
    "lanh-dao-phong": ("SP11", "SP01", "SP02", "SP06"),
    "chuyen-vien-chinh": ("SP01", "SP02", "SP03", "SP04"),
    "chuyen-vien": ("SP03", "SP04", "SP05", "SP06"),
    "thanh-tra-vien": ("SP07", "SP08", "SP05"),
    "can-su": ("SP09", "SP10", "SP05"),
    "lanh-dao-chi-cuc": ("SP11", "SP02", "SP10"),
    "luu-tru-vien": ("SP10", "SP09", "SP05"),
}

QUANTITY_BY_GROUP: dict[int, tuple[int, int]] = {
    1: (4, 8),
    2: (2, 5),
    3: (1, 3),
    4: (1, 2),
    5: (1, 1),
}

TASKS_PER_MONTH = (2, 3, 4, 5)

TASKS_PER_MONTH_WEIGHTS = (3, 5, 2, 1)

FAILURE_RATE = 0.06  # GOOD profiles: a result with a major content error, then fixed

LATE_RATE = 0.05  # GOOD profiles: a result after the deadline

# --- Vietnamese names -------------------------------------------------------

FAMILY_NAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4),
    ("Phan", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Ngô", 2), ("Dương", 2),
    ("Đinh", 2), ("Hà", 1), ("Lương", 1), ("Trịnh", 1),
)  # fmt: skip

MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Mạnh", "Tiến")

MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Sơn", "Thắng", "Hải", "Cường", "Trung",
    "Khánh", "Phong", "Quân", "Huy", "Tùng", "Bình", "Việt", "Hiếu", "Đạt", "Thành",
)  # fmt: skip

FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hồng", "Thùy", "Kim", "Bích")

FEMALE_GIVEN = (
    "Hương", "Lan", "Hạnh", "Mai", "Linh", "Trang", "Hà", "Thủy", "Nga", "Hằng",
    "Yến", "Nhung", "Thảo", "Huyền", "Vân", "Oanh", "Ngân", "Loan", "Dung", "Giang",
)  # fmt: skip

# --- notes and reasons ------------------------------------------------------

ACCEPTED_NOTE = "Đạt yêu cầu"

FAILED_NOTES = (
    "Số liệu tổng hợp không khớp với báo cáo của các đơn vị",
    "Dự thảo thiếu căn cứ pháp lý, chưa đúng thể thức văn bản",
    "Nội dung đề xuất chưa phù hợp với quy định hiện hành",
)

RESUBMIT_NOTE = "Đã chỉnh sửa theo ý kiến của lãnh đạo"

LATE_NOTE = "Nộp chậm do chờ số liệu của các đơn vị"

DD_FULL = "Hoàn thành kế hoạch công tác tháng đúng tiến độ, có chất lượng"

E_FULL = "Nội bộ đoàn kết, không phát sinh đơn thư phản ánh"

DD_HALF = "Chậm triển khai kế hoạch thanh tra chuyên đề quý IV, báo cáo kết quả quá hạn"

# --- the calendar -------------------------------------------------------------

FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))  # New Year, Reunification, Labour, National

# --- the one-off cases ------------------------------------------------------

SICK_LEAVE = (5, 11, 22)  # May 11–22: a CCHC servant's task goes to a colleague

AD_HOC_MONTH = 8

EXEMPTION_MONTH = 10

DD_HALF_MONTH = 11

DISCIPLINE = ("QĐ 123/QĐ-SNV", 9, 14)

# Each unit is an organisation with its own level (Art. 2(1)(b)), recognised by the
# director (Art. 5(4)); a unit head's level may not be higher (Art. 20(6)). The
# levels are rated under Chapter II: ``organisations.py``.
