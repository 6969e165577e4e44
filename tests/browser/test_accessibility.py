"""axe-core on every public page: logged out and logged in, in English and in Chinese.

axe-core is vendored from its npm package (tests/browser/vendor/axe.min.js, version in its
first line; licence beside it). Its default rules run (WCAG 2.x A and AA and best practices)
plus the 24 px target size of WCAG 2.2.
"""

from pathlib import Path

import pytest
from django.test import Client

from catalog.models import Framework
from reviews import services
from reviews.models import Vote
from tests.factories import ReviewFactory, UserFactory

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}
PHONE = {"width": 390, "height": 844}
RUN_AXE = """async () => {
  const results = await axe.run(document, {rules: {"target-size": {enabled: true}}});
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""

PUBLIC_PAGES = [
    "/",
    "/?sort=rating&q=a",
    "/?page=2",
    "/frameworks/flask/",
    "/frameworks/django/",
    "/compare/",
    "/compare/?f=flask&f=django&f=fastapi",
    "/tags/",
    "/tags/{tag}/",
    "/about/ranking/",
    "/choose/",
    "/choose/?build=api&needs_async=yes&priority=performance",
    "/best/rest-apis/",
    "/users/reviewer/",
    "/moderation/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/frameworks/no-such-framework/",  # the 404 page
]
MEMBER_PAGES = [
    "/frameworks/flask/review/",
    "/frameworks/flask/vote/confirm/?value=up",
    "/accounts/password_change/",
    "/users/member/",
]


@pytest.fixture
def community(seeded):
    """Votes and reviews, so that every widget on the pages shows its filled-in state."""
    flask = Framework.objects.get(slug="flask")
    reviewer = UserFactory(username="reviewer")
    services.vote_cast(user=reviewer, framework=flask, value=Vote.UP)
    services.vote_cast(user=UserFactory(), framework=flask, value=Vote.DOWN)
    review = ReviewFactory.build(framework=flask, user=reviewer, rating=4)
    services.review_save(
        user=reviewer, framework=flask, rating=4, title=review.title, body=review.body
    )
    return flask


def log_in(page, live_server, member):
    """Give the page's browser a session for `member`, without going through the form."""
    client = Client()
    client.force_login(member)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def violations_on(page, urls):
    found = {}
    for url in urls:
        page.goto(url)
        if problems := page.evaluate(RUN_AXE):
            found[url] = problems
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "member"])
def test_every_public_page_has_no_axe_violations(
    new_page, live_server, transactional_db, community, language, logged_in
):
    tag = community.tags.first().slug
    page = new_page(LANGUAGES[language], language, viewport=PHONE, init_script=AXE)
    urls = PUBLIC_PAGES
    if logged_in:
        member = UserFactory(username="member")
        services.vote_cast(user=member, framework=community, value=Vote.UP)
        log_in(page, live_server, member)
        urls = PUBLIC_PAGES + MEMBER_PAGES
    found = violations_on(page, [url.format(tag=tag) for url in urls])
    if logged_in:
        # The review form with its errors: the summary and every invalid field.
        page.goto("/frameworks/django/review/")
        page.locator("form.review-form button[type=submit]").click()
        page.wait_for_selector("#error-summary")
        if problems := page.evaluate(RUN_AXE):
            found["review form with errors"] = problems
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())
