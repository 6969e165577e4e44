"""gunicorn's own lines (start, workers, timeouts) in the site's log format: JSON in production.

gunicorn config.wsgi -c config/gunicorn.conf.py --bind 127.0.0.1:8000 --workers 4
"""

import os

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
