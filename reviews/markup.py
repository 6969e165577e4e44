"""Review text: Markdown rendered once, on save, and sanitised with nh3 (an allow-list)."""

import markdown
import nh3

from reviews.text import clean_text

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "nofollow ugc noopener"


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["fenced_code", "sane_lists", "nl2br"])
    # Raw HTML in the source is shown as text, never passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: no raw HTML, no scripts or handlers, http(s)/mailto links only."""
    html = _markdown().convert(clean_text(text))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
