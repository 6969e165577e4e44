"""Curation in the admin: reported reviews first, hide with a public reason, restore, clear
reports — all through the services, so counters and the moderation log follow."""

import pytest
from django.contrib.auth.models import Group
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from catalog import ranking
from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift
from reviews.curators import CURATORS, PERMISSIONS, ensure_curators_group, remove_curators_group
from reviews.models import ModerationAction, Report, Review
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reviews/review/"


@pytest.fixture
def curator():
    return CuratorFactory(username="curator")


@pytest.fixture
def admin_client(curator):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(curator)
    return client


def report(review, times):
    for _ in range(times):
        services.report_create(user=UserFactory(), review=review, reason=Report.Reason.SPAM)


def action(client, name, reviews, **extra):
    data = {"action": name, "_selected_action": [review.pk for review in reviews], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_reported_reviews_come_first(admin_client, flask):
    quiet = CountedReviewFactory(framework=flask, title="Quiet")
    some = CountedReviewFactory(framework=flask, title="Some reports")
    most = CountedReviewFactory(framework=flask, title="Most reports")
    report(some, 1)
    report(most, 2)

    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [review.title for review in rows] == ["Most reports", "Some reports", "Quiet"]
    assert rows[-1] == quiet


def test_changelist_filters_and_search(admin_client, flask):
    CountedReviewFactory(framework=flask, title="Five", rating=5)
    hidden = CountedReviewFactory(framework=flask, title="Hidden", rating=1)
    services.review_hide(review=hidden, curator=None, reason="x")

    def titles(query):
        return [r.title for r in admin_client.get(CHANGELIST, query).context["cl"].result_list]

    assert titles({"status__exact": "hidden"}) == ["Hidden"]
    assert titles({"rating__exact": "5"}) == ["Five"]
    assert titles({"q": "Hidd"}) == ["Hidden"]
    assert titles({"framework__id__exact": str(flask.pk)}) == ["Hidden", "Five"]


def test_hide_asks_for_a_reason_first_and_hides_nothing_until_then(admin_client, flask):
    review = CountedReviewFactory(framework=flask, title="Spammy")

    response = action(admin_client, "hide_reviews", [review])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/reviews/hide_reason.html"
    assert "Spammy" in response.text
    review.refresh_from_db()
    assert review.is_published


def test_hide_without_a_reason_is_refused_with_a_message(admin_client, flask):
    review = CountedReviewFactory(framework=flask)

    response = action(admin_client, "hide_reviews", [review], apply="yes", reason="  ")
    assert response.status_code == 200
    assert "A public reason is required; nothing was hidden." in response.text
    review.refresh_from_db()
    assert review.is_published
    assert not ModerationAction.objects.exists()


def test_hide_and_restore_move_counters_and_write_the_log(admin_client, curator, flask):
    review = CountedReviewFactory(framework=flask, rating=5, title="Spammy")
    other = CountedReviewFactory(framework=flask, rating=2)

    response = action(admin_client, "hide_reviews", [review], apply="yes", reason="Advertising")
    assert "1 review hidden." in response.text
    review.refresh_from_db()
    flask.refresh_from_db()
    assert review.status == Review.Status.HIDDEN
    assert (flask.review_count, flask.rating_sum) == (1, other.rating)
    assert counter_drift() == []

    response = action(admin_client, "restore_reviews", [review, other])
    assert "1 review restored." in response.text
    flask.refresh_from_db()
    assert (flask.review_count, flask.rating_sum) == (2, 7)
    assert counter_drift() == []

    log = list(ModerationAction.objects.values_list("action", "review_title", "reason", "curator"))
    assert log == [
        ("restore", "Spammy", "", curator.pk),
        ("hide", "Spammy", "Advertising", curator.pk),
    ]


def test_clear_reports_resolves_them(admin_client, flask):
    review = CountedReviewFactory(framework=flask)
    report(review, 2)

    response = action(admin_client, "clear_reports", [review])
    assert "2 reports cleared." in response.text
    review.refresh_from_db()
    assert review.report_count == 0
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert counter_drift() == []


def test_review_change_page_shows_reports_and_read_only_counters(admin_client, flask):
    review = CountedReviewFactory(framework=flask)
    services.report_create(
        user=UserFactory(), review=review, reason=Report.Reason.OTHER, detail="Copied text"
    )
    response = admin_client.get(f"{CHANGELIST}{review.pk}/change/")
    assert response.status_code == 200
    assert "Copied text" in response.text
    assert 'name="rating"' not in response.text
    assert 'name="helpful_count"' not in response.text


def test_deleting_in_the_admin_goes_through_the_service(flask):
    root = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    review = CountedReviewFactory(framework=flask, rating=5)
    client.post(f"{CHANGELIST}{review.pk}/delete/", {"post": "yes"})
    assert not Review.objects.exists()
    assert counter_drift() == []

    reviews = CountedReviewFactory.create_batch(2, framework=flask)
    action(client, "delete_selected", reviews, post="yes")
    assert not Review.objects.exists()
    assert counter_drift() == []


def test_read_only_admins_list_but_never_edit(admin_client, flask):
    review = CountedReviewFactory(framework=flask)
    services.review_hide(review=review, curator=None, reason="x")
    report(review, 1)
    services.vote_cast(user=UserFactory(), framework=flask, value=1)
    for path in ("moderationaction", "report", "vote", "helpfulvote"):
        assert admin_client.get(f"/admin/reviews/{path}/").status_code == 200
        assert admin_client.get(f"/admin/reviews/{path}/add/").status_code == 403
    assert admin_client.get("/admin/catalog/framework/").status_code == 200


def test_curators_cannot_manage_people(admin_client):
    assert admin_client.get("/admin/auth/user/").status_code == 403
    assert admin_client.get("/admin/auth/group/").status_code == 403


# The Curators group (also what the data migration runs) ----------------------------------------


def test_curators_group_has_catalog_and_moderation_permissions_only():
    group = ensure_curators_group()
    codes = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("catalog", "change_framework") in codes
    assert ("catalog", "add_tag") in codes
    assert ("reviews", "change_review") in codes
    assert ("reviews", "view_moderationaction") in codes
    assert not {code for code in codes if code[0] == "auth"}
    assert ("reviews", "delete_review") not in codes
    assert len(codes) == sum(len(actions) for actions in PERMISSIONS.values())


def test_curators_group_is_idempotent_and_reversible():
    first = ensure_curators_group()
    count = first.permissions.count()
    second = ensure_curators_group()
    assert (second.pk, second.permissions.count()) == (first.pk, count)
    assert Group.objects.filter(name=CURATORS).count() == 1

    remove_curators_group()
    assert not Group.objects.filter(name=CURATORS).exists()
    assert ensure_curators_group().permissions.count() == count


def test_curators_migrations_run_forwards_and_backwards_on_historical_models(settings):
    settings.MIGRATION_MODULES = {}  # pytest runs --no-migrations; load the real ones here
    loader = MigrationLoader(None, ignore_no_migrations=True)
    node = ("reviews", "0002_curators_group")
    operation = loader.get_migration(*node).operations[0]
    historical_apps = loader.project_state(node).apps
    # catalog.Tag came later: its permissions are added by reviews 0003.
    later = ("reviews", "0006_curators_edit_catalog_tags")

    operation.code(historical_apps, None)
    loader.get_migration(*later).operations[0].code(loader.project_state(later).apps, None)
    group = Group.objects.get(name=CURATORS)
    # Models added by later migrations get their permissions there (vote standing: 0009; login
    # lock-outs: 0010).
    later = {"reviews.Standing", "reviews.Suspension", "reviews.VoteRing", "axes.AccessAttempt"}
    then = sum(len(actions) for label, actions in PERMISSIONS.items() if label not in later)
    assert group.permissions.count() == then
    for node in (("reviews", "0009_vote_ring_page"), ("reviews", "0010_curators_lift_lockouts")):
        loader.get_migration(*node).operations[-1].code(loader.project_state(node).apps, None)
    assert group.permissions.count() == sum(len(actions) for actions in PERMISSIONS.values())
    assert group.permissions.filter(codename="delete_accessattempt").exists()
    operation.reverse_code(historical_apps, None)
    assert not Group.objects.filter(name=CURATORS).exists()


def test_curator_recount_action_repairs_only_the_selected_frameworks(admin_client):
    drifted, other = FrameworkFactory(), FrameworkFactory()
    services.vote_cast(user=UserFactory(), framework=drifted, value=1)
    Framework.objects.filter(pk__in=[drifted.pk, other.pk]).update(upvotes=7)

    response = admin_client.post(
        reverse("admin:catalog_framework_changelist"),
        {"action": "recount", "_selected_action": [drifted.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 row recounted" in response.text
    drifted.refresh_from_db()
    other.refresh_from_db()
    assert (drifted.upvotes, drifted.score) == (1, ranking.wilson_lower_bound(1, 0))
    assert other.upvotes == 7  # not selected, left for its own recount
    assert [line.label for line in counter_drift()] == [other.slug]


def test_recount_action_works_on_a_searched_list(admin_client):
    """Found by the CSP browser test: a search makes the list DISTINCT, and PostgreSQL refuses
    FOR UPDATE with DISTINCT, so the action answered 500 there."""
    drifted = FrameworkFactory(name="Searchable", tags=["web", "async"])
    Framework.objects.filter(pk=drifted.pk).update(upvotes=7)

    response = admin_client.post(
        reverse("admin:catalog_framework_changelist") + "?q=searchable",
        {"action": "recount", "_selected_action": [drifted.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 row recounted" in response.text
    drifted.refresh_from_db()
    assert drifted.upvotes == 0


def test_recount_action_says_so_when_nothing_drifted(admin_client):
    framework = FrameworkFactory()
    response = admin_client.post(
        reverse("admin:catalog_framework_changelist"),
        {"action": "recount", "_selected_action": [framework.pk]},
        follow=True,
    )
    assert "All counters already matched the rows." in response.text
