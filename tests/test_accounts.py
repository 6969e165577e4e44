"""Accounts: sign-up, log in and out, password change and reset, the public profile page."""

import re

import pytest
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from catalog.models import Framework
from reviews import services
from reviews.models import Vote
from tests.factories import FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"
PROFILE_MAX_QUERIES = 10


def signup_data(**overrides):
    return {"username": "alice", "password1": PASSWORD, "password2": PASSWORD, **overrides}


def logged_in_user(client):
    return get_user(client)


# Sign-up ----------------------------------------------------------------------------------------


def test_signup_page_keeps_next_in_a_hidden_field(client):
    response = client.get("/accounts/signup/", {"next": "/frameworks/flask/"})

    assert response.status_code == 200
    assert 'class="form signup-form"' in response.text
    assert '<input type="hidden" name="next" value="/frameworks/flask/">' in response.text


def test_signup_creates_the_user_logs_them_in_and_returns_to_next(client):
    response = client.post("/accounts/signup/", signup_data(next="/frameworks/flask/"))

    assert response.status_code == 302
    assert response["Location"] == "/frameworks/flask/"
    user = get_user_model().objects.get(username="alice")
    assert user.check_password(PASSWORD)
    assert logged_in_user(client) == user


def test_signup_without_next_goes_to_the_ranking_and_greets(client, seeded):
    response = client.post("/accounts/signup/", signup_data(), follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "Welcome, alice!" in response.text
    assert 'href="/users/alice/"' in response.text


def test_signup_ignores_an_external_next(client):
    response = client.post("/accounts/signup/", signup_data(next="https://evil.example/"))

    assert response["Location"] == "/"


def test_signup_stores_the_optional_email(client):
    client.post("/accounts/signup/", signup_data(email="alice@example.org"))

    assert get_user_model().objects.get(username="alice").email == "alice@example.org"


def test_signup_with_mismatched_passwords_keeps_the_username_and_explains_by_the_field(client):
    data = signup_data(password2="something-else-entirely", next="/frameworks/flask/")

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 200
    assert not get_user_model().objects.exists()
    assert isinstance(logged_in_user(client), AnonymousUser)
    html = response.text
    assert re.search(r'<input type="text" name="username" value="alice"', html)
    assert PASSWORD not in html
    assert "something-else-entirely" not in html
    error = re.search(r'<ul class="errorlist" id="id_password2_error"><li>(.*?)</li>', html)
    assert error and "didn’t match" in error.group(1)
    assert '<input type="hidden" name="next" value="/frameworks/flask/">' in html


def test_signup_with_a_taken_username_says_so(client):
    UserFactory(username="alice")

    response = client.post("/accounts/signup/", signup_data())

    assert response.status_code == 200
    assert 'id="id_username_error"' in response.text
    assert "already exists" in response.text


# Log in and out ---------------------------------------------------------------------------------


def test_login_page_keeps_next_and_links_to_signup_and_reset(client):
    response = client.get("/accounts/login/", {"next": "/?sort=trending"})

    html = response.text
    assert '<input type="hidden" name="next" value="/?sort=trending">' in html
    assert 'href="/accounts/signup/?next=/%3Fsort%3Dtrending"' in html
    assert 'href="/accounts/password_reset/"' in html


def test_login_returns_to_next(client):
    user = UserFactory(username="alice", password=PASSWORD)

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "/?page=2"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/?page=2"
    assert logged_in_user(client) == user


def test_login_with_a_wrong_password_keeps_the_username_and_says_why(client):
    UserFactory(username="alice", password=PASSWORD)

    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert re.search(r'name="username" value="alice"', response.text)
    assert 'value="wrong"' not in response.text
    assert "Please enter a correct username and password" in response.text
    assert isinstance(logged_in_user(client), AnonymousUser)


def test_logout_by_get_is_405_and_keeps_the_user_logged_in(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user(client) == user


def test_logout_by_post_logs_out_and_returns_to_the_ranking(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert isinstance(logged_in_user(client), AnonymousUser)


# Passwords --------------------------------------------------------------------------------------


def test_password_change_needs_login(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_password_change_sets_the_new_password(client):
    user = UserFactory(username="alice", password=PASSWORD)
    client.force_login(user)
    assert client.get("/accounts/password_change/").status_code == 200

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "An0ther-good-one",
            "new_password2": "An0ther-good-one",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/password_change/done/", 302)]
    assert "Your password has been changed" in response.text
    user.refresh_from_db()
    assert user.check_password("An0ther-good-one")


def test_password_change_with_a_wrong_old_password_explains_by_the_field(client):
    client.force_login(UserFactory(password=PASSWORD))

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "nope",
            "new_password1": "An0ther-good-one",
            "new_password2": "An0ther-good-one",
        },
    )

    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.text


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client, mailoutbox):
    user = UserFactory(username="alice", password=PASSWORD, email="alice@example.org")

    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Reset your PyWebRank password"
    assert "Hello alice," in mail.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Brand-new-passw0rd", "new_password2": "Brand-new-passw0rd"}
    )

    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("Brand-new-passw0rd")
    assert "This link no longer works" in client.get(link, follow=True).text


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


# Header and profile -----------------------------------------------------------------------------


def test_header_shows_who_is_logged_in_with_a_link_to_their_profile(client, seeded):
    client.force_login(UserFactory(username="alice"))

    html = client.get("/").text

    assert '<a href="/users/alice/">alice</a>' in html
    assert 'action="/accounts/logout/" method="post"' in html


def test_header_offers_login_and_signup_back_to_the_page(client, seeded):
    html = client.get("/", {"sort": "trending"}).text

    assert 'href="/accounts/login/?next=/%3Fsort%3Dtrending"' in html
    assert 'href="/accounts/signup/?next=/%3Fsort%3Dtrending"' in html


def test_profile_lists_the_users_votes_latest_first(client):
    alice = UserFactory(username="alice")
    flask, django, bottle = (FrameworkFactory(name=n) for n in ("Flask", "Django", "Bottle"))
    services.vote_cast(user=alice, framework=flask, value=Vote.UP)
    services.vote_cast(user=alice, framework=django, value=Vote.DOWN)
    services.vote_cast(user=UserFactory(), framework=bottle, value=Vote.UP)

    response = client.get("/users/alice/")

    assert response.status_code == 200
    names = re.findall(
        r'<li class="vote-item"[^>]*>.*?<a href="[^"]+">([^<]+)</a>', response.text, re.S
    )
    assert names == ["Django", "Flask"]
    assert "2 votes" in response.text
    assert "▼</span> down" in response.text and "▲</span> up" in response.text


def test_profile_leaves_out_votes_on_unpublished_frameworks(client):
    alice = UserFactory(username="alice")
    hidden = FrameworkFactory(name="Hidden")
    services.vote_cast(user=alice, framework=hidden, value=Vote.UP)
    Framework.objects.filter(pk=hidden.pk).update(is_published=False)

    response = client.get("/users/alice/")

    assert "Hidden" not in response.text
    assert "No votes yet." in response.text


def test_own_profile_links_to_password_change(client):
    alice = UserFactory(username="alice")
    client.force_login(alice)

    assert 'href="/accounts/password_change/"' in client.get("/users/alice/").text
    assert (
        'href="/accounts/password_change/"'
        not in client.get(f"/users/{UserFactory(username='bob').username}/").text
    )


def test_profile_of_an_unknown_user_is_404(client):
    assert client.get("/users/nobody/").status_code == 404


def test_profile_with_a_wild_page_number_still_answers(client):
    UserFactory(username="alice")

    assert client.get("/users/alice/", {"page": "99999999999999999999"}).status_code == 200
    assert client.get("/users/alice/", {"page": "abc"}).status_code == 200


@pytest.mark.parametrize("votes", [1, 70])
@pytest.mark.parametrize("logged_in", [False, True])
def test_profile_queries_are_bounded(client, votes, logged_in, django_assert_max_num_queries):
    alice = UserFactory(username="alice")
    frameworks = FrameworkFactory.create_batch(votes)
    Vote.objects.bulk_create(Vote(user=alice, framework=f, value=Vote.UP) for f in frameworks)
    if logged_in:
        client.force_login(alice)

    with django_assert_max_num_queries(PROFILE_MAX_QUERIES):
        response = client.get("/users/alice/", {"page": 2 if votes > 30 else 1})

    assert response.status_code == 200
    assert response.text.count('class="vote-item"') == min(votes, 30)


def test_csrf_failure_is_the_sites_403_page_with_advice(db):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "nothing was saved" in response.text
    assert '<nav class="site-nav"' in response.text
