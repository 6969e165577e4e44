"""Project middleware: request ids and one log line per request, requests turned away before any
view runs (NUL), the Permissions-Policy header, and the client's address behind our proxies."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished
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
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
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
