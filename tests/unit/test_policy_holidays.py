"""Art. 22: petitions are resolved within 7 working days — lunar holidays included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain import errors
from domain.policy import HOLIDAY_CALENDARS, ND335_2025_V1

CALENDAR = ND335_2025_V1.holidays()


def test_art_22_tet_and_hung_kings_day_are_days_off_in_2026_and_2027() -> None:
    days_2026 = CALENDAR.days_off(2026)
    # Tết Bính Ngọ: 17 Feb 2026; the eve and the first four days are off (16–20 Feb).
    for day in range(16, 21):
        assert date(2026, 2, day) in days_2026
    assert days_2026[date(2026, 2, 17)] == "Tết Nguyên Đán"
    # Giỗ Tổ Hùng Vương (10/3 lunar) is a Sunday in 2026: made up on Monday 27 April.
    assert days_2026[date(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"
    assert date(2026, 4, 27) in days_2026
    # Tết Đinh Mùi: Saturday 6 Feb 2027; Giỗ Tổ: Friday 16 April 2027.
    days_2027 = CALENDAR.days_off(2027)
    assert days_2027[date(2027, 2, 6)] == "Tết Nguyên Đán"
    assert date(2027, 4, 16) in days_2027
    assert not CALENDAR.is_working_day(date(2027, 2, 8))


def test_art_22_a_petition_received_before_tet_is_due_after_it() -> None:
    # Received Friday 13 Feb 2026: 16–20 Feb are Tết, so the 7th working day is 3 March.
    assert CALENDAR.add_working_days(date(2026, 2, 13), 7) == date(2026, 3, 3)
    # Around 30 April – 1 May (Thursday, Friday) 2026.
    assert CALENDAR.add_working_days(date(2026, 4, 28), 7) == date(2026, 5, 11)


def test_art_22_a_saturday_worked_in_exchange_is_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2026, 8, 22))  # Saturday, for Monday 31 August
    assert not CALENDAR.is_working_day(date(2026, 8, 31))
    assert not CALENDAR.is_working_day(date(2026, 9, 1))
    assert not CALENDAR.is_working_day(date(2026, 9, 2))


def test_every_covered_year_has_its_lunar_holidays() -> None:
    for year in range(CALENDAR.first_year, CALENDAR.last_year + 1):
        names = list(CALENDAR.days_off(year).values())
        assert "Tết Nguyên Đán" in names, year
        assert "Giao thừa Tết Nguyên Đán" in names, year
        assert "Ngày Giỗ Tổ Hùng Vương" in names, year
        tet = next(d for d, n in CALENDAR.days_off(year).items() if n == "Tết Nguyên Đán")
        # Tết falls between 21 January and 20 February.
        assert date(year, 1, 21) <= tet <= date(year, 2, 20), year


def test_years_outside_the_calendar_are_refused() -> None:
    with pytest.raises(errors.InvalidValue):
        CALENDAR.days_off(2025)
    with pytest.raises(errors.InvalidValue):
        CALENDAR.is_working_day(date(2100, 1, 4))


def test_the_calendar_names_its_sources() -> None:
    assert "Điều 112" in CALENDAR.source
    assert ND335_2025_V1.parameters()["holiday_calendar"] == "VN-civil-service"
    assert set(HOLIDAY_CALENDARS) == {"VN-civil-service"}
    with pytest.raises(ValueError, match="holiday calendar"):
        ND335_2025_V1.with_changes(version=2, holiday_calendar="XX")


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 3, 6)
    assert CALENDAR.add_working_days(friday, 1) == friday + timedelta(days=3)


def test_art_22_working_days_left_count_down_to_the_due_day_and_below() -> None:
    received = date(2026, 2, 13)  # Friday before Tết; due Tuesday 3 March
    due = CALENDAR.add_working_days(received, 7)
    assert CALENDAR.working_days_until(received, due) == 7
    assert CALENDAR.working_days_until(date(2026, 2, 20), due) == 7  # Tết does not count
    assert CALENDAR.working_days_until(date(2026, 3, 2), due) == 1
    assert CALENDAR.working_days_until(due, due) == 0
    assert CALENDAR.working_days_until(date(2026, 3, 4), due) == -1
    assert CALENDAR.working_days_until(date(2026, 3, 8), due) == -3  # Sunday after Friday


def test_days_waiting_count_working_days_only() -> None:
    friday = date(2026, 3, 6)
    assert CALENDAR.working_days_between(friday, friday) == 0
    assert CALENDAR.working_days_between(friday, friday + timedelta(days=2)) == 0  # Sunday
    assert CALENDAR.working_days_between(friday, friday + timedelta(days=3)) == 1  # Monday
    # Friday 13 Feb 2026 to Monday 23 Feb: the week of Tết (16–20 Feb) is off.
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    # The inverse of add_working_days.
    due = CALENDAR.add_working_days(date(2026, 4, 28), 7)
    assert CALENDAR.working_days_between(date(2026, 4, 28), due) == 7
