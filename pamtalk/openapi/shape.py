"""A service's OpenAPI document as partners need it, shaped once here for every service
(the app factory applies it to FastAPI's document):

- every error answer is the shared ``Problem`` (FastAPI's own validation-error schema goes);
- the statuses every operation can answer are declared where they occur: 400 and 413 with a
  body, 422 with any input, 401 with a token, 404 with an id in the path, 503 always;
- public reads that also take a token say so: ``security: [{}, {bearerAuth: []}]``;
- the headers the platform sends are described: ``X-Request-ID`` on every answer,
  ``Retry-After`` on 429/503, ``ETag``/``Cache-Control`` with ``If-None-Match`` and 304 on
  cacheable reads, ``Idempotent-Replayed`` where an ``Idempotency-Key`` is taken;
- the platform's vocabularies (crop, region, grade ...) are one named enum each;
- ``operationId`` is the endpoint's name in camelCase (``create_trade`` -> ``createTrade``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from pamtalk.openapi.components import (
    API_VERSION,
    BEARER,
    HEADERS,
    OPTIONAL_BEARER,
    PROBLEM_MEDIA_TYPE,
    REF,
    SCHEMAS,
    header_refs,
    problem_response,
)
from pamtalk.vocabulary import NAMED

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_FASTAPI_VALIDATION = REF + "HTTPValidationError"


def operation_id(route: APIRoute) -> str:
    """``generate_unique_id_function`` of every service: the endpoint's name in camelCase."""
    head, *rest = route.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every operation of ``doc``."""
    return [
        (path, method, op)
        for path, item in doc.get("paths", {}).items()
        for method, op in item.items()
        if method in METHODS
    ]


def shape(doc: dict[str, Any]) -> dict[str, Any]:
    """Shape a service's document in place (see the module's doc) and return it."""
    doc["info"]["version"] = API_VERSION
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for fastapi_own in ("HTTPValidationError", "ValidationError"):
        schemas.pop(fastapi_own, None)
    schemas.update(SCHEMAS)
    components["headers"] = dict(HEADERS)
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from POST /api/v1/auth/login (15 minutes; renew with "
            "POST /api/v1/auth/refresh)",
        }
    }
    for _, method, op in operations(doc):
        _security(op)
        _errors(op)
        _headers(op, method)
        op["responses"] = dict(sorted(op["responses"].items()))
    name_enums(doc)
    schemas.update(
        {name: {"type": "string", "enum": list(values), "title": name} for name, values in NAMED.items()}
    )
    _drop_unused_enums(doc)
    return doc


def _security(op: dict[str, Any]) -> None:
    names = {name for requirement in op.get("security", []) for name in requirement}
    if not names:
        op.pop("security", None)
    elif OPTIONAL_BEARER in names and BEARER not in names:
        op["security"] = [{}, {BEARER: []}]  # public: a token is taken (and checked) when sent
    else:
        op["security"] = [{BEARER: []}]


def _errors(op: dict[str, Any]) -> None:
    responses: dict[str, Any] = op["responses"]
    for code, response in list(responses.items()):
        media = response.get("content", {})
        schema = media.get("application/json", {}).get("schema", {})
        if schema.get("$ref") == _FASTAPI_VALIDATION or PROBLEM_MEDIA_TYPE in media:
            responses[code] = {**problem_response(int(code)), **_own_description(response)}
    params = op.get("parameters", [])
    statuses: set[int] = {503}
    if params or "requestBody" in op:
        statuses.add(422)
    if "requestBody" in op:
        statuses |= {400, 413}
    if "security" in op:
        statuses.add(401)
    if any(p.get("in") == "path" for p in params):
        statuses.add(404)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in params):
        statuses.add(412)
    for status in sorted(statuses):
        responses.setdefault(str(status), problem_response(status))


def _own_description(response: dict[str, Any]) -> dict[str, Any]:
    """A route's own description of an error (kept), not FastAPI's or a default one."""
    text = response.get("description", "")
    if (
        not text
        or text == "Validation Error"
        or text.replace(" ", "-")
        .lower()
        .startswith(
            ("bad-request", "unauthenticated", "forbidden", "not-found", "conflict", "precondition-failed")
        )
    ):
        return {}
    return {"description": text}


def _headers(op: dict[str, Any], method: str) -> None:
    params: list[dict[str, Any]] = op.setdefault("parameters", [])
    names = {p["name"].lower() for p in params if p.get("in") == "header"}
    responses: dict[str, Any] = op["responses"]
    cacheable = method == "get" and "304" in responses
    if cacheable and "if-none-match" not in names:
        params.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of the copy you have: 304 (no body) while it is current",
                "schema": {"type": "string"},
            }
        )
    if not params:
        op.pop("parameters")
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        headers.update(header_refs("X-Request-ID"))
        if status == "304" or (cacheable and status == "200"):
            headers.update(header_refs("ETag"))
        if method == "get" and status in ("200", "304"):
            headers.update(header_refs("Cache-Control"))
        if status.startswith("2") and "idempotency-key" in names:
            headers.update(header_refs("Idempotent-Replayed"))


def name_enums(node: Any) -> None:
    """Replace every enum of one of the named vocabularies by a reference to its component."""
    wanted = {frozenset(values): name for name, values in NAMED.items()}
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and frozenset(values) in wanted:
            node.clear()  # the description stays with the property or parameter
            node["$ref"] = REF + wanted[frozenset(values)]
            return
        for value in node.values():
            name_enums(value)
    elif isinstance(node, list):
        for value in node:
            name_enums(value)


def _drop_unused_enums(doc: dict[str, Any]) -> None:
    text = repr(doc["paths"]) + repr(
        {k: v for k, v in doc["components"]["schemas"].items() if k not in NAMED}
    )
    for name in NAMED:
        if f"'{REF}{name}'" not in text:
            doc["components"]["schemas"].pop(name)


def shape_openapi(app: FastAPI) -> None:
    """Serve ``app``'s document shaped (built once, on first use)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = shape(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
