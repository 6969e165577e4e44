import io

import pytest
from django.core.management import call_command

from catalog.models import Framework
from catalog.seed import load_fixture

pytestmark = pytest.mark.django_db


def load_seed() -> str:
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


def snapshot():
    return list(Framework.objects.order_by("pk").values())


def test_loads_the_37_seed_frameworks():
    output = load_seed()
    assert Framework.objects.count() == 37
    assert "37 framework(s) added" in output
    by_slug = {framework.slug: framework for framework in Framework.objects.all()}
    for entry in load_fixture():
        framework = by_slug[entry["slug"]]
        assert framework.name == entry["name"]
        assert framework.website == entry["website"]
        assert framework.description == entry["description"]
        assert framework.drawbacks == entry["drawbacks"]
        assert framework.seed_rank == entry["seed_rank"]
        assert framework.status == entry["status"]
        assert sorted(framework.tags.names()) == sorted(entry["tags"])
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
