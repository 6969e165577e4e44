"""A NUL in a path or a query parameter gets a 400, never a database error (PostgreSQL refuses
NUL in text); these run on both databases."""

import pytest

from tests.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/?tag=%00",
    "/?tag=a%00&sort=top",
    "/?q=%00",
    "/?sort=top&%00=1",
    "/users/%00/",
    "/users/a%00b/",
    "/frameworks/flask/?rsort=%00",
    "/tags/?x=%00",
    "/compare/?f=fla%00sk",
    "/moderation/?page=%00",
    "/feeds/reviews/?%00",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_nul_in_a_public_address_is_a_400_page(en, flask, url):
    response = en.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reviews/review/?status=%00",
        "/admin/reviews/review/?q=%00",
        "/admin/catalog/framework/?tags__name=%00",
        "/admin/auth/user/%00/change/",
    ],
)
def test_nul_in_an_admin_address_is_a_400(en, url):
    en.force_login(CuratorFactory(is_superuser=True))
    assert en.get(url).status_code == 400


def test_nul_under_the_api_is_a_json_400(en, flask):
    response = en.get("/api/frameworks/?tag=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"][0]


def test_addresses_without_nul_are_untouched(en, flask):
    UserFactory(username="someone")
    assert en.get("/?tag=web").status_code == 200
    assert en.get("/users/someone/").status_code == 200
