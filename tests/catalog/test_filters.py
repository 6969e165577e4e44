import pytest
from django.http import QueryDict

from catalog import ranking
from catalog.filters import FrameworkFilterSet
from catalog.models import Framework, FrameworkQuerySet
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def filtered(query: str = ""):
    filterset = FrameworkFilterSet(QueryDict(query), queryset=Framework.objects.published())
    return [framework.name for framework in filterset.qs], filterset


@pytest.fixture
def catalog():
    FrameworkFactory(name="Flask", seed_rank=2, description="一个微框架。", tags=["microframework"])
    FrameworkFactory(name="Django", seed_rank=1, description="全栈框架。", tags=["full-stack"])
    FrameworkFactory(
        name="Pylons", seed_rank=34, status=Framework.Status.UNMAINTAINED, tags=["WSGI"]
    )
    FrameworkFactory(
        name="Buildbot",
        seed_rank=37,
        status=Framework.Status.NOT_WEB_FRAMEWORK,
        tags=["not a web framework"],
    )
    FrameworkFactory(name="Hidden", seed_rank=5, description="微框架。", is_published=False)
    voted = FrameworkFactory(name="Voted", seed_rank=None)
    Framework.objects.filter(pk=voted.pk).update(upvotes=3, score=ranking.wilson_lower_bound(3, 0))


def test_no_parameters_give_every_published_framework_ranked_top(catalog):
    names, filterset = filtered()
    assert names == ["Voted", "Django", "Flask", "Pylons", "Buildbot"]
    assert filterset.is_valid()


def test_q_searches_published_frameworks(catalog):
    assert filtered("q=微框架")[0] == ["Flask"]
    assert filtered("q=DJANGO")[0] == ["Django"]


def test_tag_keeps_frameworks_with_that_tag_slug(catalog):
    assert filtered("tag=full-stack")[0] == ["Django"]
    assert filtered("tag=no-such-tag")[0] == []


def test_q_and_tag_combine(catalog):
    assert filtered("q=框架&tag=microframework")[0] == ["Flask"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("top", ["Voted", "Django", "Flask", "Pylons", "Buildbot"]),
        ("seed", ["Django", "Flask", "Pylons", "Buildbot", "Voted"]),
        ("name", ["Buildbot", "Django", "Flask", "Pylons", "Voted"]),
    ],
)
def test_sort_delegates_to_ranked(catalog, sort, expected):
    assert filtered(f"sort={sort}")[0] == expected


def test_every_sort_choice_is_a_ranked_sort_key():
    choices = {key for key, _label in FrameworkFilterSet.base_filters["sort"].extra["choices"]}
    assert choices == set(FrameworkQuerySet.SORTS)


@pytest.mark.parametrize("sort", ["bogus", "", "-score", "name;drop"])
def test_invalid_sort_falls_back_to_top_and_keeps_other_filters(catalog, sort):
    names, _filterset = filtered(f"sort={sort}&q=微框架")
    assert names == ["Flask"]


def test_invalid_sort_is_reported_on_the_form(catalog):
    _names, filterset = filtered("sort=bogus")
    assert "sort" in filterset.form.errors


def test_hide_unmaintained(catalog):
    assert "Pylons" not in filtered("hide=unmaintained")[0]
    assert "Buildbot" in filtered("hide=unmaintained")[0]


def test_hide_not_web_frameworks(catalog):
    assert filtered("hide=not-web-framework")[0] == ["Voted", "Django", "Flask", "Pylons"]


def test_hide_both(catalog):
    assert filtered("hide=unmaintained&hide=not-web-framework")[0] == ["Voted", "Django", "Flask"]


def test_unknown_hide_value_is_ignored(catalog):
    names, filterset = filtered("hide=active")
    assert names == ["Voted", "Django", "Flask", "Pylons", "Buildbot"]
    assert "hide" in filterset.form.errors


def test_over_long_q_is_ignored_without_crashing(catalog):
    names, filterset = filtered("q=" + "框" * 5000)
    assert "q" in filterset.form.errors
    assert names == ["Voted", "Django", "Flask", "Pylons", "Buildbot"]


def test_q_with_sql_wildcards_is_taken_literally(catalog):
    assert filtered("q=%25")[0] == []
    assert filtered("q=_")[0] == []


@pytest.mark.parametrize("invalid", ["q=" + "x" * 101, "hide=bogus", "tag=" + "t" * 101])
def test_one_invalid_parameter_keeps_a_valid_sort(catalog, invalid):
    names, filterset = filtered(f"sort=name&{invalid}")
    assert names[:2] == ["Buildbot", "Django"]
    assert filterset.form.errors


def test_one_invalid_parameter_keeps_the_valid_search_and_hide(catalog):
    names, _ = filtered("q=微框架&hide=unmaintained&sort=bogus")
    assert names == ["Flask"]


def test_the_page_keeps_the_valid_sort_and_names_the_invalid_parameter(en, catalog):
    response = en.get("/", {"sort": "name", "q": "x" * 101})
    assert [f.name for f in response.context["frameworks"]][:2] == ["Buildbot", "Django"]
    assert "Search: Ensure this value has at most 100 characters (it has 101)." in response.text


def test_an_empty_sort_is_invalid_not_silently_the_default(catalog):
    names, filterset = filtered("sort=&q=微框架")
    assert "sort" in filterset.form.errors
    assert names == ["Flask"]


def test_the_ranking_validates_a_query_once_per_language_and_answers_each_query_its_own(
    catalog, client
):
    """catalog.pages.ranking_filters keeps each query's validated filter set: the same query in
    the same language is not built again, and every query still gets its own frameworks (and
    its own errors, in the visitor's language)."""
    from django.utils import translation

    from catalog import pages

    with translation.override("en"):
        first = pages.ranking_filters(QueryDict("tag=microframework"))
        assert pages.ranking_filters(QueryDict("tag=microframework")) is first
        # a parameter no filter reads (a campaign's, a cache-buster) makes no set of its own
        assert pages.ranking_filters(QueryDict("utm_source=feed&tag=microframework")) is first
        assert pages.ranking_filters(QueryDict("tag=microframework&page=2")) is first
        assert pages.ranking_filters(QueryDict("sort=name")) is not first
    with translation.override("zh-hans"):
        assert pages.ranking_filters(QueryDict("tag=microframework")) is not first
    assert [framework.name for framework in first.qs] == ["Flask"]

    for query, shown, hidden in [
        ("?tag=microframework", "Flask", "Django"),
        ("?tag=full-stack", "Django", "Flask"),
        ("?tag=microframework", "Flask", "Django"),
        ("?hide=unmaintained", "Django", "Pylons"),
    ]:
        page = client.get("/" + query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f">{shown}</a>" in page, query
        assert f">{hidden}</a>" not in page, query
    for language, words in [("en", "Select a valid choice"), ("zh-hans", "选择一个有效的选项")]:
        page = client.get("/?sort=sideways", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in page, language
