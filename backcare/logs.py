"""One JSON object a line, for Django's loggers and gunicorn's alike (no Django import: the
gunicorn master uses it before Django is loaded).

A saved session's code is a bearer key to it, so every message and path keeps only its first
four characters. Tracebacks are written for real server errors only: a client's bad request
(a warning, or an error from Django's `django.security.*` loggers) is one line.
"""

import json
import logging
import re
from urllib.parse import unquote

_CODE = re.compile(r"(/s/[A-Za-z0-9_-]{4})[A-Za-z0-9_-]{4,}")


def redact(text: str) -> str:
    """`/s/AbCdEfGhIjKl/step/2/` → `/s/AbCd…/step/2/`, also when the path is percent-encoded
    (`/%73/AbCd…`, or encoded twice, `/%2573/…`): a text with a code is logged decoded."""
    decoded = text
    for _ in range(4):  # each round undoes one layer of encoding
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    if decoded != text and _CODE.search(decoded):
        return _CODE.sub(r"\1…", decoded)
    return _CODE.sub(r"\1…", text)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, and what the record carries: `status`, an access log's
    `http` fields, and the error's traceback when it is a server error."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        entry |= getattr(record, "http", {})
        server_error = record.levelno >= logging.ERROR and not record.name.startswith(
            "django.security"
        )
        if record.exc_info and server_error:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
