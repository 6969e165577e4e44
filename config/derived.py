"""What pages derive from anything but the vote counters, kept in the shared cache between renders.

A vote moves only its framework's vote counters, yet it makes every cached page stale (a new page
version, config/pagecache.py), and the next visit renders the page again. Much of what a page
shows does not follow votes: a framework's page of reviews, who switched to and from it, which
frameworks share its tags, the site's mean of the stars. `kept()` keeps such values under the
*content version*, which every change but a vote moves (reviews.services, catalog edits, account
edits, `recount`): a value is used only under the version it was made for, so every change still
shows on the next request on every server, and for no longer than PAGE_CACHE_SECONDS.
PAGE_CACHE_SECONDS = 0 turns it off with the page cache.

What is kept must not hold anything that follows votes (counts, scores, the order of a ranking),
nor anything of a visitor; a value that follows votes is kept under the page version instead
(`version_key`, as the API's answers are: catalog/api.py). Values are pickled: a release that
changes what one holds gives its key a new name, so that no server reads the old shape in the
minutes both releases run.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from config.pagecache import CONTENT_VERSION_KEY, LocalCopies, current_version

# With Redis, each process keeps a pickled copy of what it read or made, under the content
# version it belongs to: a page that finds all its values here asks Redis nothing (the version
# is the process's watched copy) and unpickles its own fresh objects, as from the shared cache.
KEPT_HERE = LocalCopies(limit=16 * 1024 * 1024)


def kept(
    makers: dict[str, Callable[[], object]],
    *,
    version_key: str = CONTENT_VERSION_KEY,
    copies: LocalCopies | None = None,
) -> dict[str, object]:
    """{key: value} for these cache keys: each as made under the current content version, from
    this process's copies (with Redis) or the shared cache (one round trip for all of them),
    else made now by its maker and stored. A maker that raises stores nothing.

    `version_key` names another version to keep them under: the page version (pagecache.
    VERSION_KEY), which votes move too, for values that follow votes (the API's answers).
    `copies` keeps this process's copies apart from KEPT_HERE, in a budget of their own."""
    if not settings.PAGE_CACHE_SECONDS:
        return {key: make() for key, make in makers.items()}
    copies = KEPT_HERE if copies is None else copies
    keys = [f"derived:{key}" for key in makers]
    here = getattr(cache, "watched", None) is not None  # the version costs no round trip
    if here:
        version = current_version(version_key)
        found_here = [copies.fresh(key, version, copies.MISSING) for key in keys]
        if not any(copy is copies.MISSING for copy in found_here):
            return dict(zip(makers, found_here, strict=True))
    found = cache.get_many([version_key, *keys])
    version = found.get(version_key) or current_version(version_key)
    values, made = {}, {}
    for (key, make), stored_key in zip(makers.items(), keys, strict=True):
        stored = found.get(stored_key)
        if stored is not None and stored[0] == version:
            values[key] = stored[1]
        else:
            values[key] = make()
            made[stored_key] = (version, values[key])
    if made:
        cache.set_many(made, settings.PAGE_CACHE_SECONDS)
    if here:
        for stored_key, value in zip(keys, values.values(), strict=True):
            copies.keep(stored_key, version, value, settings.PAGE_CACHE_SECONDS)
    return values
