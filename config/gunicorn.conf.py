"""gunicorn's own lines (start, workers, timeouts) in the site's log format: JSON in production.

gunicorn config.wsgi -c config/gunicorn.conf.py --bind 127.0.0.1:8000 --workers 4
"""

import os

from gunicorn.glogging import Logger

_format = os.environ.get(
    "LOG_FORMAT", "json" if os.environ.get("DJANGO_ENV") == "production" else "text"
)
_handler = {"class": "logging.StreamHandler", "formatter": _format, "stream": "ext://sys.stderr"}

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": _handler},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Each request is logged by the site itself (config.middleware), with its id.
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}


def post_worker_init(worker):
    """Load what Django otherwise loads on a worker's first requests (the URLconf with every
    view module and DRF behind it, the translation catalogs, the site's templates compiled, the
    URL patterns' reverse tables in each language): one slow answer, 100 ms and more, for
    whoever comes first after every start or restart. Then move everything the worker has
    loaded (Django, the site's modules, settings, URLs, templates) out of the garbage
    collector's sight: a full collection otherwise walks those 100,000-odd objects, tens of
    milliseconds during which the worker answers nobody (the slowest 1 % of requests under
    load). Objects made later, by requests, are collected as usual."""
    import gc
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports config.urls and all it includes)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # the language's catalogs, merged once per process
            reverse("catalog:ranking")  # the URL patterns' reverse table, one per language
    for directory in (Path(d) for engine in settings.TEMPLATES for d in engine["DIRS"]):
        for template in sorted(directory.rglob("*.html")):
            get_template(template.relative_to(directory).as_posix())  # compiled, kept
    gc.freeze()


class SiteLogger(Logger):
    """gunicorn's logger without access lines: the site logs each request itself, and gunicorn
    would otherwise build every request's access-log fields (its headers and all) for a logger
    that drops them."""

    def _compute_access_log_enabled(self):
        return False


logger_class = SiteLogger

# The workers' heartbeat, a file each touches on every request: in memory where the system has
# /dev/shm (as Docker and every Linux does), not on a disk whose metadata writes can stall them.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket (gunicorn 25.1 and later, for `gunicornc`): it sits at one path per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl), so two servers on one host (a
# blue-green switch, `make cluster-check`) take it from each other, and when they start together
# one logs an ERROR. The site is run with signals (HUP, TERM, TTIN/TTOU) instead.
control_socket_disable = True

# gunicorn's sync worker, but closing a connection at once when its request was read whole,
# instead of waiting for the client to close first (config/gunicorn_worker.py).
worker_class = "config.gunicorn_worker.SyncWorker"
