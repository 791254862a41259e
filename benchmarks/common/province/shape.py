"""The shape of the generated province: its agencies, units, positions and
catalogue, and the rates of the year's events (see the package's docstring)."""

from __future__ import annotations

from decimal import Decimal

from demo import GOOD, STAR, STRONG, WEAK
from domain.actors import Actor, CommandContext, Role
from domain.values import LeadershipRole

YEAR = 2026
SEED = 2026

PROVINCE = "UBND-NA"  # Ủy ban nhân dân tỉnh Nghệ An
AUTHORITY = CommandContext(Actor("UBND-NA-CT", Role.AUTHORITY))
ADMIN = CommandContext(Actor("quan-tri-he-thong", Role.ADMIN), "QĐ 1532/QĐ-UBND")
AGENCIES: tuple[tuple[str, str], ...] = (
    ("SNV", "Sở Nội vụ"),
    ("STC", "Sở Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SXD", "Sở Xây dựng"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("STP", "Sở Tư pháp"),
    ("SCT", "Sở Công Thương"),
)
BOARD = "BGD"
UNIT_SIZE = 25
UNIT_NAMES = (
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch tài chính",
    "Phòng Pháp chế",
    "Phòng Quản lý chuyên ngành",
    "Phòng Nghiệp vụ 1",
    "Phòng Nghiệp vụ 2",
    "Phòng Nghiệp vụ 3",
    "Phòng Nghiệp vụ 4",
)

# (code, title, position, complexity group, factor)
PRODUCTS: tuple[tuple[str, str, str, int, Decimal], ...] = (
    ("SP01", "Đề án, tờ trình", "chuyen-vien-chinh", 5, Decimal(3)),
    ("SP02", "Báo cáo chuyên đề, tổng kết", "chuyen-vien-chinh", 4, Decimal(2)),
    ("SP03", "Kế hoạch, văn bản hướng dẫn", "chuyen-vien", 3, Decimal("1.5")),
    ("SP04", "Thẩm định hồ sơ", "chuyen-vien", 2, Decimal(1)),
    ("SP05", "Công văn trả lời, văn bản hành chính", "chuyen-vien", 1, Decimal("0.5")),
    ("SP06", "Báo cáo định kỳ tháng, quý", "chuyen-vien", 2, Decimal(1)),
    ("SP07", "Kết luận thanh tra, kiểm tra", "chuyen-vien-chinh", 5, Decimal(3)),
    ("SP08", "Giải quyết đơn khiếu nại", "chuyen-vien", 3, Decimal("1.5")),
    ("SP09", "Văn bản đến, đi (lô 50)", "can-su", 1, Decimal("0.5")),
    ("SP10", "Hồ sơ lưu trữ được chỉnh lý", "can-su", 2, Decimal(1)),
    ("SP11", "Chỉ đạo, điều hành lĩnh vực phụ trách", "truong-phong", 4, Decimal(2)),
    ("SP12", "Báo cáo đột xuất theo yêu cầu cấp trên", "chuyen-vien", 3, Decimal("1.5")),
)
GROUP_OF = {code: group for code, _, _, group, _ in PRODUCTS}
FACTOR_CHANGE = ("SP04", Decimal("1.2"), 7)  # re-rated from July
PRODUCTS_BY_PEER_GROUP: dict[str, tuple[str, ...]] = {
    "lanh-dao-so": ("SP11", "SP01", "SP02"),
    "lanh-dao-phong": ("SP11", "SP01", "SP02", "SP06"),
    "chuyen-vien-chinh": ("SP01", "SP02", "SP03", "SP07"),
    "chuyen-vien": ("SP03", "SP04", "SP05", "SP06", "SP08"),
    "can-su": ("SP09", "SP10", "SP05"),
}
QUANTITY_BY_GROUP = {1: (4, 8), 2: (2, 5), 3: (1, 3), 4: (1, 2), 5: (1, 1)}
TASKS_PER_MONTH = ((2, 3), (3, 5), (4, 2))  # (count, weight)
FAILURE_RATE = 0.06  # "incident" profiles: a failed result, then an accepted one
LATE_RATE = 0.05  # "incident" profiles: a result after the deadline, delay recorded
AD_HOC_RATE = 0.01
DD_HALF_RATE = 0.03  # a leader's đ at 50% in a month
LEAVE_RATE = 0.01  # sick leave, per servant and year
TRANSFER_RATE = 0.005  # staff moved to another unit of their agency
DISCIPLINE_PER_AGENCY = 1
PROFILES = ((STAR, 5), (STRONG, 15), (GOOD, 65), (WEAK, 15))

# Positions: (title, leadership, peer group)
BOARD_HEAD = ("giam-doc", LeadershipRole.HEAD, "lanh-dao-so")
BOARD_DEPUTY = ("pho-giam-doc", LeadershipRole.DEPUTY, "lanh-dao-so")
UNIT_HEAD = ("truong-phong", LeadershipRole.HEAD, "lanh-dao-phong")
UNIT_DEPUTY = ("pho-truong-phong", LeadershipRole.DEPUTY, "lanh-dao-phong")
STAFF_POSITIONS = (
    (("chuyen-vien-chinh", LeadershipRole.STAFF, "chuyen-vien-chinh"), 20),
    (("chuyen-vien", LeadershipRole.STAFF, "chuyen-vien"), 60),
    (("can-su", LeadershipRole.STAFF, "can-su"), 20),
)
CRITERIA_MAXIMA = {"I.1": Decimal(5), "I.2": Decimal(5)} | {
    f"{g}.{n}": Decimal("2.5") for g in ("II", "III") for n in range(1, 5)
}
HALF = Decimal("0.5")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Thanh", "Quang", "Phương")
GIVEN = ("Hùng", "Lan", "Dũng", "Hương", "Nam", "Mai", "Long", "Linh", "Sơn", "Trang", "Hải")
