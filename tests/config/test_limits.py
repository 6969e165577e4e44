"""Abuse limits (config/limits.py) and the sign-up form's checks against scripts."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.test import Client

from config.forms import SIGNUP_SALT
from reviews import services
from reviews.models import HelpfulVote, Report, Review, Standing, Vote
from tests.factories import FrameworkFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture
def limits_on(settings):
    """A fresh count for every test; each test sets the rates it exercises."""
    caches["ratelimit"].clear()
    return settings


def client_at(address: str, language: str = "en") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def signup(client, username, **extra):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post("/accounts/signup/", data)


def started(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=SIGNUP_SALT)


def assert_refused(response, language="en"):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    if language == "en":
        assert "Too many attempts" in response.text
        assert "Please try again in" in response.text
    else:
        assert "尝试次数过多" in response.text


# Sign-up ----------------------------------------------------------------------------------------


def test_signups_from_one_address_stop_at_the_limit_with_a_429_page(limits_on):
    limits_on.RATE_SIGNUP = "3/h"
    client = client_at("203.0.113.5")

    made = [signup(client_at("203.0.113.5"), f"user{n}").status_code for n in range(3)]
    refused = signup(client, "user3")

    assert made == [302, 302, 302]
    assert_refused(refused)
    assert not get_user_model().objects.filter(username="user3").exists()
    assert signup(client_at("198.51.100.7"), "elsewhere").status_code == 302


def test_the_429_page_speaks_chinese_too(limits_on):
    limits_on.RATE_SIGNUP = "1/h"
    signup(client_at("203.0.113.5", "zh-hans"), "first")

    response = signup(client_at("203.0.113.5", "zh-hans"), "second")

    assert_refused(response, language="zh-hans")
    assert "分钟后再试" in response.text


def signup_address(username: str) -> str:
    return Standing.objects.get(user__username=username).signup_address


def test_a_signup_records_the_address_the_limits_count(limits_on):
    signup(client_at("203.0.113.5"), "alice")

    assert signup_address("alice") == services.address_hash("203.0.113.5")


def test_behind_our_proxy_a_signup_records_the_address_the_proxy_added(limits_on):
    limits_on.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    signup(client, "alice")

    assert signup_address("alice") == services.address_hash("198.51.100.7")


def test_a_signup_records_the_address_from_the_meta_key_the_limits_are_told_to_use(limits_on):
    limits_on.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    signup(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.8"), "alice")

    assert signup_address("alice") == services.address_hash("198.51.100.8")


def test_a_form_with_errors_does_not_use_up_the_signup_limit(limits_on):
    limits_on.RATE_SIGNUP = "1/h"
    client = client_at("203.0.113.5")

    mistakes = [signup(client, "alice", password2="other").status_code for _ in range(3)]

    assert mistakes == [200, 200, 200]
    assert signup(client, "alice").status_code == 302


def test_rate_zero_turns_the_signup_limit_off(limits_on):
    limits_on.RATE_SIGNUP = "0"
    codes = {signup(client_at("203.0.113.5"), f"user{n}").status_code for n in range(8)}

    assert codes == {302}


def test_the_honeypot_field_refuses_a_script_that_fills_every_field(limits_on, client):
    response = signup(client, "bot", website="https://spam.example/")

    assert response.status_code == 200
    assert not get_user_model().objects.exists()
    assert "filled in by a program" in response.text
    assert 'value="bot"' in response.text


def test_the_signup_page_hides_the_honeypot_and_carries_a_signed_time(client):
    html = client.get("/accounts/signup/").text

    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="website"' in html
    assert 'type="hidden" name="started"' in html


def test_posting_faster_than_signup_min_seconds_is_refused(limits_on, client):
    limits_on.SIGNUP_MIN_SECONDS = 3

    response = signup(client, "quick", started=started(0.5))

    assert response.status_code == 200
    assert "faster than a person" in response.text
    assert not get_user_model().objects.exists()
    assert signup(client, "quick", started=started(4)).status_code == 302


@pytest.mark.parametrize(
    "stamp",
    ["", "1700000000", signing.dumps(1.0, salt="other")],
    ids=["empty", "unsigned", "wrong-salt"],
)
def test_posting_blind_without_a_valid_signed_time_is_refused(limits_on, client, stamp):
    limits_on.SIGNUP_MIN_SECONDS = 3

    response = signup(client, "blind", started=stamp)

    assert "had expired" in response.text
    assert not get_user_model().objects.exists()


def test_the_refused_form_carries_a_fresh_time_to_send_again(limits_on, client):
    limits_on.SIGNUP_MIN_SECONDS = 3
    response = signup(client, "quick", started=started(0))

    stamp = response.context["form"]["started"].value()

    assert time.time() - signing.loads(stamp, salt=SIGNUP_SALT) < 5


# Votes ------------------------------------------------------------------------------------------


def vote(client, slug, value="up", **headers):
    return client.post(f"/frameworks/{slug}/vote/", {"value": value}, **headers)


def test_votes_stop_at_the_limit_per_account_and_nothing_is_counted(limits_on, flask):
    limits_on.RATE_VOTE = "3/h"
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())

    codes = [vote(client, "flask", value).status_code for value in ("up", "down", "up", "down")]

    assert codes == [303, 303, 303, 429]
    flask.refresh_from_db()
    assert (flask.upvotes, flask.downvotes) == (1, 0)


def test_one_account_from_two_addresses_shares_its_limit(limits_on, flask):
    limits_on.RATE_VOTE = "2/h"
    user = UserFactory()
    first, second = client_at("203.0.113.5"), client_at("198.51.100.7")
    first.force_login(user)
    second.force_login(user)

    codes = [vote(first, "flask").status_code, vote(second, "flask", "down").status_code]

    assert codes == [303, 303]
    assert_refused(vote(second, "flask", "clear"))


def test_two_accounts_from_one_address_share_its_limit(limits_on, flask):
    limits_on.RATE_VOTE = "2/h"
    alice, bob = client_at("203.0.113.5"), client_at("203.0.113.5")
    alice.force_login(UserFactory(username="alice"))
    bob.force_login(UserFactory(username="bob"))

    codes = [vote(alice, "flask").status_code, vote(bob, "flask").status_code]

    assert codes == [303, 303]
    assert_refused(vote(bob, "flask", "down"))
    assert Vote.objects.get(user__username="bob").value == Vote.UP


def test_over_the_limit_the_htmx_widget_shows_the_message_in_place(limits_on, flask):
    limits_on.RATE_VOTE = "1/h"
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())
    vote(client, "flask", HTTP_HX_REQUEST="true")

    response = vote(client, "flask", "down", HTTP_HX_REQUEST="true")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.text
    assert "hx-swap-oob" in html
    assert 'class="message message-error limit-message" role="alert"' in html
    assert "Please try again in" in html
    assert 'aria-pressed="true"' in html  # the saved up-vote is still shown as the user's


def test_a_person_voting_through_the_whole_ranking_never_meets_the_default_limit(settings):
    caches["ratelimit"].clear()
    settings.RATE_VOTE = "120/h"
    frameworks = [FrameworkFactory() for _ in range(37)]
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())

    codes = {vote(client, f.slug, choice).status_code for f in frameworks for choice in ("up",)}
    codes |= {vote(client, f.slug, "down").status_code for f in frameworks[:30]}

    assert codes == {303}


# Reviews, helpful marks, reports, password resets ---------------------------------------------


def test_review_saves_stop_at_the_limit(limits_on, flask):
    limits_on.RATE_REVIEW = "2/h"
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())
    data = {"rating": 4, "title": "Good", "body": "Works."}

    codes = [client.post("/frameworks/flask/review/", data).status_code for _ in range(2)]
    refused = client.post("/frameworks/flask/review/", {**data, "body": "A long text."})

    assert codes == [303, 303]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Please try again in" in refused.text
    assert "A long text." in refused.text  # what the person typed is kept
    assert Review.objects.get().body == "Works."
    assert client.get("/frameworks/flask/review/").status_code == 200  # reading is never limited


def test_helpful_marks_stop_at_the_limit_and_htmx_shows_why_in_place(limits_on, flask):
    limits_on.RATE_HELPFUL = "2/h"
    review = ReviewFactory(framework=flask)
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())
    url = f"/reviews/{review.pk}/helpful/"

    codes = [client.post(url, HTTP_HX_REQUEST="true").status_code for _ in range(2)]
    refused = client.post(url, HTTP_HX_REQUEST="true")

    assert codes == [200, 200]
    assert refused.status_code == 429
    assert f'id="helpful-{review.pk}"' in refused.text
    assert "Please try again in" in refused.text
    assert not HelpfulVote.objects.exists()
    assert_refused(client.post(url))


def test_reports_stop_at_the_limit(limits_on, flask):
    limits_on.RATE_REPORT = "2/h"
    reviews = [ReviewFactory(framework=flask) for _ in range(3)]
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())

    codes = [
        client.post(f"/reviews/{r.pk}/report/", {"reason": "spam"}).status_code for r in reviews
    ]

    assert codes == [303, 303, 429]
    assert Report.objects.count() == 2


def test_password_reset_requests_stop_at_the_limit(limits_on):
    limits_on.RATE_PASSWORD_RESET = "2/h"
    client = client_at("203.0.113.5")
    url = "/accounts/password_reset/"

    codes = [client.post(url, {"email": "a@example.org"}).status_code for _ in range(3)]

    assert codes == [302, 302, 429]


def test_password_reset_requests_for_one_account_stop_at_the_limit_whatever_the_address(limits_on):
    """Mail-bombing one person from many addresses: the account's own count stops it."""
    limits_on.RATE_PASSWORD_RESET = "2/h"
    url = "/accounts/password_reset/"
    emails = ["a@example.org", "A@Example.org ", "a@example.org"]

    codes = [
        client_at(f"203.0.113.{n}").post(url, {"email": email}).status_code
        for n, email in enumerate(emails, start=10)
    ]
    other = client_at("203.0.113.40").post(url, {"email": "b@example.org"}).status_code

    assert codes == [302, 302, 429]
    assert other == 302


def test_limits_count_posts_only(limits_on, flask):
    limits_on.RATE_REVIEW = "1/h"
    client = client_at("203.0.113.5")
    client.force_login(UserFactory())

    codes = {client.get("/frameworks/flask/review/").status_code for _ in range(5)}

    assert codes == {200}
    assert not Review.objects.exists()
