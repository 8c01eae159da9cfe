"""The platform's one OpenAPI document (the gateway's ``/openapi.json``), kept in the repo.

    python -m gateway.openapi --write      # regenerate openapi/pamtalk.json from the services
    python -m gateway.openapi --check      # exit 1 when it differs from the code, or is invalid (CI)
    python -m gateway.openapi --breaking   # exit 1 on a change that breaks clients of the last
                                           # released document, unless the major version grew
    python -m gateway.openapi --release    # keep the current document as released (openapi/released/)

``make openapi`` writes, ``make sdk`` generates the partner SDK from the written document.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate

from gateway.routes import SERVICES
from pamtalk.openapi.breaking import breaking_changes
from pamtalk.openapi.combine import combine

ROOT = Path(__file__).resolve().parents[1]
CURRENT = ROOT / "openapi" / "pamtalk.json"
RELEASED = ROOT / "openapi" / "released"


def service_documents() -> dict[str, dict[str, Any]]:
    """Each service's shaped document, from its app (nothing is started)."""
    return {svc.name: importlib.import_module(svc.module).create_app().openapi() for svc in SERVICES}


def document() -> dict[str, Any]:
    return combine(service_documents())


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


def last_released() -> dict[str, Any] | None:
    """The released document with the highest version, if any was released."""
    found = sorted(RELEASED.glob("pamtalk-*.json"), key=lambda p: [int(x) for x in p.stem[8:].split(".")])
    return json.loads(found[-1].read_text()) if found else None


def breaking(doc: dict[str, Any]) -> list[str]:
    """Changes that break clients of the last released document, unless ``doc``'s major
    version is higher than that document's."""
    released = last_released()
    if released is None or _major(doc["info"]["version"]) > _major(released["info"]["version"]):
        return []
    return breaking_changes(released, doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write openapi/pamtalk.json")
    mode.add_argument(
        "--check", action="store_true", help="exit 1 if the committed document is stale or invalid"
    )
    mode.add_argument("--breaking", action="store_true", help="exit 1 on breaking changes since the release")
    mode.add_argument("--release", action="store_true", help="keep the current document as released")
    args = parser.parse_args(argv)
    doc = document()
    validate(doc)  # raises with the first violation of the OpenAPI 3.1 schema
    text = dumps(doc)
    if args.write:
        CURRENT.parent.mkdir(parents=True, exist_ok=True)
        CURRENT.write_text(text)
        print(
            f"wrote {CURRENT.relative_to(ROOT)} (version {doc['info']['version']}, {len(doc['paths'])} paths)"
        )
        return 0
    if args.check:
        if not CURRENT.is_file() or CURRENT.read_text() != text:
            print(f"{CURRENT.relative_to(ROOT)} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    if args.release:
        RELEASED.mkdir(parents=True, exist_ok=True)
        target = RELEASED / f"pamtalk-{doc['info']['version']}.json"
        target.write_text(text)
        print(f"released {target.relative_to(ROOT)}")
        return 0
    problems = breaking(doc)
    for line in problems:
        print(f"breaking: {line}", file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} breaking change(s) since the last release: keep the contract, or raise "
            "the major version (pamtalk/openapi/components.py API_VERSION)",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
