"""``python -m pamtalk.migrate NAME|all [--url URL]``: apply each service's migrations.

The database URL comes from ``--url``, else ``PAMTALK_<NAME>_DATABASE_URL``, else
``PAMTALK_DATABASE_URL``, else the local default."""

from __future__ import annotations

import argparse
import os
import sys

from pamtalk.db.migrations import ROOT, upgrade

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/pamtalk"


def services_with_migrations() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/migrations/env.py"))


def url_for(service: str, given: str | None) -> str:
    return (
        given
        or os.environ.get(f"PAMTALK_{service.upper()}_DATABASE_URL")
        or os.environ.get("PAMTALK_DATABASE_URL")
        or DEFAULT_URL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", help="service name or 'all'")
    parser.add_argument("--url", help="database URL (postgresql+asyncpg://...)")
    args = parser.parse_args(argv)
    known = services_with_migrations()
    targets = known if args.service == "all" else [args.service]
    for name in targets:
        if name not in known:
            print(f"no migrations for service {name!r}; known: {', '.join(known)}", file=sys.stderr)
            return 2
        upgrade(name, url_for(name, args.url))
        print(f"migrated {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
