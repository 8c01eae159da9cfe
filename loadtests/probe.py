"""Which endpoints of the mix exist on the target, from the services' OpenAPI documents.

Both run modes serve ``/openapi/<service>.json`` (the embedded host itself, nginx by proxy).
An endpoint whose path is in no document is left out of the run and reported, and its
share goes to the others of its category (``mix.effective_shares``): the tool works while
services are still being built and grows with them. Without any document (another kind of
gateway) every endpoint is tried.
"""

from __future__ import annotations

import re

import httpx

from loadtests.mix import MIX

SERVICES = ("user", "farm", "prediction", "transaction", "blockchain", "notification")
_PARAM = re.compile(r"\{[^}]*\}")


def _norm(path: str) -> str:
    return _PARAM.sub("{}", path.split("?")[0])


def documented(host: str, timeout: float = 10.0) -> tuple[dict[str, set[str]], list[str]]:
    """(method -> normalized paths, services that answered) from every service's document."""
    paths: dict[str, set[str]] = {}
    found = []
    with httpx.Client(base_url=host, timeout=timeout) as client:
        for name in SERVICES:
            try:
                r = client.get(f"/openapi/{name}.json")
            except httpx.HTTPError:
                continue
            if r.status_code != 200 or "paths" not in r.text:
                continue
            found.append(name)
            for path, item in r.json().get("paths", {}).items():
                for method in item:
                    paths.setdefault(method.upper(), set()).add(_norm(path))
    return paths, found


def missing(paths: dict[str, set[str]]) -> dict[str, str]:
    """Endpoint key -> why it is left out, for the mix's endpoints no document has."""
    if not paths:
        return {}
    out = {}
    for endpoint in MIX:
        method, path = endpoint.name.split(" ", 1)
        if _norm(path) not in paths.get(method, set()):
            out[endpoint.key] = f"{endpoint.name} is in no service's OpenAPI document"
    return out
