"""config.csrf.token: Django's masked CSRF token, made faster; Django's own middleware takes it
as its own, it is new each time, and it renews the cookie as get_token does."""

from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
    get_token,
)
from django.test import Client, RequestFactory

from config import csrf
from tests.factories import FrameworkFactory, UserFactory

SECRET = "benchcsrfsecret0123456789abcdefx"


def request_with(secret=SECRET):
    request = RequestFactory().get("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_the_token_unmasks_to_the_visitors_secret_with_a_new_mask_each_time():
    request = request_with()
    tokens = {csrf.token(request) for _ in range(200)}

    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie is renewed, as Django's


def test_the_masks_characters_are_drawn_evenly():
    """Every character of the alphabet as likely in the mask (a draw biased by `% 62` would
    favour the first few); 62,000 characters, each about 1,000 times."""
    counts = Counter()
    request = request_with()
    for _ in range(62_000 // CSRF_SECRET_LENGTH + 1):
        counts.update(csrf.token(request)[:CSRF_SECRET_LENGTH])

    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = counts.total() / len(CSRF_ALLOWED_CHARS)
    # 6 standard deviations either side: a fair draw falls outside about once in 10^8 runs;
    # mapping all 256 byte values with % 62 would put the first eight characters 25 % high.
    assert all(abs(n - expected) < 6 * expected**0.5 for n in counts.values())


def test_without_a_secret_it_is_djangos_own_new_cookie():
    request = request_with(None)

    token = csrf.token(request)

    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_secret_of_other_characters_goes_to_django_as_it_is():
    """Not something Django's middleware lets through; Django's own call answers for it."""
    request = request_with("!" * CSRF_SECRET_LENGTH)

    with pytest.raises(ValueError):
        get_token(request_with("!" * CSRF_SECRET_LENGTH))
    with pytest.raises(ValueError):
        csrf.token(request)


@pytest.mark.django_db
def test_djangos_csrf_check_takes_the_token_on_a_vote():
    framework = FrameworkFactory(slug="flask")
    user = UserFactory()
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.get("/")  # the CSRF cookie
    secret = client.cookies["csrftoken"].value

    token = csrf.token(request_with(secret))
    response = client.post(
        "/frameworks/flask/vote/", {"value": "up", "next": "/", "csrfmiddlewaretoken": token}
    )
    refused = client.post(
        "/frameworks/flask/vote/",
        {"value": "down", "next": "/", "csrfmiddlewaretoken": csrf.token(request_with())},
    )

    assert response.status_code == 303
    assert refused.status_code == 403
    framework.refresh_from_db()
    assert (framework.upvotes, framework.downvotes) == (1, 0)
