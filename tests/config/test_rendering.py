"""URLs built once per page (config.rendering, reviews_tags.LoginToVote) are the URLs that
reversing and quoting them one by one gives."""

from urllib.parse import urlencode

import pytest
from django.template import Context
from django.urls import get_script_prefix, reverse, set_script_prefix

from config.rendering import once_per_render, reverse_once, reverse_slug
from reviews.widgets import LoginToVote

SLUGS = ["django", "fast-api", "web2py", "a_b", "x"]


@pytest.mark.parametrize("viewname", ["catalog:detail", "catalog:tag-detail", "reviews:vote"])
@pytest.mark.parametrize("slug", SLUGS)
def test_reverse_slug_is_reverse(viewname, slug):
    assert reverse_slug(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_reverse_slug_follows_the_script_prefix():
    before = get_script_prefix()
    try:
        set_script_prefix("/site/")
        assert reverse_slug("catalog:detail", "django") == "/site/frameworks/django/"
    finally:
        set_script_prefix(before)
    assert reverse_slug("catalog:detail", "django") == "/frameworks/django/"


def test_once_per_render_makes_a_value_once_for_the_whole_render():
    made = []
    context = Context()

    def make():
        made.append(1)
        return "value"

    with context.render_context.push_state(template=None):
        assert once_per_render(context, "key", make) == "value"
        nested = context.new()  # as an inclusion tag renders
        with nested.render_context.push_state(template=None):
            assert once_per_render(nested, "key", make) == "value"
    assert made == [1]
    assert once_per_render(Context(), "key", make) == "value"
    assert made == [1, 1]


def quoted_one_by_one(slug: str, back: str) -> dict[str, str]:
    """The log-in links as built before: reversed and quoted for every framework."""
    login = reverse("login")
    confirm = reverse("reviews:vote-confirm", args=[slug])
    links = {}
    for value in ("up", "down"):
        after_login = f"{confirm}?{urlencode({'value': value, 'next': back})}"
        links[value] = f"{login}?{urlencode({'next': after_login})}"
    return links


@pytest.mark.parametrize(
    "back", ["/", "/?page=2", "/?q=a b&tag=é&sort=top#x", "/tags/async/?sort=name&page=3"]
)
@pytest.mark.parametrize("slug", SLUGS)
def test_login_to_vote_links_are_those_quoted_one_by_one(back, slug):
    assert LoginToVote(back).for_slug(slug) == quoted_one_by_one(slug, back)


@pytest.mark.parametrize(
    ("viewname", "args"),
    [("catalog:ranking", ()), ("logout", ()), ("switch-language", ("en",)), ("reviews:feed", ())],
)
def test_reverse_once_is_reverse(viewname, args):
    assert reverse_once(viewname, *args) == reverse(viewname, args=args)
    before = get_script_prefix()
    try:
        set_script_prefix("/site/")
        assert reverse_once(viewname, *args) == reverse(viewname, args=args)
        assert reverse_once(viewname, *args).startswith("/site/")
    finally:
        set_script_prefix(before)
