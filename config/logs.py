"""Log records as one JSON object per line, each carrying the id of the request it belongs to."""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="-")

# Request fields that config.middleware passes with `extra=`; copied when present.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request's id ("-" outside a request)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, the request fields, and any exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        entry.update(
            {field: getattr(record, field) for field in REQUEST_FIELDS if hasattr(record, field)}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
