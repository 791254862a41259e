"""How the year page cites the decree and words periods and moments."""

from __future__ import annotations

import pytest

from web.year_words import article_of, cite, moment_text, period_text


@pytest.mark.parametrize(
    ("rule", "vi", "article"),
    [
        ("Art. 20(5)", "khoản 5 Điều 20", 20),
        ("Art. 20(5)(a)", "điểm a khoản 5 Điều 20", 20),
        ("Art. 20(1–3)", "khoản 1–3 Điều 20", 20),
        ("Art. 21", "Điều 21", 21),
        ("Art. 11(3)", "khoản 3 Điều 11", 11),
        ("param quota_ratio", "tham số quota_ratio", None),
        ("Appendix I", "Phụ lục I", None),
    ],
)
def test_an_article_is_cited_as_each_language_cites_it(
    rule: str, vi: str, article: int | None
) -> None:
    assert cite(rule, "vi") == vi
    assert cite(rule, "en") == rule
    assert article_of(rule) == article


def test_periods_and_moments_read_day_first_in_hanoi_time() -> None:
    assert period_text("2026-03") == "03/2026"
    assert period_text("2026-Q2") == "Q2/2026"
    assert moment_text("2027-01-10T09:00:00.148808+00:00") == "10/01/2027 16:00"
    assert moment_text("") == ""
