"""Atom feeds: the site's newest reviews and one per framework; published reviews only."""

import xml.etree.ElementTree as ET

import pytest

from reviews import services
from reviews.feeds import FEED_SIZE
from tests.factories import CountedReviewFactory, FrameworkFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_site_feed_lists_published_reviews_newest_first(client, flask):
    django = FrameworkFactory(name="Django", slug="django")
    old = CountedReviewFactory(framework=flask, rating=3, title="Old one")
    new = CountedReviewFactory(
        framework=django, rating=5, title="New one", body="**bold** <b>x</b>"
    )

    items = entries(client, "/feeds/reviews/")

    assert [item["title"] for item in items] == ["Django: New one (5/5)", "Flask: Old one (3/5)"]
    assert items[0]["link"] == f"http://testserver/frameworks/django/#review-{new.pk}"
    assert items[1]["link"] == f"http://testserver/frameworks/flask/#review-{old.pk}"
    assert items[0]["author"] == new.user.username
    assert items[0]["summary"] == "<p><strong>bold</strong> &lt;b&gt;x&lt;/b&gt;</p>"


def test_hidden_reviews_and_unpublished_frameworks_are_left_out(client, flask):
    hidden = CountedReviewFactory(framework=flask, title="Hidden")
    CountedReviewFactory(framework=flask, title="Shown")
    gone = FrameworkFactory(slug="gone")
    CountedReviewFactory(framework=gone, title="On an unpublished framework")
    gone.is_published = False
    gone.save()
    services.review_hide(review=hidden, curator=None, reason="spam")

    assert [item["title"] for item in entries(client, "/feeds/reviews/")] == ["Flask: Shown (4/5)"]
    assert [item["title"] for item in entries(client, "/frameworks/flask/feed/")] == [
        "Flask: Shown (4/5)"
    ]

    services.review_restore(review=hidden, curator=None)
    assert len(entries(client, "/feeds/reviews/")) == 2


def test_site_feed_holds_the_newest_thirty(client, flask):
    for n in range(FEED_SIZE + 2):
        CountedReviewFactory(framework=flask, title=f"r{n}")
    items = entries(client, "/feeds/reviews/")
    assert len(items) == FEED_SIZE
    assert items[0]["title"] == f"Flask: r{FEED_SIZE + 1} (4/5)"


def test_framework_feed_lists_only_that_framework(client, flask):
    CountedReviewFactory(framework=flask, title="About Flask")
    CountedReviewFactory(framework=FrameworkFactory(slug="django"), title="About Django")
    feed = ET.fromstring(client.get("/frameworks/flask/feed/").content)
    assert feed.findtext(f"{ATOM}title") == "PyWebRank — reviews of Flask"
    assert [item["title"] for item in entries(client, "/frameworks/flask/feed/")] == [
        "Flask: About Flask (4/5)"
    ]


def test_framework_feed_of_an_unknown_or_unpublished_framework_is_404(client, flask):
    assert client.get("/frameworks/nope/feed/").status_code == 404
    flask.is_published = False
    flask.save()
    assert client.get("/frameworks/flask/feed/").status_code == 404


def test_pages_link_the_feeds_from_the_head(client, flask):
    page = client.get("/frameworks/flask/").text
    head = page.split("</head>")[0]
    assert 'type="application/atom+xml"' in head
    assert 'href="/feeds/reviews/"' in head
    assert 'href="/frameworks/flask/feed/"' in head
    assert 'href="/feeds/reviews/"' in client.get("/").text.split("</head>")[0]
