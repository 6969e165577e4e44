import hashlib

from django import template

from catalog import ranking
from catalog.models import FrameworkQuerySet, is_chinese

register = template.Library()

MONOGRAM_COLOURS = 12


@register.inclusion_tag("catalog/_monogram.html")
def monogram(framework, size="md"):
    """Initials on a colour derived from the slug (the seed has no logos)."""
    letters = "".join(ch for ch in framework.name if ch.isalnum())
    initials = (letters[:1].upper() + letters[1:2].lower()) if letters else "?"
    colour = int(hashlib.sha1(framework.slug.encode()).hexdigest(), 16) % MONOGRAM_COLOURS
    return {"initials": initials, "colour": colour, "size": size}


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
    """The framework's approval with its 95% interval (catalog.ranking.approval)."""
    return ranking.approval(framework.upvotes, framework.downvotes)


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
