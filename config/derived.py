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
nor anything of a visitor. Values are pickled: a release that changes what one holds gives its key
a new name, so that no server reads the old shape in the minutes both releases run.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from config.pagecache import CONTENT_VERSION_KEY, LocalCopies, current_version

# With Redis, each process keeps a pickled copy of what it read or made, under the content
# version it belongs to: a page that finds all its values here asks Redis nothing (the version
# is the process's watched copy) and unpickles its own fresh objects, as from the shared cache.
KEPT_HERE = LocalCopies(limit=16 * 1024 * 1024)


def kept(makers: dict[str, Callable[[], object]]) -> dict[str, object]:
    """{key: value} for these cache keys: each as made under the current content version, from
    this process's copies (with Redis) or the shared cache (one round trip for all of them),
    else made now by its maker and stored."""
    if not settings.PAGE_CACHE_SECONDS:
        return {key: make() for key, make in makers.items()}
    keys = [f"derived:{key}" for key in makers]
    here = getattr(cache, "watched", None) is not None  # the version costs no round trip
    if here:
        version = current_version(CONTENT_VERSION_KEY)
        copies = [KEPT_HERE.fresh(key, version, KEPT_HERE.MISSING) for key in keys]
        if not any(copy is KEPT_HERE.MISSING for copy in copies):
            return dict(zip(makers, copies, strict=True))
    found = cache.get_many([CONTENT_VERSION_KEY, *keys])
    version = found.get(CONTENT_VERSION_KEY) or current_version(CONTENT_VERSION_KEY)
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
            KEPT_HERE.keep(stored_key, version, value, settings.PAGE_CACHE_SECONDS)
    return values
