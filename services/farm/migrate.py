"""The farm service's migration step, as its Kubernetes migration Job runs it: the schema's
migrations (``pamtalk.migrate farm``), then the shard map (services/farm/shards.py), so a shard
added to ``PAMTALK_FARM_SHARDS`` is in place before a new version serves (docs/kubernetes.md,
"Adding a shard"). ``python -m services.farm.migrate``"""

from __future__ import annotations

from pamtalk import migrate
from services.farm import shards


def main() -> int:
    return migrate.main(["farm"]) or shards.main([])


if __name__ == "__main__":
    raise SystemExit(main())
