import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.migrations.loader import MigrationLoader
from taggit.models import Tag as TaggitTag
from taggit.models import TaggedItem

from catalog.models import Tag
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def test_tags_move_from_taggit_to_catalog_and_back(settings):
    settings.MIGRATION_MODULES = {}  # pytest runs --no-migrations; load the real ones here
    loader = MigrationLoader(None, ignore_no_migrations=True)
    node = ("catalog", "0003_bilingual_catalog_curated_facts")
    operation = loader.get_migration(*node).operations[-1]
    historical_apps = loader.project_state(node).apps
    django, flask = FrameworkFactory(slug="django"), FrameworkFactory(slug="flask")
    framework_type = ContentType.objects.get_for_model(django)
    templates = TaggitTag.objects.create(name="templates", slug="templates")
    micro = TaggitTag.objects.create(name="microframework", slug="microframework")
    kept = TaggitTag.objects.create(name="elsewhere", slug="elsewhere")  # tags something else
    for framework, tag in ((django, templates), (flask, templates), (flask, micro)):
        TaggedItem.objects.create(tag=tag, content_type=framework_type, object_id=framework.pk)
    TaggedItem.objects.create(
        tag=kept, content_type=ContentType.objects.get_for_model(Tag), object_id=1
    )

    operation.code(historical_apps, None)

    assert list(django.tags.names()) == ["templates"]
    assert sorted(flask.tags.names()) == ["microframework", "templates"]
    assert Tag.objects.get(name="microframework").slug == "microframework"
    assert list(TaggitTag.objects.values_list("name", flat=True)) == ["elsewhere"]

    operation.reverse_code(historical_apps, None)
    assert TaggedItem.objects.filter(content_type=framework_type).count() == 3
