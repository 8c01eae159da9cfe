"""The data tier in the manifests: CloudNativePG clusters (a primary with two streaming
standbys; the second farm shard), and every service's Secret naming both the read-write
and the read-only Service of the main cluster."""

from __future__ import annotations

from pathlib import Path

import yaml

from gateway.routes import SERVICES
from k8s import data
from k8s.config import DATA_NAMESPACE

ROOT = Path(__file__).resolve().parents[2]


def clusters() -> dict[str, dict]:
    docs = list(yaml.safe_load_all((ROOT / "k8s" / "data" / "postgres.yaml").read_text()))
    return {doc["metadata"]["name"]: doc for doc in docs}


def test_the_main_cluster_has_a_primary_and_two_streaming_standbys() -> None:
    main = clusters()[data.MAIN_CLUSTER]
    assert (main["apiVersion"], main["kind"]) == ("postgresql.cnpg.io/v1", "Cluster")
    assert main["metadata"]["namespace"] == DATA_NAMESPACE
    assert main["spec"]["instances"] == 3
    assert main["spec"]["postgresql"]["parameters"]["hot_standby_feedback"] == "on"
    assert ":" in main["spec"]["imageName"] and not main["spec"]["imageName"].endswith(":latest")


def test_each_farm_shard_is_a_cluster_with_a_standby() -> None:
    found = clusters()
    for name in data.SHARD_CLUSTERS:
        assert found[name]["spec"]["instances"] >= 2, name


def test_every_service_secret_names_the_database_and_its_read_replica() -> None:
    for svc in SERVICES:
        secret = yaml.safe_load((ROOT / "k8s" / "secrets" / f"{svc.name}-secrets.template.yaml").read_text())
        prefix = f"PAMTALK_{svc.name.upper()}_"
        assert {prefix + "DATABASE_URL", prefix + "REPLICA_URL"} <= set(secret["stringData"]), svc.name


def test_the_documentation_names_the_operators_services() -> None:
    text = (ROOT / "docs" / "kubernetes.md").read_text()
    assert data.read_write_host() in text and data.read_only_host() in text


def test_the_ledger_commits_wait_for_one_standby_and_nothing_else_does() -> None:
    """The blockchain service asks for synchronous_commit = on; the cluster names one standby
    synchronous ("any" 1), keeps every other session at "local", and goes on without a standby
    rather than stopping the ledger ("preferred"); a farm shard has no ledger and no wait."""
    main = clusters()[data.MAIN_CLUSTER]["spec"]["postgresql"]
    assert main["synchronous"] == {"method": "any", "number": 1, "dataDurability": "preferred"}
    assert main["parameters"]["synchronous_commit"] == "local"
    for name in data.SHARD_CLUSTERS:
        assert "synchronous" not in clusters()[name]["spec"]["postgresql"], name
