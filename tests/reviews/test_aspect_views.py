"""Aspect ratings on the review form and on the framework page."""

import re

import pytest
from django.test import Client

from reviews import services
from reviews.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_as(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def review_data(**overrides):
    return {"rating": "4", "title": "Mine", "body": "My words.", **overrides}


def save(framework, **aspects):
    return services.review_save(
        user=UserFactory(), framework=framework, rating=4, title="t", body="b", **aspects
    )


def test_the_form_asks_each_aspect_as_a_radio_group_rising_from_1_to_5(flask):
    page = client_as(UserFactory()).get("/frameworks/flask/review/").text
    for key, legend in [
        ("documentation", "Documentation"),
        ("learning_curve", "Learning curve"),
        ("performance", "Performance"),
        ("ecosystem", "Ecosystem"),
        ("stability", "Stability across upgrades"),
        ("async_support", "Async support"),
    ]:
        group = re.search(rf'<fieldset[^>]*data-aspect="{key}">(.*?)</fieldset>', page, re.S)
        assert group, key
        assert f"<legend>{legend}</legend>" in group[1]
        values = re.findall(rf'name="{key}" value="(\d?)"', group[1])
        assert values == ["", "1", "2", "3", "4", "5"], key
        assert f'aria-describedby="id_{key}_helptext"' in group[0]
    assert "Higher is easier" in page


def test_aspects_are_optional_and_saved_with_the_review(flask):
    user = UserFactory()
    client = client_as(user)
    response = client.post(
        "/frameworks/flask/review/", review_data(documentation="5", learning_curve="2")
    )
    assert response.status_code == 303
    review = Review.objects.get()
    assert (review.documentation, review.learning_curve, review.performance) == (5, 2, None)
    flask.refresh_from_db()
    assert (flask.documentation_sum, flask.documentation_count) == (5, 1)
    assert (flask.performance_sum, flask.performance_count) == (0, 0)


def test_the_edit_form_is_prefilled_with_the_aspects(flask):
    user = UserFactory()
    services.review_save(user=user, framework=flask, rating=3, title="t", body="b", stability=2)
    page = client_as(user).get("/frameworks/flask/review/").text
    assert re.search(r'name="stability" value="2"[^>]*checked', page)
    assert re.search(r'name="performance" value=""[^>]*checked', page)


def test_a_form_with_errors_keeps_the_aspects_typed(flask):
    user = UserFactory()
    response = client_as(user).post(
        "/frameworks/flask/review/", review_data(title="", performance="4", ecosystem="9")
    )
    assert response.status_code == 200
    assert "Give the review a title." in response.text
    assert "Choose from 1 to 5, or “Not rated”." in response.text
    assert re.search(r'name="performance" value="4"[^>]*checked', response.text)
    assert not Review.objects.exists()


def test_the_framework_page_shows_aspect_averages_only_from_the_minimum(en, flask, settings):
    settings.ASPECT_MIN_REVIEWS = 2
    save(flask, documentation=5, performance=2)
    save(flask, documentation=4)
    page = en.get("/frameworks/flask/").text
    section = re.search(r'<section class="panel aspects".*?</section>', page, re.S)[0]
    docs = re.search(r'data-aspect="documentation">(.*?)</li>', section, re.S)[1]
    perf = re.search(r'data-aspect="performance">(.*?)</li>', section, re.S)[1]
    assert re.search(r"4\.5 / 5 from\s+2 reviews", docs)
    assert re.search(r"1 rating so far; shown from 2", perf)
    assert "histogram-fill" not in perf


def test_each_review_lists_the_aspects_it_rated(en, flask):
    save(flask, async_support=5)
    page = en.get("/frameworks/flask/").text
    aspects = re.search(r'<dl class="review-aspects".*?</dl>', page, re.S)[0]
    assert "Async support" in aspects
    assert '<dd data-aspect="async_support">5 / 5</dd>' in aspects
    assert "Documentation" not in aspects


def test_the_chinese_page_names_the_aspects_in_chinese(client, flask, settings):
    settings.ASPECT_MIN_REVIEWS = 1
    save(flask, documentation=3)
    page = client.get("/frameworks/flask/", HTTP_ACCEPT_LANGUAGE="zh-CN").text
    assert "评价者的分项评分" in page
    assert "3.0 / 5，来自 1 篇评价" in page
    assert "Documentation" not in page
