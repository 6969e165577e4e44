"""The seed catalog: 37 frameworks parsed from the Chinese article, and the fixture made from it.

Each fixture entry holds the article's own text (`article_name`, `article_website`,
`description`, `drawbacks`: proven against the article by tests/catalog/test_seed.py) beside our
curated facts (`name` as the project spells it, `website`, `repository`, `pypi_name`,
`curated_tags`) and our English translation (`summary_en`, `description_en`, `drawbacks_en`).
"""

import json
import re
from pathlib import Path
from typing import TypedDict

BASE_DIR = Path(__file__).resolve().parent.parent
ARTICLE_PATH = BASE_DIR / "fixtures" / "python-web-frameworks.md"
FIXTURE_PATH = BASE_DIR / "fixtures" / "frameworks.json"

# Tags allowed on seed entries; each one is given only where the entry's own text says so.
TAG_VOCABULARY: tuple[str, ...] = (
    "async",
    "sync",
    "ASGI",
    "WSGI",
    "microframework",
    "full-stack",
    "batteries included",
    "REST API",
    "WebSocket",
    "microservices",
    "type hints",
    "high performance",
    "templates",
    "object-oriented",
    "Python 2 only",
    "unmaintained",
    "not a web framework",
)
STATUSES: tuple[str, ...] = ("active", "unmaintained", "not-web-framework")

# The Chinese name of every seed tag (the article's vocabulary above and the curated tags).
# Acronyms and project names stay as Chinese writers write them.
TAG_NAMES_ZH: dict[str, str] = {
    "async": "异步",
    "sync": "同步",
    "ASGI": "ASGI",
    "WSGI": "WSGI",
    "microframework": "微框架",
    "full-stack": "全栈",
    "batteries included": "功能齐全",
    "REST API": "REST API",
    "WebSocket": "WebSocket",
    "microservices": "微服务",
    "type hints": "类型提示",
    "high performance": "高性能",
    "templates": "模板",
    "object-oriented": "面向对象",
    "Python 2 only": "仅支持 Python 2",
    "unmaintained": "已停止维护",
    "not a web framework": "非 Web 框架",
    "ORM": "ORM",
    "admin": "管理后台",
    "data validation": "数据校验",
    "dependency injection": "依赖注入",
    "OpenAPI": "OpenAPI 文档",
    "HTTP client": "HTTP 客户端",
    "Twisted": "Twisted",
    "RPC": "RPC 远程调用",
}


class ArticleEntry(TypedDict):
    """One framework as the article presents it."""

    seed_rank: int
    article_name: str
    article_website: str
    description: str
    drawbacks: str


_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BR = re.compile(r"<br\s*/?>")
# A line break that only splits a word between two CJK characters, as in "请<br />求".
_BR_INSIDE_WORD = re.compile(rf"(?<=[{_CJK}])<br\s*/?>(?=[{_CJK}])")
_ANCHOR = re.compile(r"<a name=[^>]*>\s*</a>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_BLANK_RUN = re.compile(r"\n{3,}")

_HEADING = re.compile(r"^## (\d+)、(.+?) 框架[ \t]*$", re.M)
# 官网 / 优点 / 缺点 labels, written with or without a space, at a line start or after <br />.
_LABEL = re.compile(r"(?:^|<br\s*/?>)[ \t]*(官 ?网|优 ?点|缺 ?点)：", re.M)
_WEBSITE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def clean_markup(text: str) -> str:
    """Strip the article's markup (br, bold, images, links, anchors), keeping the wording."""
    text = _ANCHOR.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\1", text)
    text = _BR_INSIDE_WORD.sub("", text)
    text = _BR.sub("\n", text)
    text = "\n".join(line.strip() for line in text.splitlines())
    return _BLANK_RUN.sub("\n\n", text).strip()


def _fields(section: str) -> dict[str, str]:
    """Split one framework's section into its raw 官网, 优点 and 缺点 texts."""
    parts = _LABEL.split(section)
    labels = [label.replace(" ", "") for label in parts[1::2]]
    if labels != ["官网", "优点", "缺点"]:
        raise ValueError(f"unexpected labels {labels!r} in section {section[:40]!r}")
    return dict(zip(labels, parts[2::2], strict=True))


def parse_article(text: str) -> list[ArticleEntry]:
    """The article's frameworks in order, with website, 优点 and 缺点 as plain text."""
    headings = list(_HEADING.finditer(text))
    entries: list[ArticleEntry] = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        fields = _fields(text[heading.end() : end])
        website = _WEBSITE.search(fields["官网"])
        if website is None:
            raise ValueError(f"no 官网 link for {heading.group(2)!r}")
        entries.append(
            {
                "seed_rank": int(heading.group(1)),
                "article_name": heading.group(2).strip(),
                "article_website": website.group(1),
                "description": clean_markup(fields["优点"]),
                "drawbacks": clean_markup(fields["缺点"]),
            }
        )
    return entries


def load_fixture() -> list[dict]:
    """The seed fixture's entries, in the article's order."""
    return json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))
