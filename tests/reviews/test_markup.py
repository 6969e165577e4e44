"""Hostile review text is stored safely and shown escaped; over-long input is refused."""

import pytest

from reviews.forms import ReviewForm
from reviews.markup import render_markdown
from reviews.models import Review
from tests.factories import CountedReviewFactory, FrameworkFactory, UserFactory

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_LINK = "[click me](javascript:alert(1))"
MIXED = "中文文档很好，English docs too. 异步支持 async/await。"


# render_markdown --------------------------------------------------------------------------------


def test_script_tags_are_shown_as_text_never_as_html():
    html = render_markdown(f"Before {SCRIPT} after")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_event_handlers_never_reach_an_element():
    html = render_markdown(IMG)
    assert "<img" not in html
    assert "&lt;img" in html


def test_javascript_links_lose_their_href():
    html = render_markdown(JS_LINK)
    assert "javascript:" not in html
    assert ">click me</a>" in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[docs](https://flask.palletsprojects.com/)")
    assert 'href="https://flask.palletsprojects.com/"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_html_entities_stay_entities():
    html = render_markdown("AT&T says &lt;b&gt;bold&lt;/b&gt; &amp; more")
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "AT&amp;T" in html


def test_nul_bytes_are_dropped():
    assert "\x00" not in render_markdown("nul\x00byte")
    assert "nulbyte" in render_markdown("nul\x00byte")


def test_mixed_chinese_and_english_survive():
    assert MIXED in render_markdown(MIXED)


def test_markdown_still_works():
    html = render_markdown("**bold** and *em*\n\n- one\n- two\n\n```\ncode()\n```")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert "<code>code()\n</code>" in html


# The form ---------------------------------------------------------------------------------------


def form_data(**overrides):
    return {"rating": "4", "title": "Solid", "body": "Works.", **overrides}


@pytest.mark.django_db
def test_form_accepts_a_10000_character_body():
    form = ReviewForm(form_data(body="a" * 10_000), framework=FrameworkFactory())
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_form_refuses_a_10001_character_body_with_a_message():
    form = ReviewForm(form_data(body="a" * 10_001), framework=FrameworkFactory())
    assert not form.is_valid()
    assert form.errors["body"] == ["Too long: at most 10000 characters (this has 10001)."]


@pytest.mark.django_db
def test_form_refuses_a_title_over_120_characters_with_a_message():
    form = ReviewForm(form_data(title="t" * 121), framework=FrameworkFactory())
    assert not form.is_valid()
    assert form.errors["title"] == ["Too long: at most 120 characters (this has 121)."]


@pytest.mark.django_db
def test_form_drops_nul_bytes():
    form = ReviewForm(form_data(body="nul\x00byte"), framework=FrameworkFactory())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == "nulbyte"


@pytest.mark.django_db
@pytest.mark.parametrize("rating", ["0", "6", "", "four"])
def test_form_refuses_a_rating_outside_1_to_5(rating):
    form = ReviewForm(form_data(rating=rating), framework=FrameworkFactory())
    assert not form.is_valid()
    assert form.errors["rating"] == ["Choose from 1 to 5 stars."]


@pytest.mark.django_db
def test_switched_from_offers_other_published_frameworks_by_name():
    flask = FrameworkFactory(name="Flask")
    FrameworkFactory(name="Django")
    FrameworkFactory(name="Bottle")
    FrameworkFactory(name="Hidden", is_published=False)
    form = ReviewForm(framework=flask)
    names = [framework.name for framework in form.fields["switched_from"].queryset]
    assert names == ["Bottle", "Django"]
    refused = ReviewForm(form_data(switched_from=str(flask.pk)), framework=flask)
    assert not refused.is_valid()
    assert "switched_from" in refused.errors


# Through the site -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hostile_review_is_stored_as_typed_and_shown_escaped(en):
    framework = FrameworkFactory(slug="flask")
    author = UserFactory()
    en.force_login(author)
    hostile = f"{SCRIPT}\n\n{IMG}\n\n{JS_LINK}\n\n{MIXED} &amp; &lt;i&gt;"
    response = en.post(
        "/frameworks/flask/review/",
        form_data(title=f"{SCRIPT} 标题", body=hostile, pros=SCRIPT, cons=IMG),
    )
    assert response.status_code == 303

    review = Review.objects.get()
    assert review.body == hostile.replace("\r\n", "\n")
    page = en.get(framework.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; 标题" in page
    assert MIXED in page


@pytest.mark.django_db
def test_10000_character_review_round_trips(en):
    framework = FrameworkFactory(slug="flask")
    review = CountedReviewFactory(framework=framework, body="长" * 5_000 + "x" * 5_000)
    review.refresh_from_db()
    assert len(review.body) == 10_000
    assert review.body_html.count("长") == 5_000
    assert en.get(framework.get_absolute_url()).status_code == 200
