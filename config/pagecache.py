"""Whole anonymous pages from the shared cache, and the versions that make every change show.

A view marked `@cache_anonymous` is rendered once per (scheme, host, path, query, language) and
then answered from the cache (Redis in production) to every visitor without a session or a
pending message: such pages hold nothing of the visitor (no CSRF token, no session touched).

Every stored page carries the page version it was rendered under; `bump()` sets a new version in
the same cache, so the next request on every app server renders afresh. reviews.services bump it
after each vote, review, helpful mark, report and moderation commits; catalog edits (the admin,
`load_seed`) bump it through the signals in catalog/apps.py. A page rendered while a change
commits keeps the version it started under and is never served after the bump.

A second version, the *content version*, moves with every change but a vote's (`bump_content()`,
which moves the page version too): what pages derive from anything but the vote counters is kept
under it (config/derived.py), so that a vote, the most frequent change by far, leaves it in place.
`bump_on_commit()` moves both unless told that only vote counters changed.
"""

import hashlib
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from config.cache import kept_get, kept_set

VERSION_KEY = "pages:version"
CONTENT_VERSION_KEY = "pages:content-version"
SAFE_METHODS = ("GET", "HEAD")


def bump() -> None:
    """A new page version: every cached page is stale from now on, on every server."""
    kept_set(cache, VERSION_KEY, _new_version())


def bump_content() -> None:
    """A new content version and a new page version: every cached page is stale from now on, and
    so is everything kept under the content version (config/derived.py)."""
    versions = (VERSION_KEY, CONTENT_VERSION_KEY)
    cache.set_many({key: _new_version() for key in versions}, None)


def bump_on_commit(*, votes_only: bool = False) -> None:
    """Bump once the current transaction commits (at once outside a transaction): both versions,
    or with `votes_only` (nothing but vote counters changed) the page version alone."""
    transaction.on_commit(bump if votes_only else bump_content)


def current_version(key: str = VERSION_KEY) -> int:
    """The page version (or the content version), set now when the cache has none. With Redis,
    kept in each process and read again only once Redis says it changed (config.cache.
    WatchedKeys), so a page from this process's memory costs no round trip; else read from the
    cache each time."""
    version = kept_get(cache, key)
    if version is None:
        cache.add(key, _new_version(), None)
        version = kept_get(cache, key)
    return version


def _new_version() -> int:
    # A number: Django's Redis cache stores it as it is, and reading it back needs no unpickling.
    return secrets.randbits(62)


def cache_anonymous(view):
    """Mark a view whose anonymous GET responses may be served from the page cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.page_cacheable = True
        return view(request, *args, **kwargs)

    wrapper.page_cacheable = True  # what the middleware looks for before asking the cache
    return wrapper


def is_anonymous_visit(request) -> bool:
    """A GET with no session and no pending message: nothing on the page can be personal."""
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


@lru_cache(maxsize=4096)  # per process: resolving costs ~50 µs a time; paths are unbounded
def marked(path: str) -> bool:
    """Whether the view at `path` is marked `@cache_anonymous`."""
    try:
        return getattr(resolve(path).func, "page_cacheable", False)
    except Resolver404:
        return False


@receiver(setting_changed)
def _urls_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        marked.cache_clear()


def page_key(request, part: str = "page", language: str | None = None) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"{part}:{language or request.LANGUAGE_CODE}:{digest}"


class LocalPages:
    """What this process served lately (pages, fragments), kept beside the shared cache so that
    a hit costs no round trip for a 60 KB value nor its unpickling.

    An entry is used only under the version it was rendered for (current_version(), which Redis
    keeps true in every process), so every change still shows on the next request on every
    server; and no longer than PAGE_CACHE_SECONDS. Least recently used first out past `limit`
    bytes.
    """

    def __init__(self, limit: int):
        self.limit = limit
        # key -> (version, expires, value, size)
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, version):
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] != version or found[1] < time.monotonic():
                return None
            self.entries.move_to_end(key)
            return found[2]

    def put(self, key: str, version, value, size: int, seconds: float) -> None:
        if size > self.limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[3]
            self.entries[key] = (version, time.monotonic() + seconds, value, size)
            self.size += size
            while self.size > self.limit:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= dropped[3]


class LocalCopies(LocalPages):
    """LocalPages of pickled copies, for values a caller may change (rows, lists, filter sets:
    config/derived.py, the API's answers): each `fresh()` unpickles objects of the caller's own,
    as the shared cache gives, and the bytes kept are nothing the garbage collector walks (kept
    as objects, a few hundred fragments and filter sets, as they were then, made a worker's
    every full collection tens of milliseconds longer, a pause that every request waiting sat
    out). A value nothing changes, made of bytes and tuples, can be kept in LocalPages as it is
    (config/fragments.py)."""

    MISSING = object()

    def keep(self, key: str, version, value, seconds: float) -> None:
        copy = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self.put(key, version, copy, len(copy), seconds)

    def fresh(self, key: str, version, default=None):
        """A new copy of the value kept under `key` and `version`, else `default`."""
        copy = self.get(key, version)
        return default if copy is None else pickle.loads(copy)


LOCAL_PAGES = LocalPages(limit=32 * 1024 * 1024)


class AnonymousPageCacheMiddleware:
    """Answer anonymous visits from the page cache; store what marked views render for them.

    Sits first, inside only the request log: a hit skips every other middleware, and a stored
    response carries the headers they added (security headers, CSP, Vary, Content-Language)
    exactly as a fresh render does. The language in the key is the one LocaleMiddleware will
    choose (cookie, then Accept-Language); a page rendered in another is not stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "PAGE_CACHE_SECONDS", 0) or not is_anonymous_visit(request):
            return self.get_response(request)
        if not marked(request.path_info):  # the admin, forms, the API, static files …
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        key = page_key(request, language=language)
        version = current_version()
        cached = LOCAL_PAGES.get(key, version)
        if cached is None:
            cached = cache.get(key)
            if cached is None or cached[0] != version:
                cached = None
            else:
                LOCAL_PAGES.put(key, version, cached, len(cached[3]), settings.PAGE_CACHE_SECONDS)
        if cached is not None:
            return self._rebuild(cached)
        response = self.get_response(request)
        if self._storable(request, response, language):
            # All of it immutable: the collector soon stops walking a kept entry.
            entry = (version, response.status_code, tuple(response.items()), response.content)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            LOCAL_PAGES.put(key, version, entry, len(entry[3]), settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _storable(request, response, language) -> bool:
        """A marked view's plain 200 in the key's language that set no cookie and started no
        session."""
        session = getattr(request, "session", None)
        return (
            getattr(request, "page_cacheable", False)
            and response.status_code == 200
            and response.get("Content-Language") == language
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _rebuild(cached) -> HttpResponse:
        _version, status, headers, content = cached
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
