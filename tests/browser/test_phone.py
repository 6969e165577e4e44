"""A phone (390×844) in both languages: the ranking starts on the first screen, and the interface
speaks the visitor's language. The catalog's own text (names, the article's Chinese, tags) is
content, not interface: it is left out of the language check here."""

import re

import pytest
from playwright.sync_api import expect

from catalog.guide import USE_CASES
from catalog.models import Framework
from reviews import services
from reviews.models import Vote
from tests.factories import UserFactory

PHONE = {"width": 390, "height": 844}
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}
# Catalog content and proper names; everything else on the page is the interface.
CONTENT = ", ".join(
    [
        "[translate=no]",
        ".framework-name",
        ".summary",
        ".tags",
        ".tag",
        ".tag-name",
        ".seed-text",
        ".website",
        ".repository",
        ".compare-framework",
        ".alternative-name",
        ".brand",
        ".monogram",
        "code",
        ".formula",
        ".review-title",
        ".review-body",
        ".review-author",
        ".account-menu a[href^='/users/']",
        "[lang]:not(html)",
        ".breadcrumbs a",
        ".switch-columns a",
        ".compare-top-review a",
        ".why-climb a",
        ".replaced-by a",
        "h1 .badge",
    ]
)
# Names and technical terms that Chinese text keeps as they are.
PROPER_NAMES = {"PyWebRank", "Py", "Python", "Web", "Wilson", "Markdown", "HTML", "Atom"}
PROPER_NAMES |= {"API", "REST", "JSON", "ASGI", "WSGI", "asyncio", "PyPI", "WebSocket"}
INTERFACE_TEXT = f"""() => {{
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll("{CONTENT}, script, .visually-hidden").forEach((node) => node.remove());
  return copy.innerText;
}}"""
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def phone(new_page, transactional_db):
    """Open a phone-sized page in one of the two languages."""
    return lambda language: new_page(LANGUAGES[language], language, viewport=PHONE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_framework_and_its_rank_are_on_the_first_screen(phone, seeded, language):
    page = phone(language)
    page.goto("/")
    first = page.locator(".framework-row").first
    for part in (first.locator(".position"), first.locator(".framework-name a")):
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    expect(first.locator(".position")).to_have_text(re.compile(r"^\s*(Rank|排名)?\s*1\s*$"))
    expect(first.locator(".framework-name a")).to_have_text("Django")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def interface_pages(seeded):
    flask = Framework.objects.get(slug="flask")
    services.vote_cast(user=UserFactory(), framework=flask, value=Vote.UP)
    tag = flask.tags.first().slug
    return [
        "/",
        "/?sort=rating",
        "/frameworks/flask/",
        "/compare/?f=flask&f=django",
        "/compare/",
        "/tags/",
        f"/tags/{tag}/",
        "/about/ranking/",
        "/choose/?build=api&needs_async=yes&priority=performance",
        "/best/rest-apis/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


def catalog_words() -> set[str]:
    """Words of the catalog's own names (frameworks, tags), wherever a page quotes them."""
    names = [tag for case in USE_CASES for tag in (*case.tags, *case.against)]
    for framework in Framework.objects.prefetch_related("tags"):
        names += [
            framework.name,
            *(name for tag in framework.tags.all() for name in (tag.name, tag.slug)),
        ]
    return {word.lower() for name in names for word in LATIN_WORD.findall(name)}


def test_no_english_is_left_in_the_chinese_interface(phone, seeded):
    page = phone("zh-hans")
    leftovers = {}
    urls = interface_pages(seeded)
    content = catalog_words()
    for url in urls:
        page.goto(url)
        words = {
            word
            for word in LATIN_WORD.findall(page.evaluate(INTERFACE_TEXT))
            if word.lower() not in content and word not in PROPER_NAMES
        }
        if words:
            leftovers[url] = sorted(words)
    assert leftovers == {}, repr(leftovers)


def test_no_chinese_only_text_in_the_english_interface(phone, seeded):
    page = phone("en")
    leftovers = {}
    for url in interface_pages(seeded):
        page.goto(url)
        if found := CJK.findall(page.evaluate(INTERFACE_TEXT)):
            leftovers[url] = "".join(found)[:80]
    assert leftovers == {}, repr(leftovers)
