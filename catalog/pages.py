"""A page of a ranking (the home page and its filters, a tag's page), with what no vote changes
kept between renders (config.derived).

How many frameworks a filter matches never follows votes, and neither does their order under
most sorts (best reviewed, most reviewed, newest, name, the article's order): both are kept, so
after a vote such a page reads only its own frameworks, by id. Under the sorts that follow votes
the page is read in the order of their indexes, as before.
"""

import functools
import hashlib

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models.functions import Lower
from django.http import Http404, QueryDict
from django.utils.translation import get_language

from catalog import rows
from catalog.filters import FrameworkFilterSet
from catalog.models import Framework, FrameworkQuerySet, Tag, TaggedFramework
from config.derived import kept
from config.rendering import Remembered

VOTED_SORTS = ("top", "trending", "recent")  # the orders that follow votes


_FILTER_SETS = Remembered(limit=256)  # about 40 KB each


def ranking_filters(query: QueryDict) -> FrameworkFilterSet:
    """The ranking's filter set for this query string (search, tag, hide, sort), validated once
    per process and language. Building one (its filters and form, copied from the class, then
    validated) cost over a millisecond of every ranking rendered; it holds nothing of a visitor
    nor of the database: its queryset is never run itself (pages derive theirs from `qs`), and
    its form, read by the page's template, is only ever read."""
    # Only the filters' own parameters: a link's utm_source and the like make no set of their own.
    asked = QueryDict(mutable=True)
    for name in FrameworkFilterSet.base_filters:
        if name in query:
            asked.setlist(name, query.getlist(name))
    key = (get_language(), tuple(sorted((name, tuple(values)) for name, values in asked.lists())))
    return _FILTER_SETS.get(key, lambda: _validated(asked))


def _validated(query: QueryDict) -> FrameworkFilterSet:
    filterset = FrameworkFilterSet(query.copy(), queryset=Framework.objects.published())
    filterset.qs  # noqa: B018 (validates the form and builds the queryset, once)
    return filterset


def follows_no_votes(sort: str | None) -> bool:
    """Whether a ranking in this order (a public sort key; any other means the default, which
    follows votes) shows nothing that follows votes but its vote widgets."""
    return sort in FrameworkQuerySet.SORTS and sort not in VOTED_SORTS


MEAN_RATING = "mean-rating"


def mean_rating() -> float:
    """The mean of every published review's stars (the prior of every Bayesian rating), kept."""
    return kept(with_mean_rating({}))[MEAN_RATING]


def with_mean_rating(makers: dict) -> dict:
    """`makers` for config.derived.kept with the site's mean of the stars (`MEAN_RATING`) among
    them: a page that keeps values of its own reads the mean in the same round trip."""
    return {**makers, MEAN_RATING: Framework.objects.published().mean_rating}


def filters_key(*filters) -> str:
    """A short cache key for what a ranking is filtered by."""
    return hashlib.blake2b(repr(filters).encode(), digest_size=12).hexdigest()


def ranking_page(frameworks, *, number, sort: str | None, key: str) -> Page:
    """Page `number` of `frameworks` (ranked by `sort`): what their rows show of them
    (catalog.rows.ROW_FIELDS), and `give_tags(frameworks)` to give those that need their
    `tag_list` theirs; `key` names their filters
    (`filters_key`). A wild page number is a 404, never a 500."""
    if sort not in FrameworkQuerySet.SORTS:
        sort = FrameworkQuerySet.DEFAULT_SORT
    frameworks = frameworks.prefetch_related(None).only(*rows.ROW_FIELDS)
    count_key = f"ranking-count:{key}"
    found = kept({count_key: frameworks.count, "tags": _tags_by_name})
    paginator = Paginator(frameworks, settings.RANKING_PAGE_SIZE)
    paginator.count = found[count_key]
    try:
        page = paginator.page(number or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc
    if sort in VOTED_SORTS:
        page.object_list = list(page.object_list)
    else:
        ids_key = f"ranking-ids:{key}:{sort}:{page.number}"
        ids = kept({ids_key: lambda: list(page.object_list.values_list("pk", flat=True))})[ids_key]
        by_pk = Framework.objects.filter(pk__in=ids).only(*rows.ROW_FIELDS).in_bulk()
        page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    # Each framework's tags (one query), for the rows that are not kept (catalog.rows.Rows.page).
    page.give_tags = functools.partial(give_tags, tags=found["tags"])
    return page


def _tags_by_name() -> list[Tag]:
    """Every tag, in the order a framework's tags come (TaggableManager's ordering)."""
    return list(Tag.objects.order_by(Lower("name"), "name"))


def tags_by_name() -> list[Tag]:
    """Every tag, by name, kept."""
    return kept({"tags": _tags_by_name})["tags"]


def give_tags(frameworks, tags: list[Tag]) -> None:
    """Each framework's tags as `tag_list`, by name, from `tags` (`tags_by_name()`): one query
    for which carries which, where a prefetch cost several times more."""
    place = {tag.pk: n for n, tag in enumerate(tags)}
    carried: dict[int, list[int]] = {framework.pk: [] for framework in frameworks}
    tagged = TaggedFramework.objects.filter(content_object__in=list(carried))
    for framework_pk, tag_pk in tagged.values_list("content_object_id", "tag_id"):
        if tag_pk in place:  # a tag made since the list was kept: the next render has it
            carried[framework_pk].append(place[tag_pk])
    for framework in frameworks:
        framework.tag_list = [tags[n] for n in sorted(carried[framework.pk])]
