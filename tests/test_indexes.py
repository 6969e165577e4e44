"""An index behind every sort and filter of the pages, read in order from its first row."""

import pytest

from catalog.models import Framework, FrameworkQuerySet
from reviews.models import ModerationAction, Report, Review, ReviewQuerySet

# The sort that cannot have an index: `rating` is relative to the site-wide mean of the moment.
COMPUTED_SORTS = {"rating"}


def index_fields(model) -> list[list[str]]:
    return [list(index.fields) for index in model._meta.indexes]


def as_fields(order) -> list[str]:
    """`order_by` terms as index fields: F() expressions by name, pk as id."""
    names = []
    for term in order:
        if hasattr(term, "expression"):
            term = ("-" if term.descending else "") + term.expression.name
        names.append(term.replace("pk", "id"))
    return names


@pytest.mark.parametrize("sort", sorted(ReviewQuerySet.SORTS))
def test_each_review_sort_of_a_framework_has_its_index(sort):
    wanted = ["framework", "status", *as_fields(ReviewQuerySet.SORTS[sort])]

    assert wanted in index_fields(Review)


@pytest.mark.parametrize("sort", sorted(set(FrameworkQuerySet.SORTS) - COMPUTED_SORTS))
def test_each_framework_sort_has_its_index(sort):
    order = as_fields(FrameworkQuerySet.SORTS[sort])
    if not order:  # name and seed order: the unique indexes of name and seed_rank
        field = "name" if sort == "name" else "seed_rank"
        assert Framework._meta.get_field(field).unique
        return
    tie_break = as_fields(FrameworkQuerySet.TIE_BREAK)[:2]

    assert [*order, *tie_break] in index_fields(Framework)


def test_the_admin_orders_have_indexes():
    review_order = as_fields(["-report_count", "-created_at", "-pk"])
    assert review_order in index_fields(Review)
    assert ["resolved_at", "-created_at"] in index_fields(Report)
    assert as_fields(ModerationAction._meta.ordering) in index_fields(ModerationAction)
