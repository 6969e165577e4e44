from html import escape  # Django's escape() is this, behind layers that cost more than it
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext

from catalog import rows
from catalog.models import is_chinese
from config.rendering import Remembered, pagination, reverse_once

register = template.Library()


@register.simple_tag
def site_url(viewname, *args):
    """`{% url %}` for the links every page repeats, reversed once (config.rendering)."""
    return reverse_once(viewname, *args)


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The header's main links, the current page's marked (the URLs reversed once)."""
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.url_name if match else None
    # gettext with the words written out, where makemessages finds them
    links = (
        ("catalog:ranking", "ranking", gettext("Ranking")),
        ("catalog:choose", "choose", gettext("Help me choose")),
        ("catalog:tag-list", "tag-list", gettext("Tags")),
        ("catalog:about-ranking", "about-ranking", gettext("How we rank")),
    )
    mark = ' aria-current="page"'
    items = "".join(
        f'\n        <li><a href="{escape(reverse_once(viewname))}"{mark if name == here else ""}>'
        f"{words}</a></li>"
        for viewname, name, words in links
    )
    return mark_safe(f"<ul>{items}\n      </ul>")


@register.simple_tag(takes_context=True)
def language_links(context):
    """A link to each of the site's languages, back to this page, the current one marked."""
    request = context.get("request")
    back = escape(quote(request.get_full_path(), safe="/")) if request is not None else ""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = escape(reverse_once("switch-language", code))
        here = ' aria-current="true"' if code == current else ""
        name = escape(get_language_info(code)["name_local"])
        links.append(
            f'\n          <a href="{url}?next={back}" lang="{escape(code)}" '
            f'hreflang="{escape(code)}"{here}>{name}</a>\n        '
        )
    return mark_safe("".join(links))


@register.simple_tag
def monogram(framework, size="md"):
    """Initials on a colour derived from the slug (the seed has no logos). Built in Python and
    remembered: one per row of every ranking, so no template of its own."""
    return rows.monogram(framework.name, framework.slug, size)


@register.simple_tag
def tag_links(tags):
    """A framework's tags as links to their pages, in the visitor's language (catalog.rows)."""
    return rows.tag_list(
        tags, tags_url=reverse("catalog:tag-list"), label=gettext("Tags"), language=get_language()
    )


@register.simple_tag
def ranking_rows(page, sort=None):
    """The rows of a page of a ranking (catalog.rows), each to go around its vote widget."""
    give_tags = getattr(page, "give_tags", None)  # catalog.pages.ranking_page's
    return rows.Rows().page(
        page.object_list, start=page.start_index(), sort=sort, give_tags=give_tags
    )


@register.filter
def percent(value):
    """0.4213 -> 42.1 (a score shown as a share)."""
    return f"{(value or 0) * 100:.1f}"


@register.simple_tag(takes_context=True, name="pagination")
def pagination_links(context, page, param="page", anchor="", label=""):
    """Links to a list's other pages (config.rendering.pagination); `param` and `anchor` let a
    page hold several lists."""
    query = context["request"].GET
    return pagination(page, query, param=param, anchor=anchor, label=label)


@register.filter
def localized(obj, name):
    """A framework's or tag's text `name` in the visitor's language (see Bilingual.text_for)."""
    return obj.text_for(name)


@register.simple_tag
def reads_chinese():
    """Whether the visitor reads the site in Chinese, the article's language."""
    return is_chinese()


FILTERS = Remembered(limit=512)


@register.simple_tag(takes_context=True)
def filters_form(context, filterset, active_tag):
    """The ranking's filters (catalog/_filters.html): rendering a form's widgets costs more than
    the rest of the page's top, and they are the same for every visitor with the same query, so
    they are rendered once per process for each language, query and active tag."""
    key = (get_language(), context["request"].get_full_path(), active_tag and active_tag.slug)
    template = context.template.engine.get_template("catalog/_filters.html")
    return FILTERS.get(key, lambda: template.render(context))


# The lines and tables that catalog.rows puts together in Python, as tags of the same names.
for _maker in (
    rows.rating_line,
    rows.rating_summary,
    rows.seed_text,
    rows.facts,
    rows.why_rank,
    rows.aspects_panel,
    rows.alternatives_panel,
    rows.switches_panel,
    rows.aspect_items,
    rows.alternative_items,
    rows.switch_items,
    rows.tag_cloud,
    rows.compare_head_cells,
    rows.compare_rank_cells,
    rows.compare_rating_cells,
    rows.compare_aspect_rows,
    rows.compare_tag_cells,
):
    register.simple_tag(_maker, name=_maker.__name__)
