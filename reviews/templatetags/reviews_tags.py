from urllib.parse import quote_plus, urlencode

from django import template
from django.urls import reverse

from config.rendering import around_slug, once_per_render, reverse_slug
from reviews import selectors
from reviews.forms import REVIEW_SORT_CHOICES

register = template.Library()


@register.simple_tag(takes_context=True)
def user_votes(context, frameworks):
    """The current user's votes on a page of frameworks, in one query: {framework id: value}."""
    return selectors.user_votes(context["request"].user, frameworks)


@register.inclusion_tag("reviews/_vote_widget.html", takes_context=True)
def vote_widget(context, framework, votes):
    """Up/down buttons with the counts, the approval and the user's own vote."""
    request = context["request"]
    anonymous = not request.user.is_authenticated
    back = once_per_render(context, "vote_widget:back", request.get_full_path)
    links = once_per_render(context, "vote_widget:links", lambda: LoginToVote(back))
    return {
        "framework": framework,
        "my_vote": votes.get(framework.pk),
        "my_votes": votes,
        "next_url": back,
        "vote_url": reverse_slug("reviews:vote", framework.slug),
        "login_to_vote": links.for_slug(framework.slug) if anonymous else None,
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


class LoginToVote:
    """Log-in links that carry a vote: after logging in, one POST casts it, then back to `back`.

    `for_slug(slug)` gives the same links as quoting `reverse(...)` for every framework, but the
    quoting is done once per page: only the slug differs, and a slug is never quoted.
    """

    def __init__(self, back: str):
        login = reverse("login")
        head, tail = around_slug("reviews:vote-confirm")
        self._halves = {
            value: (
                f"{login}?next={quote_plus(head)}",
                quote_plus(f"{tail}?{urlencode({'value': value, 'next': back})}"),
            )
            for value in ("up", "down")
        }

    def for_slug(self, slug: str) -> dict[str, str]:
        return {value: f"{head}{slug}{tail}" for value, (head, tail) in self._halves.items()}


@register.filter
def stars(rating):
    """4 -> ★★★★☆"""
    filled = max(0, min(5, int(rating or 0)))
    return "★" * filled + "☆" * (5 - filled)


@register.inclusion_tag("reviews/_framework_reviews.html", takes_context=True)
def framework_reviews(context, framework, reviews):
    """The reviews section of a framework's page, from selectors.framework_reviews."""
    request = context["request"]
    return {
        "framework": framework,
        "summary": reviews.summary,
        "page": reviews.page,
        "marks": reviews.marks,
        "sort": reviews.sort,
        "sort_choices": REVIEW_SORT_CHOICES,
        "next": request.get_full_path(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
