import re

import pytest
from django.contrib import admin
from django.utils import translation

from catalog.admin import IndexedSearchMixin
from catalog.models import Framework
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/framework/"


def change_url(framework) -> str:
    return f"{CHANGELIST}{framework.pk}/change/"


def form_data(framework, **changes) -> dict:
    """What the change form posts for this framework, with some fields changed."""
    data = {
        "name": framework.name,
        "slug": framework.slug,
        "website": framework.website,
        "tags": ", ".join(framework.tags.names()),
        "repository": framework.repository,
        "pypi_name": framework.pypi_name,
        "article_name": framework.article_name,
        "article_website": framework.article_website,
        "description": framework.description,
        "drawbacks": framework.drawbacks,
        "summary_en": framework.summary_en,
        "description_en": framework.description_en,
        "drawbacks_en": framework.drawbacks_en,
        "seed_rank": framework.seed_rank or "",
        "status": framework.status,
        "replaced_by": framework.replaced_by_id or "",
        "_save": "Save",
    }
    if framework.is_published:
        data["is_published"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def frameworks():
    flask = FrameworkFactory(name="Flask", slug="flask", seed_rank=2, tags=["microframework"])
    FrameworkFactory(name="Django", slug="django", seed_rank=1, tags=["full-stack"])
    FrameworkFactory(name="Hidden", slug="hidden", is_published=False, tags=["microframework"])
    Framework.objects.filter(pk=flask.pk).update(upvotes=4, downvotes=1, score=0.3755)
    flask.refresh_from_db()
    return flask


def listed(response) -> set[str]:
    return {str(framework) for framework in response.context["cl"].result_list}


def test_changelist_lists_every_framework_with_counters(admin_client, frameworks):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {"Flask", "Django", "Hidden"}
    content = response.content.decode()
    for column in (
        "column-seed_rank",
        "column-is_published",
        "column-upvotes",
        "column-shown_score",
    ):
        assert column in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tags__name=microframework", {"Flask", "Hidden"}),
        ("is_published__exact=0", {"Hidden"}),
        ("is_published__exact=1&tags__name=microframework", {"Flask"}),
        ("q=djan", {"Django"}),
        ("q=microframework", {"Flask", "Hidden"}),
    ],
)
def test_changelist_filters_and_search(admin_client, frameworks, query, expected):
    response = admin_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_change_form_opens_with_counters_read_only(admin_client, frameworks):
    response = admin_client.get(change_url(frameworks))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "name" in form.fields and "tags" in form.fields
    for counter in ("upvotes", "downvotes", "score", "review_count", "rating_sum"):
        assert counter not in form.fields
    assert 'name="upvotes"' not in response.content.decode()


def test_add_form_prepopulates_the_slug_from_the_name(admin_client, db):
    response = admin_client.get(f"{CHANGELIST}add/")
    assert response.status_code == 200
    assert response.context["prepopulated_fields"][0]["field"].name == "slug"
    assert [f.name for f in response.context["prepopulated_fields"][0]["dependencies"]] == ["name"]


def test_curator_adds_a_framework_with_an_https_site(admin_client, db):
    data = {
        "name": "Litestar",
        "slug": "litestar",
        "website": "litestar.dev",
        "tags": "async, ASGI",
        "description": "快。",
        "status": "active",
        "is_published": "on",
    }
    response = admin_client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302
    litestar = Framework.objects.get(slug="litestar")
    assert litestar.website == "https://litestar.dev"
    assert litestar.seed_rank is None
    assert sorted(litestar.tags.names()) == ["ASGI", "async"]


def test_curator_edits_text_and_tags_but_not_counters(admin_client, frameworks):
    data = form_data(
        frameworks,
        description="Edited.",
        tags="microframework, WSGI",
        upvotes="999",
        downvotes="0",
        score="1.0",
        review_count="50",
        rating_sum="250",
    )
    response = admin_client.post(change_url(frameworks), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    frameworks.refresh_from_db()
    assert frameworks.description == "Edited."
    assert sorted(frameworks.tags.names()) == ["WSGI", "microframework"]
    assert (frameworks.upvotes, frameworks.downvotes, frameworks.score) == (4, 1, 0.3755)
    assert (frameworks.review_count, frameworks.rating_sum) == (0, 0)


def test_curator_edits_the_article_text_our_english_and_the_curated_facts(admin_client, frameworks):
    form = admin_client.get(change_url(frameworks)).content.decode()
    for heading in (
        "Curated facts",
        "The article&#x27;s text, in Chinese",
        "Our English translation",
    ):
        assert heading in form
    data = form_data(
        frameworks,
        description="轻量的微框架。",
        drawbacks="大型项目需要自己组织。",
        summary_en="A light microframework.",
        description_en="Light and simple.",
        drawbacks_en="Large projects need their own structure.",
        repository="https://github.com/pallets/flask",
        pypi_name="Flask",
        article_name="Flask",
        article_website="https://flask.palletsprojects.com/en/2.0.x/",
    )
    response = admin_client.post(change_url(frameworks), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    frameworks.refresh_from_db()
    assert frameworks.text_for("description", "zh-hans") == "轻量的微框架。"
    assert frameworks.text_for("description", "en") == "Light and simple."
    assert frameworks.text_for("drawbacks", "en") == "Large projects need their own structure."
    assert frameworks.text_for("summary", "en") == "A light microframework."
    assert (frameworks.repository, frameworks.pypi_name) == (
        "https://github.com/pallets/flask",
        "Flask",
    )


def test_curator_names_a_tag_in_chinese(admin_client, frameworks):
    tag = frameworks.tags.get()
    response = admin_client.post(
        f"/admin/catalog/tag/{tag.pk}/change/",
        {"name": tag.name, "name_zh": "微框架", "slug": tag.slug, "_save": "Save"},
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.text_for("name", "zh-hans"), tag.text_for("name", "en")) == (
        "微框架",
        "microframework",
    )
    changelist = admin_client.get("/admin/catalog/tag/", {"q": "微框架"})
    assert list(changelist.context["cl"].result_list) == [tag]


def test_unpublishing_in_the_admin_hides_the_framework_from_the_site(admin_client, en, frameworks):
    assert "Flask" in en.get("/").content.decode()
    response = admin_client.post(change_url(frameworks), form_data(frameworks, is_published=None))
    assert response.status_code == 302
    frameworks.refresh_from_db()
    assert not frameworks.is_published
    assert Framework.objects.filter(pk=frameworks.pk).exists()
    assert "/frameworks/flask/" not in en.get("/").content.decode()
    assert en.get("/frameworks/flask/").status_code == 404


def test_anonymous_visitors_cannot_open_the_admin(client, frameworks):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_changelist_shows_the_score_as_the_site_does(admin_client, frameworks):
    response = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")
    assert re.search(r'<td class="field-shown_score[^"]*">37.5</td>', response.text)
    assert "0.3755" not in response.text


@pytest.mark.parametrize(("language", "title"), [("en", "By tag"), ("zh-hans", "以 标签")])
def test_the_tag_filter_is_titled_by_tag(admin_client, frameworks, language, title):
    response = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE=language)
    assert title in response.text
    assert "By name" not in response.text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_rows_action_checkbox_is_djangos_own(admin_client, db, language):
    """The big tables' admins write each row's checkbox out (IndexedSearchMixin): the HTML is
    Django's, its name escaped once, in either language; the header still selects them all."""
    framework = FrameworkFactory(name='<b>"Tom" & Jerry\'s</b>', slug="tom")
    model_admin = admin.site.get_model_admin(Framework)
    assert isinstance(model_admin, IndexedSearchMixin)
    with translation.override(language):
        ours = model_admin.action_checkbox(framework)
        assert ours == admin.ModelAdmin.action_checkbox(model_admin, framework)
    assert "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#x27;s&lt;/b&gt;" in ours
    response = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE=language)
    assert response.text.count('class="action-select"') == 1
    assert 'id="action-toggle"' in response.text
