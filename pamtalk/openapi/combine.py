"""The one OpenAPI document of the platform, as the gateway serves it (``/openapi.json``):
every service's paths, their components merged (a name means one schema everywhere: two
services giving one name two shapes is an error), the ``servers`` partners call, a tag group
per service, and the answers the gateway gives itself on every operation (414, 429, 502,
504; 413 for bodies over its limit)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pamtalk.openapi.components import API_VERSION, problem_response
from pamtalk.openapi.shape import operations

GATEWAY_STATUSES = (414, 429, 502, 504)
SERVERS = [
    {"url": "https://api.pamtalk.kr", "description": "production"},
    {"url": "http://localhost:8080", "description": "make up: the distributed mode behind nginx"},
    {"url": "http://localhost:8000", "description": "make run: the embedded platform"},
]
DESCRIPTION = """Every PAM-TALK service behind one gateway, in one document.

- **Errors** are RFC 9457 problem documents (`application/problem+json`, schema `Problem`) with
  a stable `type` (`https://pamtalk.kr/problems/<name>`), the `request_id` and, for invalid
  input, the field `errors`. Bad input is a 4xx and writes nothing.
- **Auth**: `POST /api/v1/auth/login` gives a 15-minute access token (send it as
  `Authorization: Bearer <token>`) and a refresh token. Public reads (farms, forecasts, the
  dashboard, the ledger) need no token; where they take one, it is checked.
- **Retried writes** take an `Idempotency-Key`: the same key and request give the first answer
  again (`Idempotent-Replayed: true`), the same key with another request is a 422.
- **Caching**: cacheable reads send `ETag` and `Cache-Control`; send `If-None-Match` for a 304.
- Every answer carries `X-Request-ID`; 429 and 503 carry `Retry-After`.
- Lists are keyset pages: `{items, next_cursor}`; pass `cursor=<next_cursor>` for the next.
"""


class ConflictingSchemas(ValueError):
    """Two services describe one component name with two shapes."""


def combine(docs: Mapping[str, dict[str, Any]], *, version: str = API_VERSION) -> dict[str, Any]:
    """The platform's document from each service's shaped document (``{service: doc}``)."""
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    tags: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for service, original in docs.items():
        doc = copy.deepcopy(original)
        for path, item in doc["paths"].items():
            if path in paths:
                raise ConflictingSchemas(f"{path} is served by two services")
            paths[path] = item
        for kind, entries in doc.get("components", {}).items():
            merged = components.setdefault(kind, {})
            for name, value in entries.items():
                if name in merged and merged[name] != value:
                    raise ConflictingSchemas(f"components.{kind}.{name} differs between services ({service})")
                merged[name] = value
        own = [t["name"] for t in doc.get("tags", [])]
        used = sorted({t for _, _, op in operations(doc) for t in op.get("tags", [])} - set(own))
        tags += doc.get("tags", []) + [{"name": name} for name in used]
        groups.append({"name": service, "tags": own + used})
    combined: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "PAM-TALK API", "version": version, "description": DESCRIPTION},
        "servers": SERVERS,
        "paths": paths,
        "components": {kind: dict(sorted(entries.items())) for kind, entries in sorted(components.items())},
        "tags": tags,
        "x-tagGroups": groups,
    }
    for _, _, op in operations(combined):
        for status in GATEWAY_STATUSES:
            op["responses"].setdefault(str(status), problem_response(status))
        op["responses"] = dict(sorted(op["responses"].items()))
    return combined
