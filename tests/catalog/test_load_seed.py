import io

import pytest
from django.core.management import call_command

from catalog.compare import alternatives_to
from catalog.models import Framework, Tag
from catalog.seed import TAG_NAMES_ZH, load_fixture

pytestmark = pytest.mark.django_db


def load_seed() -> str:
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


CARRIED = (
    "name",
    "website",
    "repository",
    "pypi_name",
    "article_name",
    "article_website",
    "description",
    "drawbacks",
    "summary_en",
    "description_en",
    "drawbacks_en",
)


def snapshot():
    return list(Framework.objects.order_by("pk").values())


def test_loads_the_37_seed_frameworks():
    output = load_seed()
    assert Framework.objects.count() == 37
    assert "37 framework(s) added" in output
    by_slug = {framework.slug: framework for framework in Framework.objects.all()}
    for entry in load_fixture():
        framework = by_slug[entry["slug"]]
        for field in (*CARRIED, "seed_rank", "status"):
            assert getattr(framework, field) == entry[field], (entry["slug"], field)
        assert sorted(framework.tags.names()) == sorted(entry["tags"] + entry["curated_tags"])
        assert framework.is_published
        assert (framework.upvotes, framework.downvotes, framework.score) == (0, 0, 0.0)


def test_sets_statuses_and_replacements():
    load_seed()
    pylons = Framework.objects.get(slug="pylons")
    assert pylons.status == Framework.Status.UNMAINTAINED
    assert pylons.replaced_by == Framework.objects.get(slug="pyramid")
    assert set(
        Framework.objects.filter(status=Framework.Status.NOT_WEB_FRAMEWORK).values_list(
            "slug", flat=True
        )
    ) == {"cubes", "dpark", "buildbot"}
    assert Framework.objects.filter(replaced_by__isnull=False).count() == 1


def test_running_it_twice_adds_nothing():
    load_seed()
    before = snapshot()
    output = load_seed()
    assert "0 framework(s) added, 37 already present" in output
    assert snapshot() == before


def test_never_overwrites_what_curators_and_voters_changed():
    load_seed()
    Framework.objects.filter(slug="flask").update(
        description="Edited by a curator.",
        drawbacks="",
        website="https://example.org/flask",
        upvotes=12,
        downvotes=3,
        score=0.5,
        review_count=2,
        rating_sum=9,
    )
    Framework.objects.filter(slug="django").update(is_published=False)
    Framework.objects.filter(slug="pylons").update(replaced_by=None)
    Framework.objects.get(slug="bottle").tags.set(["curated"])
    before = snapshot()

    load_seed()

    assert snapshot() == before
    assert list(Framework.objects.get(slug="bottle").tags.names()) == ["curated"]
    assert Framework.objects.get(slug="pylons").replaced_by is None


def test_a_deleted_framework_is_added_again():
    load_seed()
    Framework.objects.filter(slug="pylons").delete()
    load_seed()
    pylons = Framework.objects.get(slug="pylons")
    assert pylons.replaced_by.slug == "pyramid"
    assert sorted(pylons.tags.names()) == ["WSGI", "unmaintained"]
    assert Framework.objects.count() == 37


def test_a_deleted_replacement_is_added_again_without_relinking_the_replaced():
    load_seed()
    Framework.objects.filter(slug="pyramid").delete()
    load_seed()
    assert Framework.objects.filter(slug="pyramid").exists()
    assert Framework.objects.get(slug="pylons").replaced_by is None  # a row left as it is


def test_a_framework_whose_slug_a_curator_changed_is_not_added_twice():
    load_seed()
    Framework.objects.filter(slug="flask").update(slug="flask-web")
    output = load_seed()
    assert Framework.objects.count() == 37
    assert not Framework.objects.filter(slug="flask").exists()
    assert "0 framework(s) added" in output


def test_a_framework_whose_name_a_curator_changed_is_not_added_twice():
    load_seed()
    Framework.objects.filter(slug="fastapi").update(name="FastAPI")
    load_seed()
    assert Framework.objects.count() == 37
    assert Framework.objects.get(slug="fastapi").name == "FastAPI"


def test_a_seed_rank_a_curator_gave_to_another_framework_does_not_break_loading():
    load_seed()
    Framework.objects.filter(slug="flask").delete()
    Framework.objects.create(
        name="Flask 2", slug="flask-2", website="https://example.org/", seed_rank=2
    )
    load_seed()
    assert Framework.objects.count() == 37
    assert Framework.objects.get(seed_rank=2).slug == "flask-2"


def test_every_seed_tag_gets_its_chinese_name():
    output = load_seed()
    tags = dict(Tag.objects.values_list("name", "name_zh"))
    assert tags == {name: TAG_NAMES_ZH[name] for name in tags}
    assert tags["full-stack"] == "全栈"
    assert f"{len(tags)} tag(s) given a Chinese name" in output


def test_a_tag_name_a_curator_wrote_in_chinese_is_kept():
    load_seed()
    Tag.objects.filter(name="templates").update(name_zh="模版引擎")
    load_seed()
    assert Tag.objects.get(name="templates").name_zh == "模版引擎"


def seed_as_before_this_change():
    """The 37 rows as a database seeded before curated facts and English text existed."""
    for entry in load_fixture():
        framework = Framework.objects.create(
            name=entry["article_name"],
            slug=entry["slug"],
            website=entry["article_website"],
            description=entry["description"],
            drawbacks=entry["drawbacks"],
            seed_rank=entry["seed_rank"],
            status=entry["status"],
        )
        framework.tags.set(entry["tags"])


def test_completes_a_database_seeded_before_this_change():
    seed_as_before_this_change()
    output = load_seed()
    assert "0 framework(s) added, 37 already present, 37 completed" in output
    by_slug = {framework.slug: framework for framework in Framework.objects.all()}
    for entry in load_fixture():
        framework = by_slug[entry["slug"]]
        for field in CARRIED:
            assert getattr(framework, field) == entry[field], (entry["slug"], field)
        assert sorted(framework.tags.names()) == sorted(entry["tags"] + entry["curated_tags"])
    assert by_slug["fastapi"].name == "FastAPI"
    assert by_slug["django"].website == "https://www.djangoproject.com/"
    assert Tag.objects.get(name="templates").name_zh == "模板"
    before = snapshot()
    assert "0 completed" in load_seed()
    assert snapshot() == before


def test_completing_never_overwrites_what_curators_wrote():
    seed_as_before_this_change()
    Framework.objects.filter(slug="fastapi").update(name="Fast API", summary_en="Ours.")
    Framework.objects.filter(slug="django").update(website="https://example.org/django")
    Framework.objects.filter(slug="aiohttp").update(
        description="A curator's text.", drawbacks_en="Curator's English."
    )
    Framework.objects.get(slug="flask").tags.set(["micro"])
    load_seed()
    fastapi, django, aiohttp, flask = (
        Framework.objects.get(slug=slug) for slug in ("fastapi", "django", "aiohttp", "flask")
    )
    assert (fastapi.name, fastapi.summary_en) == ("Fast API", "Ours.")
    assert fastapi.description_en  # the empty fields beside them are filled
    assert django.website == "https://example.org/django"
    assert django.repository == "https://github.com/django/django"
    assert (aiohttp.description, aiohttp.drawbacks_en) == (
        "A curator's text.",
        "Curator's English.",
    )
    assert aiohttp.name == "aiohttp"
    assert list(flask.tags.names()) == ["micro"]


def test_a_curated_name_another_framework_took_is_left_as_the_article_wrote_it():
    seed_as_before_this_change()
    Framework.objects.create(name="FastAPI", slug="fastapi-2", website="https://example.org/")
    load_seed()
    assert Framework.objects.get(slug="fastapi").name == "Fastapi"


# what the seeded catalog lets people find


@pytest.mark.parametrize("query", ["full-stack", "batteries", "全栈", "功能齐全", "admin", "MTV"])
def test_a_search_for_what_django_is_known_for_finds_it(query):
    load_seed()
    assert "django" in Framework.objects.published().search(query).values_list("slug", flat=True)


def test_a_search_finds_english_text_and_the_articles_spelling():
    load_seed()
    search = Framework.objects.published().search
    assert list(search("Fastapi").values_list("name", flat=True)) == ["FastAPI"]
    assert "flask" in search("prototypes").values_list("slug", flat=True)
    assert "flask" in search("微框架").values_list("slug", flat=True)


def test_djangos_alternatives_include_flask():
    load_seed()
    django = Framework.objects.get(slug="django")
    assert "flask" in [alternative.framework.slug for alternative in alternatives_to(django)]
