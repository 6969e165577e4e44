"""The part of a page that every visitor shares, from the shared cache, with their own bits put in.

The whole-page cache (config/pagecache.py) serves visitors without a session. Logged-in visitors
see the same ranking, only with their own votes pressed and their own CSRF token in the forms. So
a view renders the shared part once for no visitor in particular (per path, query, language,
page version and whether the visitor is logged in) and keeps it as a `Fragment`:

- the CSRF token's place is held by a `placeholder`, random for each fragment;
- the parts a visitor may see otherwise (a framework's vote widget, which shows their own vote)
  are `slots`, each with its place in the HTML and what re-rendering it for a visitor needs.

Per request, `Fragment.for_visitor()` puts the visitor's own versions in the slots they differ in
and their token in place of the placeholder. Nothing of any visitor is ever stored.

A fragment whose only parts that follow votes are its slots (a ranking in an order no vote
changes) is kept longer, under the content version (config.derived), for anonymous visitors too:
it is marked `lasting`, and every one of its slots is rendered again with the counts as they are
now before it is shown.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from config.derived import kept
from config.pagecache import VERSION_KEY, current_version, page_key


class Fragment:
    """HTML rendered for no visitor in particular, and `context` for the page around it."""

    def __init__(self):
        self.placeholder = f"csrf-{secrets.token_urlsafe(16)}"
        self.html = ""
        self.slots: dict = {}  # key -> (start, end, data), after rendering
        self.context: dict = {}
        self.lasting = False  # kept across votes: its slots show counts from before them
        self._recorded: dict = {}  # key -> (HTML, data), while rendering

    def slot(self, key, html: str, data) -> str:
        """Record a part of the HTML that a visitor may see otherwise (while rendering)."""
        self._recorded[key] = (html, data)
        return html

    def render(self, template_name: str, context: dict, request) -> "Fragment":
        """Render the shared part: `csrf_token` is the placeholder, `fragment` this fragment."""
        context = {**context, "csrf_token": self.placeholder, "fragment": self}
        self.html = render_to_string(template_name, context, request)
        start = 0
        for key, (html, data) in self._recorded.items():  # in the order rendered
            start = self.html.index(html, start)
            self.slots[key] = (start, start + len(html), data)
            start += len(html)
        self._recorded = {}
        return self

    def for_visitor(self, csrf_token, own: dict) -> SafeString:
        """The HTML with `own` ({slot key: this visitor's HTML}) in its slots and the visitor's
        CSRF token in the forms: `csrf_token` is the template context's, evaluated only when there
        is a form (no cookie otherwise), and the same masked token as the page's other forms."""
        parts, end = [], 0
        for key, (start, stop, _data) in self.slots.items():
            if key in own:
                parts += [self.html[end:start], own[key]]
                end = stop
        parts.append(self.html[end:])
        html = "".join(parts)
        if self.placeholder in html:
            html = html.replace(self.placeholder, str(csrf_token or ""))
        return mark_safe(html)


def shared(request, name: str, make, *, lasting: bool = False) -> Fragment:
    """The fragment `name` of this page for logged-in visitors: from the shared cache when it was
    rendered under the current page version, else `make()` (a rendered Fragment), stored.
    Anonymous visits are rendered afresh: the page cache serves those without a session whole.
    With `lasting` (nothing but its slots follows votes) it is kept under the content version
    instead, for every visitor (see above). PAGE_CACHE_SECONDS = 0 turns this off with the page
    cache."""
    visitor = "logged-in" if request.user.is_authenticated else "anonymous"
    if lasting and settings.PAGE_CACHE_SECONDS:
        key = page_key(request, f"fragment:{name}:{visitor}:lasting")
        fragment = kept({key: make})[key]
        fragment.lasting = True
        return fragment
    if not settings.PAGE_CACHE_SECONDS or not request.user.is_authenticated:
        return make()
    key = page_key(request, f"fragment:{name}:logged-in")
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or current_version()
    cached = found.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    fragment = make()
    cache.set(key, (version, fragment), settings.PAGE_CACHE_SECONDS)
    return fragment
