"""How the rendered local overlay is turned into what ``podman kube play`` runs (no podman
needed): only what kube play refuses is rewritten, and what it cannot express is named."""

from __future__ import annotations

from containers.play import LEFT_OUT, Plan, PodPlan, plan
from gateway.routes import SERVICES
from k8s.config import REGISTRY
from tests.k8s.tools import rendered

PREFIX = "t1-"


def played() -> Plan:
    return plan(rendered("overlays/local"), prefix=PREFIX, tag="abc123")


def spec_of(pod: PodPlan) -> dict:
    workload = pod.documents[-1]
    return workload["spec"] if workload["kind"] == "Pod" else workload["spec"]["template"]["spec"]


def test_jobs_become_pods_that_run_once_and_deployments_stay_deployments() -> None:
    the_plan = played()
    assert [p.name for p in the_plan.migrations] == [f"{s.name}-migrate" for s in SERVICES]
    assert [p.name for p in the_plan.services] == [s.name for s in SERVICES]
    for pod in the_plan.migrations:
        assert pod.documents[-1]["kind"] == "Pod" and spec_of(pod)["restartPolicy"] == "Never"
        assert pod.pod == f"{PREFIX}{pod.name}" and pod.deadline == 600
    for pod in [*the_plan.services, the_plan.gateway]:
        assert pod.documents[-1]["kind"] == "Deployment" and pod.pod == f"{PREFIX}{pod.name}-pod-0"


def test_what_kube_play_refuses_is_rewritten_and_nothing_else() -> None:
    the_plan = played()
    farm = next(p for p in the_plan.services if p.name == "farm")
    spec = spec_of(farm)
    app = spec["containers"][0]
    assert "ports" not in app and farm.port == 8102  # no port mapping on the host network
    assert {probe["httpGet"]["port"] for probe in farm.probes.values()} == {8102}
    assert app["image"] == f"{REGISTRY}/farm:abc123"
    assert (
        app["securityContext"]["readOnlyRootFilesystem"] is True
        and spec["securityContext"]["runAsUser"] == 10001
    )
    assert app["envFrom"] == [
        {"configMapRef": {"name": f"{PREFIX}farm-config"}},
        {"secretRef": {"name": f"{PREFIX}farm-secrets"}},
    ]
    assert [d["metadata"]["name"] for d in farm.documents[:-1]] == [f"{PREFIX}farm-config"]
    # every pod's emptyDir has a volume of its own (kube play would share one named "tmp")
    tmp_volumes = {v["name"] for p in the_plan.pods for v in spec_of(p)["volumes"] if "emptyDir" in v}
    assert len(tmp_volumes) == sum(1 for p in the_plan.pods for v in spec_of(p)["volumes"] if "emptyDir" in v)
    assert app["volumeMounts"] == [{"name": f"{PREFIX}farm-tmp", "mountPath": "/tmp"}]
    assert set(farm.volumes) == {f"{PREFIX}farm-tmp"}
    gateway = the_plan.gateway
    assert f"{PREFIX}gateway-nginx" in gateway.volumes and gateway.port == 8080


def test_every_kind_kube_play_cannot_express_is_named() -> None:
    left_out = " ".join(played().left_out)
    for kind in LEFT_OUT:
        assert f"{kind} (" in left_out
    assert "0 replicas: the idle canaries" in left_out
