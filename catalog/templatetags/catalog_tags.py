import hashlib
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from catalog import ranking
from catalog.models import FrameworkQuerySet, is_chinese
from config.rendering import once_per_render

register = template.Library()

MONOGRAM_COLOURS = 12


@lru_cache(maxsize=4096)
def _monogram(name: str, slug: str, size: str) -> str:
    letters = "".join(ch for ch in name if ch.isalnum())
    initials = (letters[:1].upper() + letters[1:2].lower()) if letters else "?"
    colour = int(hashlib.sha1(slug.encode()).hexdigest(), 16) % MONOGRAM_COLOURS
    return format_html(
        '<span class="monogram monogram-{} monogram-c{}" aria-hidden="true">{}</span>',
        size,
        colour,
        initials,
    )


@register.simple_tag
def monogram(framework, size="md"):
    """Initials on a colour derived from the slug (the seed has no logos). Built in Python and
    remembered: one per row of every ranking, so no template of its own."""
    return _monogram(framework.name, framework.slug, size)


@register.simple_tag(takes_context=True)
def url_once(context, viewname):
    """`{% url viewname %}` for a URL without arguments, reversed once per page."""
    return once_per_render(context, f"url:{viewname}", lambda: reverse(viewname))


@register.simple_tag(takes_context=True)
def tag_links(context, tags):
    """Tags as links to their pages, in the visitor's language. Built in Python: every row of a
    ranking has a few, and the list's URL and label are looked up once per page."""
    if not tags:
        return ""
    tags_url, label, language = once_per_render(
        context, "tag_links", lambda: (reverse("catalog:tag-list"), gettext("Tags"), get_language())
    )
    links = "".join(
        f'<li><a class="tag" href="{tags_url}{escape(tag.slug)}/">'
        f"{escape(tag.text_for('name', language))}</a></li>"
        for tag in tags
    )
    return mark_safe(f'<ul class="tags" aria-label="{escape(label)}">{links}</ul>')


@register.filter
def percent(value):
    """0.4213 -> 42.1 (a score shown as a share)."""
    return f"{(value or 0) * 100:.1f}"


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page"):
    """The current query string with one page parameter set, for paginating several lists."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def localized(obj, name):
    """A framework's or tag's text `name` in the visitor's language (see Bilingual.text_for)."""
    return obj.text_for(name)


@register.inclusion_tag("catalog/_seed_text.html")
def seed_text(framework, name):
    """The article's strengths or drawbacks: as written for Chinese readers; for others our
    translation, marked so, with the article's text one tap away as its source."""
    return {
        "text": framework.text_for(name),
        "source": getattr(framework, name),
        "translated": framework.is_translated(name),
        "chinese_reader": is_chinese(),
    }


@register.simple_tag
def reads_chinese():
    """Whether the visitor reads the site in Chinese, the article's language."""
    return is_chinese()


@register.simple_tag
def approval(framework):
    """The framework's approval with its 95% interval (catalog.ranking.approval), in words."""
    return ApprovalWords(framework.upvotes, framework.downvotes)


class ApprovalWords:
    """What `catalog/_approval.html` says of a framework's votes, with `votes` counted: the share
    with its interval (`summary`), the counts behind it (`counts`) and the share the ranking uses
    (`sure`). Composed here, not in the template: the ranking shows twenty of these at a time."""

    def __init__(self, upvotes: int, downvotes: int):
        a = ranking.approval(upvotes, downvotes)
        self.votes = a.votes
        if not a.votes:
            return
        share, low, high = whole_percent(a.share), whole_percent(a.low), whole_percent(a.high)
        self.summary = mark_safe(  # our own msgid, and numbers
            ngettext(
                '<strong data-role="approval-share">%(share)s%%</strong> approve · 95%% sure it '
                "is between %(low)s%% and %(high)s%% · %(counter)s vote",
                '<strong data-role="approval-share">%(share)s%%</strong> approve · 95%% sure it '
                "is between %(low)s%% and %(high)s%% · %(counter)s votes",
                a.votes,
            )
            % {"share": share, "low": low, "high": high, "counter": a.votes}
        )
        self.counts = ngettext(
            "%(up)s up and %(down)s down from %(counter)s vote.",
            "%(up)s up and %(down)s down from %(counter)s votes.",
            a.votes,
        ) % {"up": upvotes, "down": downvotes, "counter": a.votes}
        self.sure = gettext(
            "The ranking uses the approval it can be 95%% sure of, at least %(sure)s%% here, so a "
            "few votes count for less than many."
        ) % {"sure": low}


@register.simple_tag
def rating_words(average, count):
    """ "★ 4.2 out of 5 stars · 12 reviews", marked up for `catalog/_rating.html`. Composed here:
    the ranking shows twenty of these at a time."""
    return mark_safe(  # our own msgid, and numbers
        ngettext(
            '<span aria-hidden="true">★</span> <strong data-role="average">%(average)s</strong>'
            '<span class="visually-hidden"> out of 5 stars</span> · '
            '<span data-role="review-count">%(counter)s</span> review',
            '<span aria-hidden="true">★</span> <strong data-role="average">%(average)s</strong>'
            '<span class="visually-hidden"> out of 5 stars</span> · '
            '<span data-role="review-count">%(counter)s</span> reviews',
            count,
        )
        % {"average": floatformat(average, 1), "counter": count}
    )


@register.filter
def whole_percent(share):
    """0.783 -> 78 (a share shown as a whole percentage)."""
    return round((share or 0) * 100)


@register.simple_tag
def statistical_ties(frameworks, sort=None):
    """Ids of the frameworks on this page that are a statistical tie with the one above them,
    when the list is ordered by votes (the default sort)."""
    if sort in FrameworkQuerySet.SORTS and sort != FrameworkQuerySet.DEFAULT_SORT:
        return set()
    frameworks = list(frameworks)
    approvals = [ranking.approval(f.upvotes, f.downvotes) for f in frameworks]
    flags = ranking.ties_with_previous(approvals)
    return {framework.pk for framework, tied in zip(frameworks, flags, strict=True) if tied}
