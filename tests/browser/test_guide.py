"""Browser: answer the guide's questions, follow the compare link; rate aspects in a review."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_up
from tests.browser.test_phone import INTERFACE_TEXT, LATIN_WORD, PROPER_NAMES


def test_answer_the_guide_get_a_short_list_and_compare_it(page, seeded):
    page.goto("/")
    page.get_by_role("link", name="Help me choose").click()
    expect(page).to_have_url(re.compile(r"/choose/$"))
    page.get_by_label("A full-stack site with templates and an admin").check()
    page.get_by_label("Experienced").check()
    page.get_by_label("Stability", exact=True).check()
    expect(page.get_by_label("Hide them from the list")).to_be_checked()
    page.get_by_role("button", name="Show my short list").click()

    expect(page).to_have_url(re.compile(r"/choose/\?.*build=full-stack"))
    picks = page.locator(".guide-answer article.fit")
    expect(picks.first).to_have_attribute("data-slug", "django")
    count = picks.count()
    assert 3 <= count <= 4
    expect(picks.first.locator("[data-role=reasons-for]")).to_contain_text("matches:")
    slugs = [picks.nth(i).get_attribute("data-slug") for i in range(count)]

    page.locator("[data-role=compare-picks]").click()
    expect(page).to_have_url(re.compile(r"/compare/\?f="))
    columns = page.locator("th.compare-framework")
    expect(columns).to_have_count(count)
    assert [columns.nth(i).get_attribute("data-slug") for i in range(count)] == slugs
    expect(page.locator("tr.compare-aspect")).to_have_count(6)


def test_the_guide_works_on_a_phone(browser, live_server, seeded):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": "zh-CN"},
    )
    page = context.new_page()
    page.goto("/choose/")
    page.locator("input[name=build][value=api]").check()
    page.locator("input[name=needs_async][value=yes]").check()
    page.locator("input[name=priority][value=performance]").check()
    page.locator("form.guide-form button[type=submit]").click()
    expect(page.locator(".guide-answer article.fit").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    leftovers = {}
    for url in [page.url, "/choose/", "/best/rest-apis/", "/best/beginners/", "/about/ranking/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        # the async question names the technologies, as Chinese writes them too
        words = set(LATIN_WORD.findall(page.evaluate(INTERFACE_TEXT))) - PROPER_NAMES
        words -= {"ASGI", "asyncio"}
        if words:
            leftovers[url] = sorted(words)
    assert leftovers == {}  # no English left in the Chinese interface
    context.close()


def test_a_review_with_aspects_shows_up_on_the_framework_page(page, seeded, settings):
    settings.ASPECT_MIN_REVIEWS = 1
    sign_up(page, "carol")
    page.goto("/frameworks/flask/review/")
    page.check("input[name=rating][value='4']")
    docs = page.get_by_role("group", name="Documentation")
    docs.get_by_label("5", exact=True).check()
    page.get_by_role("group", name="Learning curve").get_by_label("4", exact=True).check()
    page.fill("input[name=title]", "Docs are great")
    page.fill("textarea[name=body]", "Easy to start.")
    page.locator("form.review-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/frameworks/flask/#review-\d+$"))
    aspects = page.locator("[data-role=aspects]")
    expect(aspects.locator("[data-aspect=documentation]")).to_contain_text("5.0 / 5 from 1 review")
    expect(aspects.locator("[data-aspect=learning_curve]")).to_contain_text("4.0 / 5 from 1 review")
    expect(page.locator("[data-role=review-aspects]")).to_contain_text("Documentation")
