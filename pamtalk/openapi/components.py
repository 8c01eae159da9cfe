"""The components every PAM-TALK OpenAPI document shares: the ``Problem`` document of every
error answer (RFC 9457, with the field ``errors``), the response headers the platform sends,
the bearer security scheme and the API version."""

from __future__ import annotations

from typing import Any

# The version of the partner contract (``info.version`` of every document and of the SDK).
# Semantic: a breaking change to the combined document needs a new major version
# (``python -m gateway.openapi --breaking`` compares with the last released document).
API_VERSION = "1.0.0"

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER = "bearerAuth"  # the access token (required)
OPTIONAL_BEARER = "bearerAuthOptional"  # marks public reads that also take a token; folded into BEARER

REF = "#/components/schemas/"
HEADER_REF = "#/components/headers/"

SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "description": "One invalid input: where it is, and what is wrong with it.",
        "required": ["field", "in", "message"],
        "properties": {
            "field": {"type": "string", "description": "dotted path of the field, e.g. esg.water_usage"},
            "in": {"type": "string", "description": "body, query, path or header"},
            "message": {"type": "string"},
            "code": {"type": "string", "description": "a stable machine-readable reason"},
        },
    },
    "Problem": {
        "title": "Problem",
        "type": "object",
        "description": "An error answer (RFC 9457 problem details, application/problem+json). `type` is "
        "stable: https://pamtalk.kr/problems/<name>, e.g. not-found, validation-error, "
        "idempotency-key-reused, invalid-transition. Some problems carry more members.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "https://pamtalk.kr/problems/<name>"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "the path of the request"},
            "request_id": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "description": "as the X-Request-ID header: quote it when reporting a problem",
            },
            "errors": {"type": "array", "items": {"$ref": REF + "FieldError"}},
        },
    },
}


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": _header(
        "The id of this request (the client's own X-Request-ID if it sent a valid one): in every "
        "log line and problem document of the request"
    ),
    "Retry-After": _header("Seconds to wait before sending the request again", {"type": "integer"}),
    "WWW-Authenticate": _header('The scheme to authenticate with: Bearer realm="pamtalk"'),
    "ETag": _header("Version of the representation: send it as If-None-Match (or If-Match to edit)"),
    "Cache-Control": _header("How long the answer may be kept and by whom (public or private, max-age)"),
    "Location": _header("The URL of the resource made (or of the job accepted)"),
    "Idempotent-Replayed": _header(
        "true when this is the first response to this Idempotency-Key again (nothing was written)",
        {"type": "string", "enum": ["true"]},
    ),
}

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The body is not JSON the service can read (undecodable, or nested too deep)",
    401: "No access token, or one that is expired, revoked or not ours",
    403: "The caller may not do this (role or ownership)",
    404: "Not found (or not visible to the caller)",
    409: "Conflicts with the current state (e.g. a move the resource's status does not allow)",
    412: "If-Match did not match the current version",
    413: "The request body is larger than the service reads",
    414: "The request line (URL) is longer than the gateway reads",
    422: "Invalid input: the problem's `errors` name each field (also a reused Idempotency-Key)",
    429: "Too many requests: wait Retry-After seconds",
    500: "An unexpected failure on our side; nothing was changed",
    502: "The gateway could not reach the service",
    503: "A service this request needs is briefly unavailable; nothing was changed: retry after Retry-After",
    504: "The service did not answer the gateway in time",
}
RETRY_STATUSES = (429, 503)


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    """A response whose body is the shared ``Problem``."""
    headers: dict[str, Any] = header_refs("X-Request-ID")
    if status in RETRY_STATUSES:
        headers["Retry-After"] = {"$ref": HEADER_REF + "Retry-After"}
    if status == 401:
        headers["WWW-Authenticate"] = {"$ref": HEADER_REF + "WWW-Authenticate"}
    return {
        "description": description or ERROR_DESCRIPTIONS.get(status, "Error"),
        "headers": headers,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF + "Problem"}}},
    }


def header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": HEADER_REF + name} for name in names}


# For a route's ``responses``: a 201 (or 202) that names what it made in ``Location``.
def with_location(status: int = 201) -> dict[int | str, dict[str, Any]]:
    return {status: {"headers": header_refs("Location")}}
