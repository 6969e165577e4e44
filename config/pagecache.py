"""Whole anonymous pages from the shared cache, and the version that makes every change show.

A view marked `@cache_anonymous` is rendered once per (scheme, host, path, query, language) and
then answered from the cache (Redis in production) to every visitor without a session or a
pending message: such pages hold nothing of the visitor (no CSRF token, no session touched).

Every stored page carries the page version it was rendered under; `bump()` sets a new version in
the same cache, so the next request on every app server renders afresh. reviews.services bump it
after each vote, review, helpful mark, report and moderation commits; catalog edits (the admin,
`load_seed`) bump it through the signals in catalog/apps.py. A page rendered while a change
commits keeps the version it started under and is never served after the bump.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

VERSION_KEY = "pages:version"
SAFE_METHODS = ("GET", "HEAD")


def bump() -> None:
    """A new page version: every cached page is stale from now on, on every server."""
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def bump_on_commit() -> None:
    """Bump once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(bump)


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY)
    return version


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


def marked(path: str) -> bool:
    """Whether the view at `path` is marked `@cache_anonymous` (Django caches the resolver)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "page_cacheable", False)


def page_key(request, part: str = "page", language: str | None = None) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"{part}:{language or request.LANGUAGE_CODE}:{digest}"


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
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or current_version()
        cached = found.get(key)
        if cached is not None and cached[0] == version:
            return self._rebuild(cached)
        response = self.get_response(request)
        if self._storable(request, response, language):
            cache.set(
                key,
                (version, response.status_code, list(response.items()), response.content),
                settings.PAGE_CACHE_SECONDS,
            )
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
