"""The what-if and leniency pages over HTTP (no browser): what they show, the form's
empty and bad values, and who is refused."""

from __future__ import annotations

from tests.app.test_policy_variants import _peer_group_of_five
from tests.e2e.test_web_pages import Site, change_first_password, register, site

__all__ = ["site"]  # the fixture

BASE = "/agencies/SNV/years/2026"


def _signed_in(site: Site, login: str) -> None:
    site.sign_in(login)
    change_first_password(site)


def test_hr_reads_what_if_and_leniency(site: Site) -> None:
    _peer_group_of_five(site.app)
    _signed_in(site, "hr")
    standings = site.client.get(f"{BASE}/standings")
    assert f'href="{BASE}/whatif"' in standings.text and f'href="{BASE}/leniency"' in standings.text
    page = site.client.get(f"{BASE}/whatif", params={"policy": "quota-good-or-better", "as_of": ""})
    assert page.status_code == 200, page.text
    assert "Nếu năm 2026 áp dụng phương án chính sách khác" in page.text
    assert page.text.count('class="changed"') == 1 and "EXCELLENT limit" in page.text
    assert 'data-servant="CV1" class="changed"' in page.text
    past = site.client.get(f"{BASE}/whatif", params={"policy": "published", "as_of": "3"})
    assert past.status_code == 200 and "vị trí nhật ký 3:" in past.text
    lenient = site.client.get(f"{BASE}/leniency")
    assert lenient.status_code == 200
    assert "Chỉ số đánh giá dễ dãi, nâng điểm năm 2026" in lenient.text
    assert "Không có cảnh báo nào." in lenient.text  # five servants: too few to compare
    assert "không phải kết luận vi phạm" in lenient.text


def test_bad_values_are_a_4xx_page(site: Site) -> None:
    _signed_in(site, "hr")
    for params in ({"policy": "no-such"}, {"as_of": "abc"}, {"as_of": "-1"}, {"unit": "P9"}):
        answer = site.client.get(f"{BASE}/whatif", params=params)
        assert 400 <= answer.status_code < 500, (params, answer.status_code)
    assert site.client.get(f"{BASE}/leniency", params={"as_of": "x"}).status_code == 422


def test_a_unit_manager_has_neither_page(site: Site) -> None:
    register(site.app, "tp1", "manager", servant="TP1")
    _signed_in(site, "tp1")
    standings = site.client.get(f"{BASE}/standings")
    assert standings.status_code == 200 and f'href="{BASE}/whatif"' not in standings.text
    for screen in ("whatif", "leniency"):
        assert site.client.get(f"{BASE}/{screen}").status_code == 403
