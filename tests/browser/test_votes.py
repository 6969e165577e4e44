import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import sign_up


def mark_page(page):
    """Set a marker that only survives while the document is not reloaded or navigated."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.notReloaded === true"), "the page reloaded or navigated"


def test_vote_in_place_switch_clear_and_an_anonymous_vote_is_cast_after_logging_in(page, seeded):
    sign_up(page, "alice")
    flask = page.locator("#vote-flask")
    up, down = flask.locator("button.vote-up"), flask.locator("button.vote-down")
    expect(page.locator(".framework-row").first).to_have_attribute("data-slug", "django")

    mark_page(page)
    up.click()
    expect(flask.locator("[data-role=upvotes]")).to_have_text("1")
    expect(flask.locator("[data-role=approval]")).to_contain_text(
        "100% approve · 95% sure it is between 21% and 100% · 1 vote"
    )
    expect(flask.locator("[data-role=my-vote]")).to_have_text("You voted up")
    expect(up).to_have_attribute("aria-pressed", "true")
    assert_not_reloaded(page)

    page.goto("/")
    expect(page.locator(".framework-row").first).to_have_attribute("data-slug", "flask")
    expect(flask.locator("[data-role=my-vote]")).to_have_text("You voted up")

    mark_page(page)
    down.click()
    expect(flask.locator("[data-role=downvotes]")).to_have_text("1")
    expect(flask.locator("[data-role=upvotes]")).to_have_text("0")
    expect(flask.locator("[data-role=my-vote]")).to_have_text("You voted down")
    down.click()  # pressed again: takes the vote back
    expect(flask.locator("[data-role=downvotes]")).to_have_text("0")
    expect(flask.locator("[data-role=my-vote]")).to_have_count(0)
    expect(down).to_have_attribute("aria-pressed", "false")
    assert_not_reloaded(page)

    page.locator(".account-menu button[type=submit]").click()
    expect(page.locator(".account-menu")).to_contain_text("Log in")

    page.goto("/frameworks/flask/")
    page.locator("#vote-flask .vote-up").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    after_login = parse_qs(urlsplit(page.url).query)["next"][0]
    assert after_login == "/frameworks/flask/vote/confirm/?value=up&next=%2Fframeworks%2Fflask%2F"
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "a-Long-enough-passw0rd")
    page.locator("form.login-form button[type=submit]").click()
    # Back from logging in, the vote asked for waits for one press (a link never casts a vote).
    confirm = page.get_by_role("button", name="▲ Vote up")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(page).to_have_url(re.compile(r"/frameworks/flask/$"))
    expect(page.locator(".messages")).to_contain_text("Your vote on Flask is saved.")
    expect(page.locator("#vote-flask [data-role=upvotes]")).to_have_text("1")
    expect(page.locator("#vote-flask [data-role=my-vote]")).to_have_text("You voted up")


def test_a_failed_in_place_vote_says_so_and_changes_nothing(page, seeded):
    sign_up(page, "carol")
    page.context.clear_cookies(name="csrftoken")  # the form's token no longer matches a cookie
    flask = page.locator("#vote-flask")

    mark_page(page)
    flask.locator("button.vote-up").click()

    expect(page.locator("#messages .message-error")).to_contain_text("nothing was changed")
    expect(flask.locator("[data-role=upvotes]")).to_have_text("0")
    assert_not_reloaded(page)
