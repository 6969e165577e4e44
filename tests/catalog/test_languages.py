"""The catalog in the visitor's language: English readers get our translation with the article's
Chinese text marked as its source; Chinese readers get the article's text and Chinese tag names."""

import html
import re

import pytest

from catalog.models import Framework, Tag

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# An element that says it is Chinese (the article's text as source, a language's own name).
MARKED_CHINESE = re.compile(r'<(\w+)[^>]*\slang="zh[^"]*"[^>]*>.*?</\1>', re.S | re.I)
SOURCE = re.compile(r'<details class="seed-source">(.*?)</details>', re.S)


@pytest.fixture
def zh(client):
    """A client that asks for Chinese."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def unmarked_chinese(content: str) -> list[str]:
    return CJK.findall(MARKED_CHINESE.sub("", content))


def first_sentence(text: str) -> str:
    return re.split(r"[。！？]", text, maxsplit=1)[0]


def test_english_ranking_shows_our_english_summary_for_all_37(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 50
    content = page(en.get("/"))
    for framework in seeded:
        assert framework.summary_en in content, framework.name
        assert framework.summary not in content, framework.name
    assert "our translation of the Chinese article" in content
    assert unmarked_chinese(content) == []


def test_chinese_ranking_shows_the_articles_summaries_and_chinese_tag_names(zh, seeded, settings):
    settings.RANKING_PAGE_SIZE = 50
    content = page(zh.get("/"))
    for framework in seeded:
        assert framework.summary in content, framework.name
        assert framework.summary_en not in content, framework.name
    assert ">微框架</a>" in content and ">microframework</a>" not in content
    assert "our translation" not in content


@pytest.mark.parametrize("slug", ["django", "fastapi", "aiohttp", "buildbot"])
def test_english_framework_page_shows_our_translation_and_the_article_as_marked_source(
    en, seeded, slug
):
    framework = Framework.objects.get(slug=slug)
    content = page(en.get(f"/frameworks/{slug}/"))
    assert framework.description_en in content
    assert framework.drawbacks_en in content
    sources = SOURCE.findall(content)
    assert len(sources) == 2
    assert "Our translation. The article's text, in Chinese" in sources[0]
    assert first_sentence(framework.description) in sources[0]
    assert first_sentence(framework.drawbacks) in sources[1]
    assert first_sentence(framework.description) not in SOURCE.sub("", content)
    assert unmarked_chinese(content) == []


def test_chinese_framework_page_shows_the_article_and_chinese_tag_names(zh, seeded):
    django = Framework.objects.get(slug="django")
    content = page(zh.get("/frameworks/django/"))
    assert django.description in content and django.drawbacks in content
    assert django.description_en not in content and "seed-source" not in content
    for name in ("全栈", "功能齐全", "模板", "管理后台"):
        assert f">{name}</a>" in content
    assert ">full-stack</a>" not in content


def test_framework_page_shows_curated_facts_beside_the_articles(en, seeded):
    content = page(en.get("/frameworks/fastapi/"))
    assert re.search(r"<h1>(<[^>]+>)?FastAPI<", content)
    assert 'href="https://fastapi.tiangolo.com/"' in content
    assert 'href="https://github.com/fastapi/fastapi"' in content
    assert "pip install fastapi" in content
    assert "curated by PyWebRank" in content
    assert re.search(r"The article calls it “(<[^>]+>)?Fastapi(</span>)?”", content)
    django = page(en.get("/frameworks/django/"))
    assert 'href="https://www.djangoproject.com/"' in django
    assert 'href="https://github.com/django/django.git"' not in django
    assert 'links to <span class="website">https://github.com/django/django.git</span>' in django


def test_english_compare_shows_our_translation_with_the_source(en, seeded):
    content = page(en.get("/compare/", {"f": ["django", "flask"]}))
    django, flask = Framework.objects.get(slug="django"), Framework.objects.get(slug="flask")
    for framework in (django, flask):
        assert framework.description_en in content and framework.drawbacks_en in content
        assert first_sentence(framework.description) in "".join(SOURCE.findall(content))
    assert len(SOURCE.findall(content)) == 4
    assert ">batteries included" in content
    assert unmarked_chinese(content) == []


def test_chinese_compare_shows_the_article_and_chinese_tags(zh, seeded):
    content = page(zh.get("/compare/", {"f": ["django", "flask"]}))
    assert Framework.objects.get(slug="flask").description in content
    assert "seed-source" not in content
    assert ">微框架" in content and ">全栈" in content


def test_tag_pages_name_tags_in_the_visitors_language(client, seeded):
    assert ">全栈 <span" in page(client.get("/tags/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "“全栈”" in page(client.get("/tags/full-stack/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert ">full-stack <span" in page(client.get("/tags/", HTTP_ACCEPT_LANGUAGE="en"))


def test_english_page_marks_an_untranslated_text_as_the_articles(en, seeded):
    Framework.objects.filter(slug="flask").update(drawbacks_en="")
    content = page(en.get("/frameworks/flask/"))
    flask = Framework.objects.get(slug="flask")
    assert "Not translated yet: the article's text, in Chinese." in content
    assert flask.drawbacks in content
    assert unmarked_chinese(content) == []


def test_a_tag_without_a_chinese_name_shows_its_english_one(zh, seeded):
    Tag.objects.filter(name="ORM").update(name_zh="")
    assert ">ORM</a>" in page(zh.get("/frameworks/django/"))
