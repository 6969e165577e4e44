from django import template

from config.rendering import once_per_render
from reviews import rows, selectors
from reviews.widgets import HelpfulButtons, Shown, VoteWidgets

register = template.Library()

NO_VOTES = selectors.UserVotes()  # a visitor who has not voted on any of them


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
    visitor who has not voted on it, recorded so that `for_visitor` can put in theirs."""
    html = vote_widget(context, framework, NO_VOTES)
    return context["fragment"].slot(framework.pk, html, Shown.of(framework))


@register.simple_tag(takes_context=True)
def for_visitor(context, fragment):
    """A shared fragment as this visitor sees it: with their own votes on its frameworks (one
    query, when logged in) and their CSRF token; a lasting one with every widget's counts as
    they are now (one query)."""
    request = context["request"]
    if not fragment.slots:
        return fragment.for_visitor(context.get("csrf_token"), {})
    shown = {pk: data for pk, (_start, _stop, data) in fragment.slots.items()}
    if fragment.lasting:
        for pk, up, down in selectors.vote_counts(list(shown)):
            shown[pk] = shown[pk]._replace(upvotes=up, downvotes=down)
    votes = NO_VOTES
    if request.user.is_authenticated:
        votes = selectors.user_votes_on(request.user, list(shown))
    redone = shown if fragment.lasting else votes
    own = {}
    if redone:
        back = request.get_full_path()
        widgets = VoteWidgets(request, back=back, csrf_token=fragment.placeholder)
        own = {pk: widgets.render(shown[pk], votes) for pk in redone}
    return fragment.for_visitor(context.get("csrf_token"), own)


register.filter("stars", rows.stars)
register.simple_tag(rows.histogram, name="histogram")


@register.simple_tag(takes_context=True)
def helpful_button(context, review, marks, back, retry_minutes=None):
    """A review's helpful button (reviews.widgets), pressed when the review is in `marks`; its
    form sends the visitor back to `back`."""
    buttons = HelpfulButtons(context["request"], back=back, csrf_token=context.get("csrf_token"))
    return buttons.render(review, marks, retry_minutes=retry_minutes)


@register.simple_tag(takes_context=True)
def review_articles(context, framework, reviews, marks, back):
    """A page of a framework's reviews as the visitor sees them (reviews.rows)."""
    articles = rows.ReviewArticles(
        context["request"], framework, back=back, csrf_token=context.get("csrf_token")
    )
    return articles.render(reviews, marks)


@register.simple_tag(takes_context=True)
def review_sort_links(context, sort):
    """Links to the reviews in each order, the current one marked (reviews.rows)."""
    return rows.sort_links(context["request"].GET, sort)


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
        "next": request.get_full_path(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
