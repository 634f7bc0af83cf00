"""JSON logs, one object a line, each with the request id of the request it belongs to.

Tracebacks go to the log (as a field), never to a client: api/middleware.py answers an
unexpected error with a fixed message and the request id to quote.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("supplygraph_request_id", default=None)

SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def new_request_id(offered: str | None) -> str:
    """The client's X-Request-Id when it is short and plain, else a fresh one."""
    if offered and SAFE_REQUEST_ID.match(offered):
        return offered
    return secrets.token_hex(16)  # what uuid4().hex gives (32 hex digits), without the UUID object


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in STANDARD and not key.startswith("_") and key != "color_message":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def log_config(fmt: str, *, level: str = "INFO") -> dict[str, Any]:
    """A logging dictConfig for our loggers and uvicorn's (handed to uvicorn as log_config)."""
    formatter = (
        {"()": f"{__name__}.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            "supplygraph": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # our middleware logs every request, with its id; uvicorn's access log would repeat it
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure(fmt: str) -> None:
    logging.config.dictConfig(log_config(fmt))
