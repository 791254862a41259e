"""The upload screen in process: HR previews a workbook, sees each error by row and
column in Vietnamese, confirms, and a re-upload records nothing; bad files and other
people are 4xx pages."""

from __future__ import annotations

import re

from api.xlsx_import import XLSX_TYPE
from tests.app.scenario import log_size
from tests.e2e.test_web_pages import Site, change_first_password, site
from tests.workbooks import workbook

__all__ = ["site"]  # the fixture
PATH = "/agencies/SNV/imports"
ROWS = [
    ("KH-X", "Kế hoạch mới", "chuyen-vien", 2, 1.25, "2026-01-01"),
    ("BC-Y", "Báo cáo mới", "chuyen-vien", 2, "1,5", "2026-01-01"),
]
CONTENT = re.compile(r'name="content" value="([A-Za-z0-9_=-]+)"')
SHA = re.compile(r'name="sha256" value="([0-9a-f]{64})"')


def upload(site: Site, content: bytes, kind: str = "catalogue") -> str:
    page = site.client.post(
        f"{PATH}/{kind}",
        data={"csrf_token": site.csrf(PATH)},
        files={"workbook": ("danh-muc.xlsx", content, XLSX_TYPE)},
    )
    return f"{page.status_code}\n{page.text}"


def test_hr_previews_confirms_and_a_reupload_is_unchanged(site: Site) -> None:
    site.sign_in("hr")
    change_first_password(site)
    assert f'href="{PATH}"' in site.client.get("/").text  # the navigation's link
    bad = upload(site, workbook("catalogue", [*ROWS, ("KH-Z", "Sai", "cv", 2, 1, "32/01/2026")]))
    assert bad.startswith("200") and "Dòng" in bad
    assert "Áp dụng từ ngày" in bad and "Không phải ngày: ghi theo dạng dd/mm/yyyy." in bad
    assert 'id="form-confirm"' not in bad
    size = log_size(site.app)
    good = upload(site, workbook("catalogue", ROWS))
    assert "Sẽ thêm" in good and log_size(site.app) == size
    content, sha = CONTENT.search(good), SHA.search(good)
    assert content and sha
    tampered = site.client.post(
        f"{PATH}/catalogue/apply",
        data={"csrf_token": site.csrf(PATH), "content": content.group(1), "sha256": "0" * 64},
    )
    assert tampered.status_code == 400 and log_size(site.app) == size
    done = site.client.post(
        f"{PATH}/catalogue/apply",
        data={"csrf_token": site.csrf(PATH), "content": content.group(1), "sha256": sha.group(1)},
    )
    assert done.status_code == 200 and "Đã ghi nhận 2 dòng" in done.text
    size = log_size(site.app)
    again = upload(site, workbook("catalogue", ROWS))
    assert again.count("Không thay đổi") == 2 and 'id="form-confirm"' not in again
    assert log_size(site.app) == size
    template = site.client.get(f"{PATH}/staff/template")
    assert template.status_code == 200 and template.headers["content-type"] == XLSX_TYPE


def test_a_bad_file_is_a_400_page_and_others_are_refused(site: Site) -> None:
    site.sign_in("hr")
    change_first_password(site)
    bad = upload(site, b"this is not a workbook")
    assert bad.startswith("400") and "Không đọc được tệp này theo mẫu" in bad
    assert upload(site, workbook("catalogue", ROWS), kind="budget").startswith("422")
    huge = upload(site, b"0" * 1_100_000)  # over the body limit: never read
    assert huge.startswith("413") and "1 MiB" in huge and "Dữ liệu gửi lên quá lớn" in huge
    assert site.client.get("/agencies/SXD/imports").status_code == 403
    site.client.cookies.clear()
    site.sign_in("cv1")
    change_first_password(site)
    assert site.client.get(PATH).status_code == 403
