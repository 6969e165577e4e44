"""What crawlers, monitors and lost visitors see: sitemap, robots.txt, healthz, 404 and 500."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.urls import path
from django.utils import translation

from catalog.models import Framework
from config.urls import urlpatterns as site_urlpatterns

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def boom(request):
    raise RuntimeError("a bug in a view")


# The site's URLs plus one view that fails, for the 500 page (see `test_a_crash_*`).
urlpatterns = [path("boom/", boom), *site_urlpatterns]


# Sitemap


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_every_published_framework_and_no_unpublished_one(client, seeded):
    Framework.objects.filter(slug__in=["flask", "buildbot"]).update(is_published=False)
    locations = sitemap_locations(client)
    for framework in Framework.objects.published():
        assert f"http://testserver/frameworks/{framework.slug}/" in locations
    assert "http://testserver/frameworks/flask/" not in locations
    assert "http://testserver/frameworks/buildbot/" not in locations
    assert len([loc for loc in locations if "/frameworks/" in loc]) == 35


def test_sitemap_lists_the_pages_and_the_tags(client, seeded):
    locations = sitemap_locations(client)
    for url in ["/", "/tags/", "/about/ranking/", "/moderation/", "/tags/async/", "/tags/wsgi/"]:
        assert f"http://testserver{url}" in locations
    assert len(locations) == len(set(locations))


def test_sitemap_gives_frameworks_a_last_modified_date(client, seeded):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    for url in root.findall("s:url", SITEMAP_NS):
        if "/frameworks/" in url.find("s:loc", SITEMAP_NS).text:
            assert url.find("s:lastmod", SITEMAP_NS) is not None


def test_a_tag_only_on_unpublished_frameworks_is_not_in_the_sitemap(client, seeded):
    Framework.objects.filter(slug__in=["cubes", "dpark", "buildbot"]).update(is_published=False)
    assert "http://testserver/tags/not-a-web-framework/" not in sitemap_locations(client)


# robots.txt


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_and_post_urls(
    client, db
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    assert {
        "/admin/",
        "/accounts/",
        "/frameworks/*/vote/",
        "/frameworks/*/review/",
        "/reviews/",
    } <= disallowed
    assert "/" not in disallowed
    assert "/frameworks/" not in disallowed


def test_robots_txt_takes_no_session_and_sets_no_cookie(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert not response.cookies


# healthz


def test_healthz_is_200_when_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:  # undone before the test database is rolled back
        patched.setattr(connection, "cursor", down)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "error", "database": "unavailable"}


def test_healthz_answers_only_reads(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


# 404 and 500


def test_404_page_in_english(en, db):
    response = en.get("/frameworks/no-such-framework/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<title>Page not found — PyWebRank</title>" in content
    assert "Page not found" in content
    assert 'action="/"' in content  # a search form back to the ranking
    assert '<link rel="stylesheet" href="/static/css/site.css">' in content


def test_404_page_in_chinese(client, db):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert 'class="error-page"' in content


def test_the_500_page_renders_without_a_database_or_a_request():
    # No `db` fixture: any query here would fail the test.
    for language in ("en", "zh-hans"):
        with translation.override(language):
            content = render_to_string("500.html")
        assert f'<html lang="{language}">' in content
        assert 'class="error-page"' in content
        assert "/static/css/site.css" in content
    with translation.override("en"):
        assert "Something went wrong on our side" in render_to_string("500.html")


@pytest.mark.urls("tests.test_findable")
def test_a_crash_in_a_view_answers_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert '<html lang="en">' in content


# Every page has a title, a description and a canonical link


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=flask&sort=name",
        "/frameworks/flask/",
        "/tags/",
        "/tags/async/",
        "/about/ranking/",
        "/compare/",
        "/compare/?f=flask&f=django",
    ],
)
def test_pages_have_a_title_a_description_and_a_canonical_link(en, seeded, url):
    content = en.get(url).content.decode()
    assert content.count("<title>") == 1
    assert '<meta name="description" content="' in content
    assert '<meta name="description" content="">' not in content
    assert '<link rel="canonical" href="http://testserver/' in content
    assert "?q=" not in content.split('rel="canonical"')[1].split(">")[0]


def test_framework_pages_have_open_graph_tags(en, seeded):
    content = en.get("/frameworks/flask/").content.decode()
    assert '<meta property="og:title" content="Flask — PyWebRank">' in content
    assert '<meta property="og:url" content="http://testserver/frameworks/flask/">' in content
