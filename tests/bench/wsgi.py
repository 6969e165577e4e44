"""The benchmark's WSGI entry: the site, plus the bare baseline view at BARE_PATH.

Only `make bench` serves this module (gunicorn tests.bench.wsgi); production serves config.wsgi,
which has no such path. The baseline is Django at its barest: the same Django and the same
gunicorn worker, a WSGIRequest, URL resolution and a view returning `HttpResponse("ok")`, but no
middleware, so every page's figure is a share of what the framework itself allows.
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BARE_PATH = "/__bench__/bare"


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path(BARE_PATH.lstrip("/"), bare)]


class BareHandler(WSGIHandler):
    """A WSGI handler with no middleware, resolving against this module's URLs."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


site = get_wsgi_application()
bare_handler = BareHandler()


def application(environ, start_response):
    handler = bare_handler if environ.get("PATH_INFO") == BARE_PATH else site
    return handler(environ, start_response)
