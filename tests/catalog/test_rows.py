"""A ranking's rows (catalog.rows.Rows) with their parts kept under the content version."""

import pytest
from django.utils import translation

from catalog import pages, rows
from catalog.models import Framework
from config.rendering import Remembered
from tests.factories import FrameworkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_rows_kept_or_not_are_the_same_even_when_the_keep_is_full(monkeypatch):
    """Frameworks whose row is not kept get their tags (one call for all of them) and are kept;
    those kept are used as they were found, even when keeping the others pushes them out."""
    FrameworkFactory(name="Flask", slug="flask", seed_rank=1, tags=["micro"])
    FrameworkFactory(name="Bottle", slug="bottle", seed_rank=2, tags=["micro", "wsgi"])
    FrameworkFactory(name="Django", slug="django", seed_rank=3, tags=["full-stack"])
    monkeypatch.setattr(rows, "ROW_PARTS", Remembered(limit=1))
    tags = pages.tags_by_name()
    given = []

    def give_tags(frameworks):
        given.append(sorted(framework.slug for framework in frameworks))
        pages.give_tags(frameworks, tags)

    def page():
        frameworks = Framework.objects.order_by("seed_rank")  # no tag_list of their own
        with translation.override("en"):
            made = rows.Rows().page(frameworks, start=1, give_tags=give_tags)
        return [f"{row.head}{row.tail}" for row in made]

    first, again = page(), page()

    assert again == first
    assert given == [["bottle", "django", "flask"], ["bottle", "flask"]]  # Django's was kept
    assert "/tags/wsgi/" in first[1]
    assert ">3</span>" in first[2]  # its place, not kept with the rest of its row
