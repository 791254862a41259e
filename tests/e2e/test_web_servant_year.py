"""One servant's year in process (no browser): the facts that decided a FAIL, the
"as of" inputs a person may type, the scope of the page and of its evidence
download, and the decree the citations link to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import ensure_admin
from api.http import create_app
from domain.application import MinhBach
from projections.signing import generate
from tests.audit.evidence_world import record_year
from tests.conftest import FakeClock
from tests.e2e.test_web_pages import Site, change_first_password, register

YEAR_PAGE = "/servants/CV1/years/2026"


@pytest.fixture
def site(app: MinhBach, clock: FakeClock) -> Iterator[Site]:
    world = record_year(app, generate())  # CV1 reprimanded (KL-7, QĐ 7/QĐ-UBND): FAIL
    world.ledger.engine.dispose()
    ensure_admin(app)
    register(app, "hr", "hr", agency="SNV")
    register(app, "cv2", "civil_servant", servant="CV2")
    with TestClient(create_app(app, follow=False), raise_server_exceptions=False) as client:
        yield Site(app, client, clock)


def signed_in(site: Site, login: str) -> None:
    site.sign_in(login)
    change_first_password(site)


def test_the_page_says_which_decision_failed_the_year_and_links_its_article(site: Site) -> None:
    signed_in(site, "hr")
    page = site.client.get(YEAR_PAGE)
    assert page.status_code == 200, page.text
    text = page.text
    assert "Không hoàn thành nhiệm vụ do bị kỷ luật khiển trách theo KL-7 ngày 02/04/2026" in text
    assert "liên quan đến thi hành công vụ" in text
    assert "QĐ 7/QĐ-UBND" in text  # the decision's document, from its event
    assert 'href="/decree#dieu-20">điểm c khoản 4 Điều 20</a>' in text
    assert text.count('<details class="month" id="month-2026-') == 2  # the two months worked
    decree = site.client.get("/decree")
    assert decree.status_code == 200 and 'id="dieu-20"' in decree.text
    assert "Mức xếp loại chất lượng công chức" in decree.text  # Art. 20's own title


@pytest.mark.parametrize(
    "query",
    [
        "as_of_position=abc",
        "as_of_position=-1",
        "as_of_date=2026-13-01",
        "as_of_date=yesterday",
        "as_of_position=5&as_of_date=2026-01-01",
    ],
)
def test_an_as_of_that_is_not_a_moment_is_refused_with_a_page(site: Site, query: str) -> None:
    signed_in(site, "hr")
    answer = site.client.get(f"{YEAR_PAGE}?{query}")
    assert answer.status_code == 422, (query, answer.status_code)
    assert "Một số giá trị không hợp lệ" in answer.text


def test_as_of_before_the_year_was_classified_says_so(site: Site) -> None:
    signed_in(site, "hr")
    answer = site.client.get(f"{YEAR_PAGE}?as_of_position=1")
    assert answer.status_code == 200
    assert "Tại thời điểm đó chưa có xếp loại của năm này" in answer.text
    blank = site.client.get(f"{YEAR_PAGE}?as_of_position=&as_of_date=")  # the form left empty
    assert blank.status_code == 200 and "Theo nhật ký tại vị trí" not in blank.text


def test_a_civil_servant_reads_their_own_year_only(site: Site) -> None:
    signed_in(site, "cv2")
    assert site.client.get("/servants/CV2/years/2026").status_code == 200
    refused = site.client.get(YEAR_PAGE)
    assert refused.status_code == 403 and "Bạn không có quyền xem trang này" in refused.text
    assert site.client.get(f"{YEAR_PAGE}/evidence.json").status_code == 403
