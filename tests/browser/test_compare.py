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
    expect(columns.nth(2)).to_contain_text("FastAPI")
    # Django and Flask share templates and WSGI (2 + 2 marks), Django and FastAPI ASGI (1 + 1).
    expect(page.locator(".compare-tags .tag.is-shared")).to_have_count(6)

    columns.nth(2).get_by_role("link", name="FastAPI").click()
    expect(page).to_have_url(re.compile(r"/frameworks/fastapi/$"))
    alternatives = page.locator(".alternative-name")
    # Index.py shares six of FastAPI's tags (async, ASGI, WebSocket, type hints, OpenAPI,
    # high performance): more than any other.
    expect(alternatives.first).to_have_text("Index.py")
    alternatives.first.click()

    expect(page).to_have_url(re.compile(r"/frameworks/indexpy/$"))
    why = page.locator(".rank-explainer")
    expect(why.locator(".position-line")).to_have_text("#17 in the ranking")
    expect(why).to_contain_text(
        "Nobody has voted yet, so it keeps its place from the article's order."
    )
    expect(why).to_contain_text("Next above: BlackSheep.")
    expect(why.locator(".why-climb")).to_have_text(
        "1 more up-vote, with no new down-votes, would lift it past BlackSheep."
    )

    page.locator(".alternative .compare-with").first.click()
    expect(page).to_have_url(re.compile(r"/compare/\?f=indexpy&f=\w+$"))
    expect(page.locator("th.compare-framework")).to_have_count(2)


def test_the_compare_bar_counts_ticks_and_keeps_them_across_pages(page, seeded):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    bar = page.locator("#compare-form")
    button = bar.locator("[data-role=compare-button]")
    expect(button).to_have_text("Compare")
    page.locator("#framework-flask .compare-pick input").check()
    expect(button).to_have_text("Compare (1)")
    expect(bar).to_be_in_viewport()

    page.locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(button).to_have_text("Compare (1)")
    page.locator(".framework-row .compare-pick input").first.check()
    expect(button).to_have_text("Compare (2)")
    second = page.locator(".framework-row").first.get_attribute("data-slug")
    page.go_back()
    expect(page.locator("#framework-flask .compare-pick input")).to_be_checked()
    button.click()

    expect(page).to_have_url(re.compile(rf"/compare/\?f=flask&f={second}$"))
    table = page.locator(".compare-table")
    expect(table.locator("th.compare-framework")).to_have_count(2)
    expect(table.locator(".compare-rank td").first).to_contain_text("#2")
    expect(table.locator(".compare-rank [data-role=best]")).to_have_text("✓ Best of these")
    expect(table.locator(".compare-votes .vote-button")).to_have_count(4)
    # On a phone both columns fit beside the labels; the labels stay put when it scrolls.
    label = table.locator(".compare-rank th")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.compare-rank th')).position"
    ) == ("sticky")
    expect(table.locator("th.compare-framework").nth(1)).to_be_in_viewport()
    expect(label).to_be_visible()


COVERED_BY_BAR = """() => {
  const bar = document.getElementById("compare-form").getBoundingClientRect();
  const overlaps = (r) => r.width && r.height && r.left < bar.right && r.right > bar.left
    && r.top < bar.bottom && r.bottom > bar.top;
  const covered = Array.from(document.querySelectorAll("a, button, input, summary, label"))
    .filter((el) => !el.closest("#compare-form") && el.checkVisibility()
      && overlaps(el.getBoundingClientRect()));
  const focused = document.activeElement;
  return {
    covered: covered.map((el) => el.outerHTML.slice(0, 80)),
    focusCovered: !!focused && !focused.closest("#compare-form") && focused !== document.body
      && overlaps(focused.getBoundingClientRect()),
  };
}"""


def test_the_compare_bar_covers_no_link_and_no_focused_control(page, seeded):
    """Once a tick keeps the bar on screen, it covers no link as the page opens, nor the link that
    keyboard focus moves to as the visitor tabs down the list and back up (WCAG 2.4.11, 2.5.8)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.locator("#framework-flask .compare-pick input").check()
    page.goto("/tags/")
    page.goto("/")  # a later visit, from the top of the page
    expect(page.locator("#compare-form")).to_have_class(re.compile("has-ticks"))
    assert page.evaluate(COVERED_BY_BAR)["covered"] == []
    page.locator("#framework-flask .framework-name a").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        assert not page.evaluate(COVERED_BY_BAR)["focusCovered"], page.evaluate(
            "document.activeElement.outerHTML"
        )
    assert page.evaluate("window.scrollY") > 844  # the tabbing went well down the list
    for _ in range(30):  # and back up, where the bar stands
        page.keyboard.press("Shift+Tab")
        assert not page.evaluate(COVERED_BY_BAR)["focusCovered"], page.evaluate(
            "document.activeElement.outerHTML"
        )
