import re

from playwright.sync_api import expect

from catalog.seed import load_fixture


def test_ranking_shows_the_37_in_the_articles_order(page, seeded, settings):
    settings.RANKING_PAGE_SIZE = 50
    page.goto("/")
    names = page.locator(".framework-row .framework-name a").all_inner_texts()
    assert names == [entry["name"] for entry in load_fixture()]


def test_search_filter_by_tag_and_open_a_framework(page, seeded):
    page.goto("/")
    expect(page.locator("input[name=q]")).to_be_hidden()  # folded behind "Filter & sort"
    page.get_by_text("Filter & sort").click()
    page.fill("input[name=q]", "微框架")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q="))
    rows = page.locator(".framework-row .framework-name a")
    expect(rows.filter(has_text="Flask")).to_have_count(1)
    expect(rows.filter(has_text="Django")).to_have_count(0)

    page.goto("/")
    page.locator(".framework-row .tag", has_text="WebSocket").first.click()
    expect(page).to_have_url(re.compile(r"/tags/websocket/$"))
    expect(page.locator("h1")).to_contain_text("WebSocket")
    page.locator(".framework-row .framework-name a", has_text="Starlette").click()
    expect(page).to_have_url(re.compile(r"/frameworks/starlette/$"))
    expect(page.locator(".website a")).to_have_attribute("rel", "noopener")


def test_language_switcher_changes_the_interface(page, seeded):
    page.goto("/")
    expect(page.locator("nav.site-nav")).to_contain_text("Ranking")
    page.locator(".language-switch a[lang=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.site-nav")).to_contain_text("排行")
