"""Every score says how sure it is: the vote widget's approval line (catalog.rows.Approvals) on
the ranking rows, the detail page and compare, and "statistical tie" marks between neighbours on
the ranking."""

import re

import pytest

from catalog import ranking
from catalog.models import Framework
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db

LINE = "78% approve · 95% sure it is between 63% and 88% · 41 votes"


def with_votes(name, up, down, **fields):
    framework = FrameworkFactory(name=name, **fields)
    Framework.objects.filter(pk=framework.pk).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )
    return framework


def visible(html: str) -> str:
    """The page's text as read: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row(html, slug):
    start = html.index(f'id="framework-{slug}"')
    return html[start : html.index("</li>", start)]


@pytest.mark.parametrize("page", ["/", "/frameworks/flask/", "/compare/?f=flask&f=quiet"])
def test_the_approval_line_is_on_the_ranking_the_detail_page_and_compare(en, page):
    with_votes("Flask", 32, 9, slug="flask")
    FrameworkFactory(name="Quiet", slug="quiet")

    text = visible(en.get(page).text)

    assert LINE in text
    assert "No votes yet" in text or page == "/frameworks/flask/"


def test_the_approval_line_speaks_chinese(client):
    with_votes("Flask", 32, 9, slug="flask")

    text = visible(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text)

    assert "78% 赞成 · 95% 把握在 63% 到 88% 之间 · 41 票" in text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_statistics_jargon_outside_the_about_page(client, language):
    with_votes("Flask", 32, 9, slug="flask")
    with_votes("Bottle", 3, 1, slug="bottle")

    for page in ("/", "/frameworks/flask/", "/frameworks/bottle/", "/compare/?f=flask&f=bottle"):
        assert "Wilson" not in client.get(page, HTTP_ACCEPT_LANGUAGE=language).text, page
    assert "Wilson" in client.get("/about/ranking/", HTTP_ACCEPT_LANGUAGE=language).text


def test_neighbours_that_votes_cannot_tell_apart_are_marked_a_statistical_tie(en):
    with_votes("Clear leader", 900, 100, slug="leader", seed_rank=1)
    with_votes("Close A", 32, 9, slug="close-a", seed_rank=2)
    with_votes("Close B", 30, 10, slug="close-b", seed_rank=3)

    html = en.get("/").text

    assert "statistical tie" not in row(html, "leader")
    assert "statistical tie" not in row(html, "close-a")
    assert "statistical tie" in row(html, "close-b")


def test_ties_are_marked_only_when_the_list_is_ordered_by_votes(en):
    with_votes("Close A", 32, 9, slug="close-a", seed_rank=1)
    with_votes("Close B", 30, 10, slug="close-b", seed_rank=2)

    assert "statistical tie" in en.get("/?sort=top").text
    assert "statistical tie" not in en.get("/?sort=name").text
