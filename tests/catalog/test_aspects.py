"""Aspect averages: the pure helpers, the compare rows with the best marked, and the API."""

import html
import re

import pytest
from django.core.cache import cache

from catalog.aspects import ASPECT_KEYS, aspect_score
from catalog.compare import comparison_of
from catalog.models import Framework
from reviews import services
from tests.factories import FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def rated(framework, *ratings, key="documentation"):
    for value in ratings:
        services.review_save(
            user=UserFactory(), framework=framework, rating=4, title="t", body="b", **{key: value}
        )
    framework.refresh_from_db()
    return framework


def test_aspect_score_is_the_mean_from_the_counters():
    framework = Framework(documentation_sum=13, documentation_count=3)
    score = aspect_score(framework, "documentation", minimum=3)
    assert (score.count, score.shown) == (3, True)
    assert score.average == pytest.approx(13 / 3)
    assert score.percent == f"{100 * (13 / 3 - 1) / 4:.1f}"
    assert not aspect_score(framework, "documentation", minimum=4).shown
    empty = aspect_score(framework, "performance", minimum=0)
    assert (empty.count, empty.average, empty.shown) == (0, None, False)


def test_the_best_shown_average_is_marked_and_ties_share_it(settings):
    settings.ASPECT_MIN_REVIEWS = 2
    high = FrameworkFactory(documentation_sum=9, documentation_count=2)
    tied = FrameworkFactory(documentation_sum=9, documentation_count=2, stability_sum=8)
    low = FrameworkFactory(documentation_sum=50, documentation_count=20)
    Framework.objects.filter(pk=tied.pk).update(stability_count=2)
    Framework.objects.filter(pk=low.pk).update(performance_sum=10, performance_count=2)
    comparison = comparison_of([high.slug, tied.slug, low.slug])
    rows = {aspect.key: scores for aspect, scores in comparison.aspect_rows}
    assert list(rows) == list(ASPECT_KEYS)
    assert [s.is_best for s in rows["documentation"]] == [True, True, False]
    # Shown for one framework only: it leads, as on the other rows of the table.
    assert [s.is_best for s in rows["performance"]] == [False, False, True]
    # Shown for none: nobody is best.
    assert [s.is_best for s in rows["ecosystem"]] == [False, False, False]


def test_the_compare_table_has_one_row_per_aspect_with_the_best_in_words(en, settings):
    settings.ASPECT_MIN_REVIEWS = 2
    flask = rated(FrameworkFactory(name="Flask", slug="flask"), 3, 4)
    rated(FrameworkFactory(name="Django", slug="django"), 5, 5)
    rated(flask, 2, key="async_support")
    page = en.get("/compare/?f=flask&f=django").content.decode()
    rows = re.findall(r'<tr class="compare-aspect" data-aspect="([a-z_]+)">(.*?)</tr>', page, re.S)
    assert [key for key, _ in rows] == list(ASPECT_KEYS)
    docs = dict(rows)["documentation"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", docs, re.S)
    flat = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
    assert flat == ["3.5 / 5 (2 reviews)", "5.0 / 5 (2 reviews) ✓ Best of these"]
    assert '<td class="is-best">' in docs
    asyncs = dict(rows)["async_support"]
    assert "1 rating, too few" in asyncs
    assert "Best of these" not in asyncs


def test_the_api_gives_each_aspects_average_and_count(client, settings):
    cache.clear()
    settings.ASPECT_MIN_REVIEWS = 2
    rated(FrameworkFactory(slug="flask"), 4, 5)
    data = client.get("/api/frameworks/flask/", HTTP_ACCEPT="application/json").json()
    assert set(data["aspects"]) == set(ASPECT_KEYS)
    assert data["aspects"]["documentation"] == {"count": 2, "average": 4.5, "shown": True}
    assert data["aspects"]["performance"] == {"count": 0, "average": None, "shown": False}
    listed = client.get("/api/frameworks/", HTTP_ACCEPT="application/json").json()
    assert listed["results"][0]["aspects"]["documentation"]["count"] == 2


def test_the_schema_documents_the_aspects(client):
    cache.clear()
    components = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert "aspects" in components["Framework"]["properties"]
    assert set(components["Aspects"]["properties"]) == set(ASPECT_KEYS)
    assert set(components["Aspect"]["properties"]) == {"count", "average", "shown"}
    learning = components["Aspects"]["properties"]["learning_curve"]["description"]
    assert "higher is easier" in learning
