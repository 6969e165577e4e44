"""Where other apps add to the catalog's pages, so that the catalog imports none of them.

Each hook takes (request, the page's object) and returns context for the page's template.
`reviews` registers its own in reviews/apps.py: the reviews and switches of a framework's page,
the most helpful reviews on the compare page, where the guide's picks came from.
"""

DETAIL_SECTIONS = []  # (request, framework) -> dict
COMPARE_SECTIONS = []  # (request, comparison) -> dict
SWITCH_SOURCES = []  # (slugs) -> {slug: the framework its reviewers most often came from}


def extra_context(hooks, request, obj) -> dict:
    """The context every registered hook adds for this page."""
    context = {}
    for hook in hooks:
        context.update(hook(request, obj))
    return context


def switch_sources(slugs) -> dict[str, str]:
    """{slug: name of the framework its reviewers most often switched from}, from the hooks."""
    found = {}
    for hook in SWITCH_SOURCES:
        found.update(hook(slugs))
    return found
