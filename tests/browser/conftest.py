"""Browser tests: Playwright for Python driving a real Chromium against the live_server."""

import os
import re

import pytest

from tests.browser.chromium import LAUNCH_ARGS, find_chromium

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
# still synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        # Outside CI a machine without Chromium skips these, saying why; under CI they run and
        # fail in the `browser` fixture, so a missing browser can never pass unnoticed.
        if CHROMIUM is None and os.environ.get("CI") != "true":
            reason = "no Chromium found (set CHROMIUM or apt-get install chromium)"
            item.add_marker(pytest.mark.skipif(True, reason=reason))


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("no Chromium found for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh English page (own cookies) whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open another independent page (another person) on the live server."""
    contexts = []

    def make(locale="en-US", language="en", viewport=None, init_script=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            extra_http_headers={"Accept-Language": language},
            **({"viewport": viewport} if viewport else {}),
        )
        context.set_default_timeout(10_000)
        if init_script:
            context.add_init_script(path=str(init_script))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_up(page, username, password="a-Long-enough-passw0rd"):
    """Create an account through the sign-up form; the new user is logged in after."""
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("form.signup-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))
