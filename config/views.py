"""Project-level views: sign-up and the plain-text endpoints."""

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import CreateView

from config import limits
from config.forms import SignupForm
from config.http import safe_next
from reviews import services

logger = logging.getLogger(__name__)

# Crawlers stay out of curation, accounts, the API (same data as the pages, throttled) and every
# POST endpoint.
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/i18n/",
    "/lang/",
    "/api/",
    "/frameworks/*/vote/",
    "/frameworks/*/review/",
    "/reviews/",
]


class SignupView(CreateView):
    """Create an account, log it in and go back to `next` (a safe one) or the ranking."""

    form_class = SignupForm
    template_name = "registration/signup.html"

    def form_valid(self, form):
        # Only accounts actually made count against the address's RATE_SIGNUP.
        wait = limits.seconds_to_wait(self.request, "signup")
        if wait is not None:
            return limits.too_many(self.request, wait)
        response = super().form_valid(form)
        services.standing_create(user=self.object, address=limits.client_address(self.request))
        login(self.request, self.object, backend="config.auth.CachedModelBackend")
        messages.success(
            self.request, _("Welcome, %(name)s! You can vote now.") % {"name": self.object}
        )
        return response

    def get_success_url(self):
        return safe_next(self.request) or reverse("catalog:ranking")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request), **kwargs)


@require_safe
@never_cache
def switch_language(request, code):
    """Remember the chosen language in its cookie and go back to a safe `next`.

    A plain link (GET) is enough: it changes only a preference, so pages need no form and no
    CSRF token for it, and anonymous pages stay cacheable (the cache key holds the language).
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    response = HttpResponseRedirect(safe_next(request, reverse("catalog:ranking")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@never_cache
def healthz(request):
    """200 when the database answers `SELECT 1`, else 503; no session, no cookie, no template."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: the database does not answer", exc_info=True)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request, reason=""):
    """A failed CSRF check in the site's own 403 page, saying what to do about it."""
    message = _(
        "This form had expired or came from another site, so nothing was saved. Go back, reload "
        "the page and try again."
    )
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception):
    """The site's 404 page; under /api/ the API's own JSON 404, like the rest of the API."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: 429 and what to do, in the visitor's language."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


# A violation report is small; anything bigger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024


@csrf_exempt
@require_POST
def csp_report(request):
    """Log a browser's Content-Security-Policy violation report (report-uri) and answer 204."""
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    logger.warning(
        "CSP violation: %s blocked %s on %s",
        str(report.get("violated-directive", ""))[:200],
        str(report.get("blocked-uri", ""))[:200],
        str(report.get("document-uri", ""))[:200],
    )
    return HttpResponse(status=204)
