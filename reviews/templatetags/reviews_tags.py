from django import template
from django.conf import settings
from django.utils.translation import get_language

from config.pagecache import CONTENT_VERSION_KEY, current_version
from config.rendering import Remembered, once_per_render
from reviews import rows, selectors
from reviews.widgets import NO_VOTES, HelpfulButtons, Shown, VoteWidgets

register = template.Library()


@register.simple_tag(takes_context=True)
def user_votes(context, frameworks):
    """The current user's votes on a page of frameworks, in one query: {framework id: value}."""
    return selectors.user_votes(context["request"].user, frameworks)


@register.simple_tag(takes_context=True)
def vote_widget(context, framework, votes, back=None, oob=False, retry_minutes=None):
    """Up/down buttons with the counts, the approval and the user's own vote (reviews.widgets);
    the forms send the visitor back to this page, or to `back`."""
    request = context["request"]
    back = back or request.get_full_path()
    widgets = once_per_render(
        context,
        f"vote_widgets:{back}",
        lambda: VoteWidgets(request, back=back, csrf_token=context.get("csrf_token")),
    )
    return widgets.render(framework, votes, oob=oob, retry_minutes=retry_minutes)


@register.simple_tag(takes_context=True)
def shared_vote_widget(context, framework):
    """A framework's vote widget in a shared fragment (config.fragments): as it shows to a
    visitor who has not voted on it, recorded so that `widgets.own_votes` can put in theirs.
    Anonymous visitors' widgets (no form, no token: links to log in) are kept by what they
    show, with the page cache on: after a vote only the voted framework's is written again."""
    kept_as = once_per_render(context, "anonymous_widgets", lambda: _anonymous_widgets(context))
    if kept_as is not None:
        key = (*kept_as, framework.pk, framework.upvotes, framework.downvotes)
        html = ANONYMOUS_WIDGETS.get(key, lambda: vote_widget(context, framework, NO_VOTES))
    else:
        html = vote_widget(context, framework, NO_VOTES)
    return context["fragment"].slot(framework.pk, html, Shown.of(framework))


ANONYMOUS_WIDGETS = Remembered(limit=4096)  # about 1.5 KB each: 200 pages of 20


def _anonymous_widgets(context) -> tuple | None:
    """What anonymous widgets on this page are kept by besides their framework and its counts
    (once per render); None when they are not kept."""
    request = context["request"]
    if not settings.PAGE_CACHE_SECONDS or request.user.is_authenticated:
        return None
    # the language, the content version (their frameworks' names), where their links come back to
    return get_language(), current_version(CONTENT_VERSION_KEY), request.get_full_path()


register.filter("stars", rows.stars)
register.simple_tag(rows.histogram, name="histogram")


@register.simple_tag(takes_context=True)
def helpful_button(context, review, marks, back, retry_minutes=None):
    """A review's helpful button (reviews.widgets), pressed when the review is in `marks`; its
    form sends the visitor back to `back`."""
    buttons = HelpfulButtons(context["request"], back=back, csrf_token=context.get("csrf_token"))
    return buttons.render(review, marks, retry_minutes=retry_minutes)


@register.simple_tag(takes_context=True)
def framework_reviews(context, framework, reviews):
    """The reviews section of a framework's page, from selectors.framework_reviews (put
    together in Python: reviews.rows)."""
    request = context["request"]
    return rows.framework_section(request, framework, reviews, csrf_token=context.get("csrf_token"))
