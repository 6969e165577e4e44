"""The seams of the code review: catalog knows nothing of reviews, view logic is not hidden in a
template tag, and each rule written twice has one home."""

import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from catalog import ranking
from catalog.models import Framework
from reviews import services
from reviews.models import ModerationAction
from reviews.templatetags import reviews_tags
from tests.factories import CountedReviewFactory, FrameworkFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def catalog_sources():
    paths = (BASE_DIR / "catalog").rglob("*.py")
    return {path: path.read_text() for path in paths if "migrations" not in path.parts}


def test_catalog_neither_imports_nor_reads_reviews():
    for path, text in catalog_sources().items():
        assert not re.search(r"^\s*(from|import) reviews", text, re.M), path
        # The reviews' schema: its status spelled out, or its tables read by reverse relation.
        assert not re.search(r'(?<!_\()"published"', text), path
        assert not re.search(r"\breviews(_switched_away)?__|\.reviews\.rel\b", text), path


def test_the_framework_reviews_tag_only_presents():
    source = inspect.getsource(reviews_tags.framework_reviews)
    assert "GET" not in source and "Paginator" not in source and "objects" not in source
    assert len(source.splitlines()) <= 16


def test_no_template_tag_reads_the_query_string():
    assert "request.GET" not in inspect.getsource(reviews_tags)


@pytest.mark.django_db
def test_without_reviews_the_rating_is_none_on_the_page_and_in_the_api(en, flask):
    CountedReviewFactory(framework=FrameworkFactory(), rating=5)  # a site-wide mean exists
    rating = en.get(f"/api/frameworks/{flask.slug}/").json()["rating"]
    assert rating == {"count": 0, "average": None, "bayesian": None} | {
        k: v for k, v in rating.items() if k not in ("count", "average", "bayesian")
    }
    page = en.get(flask.get_absolute_url())
    assert page.context["reviews"].summary.bayesian is None
    assert Framework.objects.with_bayes_rating().get(pk=flask.pk).bayesian_rating is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "url", "make"),
    [
        ("REVIEWS_PAGE_SIZE", "/frameworks/flask/", "reviews"),
        ("PROFILE_REVIEWS_PAGE_SIZE", "/users/writer/", "reviews"),
        ("PROFILE_VOTES_PAGE_SIZE", "/users/writer/", "votes"),
        ("MODERATION_PAGE_SIZE", "/moderation/", "log"),
        ("API_PAGE_SIZE", "/api/frameworks/", "frameworks"),
    ],
)
def test_every_page_size_has_one_home_in_the_settings(en, settings, setting, url, make):
    writer = UserFactory(username="writer")
    flask = FrameworkFactory(name="Flask", slug="flask")
    others = [FrameworkFactory() for _ in range(3)]
    if make == "reviews":
        CountedReviewFactory(framework=flask)
        for other in others:
            CountedReviewFactory(framework=other, user=writer)
            CountedReviewFactory(framework=flask if setting == "REVIEWS_PAGE_SIZE" else other)
    if make == "votes":
        for other in others:
            services.vote_cast(user=writer, framework=other, value=1)
    if make == "log":
        for other in others:
            review = CountedReviewFactory(framework=other)
            services.review_hide(review=review, curator=None, reason="spam")
    setattr(settings, setting, 2)
    response = en.get(url)
    assert response.status_code == 200
    if make == "frameworks":
        assert len(response.json()["results"]) == 2
    elif make == "log":
        assert len(response.context["actions"].object_list) == 2
        assert ModerationAction.objects.count() == 3
    elif setting == "PROFILE_VOTES_PAGE_SIZE":
        assert len(response.context["votes"].object_list) == 2
    elif setting == "PROFILE_REVIEWS_PAGE_SIZE":
        assert len(response.context["reviews_page"].object_list) == 2
    else:
        assert len(response.context["reviews"].page.object_list) == 2


def test_the_unused_rest_framework_page_size_is_gone():
    assert "PAGE_SIZE" not in django_settings.REST_FRAMEWORK


def test_dead_code_is_gone():
    assert not hasattr(ranking.RankReason, "has_votes")
    assert "framework_extra" not in (BASE_DIR / "templates/catalog/detail.html").read_text()


@pytest.mark.django_db
def test_about_ranking_reads_its_constants_from_catalog_ranking(en, monkeypatch):
    monkeypatch.setattr(ranking, "Z", 2.58)
    monkeypatch.setattr(ranking, "PRIOR_WEIGHT", 9)
    monkeypatch.setattr(ranking, "TRENDING_DAYS", 14)
    text = en.get("/about/ranking/").text
    assert "z = 2.58" in text and "2.58 × √" in text
    assert "C = 9 extra reviews" in text
    assert "the last 14 days" in text
    assert "1.96" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_one_safe_next_check_for_votes_and_sign_up(en, flask, unsafe):
    user = UserFactory()
    en.force_login(user)
    response = en.post(f"/frameworks/{flask.slug}/vote/", {"value": "up", "next": unsafe})
    assert response["Location"] == flask.get_absolute_url()
    en.logout()
    page = en.get("/accounts/signup/", {"next": unsafe})
    assert unsafe not in page.text


@pytest.mark.django_db
def test_the_api_position_and_the_page_position_agree(en, seeded):
    services.vote_cast(user=UserFactory(), framework=Framework.objects.get(slug="flask"), value=1)
    for slug in ("django", "flask", "bottle"):
        api = en.get(f"/api/frameworks/{slug}/").json()["position"]
        assert en.get(f"/frameworks/{slug}/").context["position"] == api
