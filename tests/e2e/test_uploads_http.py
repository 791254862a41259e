"""Workbook imports over HTTP: HR of the agency or an admin, preview then apply; a bad
file is a 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.xlsx_import import XLSX_TYPE
from domain.application import MinhBach
from tests.app.scenario import log_size
from tests.e2e.test_http_roles import API, World, error, make_world, ok
from tests.workbooks import raw_workbook, workbook

PATH = f"{API}/agencies/SNV/imports/catalogue"
NEW = [("KH-X", "Kế hoạch mới", "chuyen-vien", 2, 1.25, "2026-01-01")]


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=False)


def send(
    world: World, who: str | None, content: bytes, path: str = PATH, **params: str
) -> httpx.Response:
    headers = {**world.headers(who), "Content-Type": XLSX_TYPE}
    response: httpx.Response = world.client.post(
        path, content=content, params=params, headers=headers
    )
    return response


def test_hr_previews_then_applies_and_the_second_time_is_unchanged(world: World) -> None:
    content = workbook("catalogue", NEW)
    size = log_size(world.app)
    seen = ok(send(world, "hr-snv", content))
    assert seen["counts"] == {"add": 1, "unchanged": 0, "error": 0} and not seen["applied"]
    assert seen["rows"][0] == {
        "row": 2,
        "code": "KH-X",
        "name": "Kế hoạch mới",
        "status": "add",
        "commands": ["add_product"],
        "errors": [],
    }
    assert log_size(world.app) == size
    error(send(world, "hr-snv", content, apply="true", sha256="0" * 64), 422, "invalid_value")
    done = ok(send(world, "hr-snv", content, apply="true", sha256=seen["sha256"]))
    assert done["applied"] and log_size(world.app) > size
    again = ok(send(world, "admin", content, apply="true"))
    assert again["counts"]["unchanged"] == 1


def test_a_row_the_domain_refuses_is_named_and_nothing_is_applied(world: World) -> None:
    rows = [*NEW, ("BC", "Đã có", "chuyen-vien", 3, 2, "2026-01-01")]  # BC is in the catalogue
    content = workbook("catalogue", rows)
    seen = ok(send(world, "hr-snv", content))
    assert seen["rows"][1]["errors"][0] | {"detail": ""} == {
        "row": 3,
        "column": "product",
        "code": "already_exists",
        "detail": "",
    }
    size = log_size(world.app)
    body = error(send(world, "hr-snv", content, apply="true"), 422, "batch_refused")
    assert body["details"]["rows"] == [3]
    assert log_size(world.app) == size


def test_only_hr_of_the_agency_or_an_admin(world: World) -> None:
    content = workbook("catalogue", NEW)
    for who in ("tp1", "cv1", "inspector", "authority"):
        error(send(world, who, content), 403, "not_authorised")
    error(send(world, "hr-snv", content, f"{API}/agencies/SXD/imports/catalogue"), 403)
    error(send(world, None, content), 401)
    error(send(world, "admin", content, f"{API}/agencies/NOPE/imports/catalogue"), 404)
    error(send(world, "hr-snv", content, f"{API}/agencies/SNV/imports/budget"), 422)


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text", raw_workbook("Sheet1", [["x"]]), raw_workbook("catalogue", [["x"]])],
)
def test_a_bad_file_is_a_422(world: World, content: bytes) -> None:
    error(send(world, "hr-snv", content), 422, "bad_workbook")


def test_the_template_downloads(world: World) -> None:
    response = world.client.get(f"{API}/imports/staff/template", headers=world.headers("hr-snv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert (
        ok(send(world, "hr-snv", response.content, f"{API}/agencies/SNV/imports/staff"))["rows"]
        == []
    )
