"""What the manifests promise about each running pod holds in its container: the user, the
read-only root file system with a writable /tmp, no capabilities, no privilege escalation;
and every probe the manifests declare answers on its path and port."""

from __future__ import annotations

import json

import httpx
import pytest

from containers.play import Plan, PodPlan
from containers.stack import Runner
from tests.containers.conftest import pod

pytestmark = pytest.mark.integration
RUNNING = ["user", "farm", "prediction", "transaction", "blockchain", "notification", "gateway"]


def workload_spec(plan_pod: PodPlan) -> dict:
    workload = plan_pod.documents[-1]
    return workload["spec"] if workload["kind"] == "Pod" else workload["spec"]["template"]["spec"]


def exec_sh(runner: Runner, container: str, script: str) -> str:
    return runner.podman.run("exec", container, "sh", "-c", script).stdout.strip()


@pytest.mark.parametrize("name", RUNNING)
def test_running_pod_has_the_user_and_read_only_root_of_its_manifest(
    plan: Plan, runner: Runner, name: str
) -> None:
    the_pod = pod(plan, name)
    spec = workload_spec(the_pod)
    container = spec["containers"][0]
    uid = container.get("securityContext", {}).get("runAsUser", spec["securityContext"]["runAsUser"])
    assert exec_sh(runner, the_pod.container, "id -u") == str(uid)
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    verdict = exec_sh(
        runner, the_pod.container, "touch /written 2>&1 || true; touch /tmp/written && echo tmp-ok"
    )
    assert "Read-only file system" in verdict and verdict.endswith("tmp-ok")
    status = exec_sh(runner, the_pod.container, "grep -E '^(CapEff|NoNewPrivs)' /proc/1/status")
    assert "CapEff:\t0000000000000000" in status and "NoNewPrivs:\t1" in status
    inspected = json.loads(runner.podman.run("inspect", the_pod.container).stdout)[0]
    assert inspected["HostConfig"]["ReadonlyRootfs"] is True
    assert inspected["HostConfig"]["RestartPolicy"]["Name"] == "always"  # restartPolicy of a Deployment


@pytest.mark.parametrize(
    "name", ["user-migrate", "farm-migrate", "prediction-migrate", "notification-migrate"]
)
def test_migration_pods_ran_as_their_manifest_says(plan: Plan, runner: Runner, name: str) -> None:
    the_pod = pod(plan, name)
    assert runner.state(the_pod.container)[:2] == ("exited", 0)
    inspected = json.loads(runner.podman.run("inspect", the_pod.container).stdout)[0]
    assert inspected["Config"]["User"] == "10001:10001" and inspected["HostConfig"]["ReadonlyRootfs"] is True
    assert inspected["HostConfig"]["RestartPolicy"]["Name"] in ("", "no")  # restartPolicy: Never


@pytest.mark.parametrize("name", RUNNING)
def test_every_declared_probe_answers(plan: Plan, name: str) -> None:
    the_pod = pod(plan, name)
    assert {"livenessProbe", "readinessProbe"} <= set(the_pod.probes)
    for kind, probe in the_pod.probes.items():
        get = probe["httpGet"]
        answer = httpx.get(
            f"http://127.0.0.1:{get['port']}{get['path']}", timeout=probe.get("timeoutSeconds", 1)
        )
        assert 200 <= answer.status_code < 400, f"{name} {kind}: {answer.status_code} {answer.text}"
        if get["path"] == "/readyz":
            checks = answer.json()["checks"]
            assert checks["lifecycle"] == "ok" and set(checks.values()) == {"ok"}
            if name != "gateway":  # the dependencies are reported apart from readiness
                health = httpx.get(f"http://127.0.0.1:{get['port']}/health", timeout=5).json()
                assert health["dependencies"] == {"database": "ok", "redis": "ok", "broker": "ok"}
