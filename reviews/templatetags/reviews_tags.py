from django import template

from reviews import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def user_votes(context, frameworks):
    """The current user's votes on a page of frameworks, in one query: {framework id: value}."""
    return selectors.user_votes(context["request"].user, frameworks)


@register.inclusion_tag("reviews/_vote_widget.html", takes_context=True)
def vote_widget(context, framework, votes):
    """Up/down buttons with the counts, the score and the user's own vote."""
    return {
        "framework": framework,
        "my_vote": votes.get(framework.pk),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
