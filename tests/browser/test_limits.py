"""Abuse limits and held votes as a person meets them in the browser."""

from django.core.cache import caches
from playwright.sync_api import expect

from tests.browser.conftest import sign_up


def test_over_the_vote_limit_the_widget_says_so_in_place(page, seeded, settings):
    caches["ratelimit"].clear()
    settings.RATE_VOTE = "2/h"
    sign_up(page, "alice")
    flask = page.locator("#vote-flask")
    page.evaluate("window.notReloaded = true")

    flask.locator("button.vote-up").click()
    expect(flask.locator("[data-role=upvotes]")).to_have_text("1")
    flask.locator("button.vote-down").click()
    expect(flask.locator("[data-role=downvotes]")).to_have_text("1")
    flask.locator("button.vote-up").click()  # the third within the hour

    expect(flask.locator(".limit-message")).to_contain_text("Please try again in")
    expect(flask.locator("[data-role=downvotes]")).to_have_text("1")
    expect(flask.locator("[data-role=my-vote]")).to_have_text("You voted down")
    expect(page.locator("#messages .message-error")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true")


def test_a_new_accounts_vote_says_when_it_will_count(page, seeded, settings):
    settings.VOTE_HOLD_DAYS = 3
    sign_up(page, "bob")
    flask = page.locator("#vote-flask")

    flask.locator("button.vote-up").click()

    expect(flask.locator("[data-role=vote-held]")).to_contain_text("Counted from")
    expect(flask.locator("[data-role=upvotes]")).to_have_text("0")
