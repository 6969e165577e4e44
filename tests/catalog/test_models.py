import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from catalog.models import Framework, Tag
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def test_str_is_the_name():
    assert str(FrameworkFactory(name="Flask")) == "Flask"


def test_absolute_url_is_the_detail_page_by_slug():
    assert FrameworkFactory(slug="flask").get_absolute_url() == "/frameworks/flask/"


@pytest.mark.parametrize(
    ("description", "summary"),
    [
        (
            "Flask 是一个 Python Web 开发的微框架。严格来说，它仅提供 Web 服务器支持。",
            "Flask 是一个 Python Web 开发的微框架。",
        ),
        (
            "A small framework for building APIs. It is fast.",
            "A small framework for building APIs.",
        ),
        (
            "Runs on Python 3.7+ and asyncio without any sentence end",
            "Runs on Python 3.7+ and asyncio without any sentence end",
        ),
        ("第一行没有句号\n第二行。", "第一行没有句号"),
        ("  \n开头有空行的描述很长很长。后面。", "开头有空行的描述很长很长。"),
    ],
)
def test_summary_is_the_first_sentence_of_the_description(description, summary):
    assert FrameworkFactory(description=description).summary == summary


def test_summary_does_not_stop_at_a_very_short_first_clause():
    text = "短。后面的句子更长一些。"
    assert FrameworkFactory(description=text).summary == text


def test_texts_for_chinese_readers_are_the_articles_and_for_english_readers_ours():
    framework = FrameworkFactory(
        description="一个轻量而简单的框架。第二句。",
        summary_en="Light.",
        description_en="Light. Second.",
    )
    assert framework.text_for("summary", "zh-hans") == "一个轻量而简单的框架。"
    assert framework.text_for("description", "zh-hans") == "一个轻量而简单的框架。第二句。"
    assert framework.text_for("summary", "en") == "Light."
    assert framework.text_for("description", "en") == "Light. Second."
    assert framework.is_translated("description", "en")
    assert not framework.is_translated("description", "zh-hans")


def test_an_untranslated_text_falls_back_to_the_other_language():
    framework = FrameworkFactory(drawbacks="", drawbacks_en="Heavy.", description_en="")
    assert framework.text_for("drawbacks", "zh-hans") == "Heavy."
    assert framework.text_for("description", "en") == framework.description
    assert not framework.is_translated("description", "en")


def test_text_for_follows_the_active_language():
    framework = FrameworkFactory(description="轻量。", summary_en="Light.")
    with translation.override("en"):
        assert framework.text_for("summary") == "Light."
    with translation.override("zh-hans"):
        assert framework.text_for("summary") == "轻量。"


def test_tag_names_in_both_languages():
    tag = Tag.objects.create(name="templates", slug="templates", name_zh="模板")
    untranslated = Tag.objects.create(name="HTMX", slug="htmx")
    assert (tag.text_for("name", "zh-hans"), tag.text_for("name", "en")) == ("模板", "templates")
    assert untranslated.text_for("name", "zh-hans") == "HTMX"


def test_vote_count_comes_from_the_counters():
    framework = FrameworkFactory()
    Framework.objects.filter(pk=framework.pk).update(upvotes=7, downvotes=3)
    framework.refresh_from_db()
    assert framework.vote_count == 10


def test_average_rating_is_none_without_reviews():
    framework = FrameworkFactory()
    assert framework.average_rating is None
    Framework.objects.filter(pk=framework.pk).update(rating_sum=9, review_count=2)
    framework.refresh_from_db()
    assert framework.average_rating == pytest.approx(4.5)


def test_new_framework_starts_published_with_zero_counters():
    framework = FrameworkFactory()
    assert framework.is_published
    assert framework.status == Framework.Status.ACTIVE
    assert (framework.upvotes, framework.downvotes, framework.score) == (0, 0, 0.0)
    assert (framework.review_count, framework.rating_sum) == (0, 0)


def test_seed_rank_is_unique():
    FrameworkFactory(seed_rank=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(seed_rank=1)


def test_seed_rank_may_be_empty_for_many_frameworks():
    FrameworkFactory(seed_rank=None)
    FrameworkFactory(seed_rank=None)
    assert Framework.objects.filter(seed_rank__isnull=True).count() == 2


def test_seed_rank_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(seed_rank=0)


@pytest.mark.parametrize("field", ["name", "slug"])
def test_name_and_slug_are_unique(field):
    FrameworkFactory(**{field: "same"})
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(**{field: "same"})


@pytest.mark.parametrize("field", ["name", "slug"])
def test_a_curator_is_told_when_a_name_or_slug_is_taken(field, rf, admin_user):
    """The admin's form says so on the field, as it did when the fields were `unique=True`."""
    from django.contrib import admin

    taken = FrameworkFactory()
    other = FrameworkFactory()
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Framework).get_form(request, other)
    data = {**form_class(instance=other).initial, field: getattr(taken, field)}
    form = form_class(data, instance=other)
    form.is_valid()

    assert form.errors[field] == [f"Framework with this {field.title()} already exists."]


def test_default_ordering_is_seed_rank_then_name_with_unranked_last():
    FrameworkFactory(name="Zeta", seed_rank=None)
    FrameworkFactory(name="Alpha", seed_rank=None)
    FrameworkFactory(name="Second", seed_rank=2)
    FrameworkFactory(name="First", seed_rank=1)
    assert [f.name for f in Framework.objects.all()] == ["First", "Second", "Alpha", "Zeta"]


def test_deleting_the_replacement_keeps_the_replaced_framework():
    pyramid = FrameworkFactory(name="Pyramid")
    pylons = FrameworkFactory(name="Pylons", replaced_by=pyramid)
    pyramid.delete()
    pylons.refresh_from_db()
    assert pylons.replaced_by is None
