"""Every Kubernetes object is valid (strict schema of a current version) and the platform's
invariants hold in the base and in both overlays."""

from __future__ import annotations

import subprocess
import sys

import kubernetes_validate
import pytest
import yaml

from gateway.routes import SERVICES, k8s_service_name
from k8s.config import HPA_CPU, HPA_MAX, HPA_MIN, K8S, MEMORY_MI, REQUESTS
from tests.k8s.tools import FOLDERS, K8S_VERSION, of_kind, pod_spec, rendered

NAMES = [svc.name for svc in SERVICES]


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_object_validates_strictly(folder: str) -> None:
    objects = rendered(folder)
    assert len(objects) > 50
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']}: {path}: {exc.message}")


@pytest.mark.parametrize("folder", ["overlays/dev", "overlays/prod"])
def test_kubernetes_validate_cli_strict(folder: str, tmp_path) -> None:
    out = tmp_path / "rendered.yaml"
    out.write_text(yaml.safe_dump_all(rendered(folder)))
    cli = [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", "-k", K8S_VERSION, str(out)]
    proc = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARN" not in proc.stdout  # an unknown kind would only warn


def test_secret_templates_validate_and_hold_no_secret() -> None:
    for path in sorted((K8S / "secrets").glob("*.yaml")):
        (secret,) = [d for d in yaml.safe_load_all(path.read_text()) if d]
        kubernetes_validate.validate(secret, K8S_VERSION, strict=True)
        assert set(secret["stringData"].values()) == {"REPLACE-ME"}, path
    for folder in FOLDERS:  # no Secret is ever rendered from the repository
        assert not of_kind(rendered(folder), "Secret")


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_deployment_has_probes_resources_pdb_and_hpa(folder: str) -> None:
    objects = rendered(folder)
    deployments = of_kind(objects, "Deployment")
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(objects, "HorizontalPodAutoscaler").values()
    }
    pdbs = of_kind(objects, "PodDisruptionBudget").values()
    assert set(deployments) == {*NAMES, *(f"{n}-canary" for n in NAMES), "gateway"}
    for name, dep in deployments.items():
        spec = pod_spec(dep)
        for container in spec["containers"]:
            assert "livenessProbe" in container and "readinessProbe" in container, name
            assert container["resources"]["requests"] and container["resources"]["limits"], name
        assert name in hpas, f"{name} has no HPA"
        assert hpas[name]["apiVersion"] == "autoscaling/v2"
        labels = dep["spec"]["template"]["metadata"]["labels"]
        covering = [p for p in pdbs if p["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(covering) == 1, f"{name} needs exactly one PDB"
        assert "preStop" in spec["containers"][0]["lifecycle"], name
        keys = {t["topologyKey"] for t in spec["topologySpreadConstraints"]}
        assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}, name


def test_service_probes_and_the_source_plans_numbers() -> None:
    objects = rendered("base")
    deployments = of_kind(objects, "Deployment")
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    for name in NAMES:
        app = pod_spec(deployments[name])["containers"][0]
        assert app["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
        request, limit = MEMORY_MI[name]  # measured per service (docs/performance.md)
        assert app["resources"] == {
            "requests": {"cpu": "250m", "memory": f"{request}Mi"},
            "limits": {"cpu": "500m", "memory": f"{limit}Mi"},
        }
        assert limit <= 512 and request < limit
        assert app["ports"][0]["containerPort"] == 8000
        hpa = hpas[name]["spec"]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (HPA_MIN, HPA_MAX) == (3, 50)
        targets = {
            m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["metrics"]
        }
        assert targets["cpu"] == HPA_CPU == 70
        # memory is a safety net near the limit, never below what a pod keeps (its request)
        assert 100 < targets["memory"] and targets["memory"] * request / 100 < limit
    # models load in the prediction service: its startup probe waits for /readyz
    prediction = pod_spec(deployments["prediction"])["containers"][0]
    assert prediction["startupProbe"]["httpGet"]["path"] == "/readyz"
    budget = prediction["startupProbe"]["periodSeconds"] * prediction["startupProbe"]["failureThreshold"]
    assert budget >= 120


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_container_runs_as_root_or_writes_its_image(folder: str) -> None:
    for kind in ("Deployment", "Job"):
        for name, obj in of_kind(rendered(folder), kind).items():
            spec = pod_spec(obj)
            assert spec["securityContext"]["runAsNonRoot"] is True, name
            assert spec["securityContext"]["runAsUser"] > 0, name
            assert spec["automountServiceAccountToken"] is False, name
            for container in spec["containers"]:
                sc = container["securityContext"]
                assert sc["runAsNonRoot"] is True and sc["readOnlyRootFilesystem"] is True, name
                assert sc["allowPrivilegeEscalation"] is False, name
                assert sc["capabilities"]["drop"] == ["ALL"], name


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_image_tag_is_pinned(folder: str) -> None:
    for kind in ("Deployment", "Job"):
        for name, obj in of_kind(rendered(folder), kind).items():
            for container in pod_spec(obj)["containers"]:
                image = container["image"]
                tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
                assert "@sha256:" in image or (tag and tag != "latest"), f"{name}: {image}"


@pytest.mark.parametrize("folder", ["overlays/dev", "overlays/prod"])
def test_canary_alias_is_mapped_to_the_real_repository(folder: str) -> None:
    deployments = of_kind(rendered(folder), "Deployment")
    for name in NAMES:
        stable = pod_spec(deployments[name])["containers"][0]["image"]
        canary = pod_spec(deployments[f"{name}-canary"])["containers"][0]["image"]
        assert canary.rsplit(":", 1)[0] == stable.rsplit(":", 1)[0]
        assert not canary.startswith("canary/")


def test_services_match_the_route_table_and_the_gateway_config() -> None:
    objects = rendered("base")
    services = of_kind(objects, "Service")
    conf = of_kind(objects, "ConfigMap")["gateway-nginx"]["data"]["nginx.conf"]
    for name in NAMES:
        for canary in (False, True):
            svc = services[k8s_service_name(name, canary=canary)]
            assert svc["spec"]["ports"][0]["port"] == 8000
            assert svc["spec"]["selector"]["pamtalk.io/track"] == ("canary" if canary else "stable")
        assert f"server {k8s_service_name(name)}:8000" in conf


def test_migration_job_per_service() -> None:
    jobs = of_kind(rendered("overlays/prod"), "Job")
    assert set(jobs) == {f"{n}-migrate" for n in NAMES}
    for name in NAMES:
        container = pod_spec(jobs[f"{name}-migrate"])["containers"][0]
        # the farm's Job also applies the shard map, after its migrations (a shard added to the
        # map is in place before a new version serves)
        farm = ["python", "-m", "services.farm.migrate"]
        assert container["command"] == (farm if name == "farm" else ["python", "-m", "pamtalk.migrate", name])
        assert container["image"] == "registry.pamtalk.example/pamtalk/migrate:0.1.0"
        assert jobs[f"{name}-migrate"]["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"


def test_overlays_differ_in_replicas_resources_and_hosts() -> None:
    dev, prod = rendered("overlays/dev"), rendered("overlays/prod")
    dev_dep, prod_dep = of_kind(dev, "Deployment"), of_kind(prod, "Deployment")
    assert dev_dep["farm"]["spec"]["replicas"] == 1 and prod_dep["farm"]["spec"]["replicas"] == 10
    assert dev_dep["farm-canary"]["spec"]["replicas"] == 0
    dev_req = pod_spec(dev_dep["farm"])["containers"][0]["resources"]["requests"]
    prod_req = pod_spec(prod_dep["farm"])["containers"][0]["resources"]["requests"]
    assert dev_req["cpu"] == "100m" and prod_req["cpu"] == REQUESTS["cpu"]
    assert dev_req["memory"] == prod_req["memory"]  # what a process holds: the same everywhere
    hosts = {
        env: of_kind(objs, "Ingress")["gateway"]["spec"]["rules"][0]["host"]
        for env, objs in (("dev", dev), ("prod", prod))
    }
    assert hosts["dev"] != hosts["prod"]
    zone = pod_spec(prod_dep["farm"])["topologySpreadConstraints"][0]
    assert (
        zone["topologyKey"] == "topology.kubernetes.io/zone" and zone["whenUnsatisfiable"] == "DoNotSchedule"
    )
