"""Web pages: the median time to answer each page of the demo, signed in as the
person who would open it, through a real ``minhbach serve --demo``.

One server is started (``benchmarks/http_server.py``'s ``running_server``: an SQLite
file in a temp folder holding the demo year and its petition story,
``demo/petitions.py``, recorded first so that the petition is overdue). The HR
officer, the manager (head of TCBC), a civil servant, the appeals reviewer, the
competent authority and the inspector sign in through the sign-in form like a
browser (one cookie jar each). Each page is then requested ``--requests`` times one
after the other (after ``--warm-up`` requests that are not counted), and the table
gives the median and the 95th percentile of the wall-clock time from sending the
request to the last byte of the answer, over loopback — rendering the template, the
queries behind it, the session check, the CSRF and security headers all included.
The target is a median under 300 ms per page; the script exits 1 when a page misses
it. The documents (Form 01, Form 02, the summary: files made on demand, each with
its receipt) are measured beside the pages and held to no page target.

Run it::

    .venv/bin/python benchmarks/web_pages.py                  # 30 requests per page
    .venv/bin/python benchmarks/web_pages.py --requests 100
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this file's folder would come first on the path and hide the
# standard library's ``http`` package from httpx: the repository comes instead.
if __package__ in (None, ""):
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from api.bootstrap import printed_logins, record_demo_petitions
from benchmarks.http_server import running_server
from demo.petitions import APPEAL

TARGET_MS = 300.0
YEAR_PAGES = f"/agencies/SNV-HN/years/{2026}"
UNIT_MONTH = "/agencies/SNV-HN/units/TCBC/periods"
TIED = "/servants/SNV-HN-010/years/2026"  # the demo's civil servant, tied across the quota
OTHER = "/servants/SNV-HN-021/years/2026"  # the one tied with them
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')

# (who, label, path, expected status)
PAGES: tuple[tuple[str | None, str, str, int], ...] = (
    (None, "sign-in form", "/signin", 200),
    ("hr", "home", "/", 200),
    ("hr", "standings", f"{YEAR_PAGES}/standings", 200),
    ("hr", "standings, filtered", f"{YEAR_PAGES}/standings?unit=TCBC&level=GOOD", 200),
    ("hr", "standings.csv", f"{YEAR_PAGES}/standings.csv", 200),
    ("hr", "standings.xlsx", f"{YEAR_PAGES}/standings.xlsx", 200),
    ("hr", "distribution", f"{YEAR_PAGES}/distribution", 200),
    ("hr", "quota", f"{YEAR_PAGES}/quota", 200),
    ("hr", "quota.xlsx", f"{YEAR_PAGES}/quota.xlsx", 200),
    ("hr", "to do", f"{YEAR_PAGES}/worklist", 200),
    ("hr", "reconciliation", f"{YEAR_PAGES}/reconciliation", 200),
    ("hr", "reconciliation, March", f"{YEAR_PAGES}/reconciliation?period=2026-03", 200),
    ("hr", "set a password", "/people/password", 200),
    ("hr", "proposals", f"{YEAR_PAGES}/proposals", 200),
    ("hr", "imports from Excel", "/agencies/SNV-HN/imports", 200),
    ("hr", "what-if", f"{YEAR_PAGES}/whatif", 200),
    ("authority", "decisions", f"{YEAR_PAGES}/decisions", 200),
    ("manager", "unit month (TCBC, November)", f"{UNIT_MONTH}/2026-11", 200),
    ("civil_servant", "my month (November)", "/me/periods/2026-11", 200),
    ("inspector", "leniency", f"{YEAR_PAGES}/leniency", 200),
    ("manager", "standings (own unit)", f"{YEAR_PAGES}/standings", 200),
    ("inspector", "a servant's year", TIED, 200),
    ("inspector", "a servant's year, as of position 10000", f"{TIED}?as_of_position=10000", 200),
    ("hr", "the decree", "/decree", 200),
    ("manager", "reconciliation (own unit)", f"{YEAR_PAGES}/reconciliation", 200),
    ("civil_servant", "home", "/", 200),
    ("civil_servant", "own year", TIED, 200),
    ("civil_servant", "another's year: 403", OTHER, 403),
    ("civil_servant", "403 page", f"{YEAR_PAGES}/standings", 403),
    ("appeals_reviewer", "petitions (own cases)", "/appeals", 200),
    ("appeals_reviewer", "petition (overdue case)", f"/appeals/SNV-HN/{quote(APPEAL)}", 200),
    ("inspector", "inspection", f"{YEAR_PAGES}/inspection", 200),
    (None, "verify a receipt (form)", "/verify", 200),
    (None, "API docs (/docs)", "/docs", 200),
)
# Documents are files made on demand (a PDF with its fonts and QR code, a workbook),
# each with a receipt: measured beside the pages, not held to the pages' target.
DOCUMENTS: tuple[tuple[str | None, str, str, int], ...] = (
    ("hr", "Form 02 (PDF)", "/servants/{petitioner}/years/2026/forms/02.pdf", 200),
    ("hr", "Form 01 (PDF)", "/servants/{petitioner}/periods/2026-06/forms/01.pdf", 200),
    ("hr", "summary.xlsx", f"{YEAR_PAGES}/summary.xlsx", 200),
    ("hr", "summary.pdf", f"{YEAR_PAGES}/summary.pdf", 200),
)


@dataclass(frozen=True)
class Timing:
    who: str
    page: str
    median_ms: float
    p95_ms: float
    target: bool = True  # a page (held to the target), not a document


def signed_in(base_url: str, login: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=True)
    form = client.get("/signin")
    token = CSRF.search(form.text)
    assert token, "no CSRF token on the sign-in form"
    answer = client.post(
        "/signin", data={"login": login, "password": password, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 200 and "/signin" not in str(answer.url), answer.status_code
    return client


def time_page(
    client: httpx.Client, path: str, status: int, warm_up: int, requests: int
) -> list[float]:
    times = []
    for n in range(warm_up + requests):
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = time.perf_counter() - started
        if answer.status_code != status:
            raise RuntimeError(f"{path}: {answer.status_code}, expected {status}")
        if n >= warm_up:
            times.append(elapsed * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed requests per page first")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="minhbach-web-bench-") as folder:
        print("recording the demo and its petition story …", file=sys.stderr)
        story = record_demo_petitions(f"sqlite:///{Path(folder) / 'http.db'}")
        print("starting minhbach serve --demo on it …", file=sys.stderr)
        with running_server(Path(folder)) as server:
            logins = printed_logins(server.stdout.read_text(encoding="utf-8"))
            roles = {who for who, *_ in (*PAGES, *DOCUMENTS) if who is not None}
            clients = {
                role: signed_in(server.base_url, logins[role][0], logins[role][1]) for role in roles
            }
            anonymous = httpx.Client(base_url=server.base_url, timeout=60)
            timings = []
            measured = [(page, True) for page in PAGES] + [(doc, False) for doc in DOCUMENTS]
            for (who, label, path, status), target in measured:
                client = clients[who] if who else anonymous
                path = path.format(petitioner=story.petitioner)
                times = time_page(client, path, status, args.warm_up, args.requests)
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
                timings.append(Timing(who or "—", label, statistics.median(times), p95, target))
        for client in (*clients.values(), anonymous):
            client.close()

    print(f"\n{args.requests} requests per page, one at a time, after {args.warm_up} untimed\n")
    print("| page | signed in as | median ms | p95 ms |")
    print("|---|---|---:|---:|")
    for t in timings:
        label = t.page if t.target else f"{t.page} (document)"
        print(f"| {label} | {t.who} | {t.median_ms:.1f} | {t.p95_ms:.1f} |")
    slow = [t for t in timings if t.target and t.median_ms >= TARGET_MS]
    verdict = "every page" if not slow else f"{len(slow)} pages NOT"
    print(f"\n{verdict} under the {TARGET_MS:.0f} ms median target")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
