import hashlib

from django import template

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
