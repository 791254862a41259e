"""Days off for working-day deadlines (Art. 22: a petition is resolved within 7 working days).

The public holidays are those of the Labour Code 2019, Art. 112 (Bộ luật Lao động
45/2019/QH14, Điều 112), which civil servants keep too: Tết Dương lịch (1/1), Tết
Âm lịch (5 days), Giỗ Tổ Hùng Vương (10/3 lunar), Ngày Chiến thắng (30/4), Ngày
Quốc tế Lao động (1/5), Quốc khánh (2/9 and one day before or after), and from
2026 Ngày Văn hóa Việt Nam (24/11). A holiday that falls on a weekend is made up
on the next working day (nghỉ bù, Art. 111(3)).

The lunar dates (Tết, Giỗ Tổ) move every year: they are computed with the
``holidays`` package (Vietnamese lunisolar calendar, UTC+7), which also carries the
days the Government moved by announcement. Saturdays worked in exchange for a
moved day off are listed here with their announcement, as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays as holiday_tables

from domain import errors


@dataclass(frozen=True)
class HolidayCalendar:
    """Working days: Monday to Friday, less the days off, plus weekend days worked."""

    name: str
    country: str  # the ``holidays`` package's country code
    first_year: int
    last_year: int  # the lunar tables of the package end here
    source: str  # the law and the announcements behind the days
    weekend_working_days: tuple[tuple[date, str], ...] = ()  # (day, announcement)

    def days_off(self, year: int) -> Mapping[date, str]:
        """The year's days off besides weekends, with their Vietnamese names."""
        if not self.first_year <= year <= self.last_year:
            raise errors.InvalidValue(
                f"the holiday calendar {self.name} covers {self.first_year}–{self.last_year}, "
                f"not {year}",
                year=year,
            )
        return _days_off(self.country, year)

    def is_working_day(self, day: date) -> bool:
        if any(day == worked for worked, _ in self.weekend_working_days):
            return True
        return day.weekday() < 5 and day not in self.days_off(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_until(self, today: date, due: date) -> int:
        """Working days left from ``today`` to ``due``: 0 on the due day, 1 the working
        day before, and negative once past it (-1 the first working day after)."""
        if due >= today:
            return self._working_days_after(today, due)
        return -self._working_days_after(due, today)

    def _working_days_after(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is
        not after ``start``): a result recorded on a Friday has waited 1 day on Monday."""
        return self._working_days_after(start, end) if end > start else 0


@cache
def _days_off(country: str, year: int) -> Mapping[date, str]:
    table = holiday_tables.country_holidays(country, years=year, language="vi", observed=True)
    return MappingProxyType(dict(sorted(table.items())))


VN_CIVIL_SERVICE = HolidayCalendar(
    name="VN-civil-service",
    country="VN",
    first_year=2026,
    last_year=2099,
    source=(
        "Bộ luật Lao động 45/2019/QH14, Điều 112 (ngày nghỉ lễ, tết) và Điều 111(3) "
        "(nghỉ bù) (Labour Code 2019); "
        "Nghị quyết 80-NQ/TW (Ngày Văn hóa Việt Nam 24/11, from 2026); lunar dates and "
        "announced moves from the holidays package (Vietnam)"
    ),
    weekend_working_days=(
        # The day off on Monday 31 Aug 2026 is made up on Saturday 22 Aug 2026.
        (date(2026, 8, 22), "lịch nghỉ lễ Quốc khánh 2026 (làm bù thứ Bảy 22/8/2026)"),
    ),
)

HOLIDAY_CALENDARS: Mapping[str, HolidayCalendar] = MappingProxyType(
    {VN_CIVIL_SERVICE.name: VN_CIVIL_SERVICE}
)
