"""The strict Content-Security-Policy in a real browser: the site and the admin keep working."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Framework
from tests.browser.conftest import sign_up
from tests.factories import CuratorFactory

PASSWORD = "a-Long-enough-passw0rd"

# Collected in the page itself, before any of the site's scripts run (init scripts are not subject
# to the page's policy).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors; asserts none at the end."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.context.add_init_script(RECORD_VIOLATIONS)
    yield page
    assert page.evaluate("window.cspViolations") == []
    assert [error for error in errors if "Content Security Policy" in error] == []


def test_pages_and_in_place_votes_work_under_the_policy(watched, seeded):
    page = watched
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    sign_up(page, "alice")
    flask = page.locator("#vote-flask")
    flask.locator("button.vote-up").click()
    expect(flask.locator("[data-role=upvotes]")).to_have_text("1")
    page.goto("/frameworks/flask/")
    page.goto("/compare/?f=django&f=flask")
    expect(page.locator("h1")).to_be_visible()


def test_curator_logs_into_the_admin_and_runs_a_changelist_action_under_the_policy(watched, seeded):
    page = watched
    curator = CuratorFactory(username="carol")
    curator.set_password(PASSWORD)
    curator.save()
    Framework.objects.filter(slug="flask").update(upvotes=9)  # drift for the action to repair

    response = page.goto("/admin/login/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/catalog/framework/")
    page.locator("#action-toggle").check()  # the admin's own script ticks every row
    expect(page.locator("input.action-select").first).to_be_checked()
    expect(page.locator(".action-counter")).to_contain_text(re.compile(r"(\d+) of \1 selected"))
    page.select_option("select[name=action]", "recount")
    page.locator("button[name=index]").click()

    expect(page.locator(".messagelist")).to_be_visible()
    assert Framework.objects.get(slug="flask").upvotes == 0
