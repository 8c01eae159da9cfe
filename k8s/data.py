"""The data tier's production form: PostgreSQL clusters run by the CloudNativePG operator
(``postgresql.cnpg.io/v1`` ``Cluster``) in namespace ``pamtalk-data``.

- ``pamtalk-db``: the primary and two streaming hot standbys (``instances: 3``). The operator
  gives each cluster three Services: ``<cluster>-rw`` (the primary, whichever instance it is
  after a failover), ``<cluster>-ro`` (the standbys only) and ``<cluster>-r`` (any). A
  service's ``PAMTALK_<SERVICE>_DATABASE_URL`` names ``pamtalk-db-rw`` and its
  ``PAMTALK_<SERVICE>_REPLICA_URL`` ``pamtalk-db-ro``: its replica reads go to the standbys
  (pamtalk/db/replica.py), its writes follow the primary through a failover.
- ``pamtalk-farm-shard-2``: the second farm shard (docs/kubernetes.md, "Data tier").

Written to ``k8s/data/postgres.yaml``; not part of the kustomize base (the operator and its
CRDs are installed once per cluster): ``kubectl apply -f k8s/data/`` after the operator.
"""

from __future__ import annotations

from typing import Any

from k8s import config as c

Obj = dict[str, Any]

OPERATOR_VERSION = "1.25.0"  # CloudNativePG, the release these resources were written for
POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:16.6"
MAIN_CLUSTER = "pamtalk-db"
SHARD_CLUSTERS = ("pamtalk-farm-shard-2",)
DATABASE = "pamtalk"

# The settings that matter for the figures, as gateway/postgresql.conf sets them locally.
PARAMETERS = {
    "max_connections": "300",
    "shared_buffers": "512MB",
    "wal_keep_size": "1GB",
    "hot_standby_feedback": "on",
    "max_standby_streaming_delay": "30s",
}


def read_write_host(cluster: str = MAIN_CLUSTER) -> str:
    return f"{cluster}-rw.{c.DATA_NAMESPACE}.svc"


def read_only_host(cluster: str = MAIN_CLUSTER) -> str:
    return f"{cluster}-ro.{c.DATA_NAMESPACE}.svc"


# The ledger's commits wait for one standby (the blockchain service sets synchronous_commit
# = on for its sessions; every other service's commits return once on the primary, "local").
# "preferred": with no standby ready, the operator names none, so the ledger goes on on the
# primary alone instead of stopping (gateway/sync_standby.py does the same for `make up`).
SYNCHRONOUS = {"method": "any", "number": 1, "dataDurability": "preferred"}


def cluster(name: str, instances: int, storage: str, role: str) -> Obj:
    postgresql: Obj = {"parameters": PARAMETERS}
    bootstrap: Obj = {"database": DATABASE, "owner": DATABASE}
    if role == "primary":
        # The farm shards are postgres_fdw foreign partitions of this cluster's farm tables:
        # the extension is made here (by the superuser) and the application owner, which runs
        # the farm's migration Job, may use it (services/farm/shards.py).
        bootstrap["postInitApplicationSQL"] = [
            "CREATE EXTENSION IF NOT EXISTS postgres_fdw",
            f"GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO {DATABASE}",
        ]
        postgresql = {"parameters": {**PARAMETERS, "synchronous_commit": "local"}, "synchronous": SYNCHRONOUS}
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {
            "name": name,
            "namespace": c.DATA_NAMESPACE,
            "labels": {**c.labels(name, component="database"), "pamtalk.io/data-role": role},
        },
        "spec": {
            "instances": instances,
            "imageName": POSTGRES_IMAGE,
            "primaryUpdateStrategy": "unsupervised",
            "postgresql": postgresql,
            "bootstrap": {"initdb": bootstrap},
            "storage": {"size": storage},
            "walStorage": {"size": "20Gi"},
            "resources": {
                "requests": {"cpu": "1", "memory": "2Gi"},
                "limits": {"cpu": "2", "memory": "4Gi"},
            },
            "affinity": {"enablePodAntiAffinity": True, "topologyKey": "kubernetes.io/hostname"},
            "monitoring": {"enablePodMonitor": True},
        },
    }


def data_objects() -> list[Obj]:
    """The main cluster (primary + 2 standbys) and the farm shards (primary + 1 standby)."""
    main = cluster(MAIN_CLUSTER, 3, "100Gi", "primary")
    shards = [cluster(name, 2, "100Gi", "farm-shard") for name in SHARD_CLUSTERS]
    return [main, *shards]
