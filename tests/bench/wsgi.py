"""The benchmark's WSGI entry: the site, plus two baselines that only this module has.

Only `make bench` serves this module (gunicorn tests.bench.wsgi); production serves config.wsgi,
which has neither path.

- BARE, every page's baseline: Django at its barest. The same Django and the same gunicorn
  worker, a WSGIRequest, URL resolution and a view returning `HttpResponse("ok")`, but no
  middleware, so every page's figure is a share of what the framework itself allows.
- FLOOR, the vote's: a logged-in htmx POST through the site's whole middleware (its session
  and user read, its CSRF token checked) to a view that does nothing else and answers as many
  bytes as a vote does. What every vote pays before its own work: the vote's figures beside it
  tell the vote's own share from the framework's and the machine's.
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path
from django.views.decorators.http import require_POST

from tests.bench.baselines import BARE, FLOOR

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

VOTE_ANSWER_BYTES = 1742  # a vote's htmx answer: its widget, out of band


def bare(request):
    return HttpResponse("ok")


@require_POST
def floor(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return HttpResponse(b"x" * VOTE_ANSWER_BYTES)


urlpatterns = [path(BARE.lstrip("/"), bare), path(FLOOR.lstrip("/"), floor)]


class FloorHandler(WSGIHandler):
    """The site's WSGI handler, with its middleware, resolving against this module's URLs."""

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


class BareHandler(FloorHandler):
    """The same with no middleware."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


site = get_wsgi_application()
handlers = {BARE: BareHandler(), FLOOR: FloorHandler()}


def application(environ, start_response):
    handler = handlers.get(environ.get("PATH_INFO"), site)
    return handler(environ, start_response)
