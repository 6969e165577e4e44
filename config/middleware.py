"""Project middleware: request ids and one log line per request, requests turned away before any
view runs (NUL), the Permissions-Policy header, and the client's address behind our proxies."""

import functools
import logging
import os
import re
import time

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.logs import request_id_var

logger = logging.getLogger("pywebrank.request")

# An id from the proxy is kept only if it is short and plain, so it cannot forge log lines.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestLogMiddleware:
    """Give each request an id (the proxy's X-Request-ID when sane), echo it, log the outcome."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # From META: request.headers would build a mapping of every header for one of them.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if REQUEST_ID.match(incoming) else os.urandom(16).hex()
        # Kept until the response is sent, so Django's own lines about it carry the id too.
        request_id_var.set(request.id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def forget_request_id(**kwargs):
    request_id_var.set("-")


request_finished.connect(forget_request_id, dispatch_uid="pywebrank-forget-request-id")


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's, with the policy's headers built once per process rather than on every
    response. No page here uses a nonce or changes the policy (csp_update, csp_replace,
    csp_exempt and the like), so every response carries the same headers; a response that does
    either still gets its own from django-csp."""

    # Set on a response by django-csp's decorators; checked on the response as django-csp does.
    _PER_VIEW = (
        "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
        "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
    )  # fmt: skip

    def process_response(self, request, response):
        headers = _csp_headers()
        if (
            headers is None
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._PER_VIEW)
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them
        for name, value in headers:
            if name not in response:
                response[name] = value
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _csp_headers() -> tuple[tuple[str, str], ...] | None:
    """The headers of settings' policy (and report-only policy), as django-csp builds them; None
    when a policy excludes some paths (EXCLUDE_URL_PREFIXES): django-csp decides per request."""
    names = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    policies = [getattr(settings, name, None) or {} for name in names]
    if any(policy.get("EXCLUDE_URL_PREFIXES") for policy in policies):
        return None
    headers = []
    for name, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
        value = build_policy(report_only=report_only)
        if value:
            headers.append((name, value))
    return tuple(headers)


@receiver(setting_changed, dispatch_uid="pywebrank-csp-headers")
def _csp_settings_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_headers.cache_clear()


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class RejectNulMiddleware:
    """A NUL character in the path or a query parameter is a 400, on every page and the admin.

    No page needs one, and PostgreSQL refuses it in text ("cannot contain NUL"), so a lookup
    with it would otherwise end in a database error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _has_nul(request):
            return self.get_response(request)
        message = _("The address contains a NUL character, which no page on this site accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [message]}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
