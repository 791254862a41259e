"""Over HTTP and the command line: the registered variants, an agency adopting one, and the
quarter and half-year results (Art. 17(3), 23(1–2))."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import issue
from api.http import create_app
from domain import commands as c
from domain.application import MinhBach
from domain.storage import storage_from_url
from tests.app.quarterly_agency import work
from tests.app.scenario import ADMIN, build_agency

API = "/api/v1"


@pytest.fixture
def client(app: MinhBach) -> Iterator[tuple[TestClient, dict[str, str]]]:
    build_agency(app)
    for month, criteria in ((1, True), (2, False), (3, False), (4, True)):
        work(app, f"T{month}", "CV1", f"2026-{month:02d}", "TP1", criteria=criteria)
    tokens = {}
    for name, role, agency in (("authority", "authority", None), ("hr", "hr", "SNV")):
        app.execute(
            c.RegisterPrincipal.model_validate(
                {"principal": name, "display_name": name, "role": role, "agency": agency}
            ),
            ADMIN,
        )
        tokens[name] = issue(app, name, "test")
    with TestClient(create_app(app, follow=False)) as test_client:
        yield test_client, tokens


def _get(client: Any, token: str, path: str, **params: Any) -> Any:
    return client.get(f"{API}{path}", params=params, headers={"Authorization": f"Bearer {token}"})


def test_policies_and_an_adoption(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    listed = _get(http, tokens["hr"], "/policies").json()["items"]
    labels = {item["label"]: item for item in listed}
    assert labels["ND335-2025 v1"]["overrides"] == {}
    wider = labels["ND335-2025 v1 / quota-good-or-better"]
    assert wider["overrides"] == {"quota_base": "good_or_better"}
    assert wider["description_vi"].startswith("Tỷ lệ 20%")
    body = {"agency": "SNV", "variant": "quota-good-or-better", "effective_from": "2026-07-01"}
    headers = {"Authorization": f"Bearer {tokens['authority']}"}
    url = f"{API}/commands/adopt-policy-variant"
    refused = http.post(url, json=body, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "missing_source_document")
    unknown = http.post(url, json={**body, "variant": "x", "source_ref": "QĐ 1"}, headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_policy_variant")
    by_hr = http.post(
        url,
        json={**body, "source_ref": "QĐ 1"},
        headers={"Authorization": f"Bearer {tokens['hr']}"},
    )
    assert (by_hr.status_code, by_hr.json()["code"]) == (403, "not_authorised")
    done = http.post(url, json={**body, "source_ref": "QĐ 150/QĐ-UBND"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["result"]["policy"] == "ND335-2025 v1 / quota-good-or-better"
    before = _get(http, tokens["hr"], "/agencies/SNV/policy", on="2026-06-30").json()
    after = _get(http, tokens["hr"], "/agencies/SNV/policy", on="2026-07-01").json()
    assert before["policy"]["variant"] is None
    assert after["policy"]["variant"] == "quota-good-or-better"
    assert after["parameters"]["quota_base"] == "good_or_better"
    assert after["adoptions"] == [
        {
            "effective_from": "2026-07-01",
            "policy_id": "ND335-2025",
            "variant": "quota-good-or-better",
            "document_ref": "QĐ 150/QĐ-UBND",
        }
    ]
    missing = _get(http, tokens["hr"], "/agencies/NOPE/policy")
    assert missing.status_code == 404


def test_art_23_quarter_and_half_year_results(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    year = _get(http, tokens["hr"], "/servants/CV1/years/2026").json()
    spans = {row["span"]: row for row in year["interim"]}
    assert list(spans) == ["2026-Q1", "2026-Q2", "2026-H1"]
    # Q1: (100 + 70 + 70) ÷ 3 = 80; Q2: April only; H1: (100 + 70 + 70 + 100) ÷ 4 = 85.
    assert (spans["2026-Q1"]["score"], spans["2026-Q1"]["level"]) == ("80.00", "GOOD")
    assert spans["2026-Q1"]["periods"] == ["2026-01", "2026-02", "2026-03"]
    assert spans["2026-Q2"]["score"] == "100.00"
    assert spans["2026-Q2"]["left_out"] == ["2026-05", "2026-06"]
    assert spans["2026-H1"]["score"] == "85.00"
    assert spans["2026-H1"]["policy_variant"] is None
    listing = _get(http, tokens["hr"], "/interim", agency="SNV", span="2026-H1").json()
    assert [(r["servant_code"], r["score"]) for r in listing["items"]] == [("CV1", "85.00")]
    bad = _get(http, tokens["hr"], "/interim", agency="SNV", span="2026-Q5")
    assert bad.status_code == 422


def test_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = MinhBach(storage_from_url(url))
    build_agency(app)
    work(app, "T1", "CV1", "2026-01", "TP1", criteria=True)
    app.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "api.cli", "--database-url", url, *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    listed = run("policy", "list")
    assert listed.returncode == 0
    assert "ND335-2025 v1 / periods-per-result" in listed.stdout
    adopt = ["policy", "adopt", "SNV", "late-working-days", "--from", "2026-01-01"]
    adopted = run(*adopt, "--decision", "QĐ 7/QĐ-UBND", "--key", "k1")
    assert adopted.returncode == 0, adopted.stderr
    assert "SNV applies ND335-2025 v1 / late-working-days from 2026-01-01" in adopted.stdout
    assert "already recorded" in run(*adopt, "--decision", "QĐ 7/QĐ-UBND", "--key", "k1").stdout
    unknown = run("policy", "adopt", "SNV", "lenient", "--from", "2026-01-01", "--decision", "x")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().startswith("minhbach: unknown_policy_variant:")
    shown = run("policy", "show", "SNV", "--on", "2026-03-01")
    assert "SNV on 2026-03-01: ND335-2025 v1 / late-working-days" in shown.stdout
    assert "QĐ 7/QĐ-UBND" in shown.stdout
    interim = run("interim", "SNV", "2026-Q1")
    assert interim.returncode == 0, interim.stderr
    assert "CV1" in interim.stdout and "100.00" in interim.stdout
    assert "late-working-days" in interim.stdout
    bad_span = run("interim", "SNV", "2026-Q9")
    assert bad_span.returncode == 2 and "not a quarter or half-year" in bad_span.stderr
