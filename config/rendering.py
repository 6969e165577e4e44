"""Helpers for pages that repeat the same work on every row: URLs and values built once.

A ranking page shows 20 rows, each with several links to URLs that differ only by a slug, and
each asking for the same translated words; reversing and translating those once per page instead
of once per row is most of what makes the page cheap to render.
"""

import threading
from collections import OrderedDict
from functools import lru_cache
from html import escape  # Django's escape() is this, behind layers that cost more than it
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

# A slug no real one equals, to find where the slug goes in a reversed URL; the same for an
# argument that may be a number.
_SLUG_MARK = "slug-mark-0b7e"
_ARG_MARK = "4815162342"
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in an argument


def reverse_slug(viewname: str, slug: str) -> str:
    """`reverse(viewname, kwargs={"slug": slug})` for a slug from the database, without resolving
    the pattern again for every slug: it is reversed once (per URLconf and script prefix) with a
    stand-in, and the slug put in its place (a slug needs no quoting)."""
    head, tail = around_slug(viewname)
    return f"{head}{slug}{tail}"


def around_slug(viewname: str) -> tuple[str, str]:
    """What comes before and after the slug in the URL of `viewname` (whose one argument is
    `slug`), reversed once per URLconf and script prefix."""
    return _around_slug(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=64)
def _around_slug(viewname: str, _urlconf: str, _script_prefix: str) -> tuple[str, str]:
    head, _mark, tail = reverse(viewname, kwargs={"slug": _SLUG_MARK}).partition(_SLUG_MARK)
    return head, tail


def around_arg(viewname: str) -> tuple[str, str]:
    """What comes before and after the one positional argument (a review's id, a user name) in
    the URL of `viewname`, reversed once per URLconf and script prefix. The argument goes in as
    reverse() would put it: see `url_part`."""
    return _around_arg(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=64)
def _around_arg(viewname: str, _urlconf: str, _script_prefix: str) -> tuple[str, str]:
    head, _mark, tail = reverse(viewname, args=[_ARG_MARK]).partition(_ARG_MARK)
    return head, tail


def url_part(value) -> str:
    """A value quoted as reverse() quotes it in a URL (a number or a slug is left as it is)."""
    return quote(str(value), safe=URL_SAFE)


def reverse_once(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, remembered per URLconf, script prefix and language: for
    the links that every page repeats (the header's, the footer's). Not for arguments that vary
    without bound (a user name): the memory is small."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    return _reversed(viewname, args, *key)


@lru_cache(maxsize=256)
def _reversed(viewname: str, args: tuple, _urlconf: str, _prefix: str, _language: str) -> str:
    return reverse(viewname, args=args)


def once_per_render(context, key: str, make):
    """`make()`, called once per rendering of a page and kept for its other rows and includes.

    Django's own `{% include %}` keeps its per-page cache in the same place, the render
    context's outermost level, which every template rendered for the page shares.
    """
    store = context.render_context.dicts[0]
    try:
        return store[key]
    except KeyError:
        value = store[key] = make()
        return value


class Remembered:
    """Values made once per process and key, the least recently used out past `limit`: for
    HTML that is the same for every visitor with the same query (the filters of a ranking)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.values: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def find(self, key):
        """The value kept under `key` (now the most recently used), or None."""
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.limit:
                self.values.popitem(last=False)

    def get(self, key, make):
        """The value kept under `key`, else `make()`'s, kept. Values are never None."""
        value = self.find(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value


def pagination(
    page, query, *, param: str = "page", anchor: str = "", label: str = ""
) -> SafeString:
    """Links to the previous and next pages of `page` (a Django Page) and where it stands; each
    link keeps the query's other parameters (`query`, request.GET) and sets `param`, so that a
    page can hold several lists; `anchor` is added to the links, `label` names the navigation.
    Nothing when there is one page only."""
    if not page.has_other_pages():
        return mark_safe("")
    params = query.copy()

    def link(number: int) -> str:
        params[param] = number
        return escape(f"?{params.urlencode()}{anchor}")

    # gettext outside the f-strings, where makemessages finds the words
    label = escape(label) if label else gettext("Pages")
    current = gettext("Page %(number)s of %(total)s") % {
        "number": page.number,
        "total": page.paginator.num_pages,
    }
    previous = following = ""
    if page.has_previous():
        words = gettext("← Previous")
        previous = f'\n    <a rel="prev" href="{link(page.previous_page_number())}">{words}</a>\n  '
    if page.has_next():
        words = gettext("Next →")
        following = f'\n    <a rel="next" href="{link(page.next_page_number())}">{words}</a>\n  '
    return mark_safe(f"""
<nav class="pagination" aria-label="{label}">
  {previous}
  <span class="pagination-current">{current}</span>
  {following}
</nav>
""")
