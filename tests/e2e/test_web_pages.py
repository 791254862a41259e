"""The web pages in process (no browser): sessions and their expiry, CSRF, a first
password to change, one record per rendered form, error pages, the downloads, the
language switch, and the API beside them (bearer scheme, no sign-in commands)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from api.bootstrap import ensure_admin
from api.http import create_app
from domain import commands as c
from domain.application import MinhBach
from domain.passwords import hash_new_password
from domain.principal import SESSION_LIFETIME, Principal, principal_id
from tests.app.scenario import ADMIN, build_agency
from tests.conftest import FakeClock

PASSWORD = "mật khẩu thử nghiệm"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
FORM_KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


@dataclass
class Site:
    app: MinhBach
    client: TestClient
    clock: FakeClock

    def csrf(self, path: str) -> str:
        found = CSRF.search(self.client.get(path).text)
        assert found, path
        return found.group(1)

    def sign_in(self, login: str, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf("/signin")
        answer: httpx.Response = self.client.post(
            "/signin",
            data={"login": login, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        return answer


def register(
    app: MinhBach, name: str, role: str, password: str | None = PASSWORD, **scope: str
) -> None:
    app.execute(
        c.RegisterPrincipal.model_validate(
            {"principal": name, "display_name": name, "role": role, **scope}
        ),
        ADMIN,
    )
    if password is not None:
        app.execute(
            c.SetPassword(principal=name, password_hash=hash_new_password(password, name)), ADMIN
        )


@pytest.fixture
def site(app: MinhBach, clock: FakeClock) -> Iterator[Site]:
    build_agency(app)
    ensure_admin(app)
    register(app, "hr", "hr", agency="SNV")
    register(app, "cv1", "civil_servant", servant="CV1")
    with TestClient(create_app(app, follow=False), raise_server_exceptions=False) as client:
        yield Site(app, client, clock)


def change_first_password(site: Site, new: str = "mật khẩu của tôi nhé") -> None:
    token = site.csrf("/password")
    answer = site.client.post(
        "/password",
        data={"current": PASSWORD, "new": new, "repeat": new, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text


def test_signing_in_changing_the_first_password_and_signing_out(site: Site) -> None:
    first = site.client.get("/", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/signin?next=%2F")

    answer = site.sign_in("hr")
    assert (answer.status_code, answer.headers["location"]) == (303, "/password")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    # Set by someone else: nothing else opens before it is changed.
    assert site.client.get("/", follow_redirects=False).headers["location"] == "/password"
    change_first_password(site)
    home = site.client.get("/")
    assert home.status_code == 200 and "Xin chào, hr" in home.text

    old_cookie = dict(site.client.cookies)
    signed_out = site.client.post(
        "/signout", data={"csrf_token": site.csrf("/")}, follow_redirects=False
    )
    assert signed_out.headers["location"] == "/signin"
    site.client.cookies.update(old_cookie)  # a copied cookie is worth nothing after sign-out
    assert site.client.get("/", follow_redirects=False).status_code == 303

    events = list(site.app.events.get(principal_id("hr")))
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "PasswordSet",  # by the admin
        "SignedIn",
        "PasswordSet",  # by the person: every session ends…
        "SignedIn",  # …and this browser's opens again
        "SignedOut",
    ]
    assert {e.address for e in events if hasattr(e, "address")} == {"testclient"}


def test_a_session_expires(site: Site) -> None:
    site.sign_in("hr")
    change_first_password(site)
    assert site.client.get("/").status_code == 200
    site.clock.advance(seconds=SESSION_LIFETIME.total_seconds() + 1)
    assert site.client.get("/", follow_redirects=False).headers["location"] == "/signin?next=%2F"


def test_every_form_post_needs_its_csrf_token(site: Site) -> None:
    refused = site.client.post("/signin", data={"login": "hr", "password": PASSWORD})
    assert refused.status_code == 403 and "Biểu mẫu đã hết hiệu lực" in refused.text
    site.sign_in("hr")
    change_first_password(site)
    for path, form in (
        ("/signout", {}),
        ("/people/password", {"login": "cv1", "new": "x1y2z3w4v5", "repeat": "x1y2z3w4v5"}),
        ("/password", {"current": "a", "new": "b", "repeat": "b"}),
    ):
        answer = site.client.post(path, data={**form, "csrf_token": "0" * 64})
        assert answer.status_code == 403, path
    assert site.client.get("/").status_code == 200  # still signed in


def test_a_rendered_form_records_once_however_often_it_is_sent(site: Site) -> None:
    site.sign_in("hr")
    change_first_password(site)
    page = site.client.get("/people/password").text
    token, key = CSRF.search(page), FORM_KEY.search(page)
    assert token and key
    form = {
        "login": "cv1",
        "new": "mật khẩu đầu tiên",
        "repeat": "mật khẩu đầu tiên",
        "csrf_token": token.group(1),
        "form_key": key.group(1),
    }
    before = len(list(site.app.events.get(principal_id("cv1"))))
    for _ in range(2):
        answer = site.client.post("/people/password", data=form)
        assert answer.status_code == 200 and "Đã đặt mật khẩu cho cv1" in answer.text
    after = list(site.app.events.get(principal_id("cv1")))
    assert len(after) == before + 1 and isinstance(after[-1], Principal.PasswordSet)

    other_agency = {**form, "login": "hr", "form_key": "f" * 32}
    refused = site.client.post("/people/password", data=other_agency)
    assert refused.status_code == 403 and "Bạn không có quyền" in refused.text


def test_errors_are_pages_in_vietnamese_and_the_api_keeps_json(site: Site) -> None:
    site.sign_in("cv1")
    change_first_password(site)
    missing = site.client.get("/no/such/page")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    api = site.client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    bad_year = site.client.get("/agencies/SNV/years/1900/standings")
    assert bad_year.status_code == 422 and "Một số giá trị không hợp lệ" in bad_year.text


def test_an_unexpected_failure_is_a_page_without_internals(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sign_in("hr")
    change_first_password(site)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("web.routes.home.queries.years_of", broken)
    answer = site.client.get("/")
    assert answer.status_code == 500
    assert "Hệ thống gặp sự cố" in answer.text and "secret internals" not in answer.text
    assert "Traceback" not in answer.text


def test_downloads_open_in_excel_and_the_language_switches(site: Site) -> None:
    from tests.app.scenario import YEAR

    site.sign_in("hr")
    change_first_password(site)
    answer = site.client.get(f"/agencies/SNV/years/{YEAR}/standings.csv")
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header[:3] == ["Hạng", "Mã công chức", "Họ và tên"]
    assert "attachment" in answer.headers["content-disposition"]

    switched = site.client.get("/lang/en?next=/people/password", follow_redirects=False)
    assert switched.headers["location"] == "/people/password"
    assert "Set a password" in site.client.get("/people/password").text
    english = site.client.get(f"/agencies/SNV/years/{YEAR}/standings.csv")
    assert english.content.decode("utf-8-sig").startswith("Rank,Civil servant code")
    for elsewhere in ("https://example.org/", "//example.org/", "/\\example.org"):
        redirect = site.client.get("/lang/vi", params={"next": elsewhere}, follow_redirects=False)
        assert redirect.headers["location"] == "/"


def test_the_api_declares_its_bearer_scheme_and_keeps_sign_ins_server_side(site: Site) -> None:
    document = site.client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "mb.<principal>.<token id>.<secret>",
        "description": "A token issued by an admin: `Authorization: Bearer mb.…`",
    }
    paths = document["paths"]
    assert not any(
        name in paths for name in ("/api/v1/commands/sign-in", "/api/v1/commands/set-password")
    )
    assert "/signin" not in paths and "/" not in paths  # the pages are not API operations
    assert site.client.get("/api/v1/me").status_code == 401
    docs = site.client.get("/docs")
    assert "default-src 'self'" in docs.headers["content-security-policy"]
    assert "cdn" not in docs.text and "/static-offline-docs/swagger-ui-bundle.js" in docs.text
