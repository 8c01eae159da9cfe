"""JSON logs with the fields the source plan's log pipeline expects: ``user_id``,
``request_id``, ``endpoint``, ``response_time``, ``error_code``, ``trace_id``."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry import trace

from pamtalk.context import request_id_var, user_id_var

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "taskName"}
_CONTEXT = ("request_id", "user_id", "trace_id")
_base_factory = logging.getLogRecordFactory()


def _record_with_context(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Capture the request context when a record is made (not when it is formatted,
    which may happen later or elsewhere)."""
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    record.user_id = user_id_var.get()
    span = trace.get_current_span().get_span_context()
    record.trace_id = format(span.trace_id, "032x") if span.is_valid else None
    return record


if getattr(_base_factory, "__name__", "") != "_record_with_context":
    logging.setLogRecordFactory(_record_with_context)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT:
            data[key] = getattr(record, key, None)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _CONTEXT and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "aio_pika", "aiormq"):
        logging.getLogger(noisy).setLevel("WARNING")
