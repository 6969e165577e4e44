from urllib.parse import urlencode

from django import template
from django.core.paginator import Paginator
from django.urls import reverse

from reviews import selectors
from reviews.forms import REVIEW_SORT_CHOICES
from reviews.models import Review, ReviewQuerySet

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
        "login_to_vote": login_to_vote(framework, request.get_full_path()),
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


REVIEWS_PAGE_SIZE = 10
PROFILE_REVIEWS_PAGE_SIZE = 20


@register.filter
def stars(rating):
    """4 -> ★★★★☆"""
    filled = max(0, min(5, int(rating or 0)))
    return "★" * filled + "☆" * (5 - filled)


@register.inclusion_tag("reviews/_framework_reviews.html", takes_context=True)
def framework_reviews(context, framework):
    """Rating summary, star histogram and a sorted page (`rsort`, `rpage`) of the reviews."""
    request = context["request"]
    sort = request.GET.get("rsort")
    if sort not in ReviewQuerySet.SORTS:
        sort = ReviewQuerySet.DEFAULT_SORT
    summary = selectors.rating_summary(framework, request.user)
    reviews = (
        Review.objects.published()
        .filter(framework=framework)
        .select_related("user", "switched_from")
        .sorted(sort)
    )
    paginator = Paginator(reviews, REVIEWS_PAGE_SIZE)
    paginator.count = summary.listed  # already counted with the histogram: no COUNT query
    page = paginator.get_page(request.GET.get("rpage"))
    page.object_list = list(page.object_list)
    return {
        "framework": framework,
        "summary": summary,
        "page": page,
        "marks": selectors.user_helpful_marks(request.user, page.object_list),
        "sort": sort,
        "sort_choices": REVIEW_SORT_CHOICES,
        "next": request.get_full_path(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reviews/_profile_reviews.html", takes_context=True)
def profile_reviews(context, person):
    """A page (`rpage`) of the person's published reviews, newest first, with their frameworks."""
    request = context["request"]
    reviews = (
        Review.objects.published().filter(user=person).select_related("framework").sorted("newest")
    )
    page = Paginator(reviews, PROFILE_REVIEWS_PAGE_SIZE).get_page(request.GET.get("rpage"))
    return {"person": person, "page": page, "request": request, "user": request.user}
