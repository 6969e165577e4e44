"""Whole pages that every logged-in visitor shares, from the cache, with their own bits put in.

The whole-page cache (config/pagecache.py) serves visitors without a session. Logged-in visitors
see the same ranking, only with their own votes pressed, their own account menu and messages and
their own CSRF token in the forms. So a view renders the page once for no visitor in particular
(per path, query, language and page version) and keeps it as a `Fragment`:

- the CSRF token's place is held by a `placeholder`, random for each fragment;
- the account menu and the messages are marks, also random, filled for each visitor;
- the parts a visitor may see otherwise (a framework's vote widget, which shows their own vote)
  are `slots`, each with its place in the HTML and what re-rendering it for a visitor needs.

Per request, `respond()` puts the visitor's own versions in the slots they differ in (from the
VISITOR_SLOTS hooks: the reviews app adds the votes), their account menu and messages in the
marks and their token in place of the placeholder. Nothing of any visitor is ever stored.

Fragments live in the shared cache and, like cached pages, in each process's memory beside it
(as they are: nothing in a rendered fragment changes, and every request joins its own page from
it), used only under the page version they were rendered for.

A fragment whose only parts that follow votes are its slots (a ranking in an order no vote
changes) is kept longer, under the content version (config.pagecache), and marked `lasting`: every
one of its slots is rendered again with the counts as they are now before it is shown
(reviews.widgets.own_votes).
"""

import functools
import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import csrf
from config.pagecache import (
    CONTENT_VERSION_KEY,
    VERSION_KEY,
    LocalPages,
    current_version,
    page_key,
)
from config.rendering import Remembered

# Hooks giving a visitor's own versions of a fragment's slots:
# (request, fragment) -> {key: HTML as UTF-8 bytes}.
VISITOR_SLOTS = []
ACCOUNT, MESSAGES = "account-menu", "messages"
# In the shared cache's keys: a process running an earlier release, beside this one while it is
# deployed, never reads a Fragment pickled by this one (nor this one that release's).
FORMAT = 2
LOCAL_FRAGMENTS = LocalPages(limit=16 * 1024 * 1024)  # Fragments, read as they are


class Fragment:
    """A page rendered for no visitor in particular.

    Once rendered it is the page's UTF-8 bytes cut at its slots (`pieces`, one more than the
    slots) and the slots in the page's order (`slots`: key, the shared HTML as bytes, the data
    for re-rendering it), all immutable: each process keeps the fragment itself and every request
    reads it as it is (the garbage collector stops walking its tuples once it has looked them
    over), and the page a visitor gets is joined as bytes, the response's own type, with no
    encoding of 60 KB per request.
    """

    __slots__ = ("_recorded", "_token", "lasting", "pieces", "placeholder", "slots")

    def __init__(self):
        self._token = secrets.token_urlsafe(16)
        self.placeholder = f"csrf-{self._token}"
        self.pieces: tuple[bytes, ...] = (b"",)
        self.slots: tuple[tuple, ...] = ()  # (key, HTML as bytes, data), in the page's order
        self.lasting = False  # kept across votes: its slots show counts from before them
        self._recorded: dict = {}  # key -> (HTML, data), while rendering

    def _mark(self, name: str) -> str:
        return f"<!--{self._token}-{name}-->"

    @property
    def account_menu(self) -> SafeString:
        return mark_safe(self._mark(ACCOUNT))

    @property
    def messages(self) -> SafeString:
        return mark_safe(self._mark(MESSAGES))

    def slot(self, key, html: str, data: tuple) -> str:
        """Record a part of the HTML that a visitor may see otherwise (while rendering), with the
        data for rendering it again: plain values in a tuple, kept as a plain tuple (a named
        tuple, say, comes back unnamed from `shown()`)."""
        self._recorded[key] = (html, tuple(data))
        return html

    def render(self, template_name: str, context: dict, request) -> "Fragment":
        """Render the shared page: `csrf_token` is the placeholder, `fragment` this fragment
        (base.html then writes the marks instead of the account menu and the messages)."""
        context = {**context, "csrf_token": self.placeholder, "fragment": self}
        html = get_template(template_name).render(context, request)
        found, start = [], 0
        for key, (part, data) in self._recorded.items():  # in the order rendered
            start = html.index(part, start)
            found.append((start, start + len(part), key, data))
            start += len(part)
        for key in (ACCOUNT, MESSAGES):
            mark = self._mark(key)
            start = html.index(mark)
            found.append((start, start + len(mark), key, None))
        found.sort(key=lambda slot: slot[0])
        pieces, slots, end = [], [], 0
        for start, stop, key, data in found:
            pieces.append(html[end:start].encode())
            slots.append((key, html[start:stop].encode(), data))
            end = stop
        pieces.append(html[end:].encode())
        self.pieces, self.slots = tuple(pieces), tuple(slots)
        self._recorded = {}
        return self

    def size(self) -> int:
        """The bytes its pages are joined from (what the process's memory budget counts)."""
        return sum(map(len, self.pieces)) + sum(len(html) for _key, html, _data in self.slots)

    def shown(self) -> dict:
        """{framework id: its widget's data, a tuple} for the vote widgets in the slots."""
        return {key: data for key, _html, data in self.slots if type(key) is int}

    def for_visitor(self, request, own: dict) -> bytes:
        """The page with `own` ({slot key: this visitor's HTML, as bytes}) in its slots, the
        visitor's account menu and messages in the marks and their CSRF token in the forms
        (asked for only when the page has a form, so that a page without one sets no cookie)."""
        token = _LazyToken(request)
        own = {
            **own,
            ACCOUNT: _account_menu(request, token).encode(),
            MESSAGES: _messages(request).encode(),
        }
        parts = [self.pieces[0]]
        for (key, html, _data), piece in zip(self.slots, self.pieces[1:], strict=True):
            parts += [own.get(key, html), piece]
        page = b"".join(parts)
        placeholder = self.placeholder.encode()
        if placeholder in page:
            page = page.replace(placeholder, str(token).encode())
        return page


# A logged-in visitor's account menu, by what it shows (language, name, curator or not), with a
# placeholder where each request's CSRF token goes: the same for every page of theirs.
ACCOUNT_MENUS = Remembered(4096)
_TOKEN_PLACE = f"csrf-{secrets.token_urlsafe(16)}"


def _account_menu(request, token) -> str:
    """includes/account_menu.html for this visitor; a logged-in visitor's from ACCOUNT_MENUS."""
    user = request.user
    template = get_template("includes/account_menu.html")
    if not user.is_authenticated:  # its links come back to this page
        return template.render({"user": user, "request": request, "csrf_token": token})
    key = (get_language(), user.get_username(), user.is_staff)

    def render():
        return template.render({"user": user, "request": request, "csrf_token": _TOKEN_PLACE})

    return ACCOUNT_MENUS.get(key, render).replace(_TOKEN_PLACE, str(token))


def _messages(request) -> str:
    """includes/messages.html with the visitor's messages; without any, the empty box, rendered
    once per process."""
    messages = get_messages(request)
    if not len(messages):
        return _no_messages()
    return get_template("includes/messages.html").render({"messages": messages})


@functools.cache
def _no_messages() -> str:
    return get_template("includes/messages.html").render({"messages": []})


class _LazyToken:
    """The visitor's CSRF token, asked for once and only when written out."""

    def __init__(self, request):
        self.request, self.token = request, None

    def __str__(self):
        if self.token is None:
            self.token = csrf.token(self.request)
        return self.token


def shared(request, name: str, make, *, lasting: bool = False) -> Fragment:
    """The fragment `name` of this page, as logged-in visitors see it or as anonymous ones do
    (vote forms or log-in links): rendered under the current page version (with `lasting`, the
    content version), from this process's memory or the shared cache, else `make()` (a rendered
    Fragment), stored in both. (The page cache serves anonymous visitors without a session whole,
    before this; those with one, say with a message waiting, come here.) PAGE_CACHE_SECONDS = 0
    turns this off with the page cache."""
    if not settings.PAGE_CACHE_SECONDS:
        return make()
    who = "logged-in" if request.user.is_authenticated else "anonymous"
    kind = "lasting" if lasting else "page"
    key = page_key(request, f"fragment-{FORMAT}:{name}:{who}:{kind}")
    version = current_version(CONTENT_VERSION_KEY if lasting else VERSION_KEY)
    fragment = LOCAL_FRAGMENTS.get(key, version)
    if fragment is not None:
        return fragment
    cached = cache.get(key)
    if cached is not None and cached[0] == version:
        fragment = cached[1]
    else:
        fragment = make()
        fragment.lasting = lasting
        cache.set(key, (version, fragment), settings.PAGE_CACHE_SECONDS)
    LOCAL_FRAGMENTS.put(key, version, fragment, fragment.size(), settings.PAGE_CACHE_SECONDS)
    return fragment


def respond(request, name: str, make, *, lasting: bool = False) -> HttpResponse:
    """The page `name` for this visitor: the shared fragment (see `shared`) with their own bits."""
    fragment = shared(request, name, make, lasting=lasting)
    own = {}
    for hook in VISITOR_SLOTS:
        own.update(hook(request, fragment))
    return HttpResponse(fragment.for_visitor(request, own))
