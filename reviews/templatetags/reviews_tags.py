from urllib.parse import urlencode

from django import template
from django.urls import reverse

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
    return {
        "framework": framework,
        "my_vote": votes.get(framework.pk),
        "my_votes": votes,
        "next_url": request.get_full_path(),
        "login_to_vote": (
            None
            if request.user.is_authenticated
            else login_to_vote(framework, request.get_full_path())
        ),
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


def login_to_vote(framework, back: str) -> dict[str, str]:
    """Log-in links that carry the vote: after logging in, one POST casts it, then `back`."""
    login = reverse("login")
    confirm = reverse("reviews:vote-confirm", args=[framework.slug])
    links = {}
    for value in ("up", "down"):
        after_login = f"{confirm}?{urlencode({'value': value, 'next': back})}"
        links[value] = f"{login}?{urlencode({'next': after_login})}"
    return links


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
