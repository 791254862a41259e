"""A real browser against a real ``minhbach serve --demo``: the machine's
Chromium driven by Playwright. Browser tests are mandatory in CI (``CI`` or
``MINHBACH_REQUIRE_BROWSER``): a missing Chromium fails them there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from api.bootstrap import printed_logins
from tests.e2e.test_server_process import free_port

REPO = Path(__file__).resolve().parents[2]
SCREENS = REPO / "docs" / "screens"
STARTUP_SECONDS = 240
DESKTOP = ViewportSize(width=1366, height=768)
PHONE = ViewportSize(width=390, height=844)


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("MINHBACH_REQUIRE_BROWSER"))


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "no Chromium on this machine (Debian: apt-get install -y chromium)"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass(frozen=True)
class Login:
    login: str
    password: str
    token: str


@dataclass
class DemoServer:
    base_url: str
    logins: dict[str, Login]
    folder: Path  # the server's data folder: the ledger's demo key pair is kept there

    def api(self, role: str) -> httpx.Client:
        token = self.logins[role].token
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def serving_demo(folder: Path, demo: bool = True) -> Iterator[DemoServer]:
    """``minhbach serve --demo`` on an SQLite file in ``folder`` (which may hold a
    log already: the demo runs on from its newest recorded time); without ``demo``,
    plain ``minhbach serve`` on what the file holds (no demo sign-ins)."""
    port = free_port()
    out_path, err_path = folder / "serve.out", folder / "serve.err"
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "--database-url",
        f"sqlite:///{folder / 'demo.db'}",
        "serve",
        *(["--demo"] if demo else []),
        "--port",
        str(port),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MINHBACH_DATA_DIR": str(folder)}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=REPO, env=env
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                output = out_path.read_text(errors="replace") + err_path.read_text(errors="replace")
                pytest.fail(f"minhbach serve --demo did not start:\n{output[-4000:]}")
            time.sleep(0.25)
        printed = printed_logins(out_path.read_text(encoding="utf-8")) if demo else {}
        assert not demo or {"hr", "manager", "civil_servant", "inspector"} <= printed.keys()
        logins = {role: Login(*found) for role, found in printed.items()}
        yield DemoServer(base_url, logins, folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """One demo service for the browser tests of a module (loading the demo takes a
    while; a module's tests may change what the demo holds, another module's never)."""
    with serving_demo(tmp_path_factory.mktemp("web-demo")) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    launched = playwright_session.chromium.launch(
        executable_path=chromium_path(), args=["--no-sandbox"]
    )
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, demo_server: DemoServer) -> Iterator[Page]:
    context = browser.new_context(
        viewport=DESKTOP, base_url=demo_server.base_url, accept_downloads=True
    )
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, server: DemoServer, role: str, password: str | None = None) -> None:
    login = server.logins[role]
    page.goto("/signin")
    page.get_by_label("Tên đăng nhập").fill(login.login)
    page.get_by_label("Mật khẩu").fill(password if password is not None else login.password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """The screen at the desktop and the phone size, saved under docs/screens/; the
    page must not scroll sideways at either (wide tables scroll in their own box),
    and every form field on it has a label."""
    assert unlabelled_fields(page) == [], name
    SCREENS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (
            f"{name} scrolls sideways by {overflow}px at {size} width: {wide_elements(page)}"
        )
        page.screenshot(path=str(SCREENS / f"{name}-{size}.png"), full_page=full_page)
    page.set_viewport_size(DESKTOP)


def unlabelled_fields(page: Page) -> list[str]:
    """Form fields a screen reader could not name: no <label for>, no aria-label."""
    found: list[Any] = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(f => f.type !== 'hidden')
            .filter(f => !(f.id && document.querySelector(`label[for="${f.id}"]`))
                         && !f.getAttribute('aria-label'))
            .map(f => f.name || f.outerHTML)"""
    )
    return [str(name) for name in found]


def wide_elements(page: Page) -> list[str]:
    """The innermost elements reaching past the window's right edge (to say why a
    page scrolls sideways)."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => {
                const past = (x) => x.getBoundingClientRect().right > window.innerWidth + 1;
                return past(e) && ![...e.children].some(past) && !e.closest('.scroll');
            })
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                + ': ' + (e.textContent || '').trim().slice(0, 60))"""
    )
    return found
