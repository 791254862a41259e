"""The browser tests' fixtures, defined once: one Playwright and one Chromium for
the whole run (Playwright's sync API allows one in a thread), one demo service per
module."""

from tests.e2e.browser import browser, demo_server, page, playwright_session

__all__ = ["browser", "demo_server", "page", "playwright_session"]
