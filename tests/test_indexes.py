"""An index behind every sort and filter of the pages, read in order from its first row."""

import pytest
from django.contrib import admin

from catalog.models import Framework, FrameworkQuerySet
from reviews.models import HelpfulVote, ModerationAction, Report, Review, ReviewQuerySet, Vote

# The sort that cannot have an index: `rating` is relative to the site-wide mean of the moment.
COMPUTED_SORTS = {"rating"}


def index_fields(model) -> list[list[str]]:
    return [list(index.fields) for index in model._meta.indexes]


def unique_alone(model, field: str) -> bool:
    """Whether the field is unique on its own (and so has a unique index of its own)."""
    return model._meta.get_field(field).unique or any(
        constraint.fields == (field,) for constraint in model._meta.total_unique_constraints
    )


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
        assert unique_alone(Framework, field)
        return
    tie_break = as_fields(FrameworkQuerySet.TIE_BREAK)[:2]

    assert [*order, *tie_break] in index_fields(Framework)


@pytest.mark.parametrize("model", [Review, Vote, HelpfulVote, Report, ModerationAction])
def test_each_admin_changelist_order_has_its_index(model, rf, admin_user):
    """The order a changelist reads, with the tie-breaker the admin appends: an index from
    its first row, or the primary key's own (a repeated term is sorted on once)."""
    request = rf.get("/")
    request.user = admin_user
    changelist = admin.site.get_model_admin(model).get_changelist_instance(request)

    ordering = changelist.get_ordering(request, changelist.root_queryset)
    order = list(dict.fromkeys(as_fields(ordering)))

    assert order == ["-id"] or order in index_fields(model)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_place_in_the_ranking_reads_only_the_published_frameworks_above_it():
    """Where a framework stands (its page, compare, the API): the index of the published
    frameworks in the ranking's order is read from the framework's score up, not the table from
    end to end (PostgreSQL; the issue saw every row read for each framework); the count of those
    ahead can read the index alone (below). The planner is told to use indexes: at this test's
    size a scan of the whole small table would be as good."""
    from django.db import connection, transaction

    from catalog import compare
    from tests.factories import FrameworkFactory

    frameworks = FrameworkFactory.create_batch(30)
    for number, framework in enumerate(frameworks):
        Framework.objects.filter(pk=framework.pk).update(score=number / 30, upvotes=number)
    middle = Framework.objects.get(pk=frameworks[15].pk)
    statements = [
        (compare.statement(compare._PLACE), [middle.pk]),
        (compare.statement(compare._STANDING), [middle.slug]),
        (compare.statement(compare._VOTES_NOW, pks="%s"), [middle.pk]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, params in statements:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "framework_top_idx" in plan, plan
            assert "Index Cond: (score >=" in plan, plan


def test_counting_the_frameworks_ahead_reads_nothing_outside_the_ranking_index():
    """A place is a COUNT(*) over the frameworks ahead: every column it compares is in
    framework_top_idx, whose rows are the published frameworks only, so PostgreSQL can count
    from the index alone (an index-only scan, once vacuum has marked the table's pages)."""
    import re

    from catalog import compare

    [index] = [i for i in Framework._meta.indexes if i.name == "framework_top_idx"]
    read = set(re.findall(r"\ba\.(\w+)", compare._AHEAD))

    assert read - {"is_published"} <= {field.lstrip("-") for field in index.fields}
    assert "is_published" in read and str(index.condition) == "(AND: ('is_published', True))"


# Tables a vote writes to: each index of theirs is one more entry written (and logged) per vote.
VOTE_TABLES = ("catalog_framework", "reviews_vote", "reviews_standing")


def _indexes(table: str) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def _columns(definition: str) -> list[str]:
    """An index's columns (with their order and operator class) from its CREATE INDEX."""
    import re

    inside = re.search(r"USING btree \((.*)\)(?: WHERE|$)", definition)
    return [column.strip() for column in inside.group(1).split(",")] if inside else []


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("table", VOTE_TABLES)
def test_the_tables_a_vote_writes_have_no_index_another_one_covers(table):
    """An index whose columns lead another index of the same table adds nothing to its reads,
    but a vote that inserts or moves a row writes it all the same. A foreign key's own index is
    the usual one: the unique (user, framework) of the votes already finds a user's votes."""
    definitions = _indexes(table)
    indexes = {name: _columns(definition) for name, definition in definitions.items()}
    covered = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if name != other and columns and len(columns) < len(longer)
        and longer[: len(columns)] == columns and "WHERE" not in definitions[other]
    ]  # fmt: skip

    assert covered == []


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("table", VOTE_TABLES)
def test_the_tables_a_vote_writes_have_no_prefix_search_index(table):
    """Django gives every unique or indexed text column a second index for `LIKE 'prefix%'`
    (varchar_pattern_ops) on PostgreSQL. No page or admin searches a framework's name or slug
    by prefix (search is by trigram or on a few thousand rows), so each would be two more
    entries written per vote for no read."""
    patterns = [name for name, sql in _indexes(table).items() if "pattern_ops" in sql]

    assert patterns == []
