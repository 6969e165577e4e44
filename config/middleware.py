"""Requests turned away before any view runs."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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
