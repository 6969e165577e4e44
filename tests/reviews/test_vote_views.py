"""POST /frameworks/<slug>/vote/: permissions, bad input, htmx and plain responses, query counts."""

import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift, recount_all
from reviews.models import Vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE_MAX_QUERIES = 10
VOTE_MAX_QUERIES = 12  # with the account's standing locked and the widget's held state


@pytest.fixture
def user():
    return UserFactory(username="alice")


@pytest.fixture
def voter(client, user):
    client.force_login(user)
    return client


def vote_url(slug="flask"):
    return f"/frameworks/{slug}/vote/"


def login_next(url):
    """The `next` of a login URL, asserting that it is one."""
    parts = urlsplit(url)
    assert parts.path == "/accounts/login/"
    return parse_qs(parts.query)["next"]


def counts(framework):
    framework.refresh_from_db()
    return framework.upvotes, framework.downvotes


# Permissions and bad input ----------------------------------------------------------------------


def test_vote_without_csrf_token_is_403_and_changes_nothing(flask, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(vote_url(), {"value": "up"})

    assert response.status_code == 403
    assert counts(flask) == (0, 0)
    assert not Vote.objects.exists()


def test_vote_with_the_pages_csrf_token_is_accepted(flask, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(flask.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    response = client.post(vote_url(), {"value": "up", "csrfmiddlewaretoken": token})

    assert response.status_code == 303
    assert counts(flask) == (1, 0)


def test_vote_by_get_is_405_and_changes_nothing(voter, flask):
    response = voter.get(vote_url(), {"value": "up"})

    assert response.status_code == 405
    assert counts(flask) == (0, 0)


@pytest.mark.parametrize("data", [{"value": "sideways"}, {"value": ""}, {"value": "1"}, {}])
def test_vote_with_a_bad_value_is_400_with_a_message(voter, flask, data):
    response = voter.post(vote_url(), data)

    assert response.status_code == 400
    assert "A vote is “up”, “down” or “clear”." in response.text
    assert counts(flask) == (0, 0)


@pytest.mark.parametrize("logged_in", [True, False])
def test_vote_on_an_unknown_framework_is_404(client, user, logged_in):
    if logged_in:
        client.force_login(user)

    assert client.post(vote_url("no-such-framework"), {"value": "up"}).status_code == 404


@pytest.mark.parametrize("logged_in", [True, False])
def test_vote_on_an_unpublished_framework_is_404(client, user, flask, logged_in):
    Framework.objects.filter(pk=flask.pk).update(is_published=False)
    if logged_in:
        client.force_login(user)

    response = client.post(vote_url(), {"value": "up"})

    assert response.status_code == 404
    assert counts(flask) == (0, 0)


def test_anonymous_vote_goes_to_login_with_next_the_page_they_were_on(client, flask):
    response = client.post(vote_url(), {"value": "up", "next": "/?sort=trending&page=2"})

    assert response.status_code == 302
    assert login_next(response["Location"]) == ["/?sort=trending&page=2"]
    assert not Vote.objects.exists()


def test_anonymous_vote_without_next_goes_to_login_then_the_framework(client, flask):
    response = client.post(vote_url(), {"value": "up"})

    assert login_next(response["Location"]) == ["/frameworks/flask/"]


def test_anonymous_htmx_vote_redirects_the_whole_page_to_login(client, flask):
    response = client.post(vote_url(), {"value": "up", "next": "/"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert login_next(response["HX-Redirect"]) == ["/"]
    assert not Vote.objects.exists()


# Casting, switching and clearing ----------------------------------------------------------------


def test_plain_vote_redirects_303_back_to_next_with_a_message(voter, flask):
    response = voter.post(vote_url(), {"value": "up", "next": "/?q=micro"})

    assert response.status_code == 303
    assert response["Location"] == "/?q=micro"
    assert counts(flask) == (1, 0)
    page = voter.get(response["Location"])
    assert "Your vote on Flask is saved." in page.text


def test_plain_vote_without_next_goes_back_to_the_framework(voter, flask):
    response = voter.post(vote_url(), {"value": "down"})

    assert response.status_code == 303
    assert response["Location"] == "/frameworks/flask/"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_vote_ignores_an_external_next(voter, flask, unsafe):
    response = voter.post(vote_url(), {"value": "up", "next": unsafe})

    assert response.status_code == 303
    assert response["Location"] == "/frameworks/flask/"


def test_up_down_and_clear_through_the_view(voter, user, flask):
    voter.post(vote_url(), {"value": "up"})
    assert counts(flask) == (1, 0)
    voter.post(vote_url(), {"value": "up"})
    assert counts(flask) == (1, 0)
    voter.post(vote_url(), {"value": "down"})
    assert counts(flask) == (0, 1)
    assert Vote.objects.get(user=user, framework=flask).value == Vote.DOWN
    voter.post(vote_url(), {"value": "clear"})
    assert counts(flask) == (0, 0)
    assert not Vote.objects.exists()
    assert counter_drift() == []


def test_htmx_vote_returns_the_widget_with_new_counts_approval_and_own_vote(voter, flask):
    UserFactory.create_batch(2)
    for other in get_user_model().objects.exclude(username="alice"):
        services.vote_cast(user=other, framework=flask, value=Vote.DOWN)

    response = voter.post(vote_url(), {"value": "up", "next": "/?page=2"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert html.startswith('<div class="vote-widget" id="vote-flask"')  # the widget alone
    assert 'data-role="upvotes">1<' in html
    assert 'data-role="downvotes">2<' in html
    assert 'data-role="approval-share">33%<' in html  # 1 of 3
    assert "You voted up" in html
    assert 'aria-pressed="true"' in html
    # The up button now takes the vote back; the form still returns to the page, not the vote URL.
    assert re.search(r'value="clear" id="vote-flask-up"', html)
    assert '<input type="hidden" name="next" value="/?page=2">' in html
    # Swapped out of band into every copy of this framework's widget on the page.
    assert "hx-swap-oob=\"outerHTML:.vote-widget[data-framework='flask']\"" in html


def test_htmx_clear_shows_no_own_vote(voter, flask):
    voter.post(vote_url(), {"value": "down"})

    response = voter.post(vote_url(), {"value": "clear"}, HTTP_HX_REQUEST="true")

    assert 'data-role="downvotes">0<' in response.text
    assert "You voted" not in response.text
    assert 'aria-pressed="true"' not in response.text


def test_pages_show_the_users_own_vote_after_voting(voter, flask):
    voter.post(vote_url(), {"value": "down"}, HTTP_HX_REQUEST="true")

    for url in ("/", "/frameworks/flask/"):
        html = voter.get(url).text
        assert "You voted down" in html
        assert re.search(r'value="clear" id="vote-flask-down"', html)
        assert f'<input type="hidden" name="next" value="{url}">' in html


# Query counts -----------------------------------------------------------------------------------


def grow_catalog(frameworks=500, votes=5_000, voters=100):
    """Add frameworks up to `frameworks` and `votes` vote rows, counters made true by recount."""
    existing = Framework.objects.count()
    Framework.objects.bulk_create(
        Framework(
            name=f"Bulk framework {i}",
            slug=f"bulk-framework-{i}",
            website=f"https://bulk-{i}.example.org/",
            description="A Python web framework.",
        )
        for i in range(frameworks - existing)
    )
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"voter{i}", password="!") for i in range(voters)
    )
    framework_ids = list(Framework.objects.values_list("pk", flat=True))
    rng = random.Random(5)
    Vote.objects.bulk_create(
        Vote(user_id=user_id, framework_id=framework_id, value=rng.choice([Vote.UP, Vote.DOWN]))
        for user_id in get_user_model()
        .objects.filter(username__startswith="voter")
        .values_list("pk", flat=True)
        for framework_id in rng.sample(framework_ids, votes // voters)
    )
    recount_all()


@pytest.fixture(params=["37 seed frameworks", "500 frameworks and 5,000 votes"])
def catalog(request, seeded):
    if request.param.startswith("500"):
        grow_catalog()
        assert Framework.objects.count() == 500
        assert Vote.objects.count() == 5_000
        assert counter_drift() == []
    return Framework.objects.all()


def test_ranking_page_queries_are_bounded_for_anonymous(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = client.get("/")

    assert response.status_code == 200


def test_ranking_page_queries_are_bounded_for_a_voter(
    voter, user, catalog, django_assert_max_num_queries
):
    for framework in Framework.objects.ranked()[:5]:
        services.vote_cast(user=user, framework=framework, value=Vote.UP)

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = voter.get("/")

    assert response.status_code == 200
    assert response.text.count("You voted up") == 5


@pytest.mark.parametrize("htmx", [False, True])
def test_vote_queries_are_bounded(voter, catalog, htmx, django_assert_max_num_queries):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    with django_assert_max_num_queries(VOTE_MAX_QUERIES):
        response = voter.post(vote_url(), {"value": "up", "next": "/"}, **headers)

    assert response.status_code == (200 if htmx else 303)
    assert Vote.objects.filter(user__username="alice", framework__slug="flask").exists()


# An anonymous vote survives logging in -----------------------------------------------------------


def test_anonymous_vote_buttons_are_log_in_links_that_carry_the_vote(client, flask):
    html = client.get("/frameworks/flask/?rsort=newest").text
    widget = html.split('id="vote-flask"')[1].split('data-role="approval"')[0]
    assert "<form" not in widget and "csrfmiddlewaretoken" not in widget
    links = re.findall(r'class="vote-button vote-(up|down)" rel="nofollow" href="([^"]+)"', widget)
    for value, href in links:
        after_login = urlsplit(login_next(href.replace("&amp;", "&"))[0])
        assert after_login.path == "/frameworks/flask/vote/confirm/"
        assert parse_qs(after_login.query) == {
            "value": [value],
            "next": ["/frameworks/flask/?rsort=newest"],
        }
    assert [value for value, _href in links] == ["up", "down"]


def test_confirming_after_login_asks_once_and_a_post_casts_the_vote(voter, flask):
    url = "/frameworks/flask/vote/confirm/?value=up&next=/%3Fpage%3D2"
    page = voter.get(url)  # a GET never casts it
    assert page.status_code == 200
    assert counts(flask) == (0, 0)
    html = page.text
    assert "Vote Flask up?" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/?page=2">' in html
    assert '<button type="submit" class="button" name="value" value="up" autofocus>' in html

    response = voter.post(vote_url(), {"value": "up", "next": "/?page=2"})
    assert response.status_code == 303 and response["Location"] == "/?page=2"
    assert counts(flask) == (1, 0)
    # Coming back to the confirmation (the back button) says it is done and offers no form.
    again = voter.get(url).text
    assert "You have voted Flask up" in again
    assert 'name="value"' not in again


def test_confirming_asks_anonymous_visitors_to_log_in_and_refuses_odd_values(voter, flask):
    response = Client().get("/frameworks/flask/vote/confirm/?value=up")
    assert login_next(response["Location"]) == ["/frameworks/flask/vote/confirm/?value=up"]
    assert voter.get("/frameworks/flask/vote/confirm/?value=clear").status_code == 400
    assert voter.get("/frameworks/flask/vote/confirm/").status_code == 400
    evil = voter.get("/frameworks/flask/vote/confirm/?value=down&next=https://evil.example/").text
    assert '<input type="hidden" name="next" value="/frameworks/flask/">' in evil
    assert voter.post("/frameworks/flask/vote/confirm/?value=up").status_code == 405
    assert counts(flask) == (0, 0)
