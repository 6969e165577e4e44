"""Reviews per star (`stars_1` … `stars_5` on the framework, the histogram on its page) follow
every review write, are checked and repaired by `recount`, and are filled by their migration."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db.migrations.loader import MigrationLoader

from catalog.models import STAR_FIELDS, Framework
from reviews import selectors, services
from reviews.counters import counter_drift, true_framework_counters
from reviews.models import Review
from tests.factories import CuratorFactory, FrameworkFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def save(user, framework, rating):
    return services.review_save(
        user=user, framework=framework, rating=rating, title="Title", body="Body"
    )


def per_star(framework) -> list[int]:
    """Reviews with 1 … 5 stars as stored, after checking they equal a fresh count of the rows."""
    framework.refresh_from_db()
    stored = [getattr(framework, field) for field in STAR_FIELDS]
    truth = true_framework_counters()[framework.pk]
    assert [truth[field] for field in STAR_FIELDS] == stored
    assert counter_drift() == []
    return stored


def test_each_review_counts_at_its_number_of_stars(flask):
    save(UserFactory(), flask, 5)
    save(UserFactory(), flask, 5)
    save(UserFactory(), flask, 2)
    assert per_star(flask) == [0, 1, 0, 0, 2]


def test_changing_the_rating_moves_the_review_to_its_new_star(flask):
    user = UserFactory()
    save(user, flask, 5)
    save(user, flask, 1)
    assert per_star(flask) == [1, 0, 0, 0, 0]
    save(user, flask, 1)  # the same rating again: nothing moves
    assert per_star(flask) == [1, 0, 0, 0, 0]


def test_deleting_hiding_and_restoring_move_the_stars(flask):
    kept = save(UserFactory(), flask, 4)
    gone = save(UserFactory(), flask, 3)
    services.review_delete(review=gone)
    assert per_star(flask) == [0, 0, 0, 1, 0]
    curator = CuratorFactory()
    services.review_hide(review=kept, curator=curator, reason="spam")
    assert per_star(flask) == [0, 0, 0, 0, 0]
    services.review_restore(review=kept, curator=curator)
    assert per_star(flask) == [0, 0, 0, 1, 0]


def test_editing_a_hidden_review_moves_no_star(flask):
    user = UserFactory()
    review = save(user, flask, 2)
    services.review_hide(review=review, curator=CuratorFactory(), reason="off-topic")
    save(user, flask, 5)
    assert per_star(flask) == [0, 0, 0, 0, 0]
    services.review_restore(review=review, curator=CuratorFactory(username="c2"))
    assert per_star(flask) == [0, 0, 0, 0, 1]


def test_deleting_an_account_takes_its_stars_away(flask):
    leaving = UserFactory()
    save(leaving, flask, 3)
    save(UserFactory(), flask, 3)
    services.account_delete(user=leaving)
    assert per_star(flask) == [0, 0, 1, 0, 0]


def test_recount_check_reports_star_drift_and_recount_fixes_it(flask):
    save(UserFactory(), flask, 4)
    Framework.objects.filter(pk=flask.pk).update(stars_4=0, stars_1=3)
    out = io.StringIO()

    with pytest.raises(CommandError, match="2 counter"):
        call_command("recount", "--check", stdout=out)

    assert "Framework flask: stars_1 3 != 0" in out.getvalue()
    assert "Framework flask: stars_4 0 != 1" in out.getvalue()
    call_command("recount", stdout=io.StringIO())
    assert per_star(flask) == [0, 0, 0, 1, 0]


def test_an_anonymous_visit_reads_the_histogram_from_the_counters(flask, django_assert_num_queries):
    for rating in (5, 5, 1):
        save(UserFactory(), flask, rating)
    flask = Framework.objects.with_bayes_rating().get(pk=flask.pk)

    with django_assert_num_queries(1):  # the page of reviews, nothing else
        reviews = selectors.framework_reviews(flask, AnonymousUser(), sort=None, page=None)

    assert [(bar.stars, bar.count, bar.percent) for bar in reviews.summary.bars] == [
        (5, 2, "66.7"),
        (4, 0, "0.0"),
        (3, 0, "0.0"),
        (2, 0, "0.0"),
        (1, 1, "33.3"),
    ]
    assert reviews.page.paginator.count == 3


def test_the_migration_fills_reviews_per_star_from_published_reviews(settings):
    settings.MIGRATION_MODULES = {}  # pytest runs --no-migrations; load the real one here
    loader = MigrationLoader(None, ignore_no_migrations=True)
    node = ("reviews", "0017_fill_star_counters")
    fill = loader.get_migration(*node).operations[-1]
    flask, django, quiet = FrameworkFactory.create_batch(3)
    for framework, rating, status in (
        (flask, 5, Review.Status.PUBLISHED),
        (flask, 5, Review.Status.PUBLISHED),
        (flask, 2, Review.Status.PUBLISHED),
        (flask, 1, Review.Status.HIDDEN),
        (django, 3, Review.Status.PUBLISHED),
    ):
        ReviewFactory(framework=framework, rating=rating, status=status)

    fill.code(loader.project_state(node).apps, None)

    stored = {
        pk: stars for pk, *stars in Framework.objects.values_list("pk", *STAR_FIELDS).order_by("pk")
    }
    assert stored == {
        flask.pk: [0, 1, 0, 0, 2],
        django.pk: [0, 0, 1, 0, 0],
        quiet.pk: [0, 0, 0, 0, 0],
    }
