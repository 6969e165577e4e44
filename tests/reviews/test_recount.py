"""`manage.py recount`: --check reports drift and changes nothing; without it, drift is fixed."""

import io

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift, true_framework_counters
from reviews.models import Vote
from tests.factories import FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def recount(*args):
    out = io.StringIO()
    call_command("recount", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def voted():
    """Two frameworks with votes cast through the service, so every counter is true."""
    flask, django = FrameworkFactory(slug="flask"), FrameworkFactory(slug="django")
    for user in UserFactory.create_batch(3):
        services.vote_cast(user=user, framework=flask, value=Vote.UP)
    services.vote_cast(user=UserFactory(), framework=django, value=Vote.DOWN)
    return flask, django


def test_recount_check_passes_when_counters_match_the_rows(voted):
    assert "All counters match the rows." in recount("--check")


def test_recount_check_reports_drift_exits_non_zero_and_changes_nothing(voted):
    flask, _django = voted
    Framework.objects.filter(pk=flask.pk).update(upvotes=7)

    with pytest.raises(CommandError, match="1 counter") as raised:
        recount("--check")

    assert raised.value.returncode == 1
    flask.refresh_from_db()
    assert flask.upvotes == 7


def test_recount_check_prints_each_drifted_counter(voted):
    flask, django = voted
    Framework.objects.filter(pk=flask.pk).update(upvotes=7)
    Framework.objects.filter(pk=django.pk).update(downvotes=0, score=0.5)
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 counter"):
        call_command("recount", "--check", stdout=out)

    assert "Framework flask: upvotes 7 != 3" in out.getvalue()
    assert "Framework django: downvotes 0 != 1" in out.getvalue()
    assert "Framework django: score 0.5 != 0.0" in out.getvalue()


def test_recount_fixes_the_drift(voted):
    flask, django = voted
    Framework.objects.filter(pk=flask.pk).update(upvotes=0, downvotes=5, score=0.9)
    Framework.objects.filter(pk=django.pk).update(downvotes=4)

    assert "2 row(s) corrected" in recount()

    assert counter_drift() == []
    truth = true_framework_counters()
    for framework in (flask, django):
        framework.refresh_from_db()
        assert framework.upvotes == truth[framework.pk]["upvotes"]
        assert framework.downvotes == truth[framework.pk]["downvotes"]
        assert framework.score == pytest.approx(truth[framework.pk]["score"], abs=1e-12)
    assert (flask.upvotes, flask.downvotes) == (3, 0)
    assert "All counters match the rows." in recount("--check")


def test_recount_on_clean_counters_corrects_nothing(voted):
    assert "0 row(s) corrected" in recount()
    assert "All counters match the rows." in recount("--check")


# Set-based: a fixed number of queries to check, only drifted rows rewritten, in short batches


def test_the_check_takes_two_queries_per_counter_however_many_rows(
    voted, django_assert_max_num_queries
):
    from reviews.counters import COUNTERS

    # A grouped query and the stored values per counter; the vote flags (4); a savepoint.
    bound = 2 * len(COUNTERS) + 6
    with django_assert_max_num_queries(bound) as small:
        counter_drift()
    for framework in FrameworkFactory.create_batch(20):
        services.vote_cast(user=UserFactory(), framework=framework, value=Vote.UP)

    with django_assert_max_num_queries(bound) as large:
        counter_drift()

    assert len(large) == len(small)


def test_repair_goes_batch_by_batch_and_fixes_every_row(voted, monkeypatch):
    from reviews import counters

    monkeypatch.setattr(counters, "REPAIR_BATCH", 1)
    frameworks = FrameworkFactory.create_batch(3)
    for framework in frameworks:
        services.vote_cast(user=UserFactory(), framework=framework, value=Vote.UP)
    Framework.objects.filter(pk__in=[f.pk for f in frameworks]).update(upvotes=9, score=0.9)

    assert "3 row(s) corrected" in recount()
    assert counter_drift() == []


def test_repair_rewrites_only_the_drifted_rows(voted, django_assert_max_num_queries):
    flask, _django = voted
    Framework.objects.filter(pk=flask.pk).update(downvotes=2)

    with django_assert_max_num_queries(60) as captured:
        recount()

    updates = [q["sql"] for q in captured if 'UPDATE "' in q["sql"]]
    assert len(updates) == 1
    assert updates[0].startswith('1 times: UPDATE "catalog_framework"')  # one row, one statement


def test_a_counter_added_to_the_list_is_checked_and_repaired(voted, monkeypatch):
    from reviews import counters

    flask, _django = voted
    # A stand-in for a counter another issue adds: `rating_sum` as 7 for Flask only.
    extra = counters.Counter(
        Framework,
        ("rating_sum",),
        "slug",
        lambda pks: {flask.pk: {"rating_sum": 7}},
        {"rating_sum": 0},
        lambda frameworks: frameworks,
    )
    monkeypatch.setattr(counters, "COUNTERS", [*counters.COUNTERS[:1], extra])

    assert [(d.label, d.field, d.true) for d in counter_drift()] == [("flask", "rating_sum", 7)]
    recount()
    flask.refresh_from_db()
    assert flask.rating_sum == 7
    assert counter_drift() == []
