import re

from playwright.sync_api import expect


def test_tick_three_compare_open_an_alternative_and_read_why_it_ranks_there(page, seeded):
    page.goto("/")
    for slug in ("django", "flask", "fastapi"):
        page.locator(f"#framework-{slug} .compare-pick input").check()
    page.locator("#compare-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/compare/\?f=django&f=flask&f=fastapi$"))
    columns = page.locator("th.compare-framework")
    expect(columns).to_have_count(3)
    expect(columns.nth(0)).to_contain_text("Django")
    expect(columns.nth(1)).to_contain_text("Flask")
    expect(columns.nth(2)).to_contain_text("Fastapi")
    expect(page.locator(".compare-tags .tag.is-shared")).to_have_count(0)

    columns.nth(2).get_by_role("link", name="Fastapi").click()
    expect(page).to_have_url(re.compile(r"/frameworks/fastapi/$"))
    alternatives = page.locator(".alternative-name")
    # Fastapi's tags: REST API, type hints, high performance; apidaora carries all three.
    expect(alternatives.first).to_have_text("apidaora")
    alternatives.first.click()

    expect(page).to_have_url(re.compile(r"/frameworks/apidaora/$"))
    why = page.locator(".rank-explainer")
    expect(why.locator(".position-line")).to_have_text("#12 in the ranking")
    expect(why).to_contain_text(
        "Nobody has voted yet, so it keeps its place from the article's order."
    )
    expect(why).to_contain_text("Next above: Emmett.")
    expect(why.locator(".why-climb")).to_have_text(
        "1 more up-vote, with no new down-votes, would lift it past Emmett."
    )

    page.locator(".alternative .compare-with").first.click()
    expect(page).to_have_url(re.compile(r"/compare/\?f=apidaora&f=\w+$"))
    expect(page.locator("th.compare-framework")).to_have_count(2)
