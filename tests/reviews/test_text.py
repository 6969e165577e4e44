"""Hostile text never takes a page down: what XML 1.0 and HTML forbid is dropped everywhere."""

import importlib
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.apps import apps

from config.forms import SignupForm
from reviews import services
from reviews.admin import HideReasonForm
from reviews.forms import ReportForm, ReviewForm
from reviews.models import ModerationAction, Report, Review
from reviews.text import clean_text
from tests.factories import (
    CountedReviewFactory,
    CuratorFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every character the cleaner must drop: C0 controls but tab/newline/return, DEL and C1,
# lone surrogates, U+FFFE/U+FFFF and the other noncharacters.
FORBIDDEN = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\ud800", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]
)
ALL_FORBIDDEN = "".join(FORBIDDEN)
PARSER = html5lib.HTMLParser(strict=True)
# Lone surrogates cannot travel in UTF-8 over HTTP (Django decodes such bytes to U+FFFD): they
# reach the form class directly below, and the service.
SENDABLE = [c for c in FORBIDDEN if not "\ud800" <= c <= "\udfff"]


def hostile(word: str) -> str:
    return f"{word}{ALL_FORBIDDEN}!"


def assert_feeds_and_page_valid(client, framework):
    for url in ("/feeds/reviews/", f"/frameworks/{framework.slug}/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = ET.fromstring(response.content)  # raises on a character XML 1.0 forbids
        assert feed.findall("{http://www.w3.org/2005/Atom}entry"), url
    response = client.get(framework.get_absolute_url())
    assert response.status_code == 200
    PARSER.parse(response.content.decode())  # strict: raises on any parse error


def test_clean_text_drops_every_forbidden_character_and_keeps_the_rest():
    assert clean_text(f"a{ALL_FORBIDDEN}b\t\n\r é 中 😀") == "ab\t\n\r é 中 😀"


@pytest.mark.parametrize("char", SENDABLE, ids=lambda c: f"U+{ord(c):04X}")
def test_review_form_drops_the_character_and_feeds_and_page_stay_valid(client, flask, char):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        f"/frameworks/{flask.slug}/review/",
        {
            "rating": 4,
            "title": f"Ti{char}tle",
            "body": f"Bo{char}dy",
            "pros": f"Pr{char}os",
            "cons": f"Co{char}ns",
            "version_used": f"5{char}.2",
        },
    )
    assert response.status_code == 303
    review = Review.objects.get(user=user)
    assert (review.title, review.body, review.pros, review.cons, review.version_used) == (
        "Title",
        "Body",
        "Pros",
        "Cons",
        "5.2",
    )
    assert_feeds_and_page_valid(client, flask)


def test_review_service_drops_every_forbidden_character(client, flask):
    review = services.review_save(
        user=UserFactory(),
        framework=flask,
        rating=3,
        title=hostile("title"),
        body=hostile("body"),
        pros=hostile("pros"),
        cons=hostile("cons"),
        version_used=hostile("v"),
    )
    review.refresh_from_db()
    assert (review.title, review.body, review.pros, review.cons, review.version_used) == (
        "title!",
        "body!",
        "pros!",
        "cons!",
        "v!",
    )
    assert ALL_FORBIDDEN[0] not in review.body_html
    assert_feeds_and_page_valid(client, flask)


def test_report_and_hide_reason_drop_forbidden_characters(flask):
    review = CountedReviewFactory(framework=flask)
    form = ReportForm({"reason": "other", "detail": hostile("detail")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["detail"] == "detail!"
    report, _ = services.report_create(
        user=UserFactory(), review=review, reason="spam", detail=hostile("detail")
    )
    assert Report.objects.get(pk=report.pk).detail == "detail!"
    form = HideReasonForm({"reason": hostile("reason")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reason"] == "reason!"
    services.review_hide(review=review, curator=CuratorFactory(), reason=hostile("reason"))
    assert ModerationAction.objects.get().reason == "reason!"


def test_review_form_class_drops_every_forbidden_character(flask):
    form = ReviewForm(
        {"rating": 4, "title": hostile("title"), "body": hostile("body")}, framework=flask
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["title"], form.cleaned_data["body"]) == ("title!", "body!")


def test_a_form_of_only_forbidden_characters_is_empty_so_required_fields_say_so(flask):
    form = ReviewForm({"rating": 4, "title": ALL_FORBIDDEN, "body": "ok"}, framework=flask)
    assert not form.is_valid()
    assert "title" in form.errors


def test_signup_cleans_the_username_but_never_the_password(db):
    password = "pass\x01word-Long-9"
    form = SignupForm(
        {"username": f"new{ALL_FORBIDDEN}bie", "password1": password, "password2": password}
    )
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.username == "newbie"
    assert user.check_password(password)


def stored(word: str) -> str:
    """What a database could hold: no surrogates, and no NUL (PostgreSQL refuses it)."""
    return f"{word}{''.join(SENDABLE[1:])}!"


def test_migration_cleans_rows_stored_before(client, flask):
    # Rows written before the cleaner, straight to the database (which cannot hold surrogates).
    author = UserFactory(username=stored("writer"))
    UserFactory(username="taken")
    clash = UserFactory(username="tak\x01en")
    review = ReviewFactory(
        user=author,
        framework=flask,
        title=stored("title"),
        body=stored("body"),
        body_html=f"<p>{stored('body')}</p>",
        pros=stored("pros"),
    )
    ReportFactory(review=review, detail=stored("detail"))
    ModerationAction.objects.create(
        review=review, framework=flask, review_title=stored("t"), action="hide", reason="r\x0c"
    )
    migration = importlib.import_module("reviews.migrations.0004_clean_stored_text")
    migration.clean_stored_text(apps, None)
    review.refresh_from_db()
    author.refresh_from_db()
    clash.refresh_from_db()
    assert (review.title, review.body, review.pros) == ("title!", "body!", "pros!")
    assert review.body_html == "<p>body!</p>"
    assert Report.objects.get().detail == "detail!"
    assert ModerationAction.objects.values_list("review_title", "reason").get() == ("t!", "r")
    assert author.username == "writer!"
    assert clash.username == f"taken-{clash.pk}"
    assert_feeds_and_page_valid(client, flask)
