"""Review stars carry their label on an element whose role allows one (role="img")."""

import html5lib
import pytest

from tests.factories import CountedReviewFactory

pytestmark = pytest.mark.django_db


def star_elements(html: str):
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [el for el in document.iter() if "stars" in el.get("class", "").split()]


@pytest.mark.parametrize("page", ["framework", "profile"])
def test_stars_are_an_image_with_a_label(en, flask, page):
    review = CountedReviewFactory(framework=flask, rating=4)
    url = flask.get_absolute_url() if page == "framework" else f"/users/{review.user.username}/"
    stars = star_elements(en.get(url).content.decode())
    assert stars
    for element in stars:
        assert element.get("role") == "img"
        assert element.get("aria-label") == "4 out of 5 stars"
