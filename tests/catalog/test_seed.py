"""The seed fixture against the article it comes from; no database needed."""

import re

import pytest
from django.utils.text import slugify

from catalog.seed import (
    ARTICLE_PATH,
    STATUSES,
    TAG_NAMES_ZH,
    TAG_VOCABULARY,
    clean_markup,
    load_fixture,
    parse_article,
)

ARTICLE_KEYS = {"seed_rank", "article_name", "article_website", "description", "drawbacks"}
CURATED_KEYS = {"name", "website", "repository", "pypi_name", "curated_tags"}
ENGLISH_KEYS = {"summary_en", "description_en", "drawbacks_en"}
FIXTURE_KEYS = (
    ARTICLE_KEYS | CURATED_KEYS | ENGLISH_KEYS | {"slug", "tags", "status", "replaced_by"}
)
MARKUP = ("<br", "**", "![", "](", "<a ", ".png")


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(article) -> list[dict]:
    return parse_article(article)


@pytest.fixture(scope="module")
def fixture() -> list[dict]:
    return load_fixture()


@pytest.fixture(scope="module")
def by_name(fixture) -> dict[str, dict]:
    """Entries by the article's name for them."""
    return {entry["article_name"]: entry for entry in fixture}


def sections_by_lines(article: str) -> list[dict]:
    """Read 优点/缺点 from the whole cleaned article line by line, independently of the parser."""
    sections: list[dict] = []
    for line in clean_markup(article).splitlines():
        heading = re.fullmatch(r"## (\d+)、(.+) 框架", line)
        if heading:
            sections.append({"rank": int(heading[1]), "name": heading[2]})
        elif sections and line[:4] in ("优 点：", "缺 点："):
            sections[-1][line[0]] = line[4:].strip()
        elif sections and line.startswith("缺点："):
            sections[-1]["缺"] = line[3:].strip()
    return sections


# clean_markup on tiny strings


def test_clean_markup_removes_br_between_cjk_characters():
    assert clean_markup("添加的请<br />求，如果") == "添加的请求，如果"


def test_clean_markup_turns_other_br_into_newline():
    assert clean_markup("结束。<br />缺 点：无") == "结束。\n缺 点：无"
    assert clean_markup("Python<br />Q：问") == "Python\nQ：问"


def test_clean_markup_strips_bold_markers():
    assert clean_markup("库排序是**按照使用人数**为参考") == "库排序是按照使用人数为参考"


def test_clean_markup_removes_images_and_keeps_link_text():
    text = "官 网：[https://webpy.org/](https://webpy.org/)<br />![](./img/1.png)"
    assert clean_markup(text) == "官 网：https://webpy.org/"


def test_clean_markup_removes_anchors_trims_lines_and_collapses_blank_lines():
    text = '  甲  \n<a name="DcGGS"></a>\n\n\n\n乙 \n\n'
    assert clean_markup(text) == "甲\n\n乙"


def test_clean_markup_keeps_every_other_character():
    text = "相比于 C,C++ 性能，Djang 性能偏低。“web 框架” ``# type: ignore`` à la Django"
    assert clean_markup(text) == text


# parse_article against the article


def test_article_has_37_frameworks_in_order(parsed):
    assert [entry["seed_rank"] for entry in parsed] == list(range(1, 38))


def test_parsed_names_and_texts_match_a_line_by_line_reading(article, parsed):
    sections = sections_by_lines(article)
    assert [(s["rank"], s["name"]) for s in sections] == [
        (e["seed_rank"], e["article_name"]) for e in parsed
    ]
    for section, entry in zip(sections, parsed, strict=True):
        assert entry["description"] == section["优"], entry["article_name"]
        assert entry["drawbacks"] == section["缺"], entry["article_name"]


def test_every_website_is_the_linked_url_of_its_section(article, parsed):
    for entry in parsed:
        link = f"[{entry['article_website']}]({entry['article_website']})"
        heading = f"## {entry['seed_rank']}、{entry['article_name']} 框架"
        section = article.split(heading, 1)[1].split("\n## ", 1)[0]
        assert link in section, entry["article_name"]
        assert entry["article_website"].startswith(("http://", "https://"))


def test_names_drop_the_number_and_the_framework_suffix(parsed):
    names = [entry["article_name"] for entry in parsed]
    assert names[:4] == ["Django", "Flask", "Pyramid", "web.py"]
    assert {"Fastapi", "Index.py", "Zope2", "apidaora"} <= set(names)
    assert not [name for name in names if "框架" in name or "、" in name]


def test_no_markup_or_label_is_left_in_any_text(parsed):
    for entry in parsed:
        for field in ("article_name", "article_website", "description", "drawbacks"):
            for mark in MARKUP:
                assert mark not in entry[field], (entry["article_name"], field, mark)
        for text in (entry["description"], entry["drawbacks"]):
            assert text and text == text.strip()
            assert not re.search(r"[优缺] ?点：", text), entry["article_name"]


# the fixture


def test_fixture_has_the_37_parsed_entries_with_exactly_the_expected_keys(fixture, parsed):
    assert len(fixture) == 37
    for entry in fixture:
        assert set(entry) == FIXTURE_KEYS, entry["name"]
    article_fields = [{key: entry[key] for key in ARTICLE_KEYS} for entry in fixture]
    assert set(parsed[0]) == ARTICLE_KEYS
    assert article_fields == parsed


def test_slugs_are_unique_and_slugified_names(fixture):
    slugs = [entry["slug"] for entry in fixture]
    assert len(set(slugs)) == len(slugs)
    for entry in fixture:
        assert entry["slug"] == slugify(entry["article_name"])


def test_tags_come_from_the_vocabulary(fixture):
    for entry in fixture:
        assert len(set(entry["tags"])) == len(entry["tags"]), entry["name"]
        assert set(entry["tags"]) <= set(TAG_VOCABULARY), entry["name"]


def test_status_is_allowed_and_agrees_with_the_tags(fixture):
    for entry in fixture:
        assert entry["status"] in STATUSES, entry["name"]
        tags = set(entry["tags"])
        assert ("not a web framework" in tags) == (entry["status"] == "not-web-framework")
        assert ("unmaintained" in tags) == (entry["status"] == "unmaintained")


def test_replaced_by_points_at_another_seed_framework(fixture):
    slugs = {entry["slug"] for entry in fixture}
    for entry in fixture:
        if entry["replaced_by"] is not None:
            assert entry["replaced_by"] in slugs - {entry["slug"]}, entry["name"]


# spot checks with real values


def test_first_entry_is_django_with_its_github_site_as_the_article_wrote_it(fixture):
    assert fixture[0]["article_name"] == "Django"
    assert fixture[0]["article_website"] == "https://github.com/django/django.git"


def test_dotted_names_get_dotless_slugs(by_name):
    assert by_name["web.py"]["slug"] == "webpy"
    assert by_name["Index.py"]["slug"] == "indexpy"


def test_aiohttp_drawbacks_rejoin_the_word_split_by_br(fixture):
    aiohttp = fixture[23]
    assert aiohttp["article_name"] == "Aiohttp"
    assert "添加的请求，如果" in aiohttp["drawbacks"]
    assert "\n" not in aiohttp["drawbacks"]


def test_cubes_drawbacks_are_read_despite_the_label_without_space(by_name):
    assert by_name["Cubes"]["drawbacks"].startswith("不再为每个多维数据集提供隐式聚合 record_count")
    assert "缺点" not in by_name["Cubes"]["description"]


def test_pyramid_website_drops_the_space_after_the_colon(by_name):
    assert by_name["Pyramid"]["website"] == "https://trypyramid.com/"


def test_pylons_is_unmaintained_and_replaced_by_pyramid(by_name):
    pylons = by_name["Pylons"]
    assert pylons["status"] == "unmaintained"
    assert pylons["replaced_by"] == "pyramid"
    assert "unmaintained" in pylons["tags"]


def test_non_web_tools_are_marked_as_such(by_name):
    for name in ("Cubes", "Dpark", "Buildbot"):
        assert by_name[name]["status"] == "not-web-framework"
        assert by_name[name]["tags"] == ["not a web framework"]


def test_tags_stated_by_the_article(by_name):
    assert "microframework" in by_name["Flask"]["tags"]
    assert {"WSGI", "microframework"} <= set(by_name["Bottle"]["tags"])
    assert {"ASGI", "WebSocket", "async"} <= set(by_name["Starlette"]["tags"])
    assert "Python 2 only" in by_name["Web2py"]["tags"]
    assert "async" not in by_name["hug"]["tags"]


# beside the article: our English text and the curated facts

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def test_every_entry_has_english_summary_strengths_and_drawbacks(fixture):
    for entry in fixture:
        for field in ENGLISH_KEYS:
            text = entry[field]
            assert text and text == text.strip(), (entry["name"], field)
            assert not CJK.search(text), (entry["name"], field, CJK.search(text)[0])
        assert "\n" not in entry["summary_en"] and len(entry["summary_en"]) <= 200


def test_english_texts_are_not_copies_of_each_other(fixture):
    for field in ENGLISH_KEYS - {"drawbacks_en"}:  # "Little documentation in Chinese." repeats
        texts = [entry[field] for entry in fixture]
        assert len(set(texts)) == len(texts), field


def test_every_tag_has_a_chinese_name(fixture):
    for entry in fixture:
        for tag in entry["tags"] + entry["curated_tags"]:
            assert TAG_NAMES_ZH.get(tag), (entry["name"], tag)
    assert all(CJK.search(name) or name.isascii() for name in TAG_NAMES_ZH.values())
    assert TAG_NAMES_ZH["templates"] == "模板"
    assert TAG_NAMES_ZH["microframework"] == "微框架"


def test_curated_tags_add_to_the_articles_without_repeating_them(fixture):
    for entry in fixture:
        curated = entry["curated_tags"]
        assert len(set(curated)) == len(curated), entry["name"]
        assert not set(curated) & set(entry["tags"]), entry["name"]


def test_curated_names_are_unique_and_keep_the_slug_of_the_article_name(fixture):
    names = [entry["name"] for entry in fixture]
    assert len(set(names)) == len(names)


def test_curated_links_are_urls_and_repositories_unique(fixture):
    for entry in fixture:
        assert entry["website"].startswith(("https://", "http://")), entry["name"]
        assert not entry["website"].endswith(".git"), entry["name"]
        assert entry["repository"] == "" or entry["repository"].startswith("https://"), entry
    repositories = [entry["repository"] for entry in fixture if entry["repository"]]
    assert len(set(repositories)) == len(repositories)


def test_known_curated_facts(by_name):
    django = by_name["Django"]
    assert (django["website"], django["repository"], django["pypi_name"]) == (
        "https://www.djangoproject.com/",
        "https://github.com/django/django",
        "Django",
    )
    assert {"full-stack", "batteries included", "ORM", "admin"} <= set(django["curated_tags"])
    assert (by_name["Fastapi"]["name"], by_name["Fastapi"]["pypi_name"]) == ("FastAPI", "fastapi")
    assert by_name["Fastapi"]["repository"] == "https://github.com/fastapi/fastapi"
    assert (by_name["Aiohttp"]["name"], by_name["Aiohttp"]["pypi_name"]) == ("aiohttp", "aiohttp")
    assert by_name["Aiohttp"]["repository"] == "https://github.com/aio-libs/aiohttp"
    assert by_name["Flask"]["repository"] == "https://github.com/pallets/flask"
    assert by_name["Web2py"]["name"] == "web2py"


def test_spelling_changes_are_only_in_case_or_version(fixture):
    for entry in fixture:
        article = entry["article_name"].lower()
        assert entry["name"].lower() in (article, article.rstrip("2")), entry["name"]
